"""Write the site into a staging folder and swap it in only when the whole build succeeded.

A file whose bytes are the same as in the previous build is hard-linked from the previous
output instead of written again (creating files is the slow part of a build on many disks).
The previous output's digests come from a manifest kept in the cache folder.
"""
from __future__ import annotations

import ctypes
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

from .cache import CacheDir, write_atomically
from .output import MARKER, MARKER_TEXT, real_path

_RENAME_EXCHANGE = 2  # renameat2(2) flag
_AT_FDCWD = -100


class Staging:
    """A folder beside the output that becomes the output on commit, or vanishes on failure."""

    def __init__(self, out: Path, cache: Path | None = None) -> None:
        """Start staging for ``out``. The caller holds the lock of ``out`` (generator.lock),
        so staging and old folders of ``out`` found here are left by killed builds."""
        self.out = real_path(out)
        self.out.parent.mkdir(parents=True, exist_ok=True)
        _recover(self.out)
        self.dir = self.out.parent / f".{self.out.name}.staging-{os.getpid()}"
        self.dir.mkdir()
        self.manifest = self.manifest_path(self.out, CacheDir(cache))
        previous = self._read_manifest()
        self.previous: dict[str, str] = previous.get("files", {})
        self.previous_keys: dict[str, str] = previous.get("keys", {})
        self.digests: dict[str, str] = {}
        self.keys: dict[str, str] = {}
        self.folders: set[Path] = set()  # folders of staging made (or found) by this process

    @staticmethod
    def manifest_path(out: Path, cache: CacheDir) -> Path | None:
        """Where the digests of the files of ``out`` are kept between builds."""
        return cache.manifest(real_path(out))

    def _read_manifest(self) -> dict[str, dict[str, str]]:
        """The digests of the previous output, trusted only when the output's marker names
        the same build (a build killed between writing the manifest and swapping the folders
        leaves a manifest that describes no output)."""
        if not (self.manifest and self.manifest.exists() and self.out.is_dir()):
            return {}
        try:
            manifest = json.loads(self.manifest.read_text(encoding="utf-8"))
            marker = (self.out / MARKER).read_text(encoding="utf-8")
        except (OSError, ValueError):
            return {}
        if not isinstance(manifest, dict) or marker != _marker(manifest.get("id", "")):
            return {}
        return manifest

    def reuse(self, rel: str, key: str) -> bool:
        """Link ``rel`` from the previous output if it was made from the same inputs (``key``)."""
        digest = self.previous.get(rel)
        if digest is None or self.previous_keys.get(rel) != key:
            return False
        target = self.dir / rel
        self._folder(target.parent)
        try:
            os.link(self.out / rel, target)
        except OSError:
            return False
        self.digests[rel], self.keys[rel] = digest, key
        return True

    def write(self, rel: str, data: str | bytes, key: str | None = None) -> None:
        """Write one file, relative to the site root (linked if unchanged since last build);
        ``key`` names the inputs it was made from, for ``reuse`` in the next build. A path is
        written once: a second write is a bug of the build (two steps making one file), not a
        replacement (as Pelican's writer refuses to overwrite what it wrote)."""
        if rel in self.digests:
            raise ValueError(f"{rel} was already written by this build")
        if isinstance(data, str):
            data = data.encode("utf-8")
        target = self.dir / rel
        self._folder(target.parent)
        target.unlink(missing_ok=True)  # never write through a link into the previous output
        digest = hashlib.sha256(data).hexdigest()
        self.digests[rel] = digest
        if key:
            self.keys[rel] = key
        old = self.out / rel
        if self.previous.get(rel) == digest and self._link(old, target, len(data)):
            return
        target.write_bytes(data)

    def _folder(self, folder: Path) -> None:
        """Make ``folder`` in staging unless this process made it already (one mkdir per
        folder, not per file)."""
        if folder not in self.folders:
            folder.mkdir(parents=True, exist_ok=True)
            self.folders.add(folder)

    @staticmethod
    def _link(old: Path, target: Path, size: int) -> bool:
        try:
            if old.stat().st_size != size:
                return False
            os.link(old, target)
            return True
        except OSError:
            return False

    def record(self, files: Iterable[tuple[str, str, str]]) -> None:
        """Remember files another process wrote into the staging folder: (path, digest, key)."""
        for rel, digest, key in files:
            self.digests[rel], self.keys[rel] = digest, key

    def unchanged(self, selected: Callable[[str], bool]) -> bool:
        """Whether every ``selected`` file is as in the previous build (none added or
        removed)."""
        now = {k: v for k, v in self.digests.items() if selected(k)}
        before = {k: v for k, v in self.previous.items() if selected(k)}
        return bool(now) and now == before

    def reuse_tree(self, rel: str) -> bool:
        """Link a whole folder of the previous output (e.g. the search index) into staging."""
        source = self.out / rel
        if not source.is_dir():
            return False
        for path in sorted(source.rglob("*")):
            if path.is_file():
                target = self.dir / rel / path.relative_to(source)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.link(path, target)
        return True

    def copy_tree(self, source: Path, rel: str) -> None:
        """Copy a folder of static files (sorted, so that the order never varies)."""
        for path in sorted(source.rglob("*")):
            if path.is_file():
                self.write(f"{rel}/{path.relative_to(source).as_posix()}", path.read_bytes())

    def commit(self) -> None:
        """Put the staging folder in place of the output in one step, and remember its digests.

        Crash-safe at every instant: the manifest of the new output is written first and names
        the build by a digest of its files, which the marker file inside the new output repeats;
        the folders are then exchanged in one atomic rename. A kill before the exchange leaves
        the old output with a marker the manifest does not match (so the next build trusts
        nothing of it); a kill after it leaves the new output and its manifest."""
        ident = hashlib.sha256(json.dumps(self.digests, sort_keys=True).encode()).hexdigest()
        (self.dir / MARKER).write_text(_marker(ident), encoding="utf-8")
        if self.manifest:
            write_atomically(self.manifest, json.dumps(
                {"id": ident, "files": self.digests, "keys": self.keys},
                sort_keys=True).encode("utf-8"))
        replace_folder(self.dir, self.out)

    def discard(self) -> None:
        """Remove the staging folder; the previous output stays as it was."""
        shutil.rmtree(self.dir, ignore_errors=True)


def _marker(ident: str) -> str:
    return f"{MARKER_TEXT}build {ident}\n"


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one atomic step (Linux renameat2); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    errno = ctypes.get_errno()
    if errno in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: this file system cannot
        return False
    raise OSError(errno, os.strerror(errno), str(b))


def replace_folder(source: Path, target: Path) -> None:
    """Put the folder ``source`` in place of ``target`` and remove the old one. Where the
    folders cannot be exchanged atomically, ``target`` is missing for the instant between two
    renames; a kill there is undone by the next build (``_recover``)."""
    if not target.exists():
        source.rename(target)
        return
    if not _exchange(source, target):
        old = target.parent / f".{target.name}.old-{os.getpid()}"
        target.rename(old)
        source.rename(target)
        source = old
    shutil.rmtree(source, ignore_errors=True)


def _recover(out: Path) -> None:
    """Undo what a killed build of ``out`` left: put back an output that was moved aside
    (see ``replace_folder``) and remove staging and old folders."""
    leftovers = sorted(out.parent.glob(f".{out.name}.old-*"))
    if not out.exists() and leftovers:
        leftovers.pop().rename(out)
    for stale in [*leftovers, *out.parent.glob(f".{out.name}.staging-*")]:
        shutil.rmtree(stale, ignore_errors=True)
