"""Processes of a test: the generator started in a process group of its own, its children,
and waiting for a condition."""
from __future__ import annotations

import os
import subprocess
import sys
import time
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


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (OSError, IndexError):
        return False
