"""Builds of one output, or sharing one cache, exclude each other.

A lock is an ``flock`` on a small file holding the holder's pid. The kernel drops the lock when
its process dies, however it dies, so the lock of a killed build is taken over at once and safely:
no stale lock has to be guessed at from a pid. The holder removes the file when it is done; a
process that got the lock of a file removed meanwhile sees that the path no longer names the
file it locked and tries again, so two processes never both hold the lock of one path.
"""
from __future__ import annotations

import fcntl
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .cache import CacheDir
from .i18n import _
from .outdir import unwritable
from .output import real_path
from .problems import BuildError, Problems


def lock_path(out: Path) -> Path:
    """The lock file of an output folder: beside it, never inside what is published."""
    out = real_path(out)
    return out.parent / f".{out.name}.lock"


def _open(path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)


def _current(fd: int, path: Path) -> bool:
    """Whether ``path`` still names the file open as ``fd`` (not removed by its last holder)."""
    try:
        return os.stat(path).st_ino == os.fstat(fd).st_ino
    except FileNotFoundError:
        return False


def _acquire(path: Path, wait: bool, busy: Callable[[str], None]) -> int:
    """Lock ``path``; ``busy`` is told the holder's pid when it is taken (it may raise)."""
    while True:
        fd = _open(path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            try:
                busy(_holder(fd))
                if wait:
                    fcntl.flock(fd, fcntl.LOCK_EX)
            except BaseException:
                os.close(fd)
                raise
        if _current(fd, path):
            _claim(fd)
            return fd
        os.close(fd)


def _release(fd: int, path: Path) -> None:
    path.unlink(missing_ok=True)
    os.close(fd)


def _holder(fd: int) -> str:
    os.lseek(fd, 0, os.SEEK_SET)
    return os.read(fd, 32).decode("ascii", "replace").strip() or "?"


def _claim(fd: int) -> None:
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)


@contextmanager
def output_lock(out: Path, label: str) -> Iterator[None]:
    """Hold the lock of ``out`` or raise BuildError naming the build that holds it."""
    path = lock_path(out)

    def refuse(pid: str) -> None:
        problems = Problems()
        problems.add(label, 0, "--out",
                     _("another build of {out}/ is running (pid {pid})").format(out=label, pid=pid),
                     _("wait for it to finish, or stop it; the site it builds stays whole"))
        raise BuildError(problems)

    try:
        fd = _acquire(path, False, refuse)
    except OSError as exc:
        raise unwritable(out, exc) from None
    try:
        yield
    finally:
        _release(fd, path)


@contextmanager
def cache_lock(cache: Path | None, lang: str) -> Iterator[None]:
    """Hold the lock of a cache folder shared by builds of several outputs (the preview and
    ``build``), waiting for the other build if need be (saying so in ``lang``)."""
    path = CacheDir(cache).lock()
    if path is None:
        yield
        return

    def wait(pid: str) -> None:
        print(_("waiting for another build using {cache}/ (pid {pid})…").format(
            cache=cache, pid=pid).render(lang), file=sys.stderr, flush=True)

    fd = _acquire(path, True, wait)
    try:
        yield
    finally:
        _release(fd, path)
