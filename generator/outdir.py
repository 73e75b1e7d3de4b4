"""The output folder as the user named it (--out): a folder that cannot be made is a problem
to report, not a traceback."""
from __future__ import annotations

from pathlib import Path

from .problems import BuildError, Problems
from .write import Staging


def open_staging(out: Path, cache: Path | None) -> Staging:
    """A staging folder beside ``out``; BuildError naming ``out`` when it cannot be made (the
    folder above is a file, is read-only, or the disk is full)."""
    try:
        return Staging(out, cache)
    except OSError as exc:
        problems = Problems()
        problems.add(str(out), 1, "(--out)", f"cannot be written: {exc.strerror}",
                     f"the site is made beside it, so {out.resolve().parent} must be a folder "
                     "that exists or can be created, and can be written")
        raise BuildError(problems) from None
