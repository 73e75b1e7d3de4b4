"""Processes of a test: the generator started in a process group of its own, its children,
and waiting for a condition."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from helpers import ROOT


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_until(predicate, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def generator(*args: str) -> subprocess.Popen:
    """``python -m generator ARGS`` in a process group of its own."""
    return subprocess.Popen([sys.executable, "-m", "generator", *args], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []


def stat(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the command's name (the state first), [] once the
    process is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(") ")[2].split()
    except OSError:
        return []


def alive(pid: int) -> bool:
    fields = stat(pid)
    return bool(fields) and fields[0] != "Z"


def niceness(pid: int) -> int | None:
    """A process's nice value (field 19 of /proc/PID/stat), None once it is gone."""
    fields = stat(pid)
    return int(fields[16]) if len(fields) > 16 else None


def child_of_killed_build(build: subprocess.Popen, child: Callable[[], list[int]],
                          seconds: float) -> tuple[bool, bool]:
    """Wait for a child of ``build`` (``child`` lists the candidates), kill the build alone
    (not its group) and wait up to ``seconds`` for that child to end: (started, ended). The
    build's whole group is killed afterwards in any case."""
    try:
        if not wait_until(lambda: bool(child()), 120):
            return False, False
        found = child()[0]
        build.send_signal(signal.SIGKILL)
        build.wait()
        return True, wait_until(lambda: not alive(found), seconds)
    finally:
        if group_alive(build.pid):
            os.killpg(build.pid, signal.SIGKILL)
