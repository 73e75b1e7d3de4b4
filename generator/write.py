"""Write the site into a staging folder and swap it in only when the whole build succeeded.

A file whose bytes are the same as in the previous build is hard-linked from the previous
output instead of written again (creating files is the slow part of a build on many disks).
The previous output's digests come from a manifest kept in the cache folder. With a cache, the
output a commit replaces is kept as the spare (generator.spare) and becomes the next build's
staging folder: only the files that differ from it are written, linked or removed.
"""
from __future__ import annotations

import contextlib
import ctypes
import functools
import hashlib
import os
import pickle
import posixpath
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .cache import CacheDir
from .output import MARKER, build_marker, real_path
from .spare import TREES, Spare, read_manifest, write_manifest

MANIFEST = "manifest"  # what the pickle of a manifest is valid for (cache.read_pickle)
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
        self.cache = CacheDir(cache)
        self.manifest = self.manifest_path(self.out, self.cache)
        previous = self._read_manifest()
        self.previous: dict[str, str] = previous.get("files", {})
        self.previous_keys: dict[str, str] = previous.get("keys", {})
        self.previous_id = str(previous.get("id", ""))
        # what the link check of the previous output recorded (links.checked_record), if any,
        # and what this build's records once its links are found whole
        self.previous_checked: object = previous.get("checked")
        self.checked: dict[str, object] | None = None
        spare = self.cache.spare(self.out)
        self.spare = Spare(*spare, self.out) if spare else None
        # the files staging holds before this build writes any (those of the spare), by digest
        self.present: dict[str, str] = self.spare.adopt(self.dir) if self.spare else {}
        if not self.present:
            self.dir.mkdir()
        self.digests: dict[str, str] = {}
        self.keys: dict[str, str] = {}
        # folders of staging (relative to it) made or found by this process
        self.folders: set[str] = {"", *map(posixpath.dirname, self.present)}
        self._root = f"{os.fspath(self.dir)}/"  # file names of the hot path, without pathlib

    @staticmethod
    def manifest_path(out: Path, cache: CacheDir) -> Path | None:
        """Where the digests of the files of ``out`` are kept between builds."""
        return cache.manifest(real_path(out))

    def _read_manifest(self) -> dict[str, Any]:
        """The digests of the previous output, trusted only when the output's marker names
        the same build (spare.read_manifest)."""
        if not (self.manifest and self.out.is_dir()):
            return {}
        return read_manifest(self.manifest, MANIFEST, self.out) or {}

    def reuse(self, rel: str, key: str) -> bool:
        """Link ``rel`` from the previous output if it was made from the same inputs (``key``)."""
        digest = self.previous.get(rel)
        if digest is None or self.previous_keys.get(rel) != key:
            return False
        if self.present.get(rel) != digest:
            try:
                self._put(rel, functools.partial(os.link, self.out / rel))
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
        content = data.encode("utf-8") if isinstance(data, str) else data
        digest = hashlib.sha256(content).hexdigest()
        self.digests[rel] = digest
        if key:
            self.keys[rel] = key
        if self.present.get(rel) == digest:
            return  # the spare holds these bytes already
        if self.previous.get(rel) == digest:  # unchanged since the output: linked from it
            self._put(rel, functools.partial(_link_or_create, self.out / rel, content))
        else:
            self._put(rel, functools.partial(_create, content=content))

    def _put(self, rel: str, make: Callable[[str], None]) -> None:
        """Let ``make`` create the file ``rel`` of staging, as a new file: it fails with
        FileExistsError where anything is at its path. A file already there (the spare's, or
        one ``reuse_tree`` linked) is a hard link shared with the live site: it is removed
        and a new file made, never written through. No rename is needed for that: staging is
        no one's site, and a build killed or failing while writing keeps no spare of it."""
        target = self._root + rel
        try:
            self._folder(posixpath.dirname(rel))
        except (FileExistsError, NotADirectoryError):  # the spare has a file there
            self._clear(rel)
            self._folder(posixpath.dirname(rel))
        if rel not in self.present:
            try:
                make(target)  # nothing can be there in a fresh folder: no look first
                return
            except FileExistsError:  # a file reuse_tree linked, or a folder of the spare
                if os.path.isdir(target):
                    self._clear(rel)
        self.present.pop(rel, None)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(target)
        make(target)

    def _clear(self, rel: str) -> None:
        """Make room for the file ``rel`` where the spare (two builds old) has a file in place
        of one of its folders, or a folder in its place."""
        parts = rel.split("/")
        for above in ("/".join(parts[:i]) for i in range(1, len(parts))):
            if above in self.present:
                (self.dir / above).unlink()
                del self.present[above]
        if (self.dir / rel).is_dir():
            shutil.rmtree(self.dir / rel)
            inside = rel + "/"
            self.present = {k: v for k, v in self.present.items() if not k.startswith(inside)}
            self.folders = {f for f in self.folders if f != rel and not f.startswith(inside)}

    def prune(self) -> None:
        """Remove the files of the spare that this build did not make, and the folders left
        empty: called once every file made from the inputs is written, before anything reads
        the staging folder as a whole (the search index, the service worker, the link check).
        A file written after it is made anew (linked from the output when unchanged)."""
        stale = sorted(set(self.present) - set(self.digests))
        folders: set[str] = set()
        for rel in stale:
            (self.dir / rel).unlink(missing_ok=True)
            del self.present[rel]
            folder = posixpath.dirname(rel)
            while folder and folder not in folders:
                folders.add(folder)
                folder = posixpath.dirname(folder)
        for folder in sorted(folders, key=lambda f: f.count("/"), reverse=True):
            try:
                os.rmdir(self.dir / folder)  # only when empty
            except OSError:
                continue
            self.folders.discard(folder)

    def _folder(self, folder: str) -> None:
        """Make ``folder`` (relative) in staging unless this process made or found it already
        (one mkdir per folder, not per file)."""
        if folder in self.folders:
            return
        path = self._root + folder
        try:
            os.mkdir(path)
        except FileNotFoundError:  # its parent is missing too: made first, and remembered
            self._folder(posixpath.dirname(folder))
            os.makedirs(path, exist_ok=True)
        except FileExistsError:  # another worker made it, or the spare has it (or a file)
            if not os.path.isdir(path):
                raise
        self.folders.add(folder)

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

    def files(self) -> frozenset[str]:
        """Every file in staging: those written or reused, and those of the folders made whole
        by a tool (the search index)."""
        trees = {path.relative_to(self.dir).as_posix() for tree in TREES
                 for path in (self.dir / tree).rglob("*") if path.is_file()}
        return frozenset(self.digests.keys() | trees)

    def reuse_tree(self, rel: str) -> bool:
        """Link a whole folder of the previous output (e.g. the search index) into staging."""
        source = self.out / rel
        if not source.is_dir():
            return False
        shutil.rmtree(self.dir / rel, ignore_errors=True)
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
        nothing of it); a kill after it leaves the new output and its manifest. The replaced
        output becomes the spare (or is removed when its manifest was not trusted)."""
        self.prune()
        ident = self._mark(self.digests)
        if self.manifest:
            checked = {"checked": self.checked} if self.checked else {}
            write_manifest(self.manifest, MANIFEST,
                           {"id": ident, "files": self.digests, "keys": self.keys, **checked})
        replaced = exchange_folder(self.dir, self.out)
        if replaced and self.spare:
            self.spare.keep(replaced, self.previous_id, self.previous)
            for folder, manifest in self.cache.spares():  # those of outputs removed since
                if manifest != self.spare.manifest:
                    Spare(folder, manifest, self.out).drop_if_orphaned()
        elif replaced:
            shutil.rmtree(replaced, ignore_errors=True)

    def discard(self, recorded: bool = False) -> None:
        """Give up the staging folder; the previous output stays as it was. ``recorded``: the
        build stopped at problems of its input, with every file it put into staging recorded,
        so the folder is kept as the spare (a template error in the preview does not cost the
        next build its spare); otherwise it is removed."""
        if not (recorded and self.spare and self.spare.usable):
            shutil.rmtree(self.dir, ignore_errors=True)
            return
        files = {**self.present, **self.digests}
        self.spare.keep(self.dir, self._mark(files), files)

    def _mark(self, files: dict[str, str]) -> str:
        """Write the marker of staging naming the build of ``files`` by their digest; returns
        that build's id."""
        ident = hashlib.sha256(pickle.dumps(sorted(files.items()),
                                            protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()
        marker = self.dir / MARKER
        marker.unlink(missing_ok=True)  # a spare's marker: never written through
        marker.write_text(build_marker(ident), encoding="utf-8")
        return ident


def _create(path: str, content: bytes) -> None:
    """Write ``content`` to a new file at ``path``; FileExistsError where anything is there
    (O_EXCL: a file already there is never written through, whatever it is linked to)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        view = memoryview(content)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def _link_or_create(old: Path, content: bytes, path: str) -> None:
    """Make ``path`` a hard link to ``old`` (a file of the previous output with these bytes,
    if its size still says so), else a new file of ``content``; FileExistsError where
    anything is at ``path``."""
    try:
        if os.stat(old).st_size == len(content):
            os.link(old, path)
            return
    except FileExistsError:
        raise
    except OSError:
        pass
    _create(path, content)


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


def exchange_folder(source: Path, target: Path) -> Path | None:
    """Put the folder ``source`` in place of ``target``; returns where the old ``target`` is
    now (None: there was none). Where the folders cannot be exchanged atomically, ``target``
    is missing for the instant between two renames; a kill there is undone by the next build
    (``_recover``)."""
    if not target.exists():
        source.rename(target)
        return None
    if _exchange(source, target):
        return source
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    target.rename(old)
    source.rename(target)
    return old


def replace_folder(source: Path, target: Path) -> None:
    """Put the folder ``source`` in place of ``target`` and remove the old one."""
    replaced = exchange_folder(source, target)
    if replaced:
        shutil.rmtree(replaced, ignore_errors=True)


def _recover(out: Path) -> None:
    """Undo what a killed build of ``out`` left: put back an output that was moved aside
    (see ``replace_folder``) and remove staging and old folders."""
    leftovers = sorted(out.parent.glob(f".{out.name}.old-*"))
    if not out.exists() and leftovers:
        leftovers.pop().rename(out)
    for stale in [*leftovers, *out.parent.glob(f".{out.name}.staging-*")]:
        shutil.rmtree(stale, ignore_errors=True)
