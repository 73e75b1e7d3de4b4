"""The handbook PDF is printed in a child process while the site is built: it is the PDF of the
very handbook page (with its style sheets and images) the build publishes, whichever way the
child starts, and a failed build leaves no child behind."""
from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

import pytest
from helpers import BASE_URL, options
from processes import child_of_killed_build, children, generator, niceness
from registry_edits import small_registry
from training_content import make_content

from generator import pdf, pool
from generator.build import build
from generator.cache import CacheDir
from generator.problems import BuildError, Problems


def _opts(tmp_path: Path, **changes):
    project = tmp_path / "project"
    project.mkdir(exist_ok=True)
    (project / "posyandu.yaml").write_text(small_registry(), encoding="utf-8")
    return options(tmp_path / "site", data=(project / "posyandu.yaml",), content=make_content(project),
                   search=False, **changes)


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_the_handbook_is_the_pdf_of_the_published_page(tmp_path: Path, method: str):
    build(_opts(tmp_path, start_method=method))
    site = tmp_path / "site"
    published = (site / pdf.HANDBOOK_PDF).read_bytes()
    problems = Problems()
    printed_here = pdf.handbook_pdf(site, BASE_URL, CacheDir(None), problems)
    assert not problems.items
    assert published.startswith(b"%PDF") and published == printed_here
    assert not multiprocessing.active_children()


def test_a_failed_build_stops_the_printing(tmp_path: Path):
    templates = tmp_path / "templates"
    opts = _opts(tmp_path, templates=templates)
    source = Path(options(tmp_path).templates)
    for path in source.rglob("*"):
        if path.is_file():
            target = templates / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    (templates / "home.html").write_text("{% if %}", encoding="utf-8")
    with pytest.raises(BuildError):
        build(opts)
    assert not multiprocessing.active_children()
    assert not (tmp_path / "site").exists()


def test_an_interrupt_while_the_printing_starts_leaves_no_staging_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Ctrl+C while the handbook page renders and its printing starts (the preview's Ctrl+C
    once came then, under load) gives up the staging folder like any other step."""
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt
    monkeypatch.setattr(pdf, "start", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(_opts(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project"]
    assert not multiprocessing.active_children()


def test_the_printing_dies_with_a_killed_build(tmp_path: Path):
    """The child that prints the handbook starts with the publishing and dies with the build."""
    build_process = generator("build", "--out", str(tmp_path / "site"), "--no-search",
                              "--cache", str(tmp_path / "cache"), "--base-url", BASE_URL)
    started, ended = child_of_killed_build(build_process, lambda: children(build_process.pid), 2)
    assert started, "a child starts"
    assert ended, "the printing child lives on"


def test_the_page_workers_yield_the_cpu_to_the_printer_while_it_prints(tmp_path: Path):
    """A cold build with training modules prints the handbook beside the page workers; they
    run at a lower priority than the printer (the longest step) and the build."""
    build_process = generator("build", "--out", str(tmp_path / "site"), "--no-search",
                              "--cache", str(tmp_path / "cache"), "--base-url", BASE_URL,
                              "--jobs", "2")
    seen: dict[int, int] = {}
    while build_process.poll() is None:
        for child in children(build_process.pid):
            nice = niceness(child)
            if nice is not None:
                seen[child] = max(nice, seen.get(child, nice))
        time.sleep(0.02)
    assert build_process.returncode == 0, build_process.stderr.read()
    own = niceness(os.getpid())
    assert sorted(seen.values()).count(own) == 1, f"one child, the printer, at {own}: {seen}"
    assert own + pool.YIELD_NICENESS in seen.values(), f"page workers at +5: {seen}"


@pytest.mark.parametrize("printing", [False, True])
def test_a_worker_is_niced_only_while_the_handbook_prints(tmp_path: Path, printing: bool):
    job = pool.Job([], None, "", None, options(tmp_path).templates, None,  # type: ignore[arg-type]
                   yield_cpu=printing)
    with pool.workers(1, "fork", pool._start, (job,)) as workers:
        nice = workers.submit(os.nice, 0).result()
    assert nice == os.nice(0) + (pool.YIELD_NICENESS if printing else 0)
