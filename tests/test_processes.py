"""Child processes die with the build or preview that started them, the preview's port is freed
with it, and the preview answers only requests meant for it."""
from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import BASE_URL, ROOT
from processes import child_of_killed_build, children, generator, group_alive, wait_until


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


EXIT_NOW = """
import atexit, tempfile, threading, time
from generator.__main__ import exit_now
kept = tempfile.TemporaryDirectory(prefix="exit-now-")
print(kept.name)
atexit.register(print, "handler ran")
if {thread}:
    threading.Thread(target=lambda: (time.sleep(0.3), print("thread done"))).start()
print("buffered", end="")
exit_now(3)
"""


@pytest.mark.parametrize("thread", [False, True])
def test_the_quick_exit_runs_exit_handlers_and_waits_for_threads(thread: bool):
    """exit_now skips the interpreter's teardown, not what has to happen at exit: atexit
    handlers (a TemporaryDirectory's removal among them), buffered output, a running thread."""
    done = subprocess.run([sys.executable, "-c", EXIT_NOW.format(thread=thread)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    lines = done.stdout.splitlines()
    assert done.returncode == 3 and not Path(lines[0]).exists(), done
    assert lines[1:] == (["bufferedthread done", "handler ran"] if thread
                         else ["bufferedhandler ran"]), done


@pytest.mark.slow
def test_pagefind_dies_with_a_killed_build(tmp_path: Path):
    out = tmp_path / "site"
    build = generator("build", "--out", str(out), "--cache", str(tmp_path / "cache"),
                      "--base-url", BASE_URL)

    def pagefind() -> list[int]:
        return [c for c in children(build.pid)
                if b"pagefind" in Path(f"/proc/{c}/cmdline").read_bytes()]
    started, ended = child_of_killed_build(build, pagefind, 0.5)
    assert started, "the build starts Pagefind"
    assert ended, "Pagefind lives on"


@pytest.mark.slow
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_preview_workers_die_with_it_and_free_its_port(tmp_path: Path, stop: signal.Signals):
    port = free_port()
    serve = generator("serve", "--port", str(port), "--no-search",
                      "--out", str(tmp_path / "preview"), "--cache", str(tmp_path / "cache"))
    try:
        assert wait_until(lambda: len(children(serve.pid)) >= 2, 120), \
            "the first build forks its rendering workers"
        serve.send_signal(stop)
        serve.wait(timeout=30)
        assert wait_until(lambda: not group_alive(serve.pid), 10), "a worker outlived the preview"
        assert port_free(port), "the preview's port is free again"
    finally:
        if group_alive(serve.pid):
            os.killpg(serve.pid, signal.SIGKILL)


def test_preview_answers_only_its_own_host_and_refuses_nul(tmp_path: Path):
    port = free_port()
    serve = generator("serve", "--port", str(port), "--no-search", "--out",
                      str(tmp_path / "preview"), "--cache", str(tmp_path / "cache"))
    try:
        def status(path: str, host: str) -> int | None:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.putrequest("GET", path, skip_host=True)
                conn.putheader("Host", host)
                conn.endheaders()
                return conn.getresponse().status
            except OSError:
                return None
        assert wait_until(lambda: status("/", f"127.0.0.1:{port}") == 200, 120)
        assert status("/", f"localhost:{port}") == 200
        assert status("/", "rebind.example") == 403
        assert status("/", f"rebind.example:{port}") == 403
        assert status("/%00", f"127.0.0.1:{port}") == 400
        assert status("/posyandu/%00/index.html", f"127.0.0.1:{port}") == 400
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=30)
        err = serve.stderr.read().decode() if serve.stderr else ""
        assert "Traceback" not in err, err
