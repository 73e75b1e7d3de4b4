"""The output folder as the user named it (--out): a folder that cannot be made is a problem
to report, not a traceback."""
from __future__ import annotations

from pathlib import Path

from .i18n import _
from .problems import BuildError, Problems
from .write import Staging


def open_staging(out: Path, cache: Path | None) -> Staging:
    """A staging folder beside ``out``; BuildError naming ``out`` when it cannot be made (the
    folder above is a file, is read-only, or the disk is full)."""
    try:
        return Staging(out, cache)
    except OSError as exc:
        raise unwritable(out, exc) from None


def unwritable(out: Path, exc: OSError) -> BuildError:
    """The problem of an output folder that cannot be made or written beside."""
    above = next(p for p in out.parents if p.exists())  # "." or "/" at the latest
    reason = (_("{path} is a file, not a folder").format(path=str(above)) if not above.is_dir()
              else exc.strerror or "")
    problems = Problems()
    problems.add(str(out), 1, "(--out)", _("cannot be written: {reason}").format(reason=reason),
                 _("the site is made in a folder beside it, so the folder above must exist "
                   "or be possible to create, and be writable"))
    return BuildError(problems)
