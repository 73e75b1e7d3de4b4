"""Time the preview from a save to the reloaded page: ``python -m generator serve`` on a copy
of the project, one entry of ``data/posyandu.yaml`` edited, the wall time until the preview's
event stream (``/__preview/events``) announces the new build and the edited profile is served
with the new name."""
from __future__ import annotations

import http.client
import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

PROJECT_PARTS = ("config.yaml", "data", "content", "templates")
WAIT = 300.0  # seconds a build may take before the run is given up


class PreviewError(Exception):
    """The preview did not build, or never showed the edit."""


def free_port() -> int:
    """A TCP port of 127.0.0.1 nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def copy_project(root: Path, to: Path) -> None:
    """A fresh copy of the project's inputs (the Kukar sample) in ``to``."""
    shutil.rmtree(to, ignore_errors=True)
    to.mkdir(parents=True)
    for part in PROJECT_PARTS:
        source = root / part
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, to / part)


class Preview:
    """A running ``serve`` of a project copy, with a reader of its event stream."""

    def __init__(self, project: Path, code: Path, log: Path) -> None:
        self.project, self.port = project, free_port()
        self.registry = project / "data" / "posyandu.yaml"
        self.original = self.registry.read_text(encoding="utf-8")
        first = re.search(r"(?m)^  - id: (\S+)$", self.original)
        if not first:
            raise PreviewError(f"no entry in {self.registry}")
        self.profile = f"/posyandu/{first.group(1)}/"
        with log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "generator", "serve", "--port", str(self.port)],
                cwd=project, stdout=out, stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONPATH": str(code)})
        self.versions: queue.Queue[int] = queue.Queue()
        self._connect()
        threading.Thread(target=self._read_events, daemon=True).start()
        self.version = self.next_version(-1)  # the stream opens with the current number
        while self.version == 0:  # 0: the first build has not finished yet
            self.version = self.next_version(0)

    def _connect(self) -> None:
        deadline = time.monotonic() + 60
        while True:
            try:
                self.events = http.client.HTTPConnection("127.0.0.1", self.port, timeout=WAIT)
                self.events.request("GET", "/__preview/events")
                self.stream = self.events.getresponse()
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise PreviewError(f"serve did not start (exit {self.proc.poll()})") from None
                time.sleep(0.1)

    def _read_events(self) -> None:
        for line in self.stream:
            if line.startswith(b"data: "):
                self.versions.put(int(line[6:]))

    def next_version(self, after: int) -> int:
        """Wait for a build number other than ``after``."""
        while True:
            try:
                version = self.versions.get(timeout=WAIT)
            except queue.Empty:
                raise PreviewError(f"no build announced within {WAIT:.0f} s") from None
            if version != after:
                return version

    def get(self, path: str) -> str:
        """A page of the preview, as text."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request("GET", path)
            return conn.getresponse().read().decode("utf-8")
        finally:
            conn.close()

    def edit(self, name: str) -> float:
        """Save the registry with the first entry renamed to ``name``; seconds until the
        reload event arrives and the profile page shows ``name``."""
        changed = self.original.replace(self.original[self.original.index('    nama: "'):].split(
            "\n", 1)[0], f'    nama: "{name}"', 1)
        started = time.perf_counter()
        self.registry.write_text(changed, encoding="utf-8")
        self.version = self.next_version(self.version)
        page = self.get(self.profile)
        if name not in page:
            raise PreviewError(f"build {self.version}: {self.profile} does not show {name!r}")
        return time.perf_counter() - started

    def peak_mb(self) -> float:
        """The server process's peak resident memory (its page workers not counted)."""
        status = Path(f"/proc/{self.proc.pid}/status")
        match = re.search(r"VmHWM:\s+(\d+) kB", status.read_text()) if status.exists() else None
        return int(match.group(1)) / 1024 if match else 0.0

    def stop(self) -> None:
        """End the server (SIGTERM stops its whole process tree) and restore the registry."""
        self.events.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.registry.write_text(self.original, encoding="utf-8")


def save_to_reload(project: Path, code: Path, log: Path, edits: int,
                   round_no: int) -> tuple[list[float], float]:
    """Start a preview of ``project``, wait for its first build, then time ``edits`` saves one
    after another; the seconds of each and the server's peak MB."""
    preview = Preview(project, code, log)
    try:
        times = [preview.edit(f"Posyandu Pratinjau {round_no + 1}-{i + 1}") for i in range(edits)]
        return times, preview.peak_mb()
    finally:
        preview.stop()
