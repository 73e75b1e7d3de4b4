"""Where a build may write: never over its own inputs, never over a folder it did not make.

Every site this generator writes holds a marker file (``MARKER``); an existing folder without
one is somebody else's and is left alone.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .i18n import _
from .problems import BuildError, Problems

MARKER = ".posyandu-site"
MARKER_TEXT = ("This folder is written by the Posyandu site generator (python -m generator build)"
               " and replaced on every build.\n")


def build_marker(ident: str) -> str:
    """The marker file's text in the site of the build ``ident`` (a digest of its files)."""
    return f"{MARKER_TEXT}build {ident}\n"


def real_path(path: Path) -> Path:
    """``path`` with symbolic links resolved as far as they go (a link loop is left as it is,
    for the reader of that input to report)."""
    return Path(os.path.realpath(path))


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_output(out: Path, inputs: Iterable[Path], folders: Iterable[Path], label: str,
                 legacy: bool = False) -> None:
    """Raise BuildError unless ``out`` may be replaced: it must not be, contain or lie inside
    an input folder (``folders``: content, templates, cache, data folders), must not be or
    contain an input file or the project root (``inputs``), and an existing folder there must
    be a site this generator made (``legacy``: made by an older version, known from the cache)."""
    problems = Problems()
    target = real_path(out)
    hint = _("choose another --out, e.g. --out site")
    for folder in sorted({real_path(f) for f in folders}):
        if _within(target, folder) or _within(folder, target):
            problems.add(label, 0, "--out", _("the output would replace the input folder "
                                              "{folder}").format(folder=folder), hint)
    for path in sorted({real_path(p) for p in inputs}):
        if _within(path, target):
            problems.add(label, 0, "--out",
                         _("the output would replace the input {path}").format(path=path), hint)
    if not problems:
        if os.path.lexists(target) and not target.is_dir():  # a file, or a dangling link
            problems.add(label, 0, "--out",
                         _("{path} is a file, not a folder").format(path=target), hint)
        elif (target.is_dir() and not (target / MARKER).is_file() and not legacy
              and any(target.iterdir())):
            problems.add(label, 0, "--out", _(
                "the folder {folder} was not made by this generator (it has no {marker} file) "
                "and would be replaced").format(folder=target, marker=MARKER),
                _("choose another --out, or empty or remove that folder yourself"))
    if problems:
        raise BuildError(problems)
