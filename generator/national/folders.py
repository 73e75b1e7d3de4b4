"""Folders of the national site replaced as a whole."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..write import replace_folder


def swap_folder(source: Path, target: Path) -> None:
    """Put the folder ``source`` in place of ``target`` in one step (the old one removed)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.stat().st_dev != target.parent.stat().st_dev:  # e.g. a cache on another disk
        incoming = target.parent / f".{target.name}.incoming"
        shutil.rmtree(incoming, ignore_errors=True)
        shutil.copytree(source, incoming)
        source = incoming
    replace_folder(source, target)


def link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
