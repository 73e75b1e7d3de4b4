"""Double buffering of the output: the site a commit replaces is kept as the spare, and the next
build brings the spare up to date in place instead of making a new tree, so a one-entry rebuild
does file-system work only for the files that changed in its last two builds.

The spare lives in the cache folder (``spare-<name>/``, never inside a published folder: a
kabupaten of a national site keeps its spare in its own cache), beside its manifest
(``spare-<name>.pickle``: the build's id and the digest of each file). It is trusted only when the
manifest's id is the one its marker file repeats, and taken out of place (renamed into the
staging folder) before any file of it is touched: a build killed while updating it leaves no
spare, only a staging folder that the next build removes, and that build starts from a new
staging folder as without a spare. The spare's unchanged files are hard links shared with the
live site, so a file of the spare is never written through: a changed file's link is removed
and a new file made in its place.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from .cache import read_pickle, write_pickle
from .output import MARKER, build_marker

MANIFEST = "spare"  # what the pickle of a spare's manifest is valid for (cache.read_pickle)
TREES = ("pagefind",)  # folders made whole by a tool (not file by file): not kept in a spare


class Spare:
    """The spare tree of the output ``out``: the folder ``folder`` and its ``manifest``, in
    the cache (cache.CacheDir.spare)."""

    def __init__(self, folder: Path, manifest: Path, out: Path) -> None:
        self.dir, self.manifest, self.out = folder, manifest, out
        self.usable = _same_device(folder.parent, out.parent)

    def adopt(self, staging: Path) -> dict[str, str]:
        """Move the spare to ``staging`` and return the digests of its files; {} (and no
        folder at ``staging``) when there is no spare this build can trust."""
        files = self._read() if self.usable else None
        if not files:
            self.drop()
            return {}
        self.dir.rename(staging)
        for tree in TREES:
            shutil.rmtree(staging / tree, ignore_errors=True)
        return files

    def _read(self) -> dict[str, str] | None:
        manifest = read_manifest(self.manifest, MANIFEST, self.dir)
        files = manifest.get("files") if manifest else None
        return files if isinstance(files, dict) else None

    def keep(self, replaced: Path, ident: str, files: dict[str, str]) -> None:
        """Keep the tree ``replaced`` (the output before the commit: build ``ident``, whose
        files have the digests ``files``) as the spare; removed instead where it cannot be."""
        if not (self.usable and ident and files):
            shutil.rmtree(replaced, ignore_errors=True)
            return
        self.drop()
        write_manifest(self.manifest, MANIFEST, {"id": ident, "files": files, "out": str(self.out)})
        replaced.rename(self.dir)

    def drop_if_orphaned(self) -> None:
        """Remove the spare when the output it was kept for is gone (its files would take
        a site's room in the cache for nothing)."""
        out = (read_pickle(self.manifest, MANIFEST) or {}).get("out")
        if not (isinstance(out, str) and os.path.isdir(out)):
            self.drop()

    def drop(self) -> None:
        """Remove the spare (its folder first: a manifest without a folder describes none)."""
        if os.path.lexists(self.dir):
            shutil.rmtree(self.dir, ignore_errors=True)
        self.manifest.unlink(missing_ok=True)


def read_manifest(path: Path, salt: str, folder: Path) -> dict[str, Any] | None:
    """The manifest kept at ``path`` for ``salt`` (an output's, a spare's), trusted only when
    the marker file inside ``folder`` names the same build; None when it is missing, damaged or
    of another build (one killed between writing the manifest and swapping the folders)."""
    manifest = read_pickle(path, salt)
    try:
        marker = (folder / MARKER).read_text(encoding="utf-8")
    except OSError:
        return None
    if manifest is None or marker != build_marker(str(manifest.get("id", ""))):
        return None
    return manifest


def write_manifest(path: Path, salt: str, manifest: dict[str, Any]) -> None:
    """Keep ``manifest`` at ``path`` for ``salt``, as ``read_manifest`` reads it (and remove the
    JSON manifest that versions before 2026-12 kept beside it)."""
    write_pickle(path, salt, manifest)
    path.with_suffix(".json").unlink(missing_ok=True)


def _same_device(a: Path, b: Path) -> bool:
    """Whether folders can be renamed between ``a`` and ``b`` (one file system)."""
    try:
        a.mkdir(parents=True, exist_ok=True)
        return a.stat().st_dev == b.stat().st_dev
    except OSError:
        return False
