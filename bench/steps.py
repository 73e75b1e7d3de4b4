"""Wall-clock seconds of each named step of one build (generator/build.py's step functions).

Usage: python bench/steps.py build [BUILD OPTIONS]   (the options of ``python -m generator build``)

Prints one line, e.g. ``load=0.48 plan=0.13 render_pages=4.59 ... commit=0.01 total=10.47``.
Steps that run beside others (the handbook PDF, Pagefind) show only as the time the build
waits for them (``write_training_files``; Pagefind within ``total``); ``render_pages`` is the
time this process spends rendering and waiting for the page workers, not the steps it does
while they render (``copy_assets``, ``write_open_data``). For where the time goes
inside the worker processes, use py-spy: ``py-spy record --subprocesses -f raw -o OUT --
python -m generator build ...``.
"""
from __future__ import annotations

import contextlib
import functools
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from generator import __main__ as cli  # noqa: E402 (the project's own code, found above)
from generator import build, pool, write  # noqa: E402

STEPS = ("load", "plan", "copy_assets", "start_search_index", "write_open_data",
         "write_site_files", "write_training_files", "check_links")


def timed(owner: Any, name: str, seconds: dict[str, float]) -> None:
    """Replace ``owner.name`` by a wrapper that adds its wall time to ``seconds[name]``."""
    real: Callable[..., Any] = getattr(owner, name)

    @functools.wraps(real)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - started

    setattr(owner, name, wrapper)


def timed_context(owner: Any, name: str, step: str, seconds: dict[str, float]) -> None:
    """Replace the context manager ``owner.name`` by one that adds the wall time of its entry
    and of its exit (not of the body) to ``seconds[step]``."""
    real: Callable[..., Any] = getattr(owner, name)

    @contextlib.contextmanager
    @functools.wraps(real)
    def wrapper(*args: Any, **kwargs: Any) -> Iterator[Any]:
        started = time.perf_counter()
        with real(*args, **kwargs) as value:
            seconds[step] = seconds.get(step, 0.0) + time.perf_counter() - started
            yield value
            started = time.perf_counter()
        seconds[step] += time.perf_counter() - started

    setattr(owner, name, wrapper)


def main(argv: list[str]) -> int:
    """Run ``python -m generator ARGV`` with its steps timed; print them."""
    seconds: dict[str, float] = {}
    for name in STEPS:
        timed(build, name, seconds)
    timed_context(pool, "rendering", "render_pages", seconds)
    timed(write.Staging, "commit", seconds)
    started = time.perf_counter()
    status = cli.main(argv)
    seconds["total"] = time.perf_counter() - started
    print(" ".join(f"{name}={value:.2f}" for name, value in seconds.items()))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
