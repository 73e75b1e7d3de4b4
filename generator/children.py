"""Child processes die with the build that started them, and inherit none of its sockets.

A build killed with SIGKILL runs no clean-up of its own, so each child asks the kernel to kill
it when its parent dies (Linux ``PR_SET_PDEATHSIG``). A forked worker also closes the sockets
it inherited (such as the preview server's listening socket), so that it never holds the
preview's port.
"""
from __future__ import annotations

import ctypes
import os
import signal
import stat

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask to be killed when the parent process dies (no-op where the call is missing)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def close_sockets() -> None:
    """Close every socket this process inherited (the pool talks through pipes, not sockets)."""
    try:
        fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        return
    for fd in fds:
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                os.close(fd)
        except OSError:
            pass


def worker_start() -> None:
    """What a forked worker does first: leave Ctrl+C to its parent, die with it, drop sockets."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent()
    close_sockets()
