"""The live preview: serves the site, rebuilds on save, shows build errors, reloads the browser."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from helpers import ROOT
from playwright.sync_api import expect

from generator.build import Options
from generator.preview import run_serve

PROFILE = "posyandu/muara-muntai-perian-teratai/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def wait_for(predicate, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("timed out")


def make_project(tmp_path: Path) -> Path:
    """A copy of the inputs with the first two Posyandu of the sample registry."""
    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    shutil.copy(ROOT / "config.yaml", project / "config.yaml")
    for name in ("wilayah.yaml", "batas-kukar.json"):
        shutil.copy(ROOT / "data" / name, project / "data" / name)
    text = (ROOT / "data" / "posyandu.yaml").read_text(encoding="utf-8")
    cut = text.index("\n  - id: ", text.index("\n  - id: ", text.index("\n  - id: ") + 1) + 1)
    (project / "data" / "posyandu.yaml").write_text(text[:cut + 1], encoding="utf-8")
    shutil.copytree(ROOT / "templates", project / "templates")
    return project


def start(tmp_path: Path, project: Path) -> tuple[str, threading.Event, threading.Thread]:
    """run_serve in a thread, without search; returns the site's URL, the stop event, the thread."""
    port, stop = free_port(), threading.Event()
    opts = Options(config=project / "config.yaml", data=(project / "data" / "posyandu.yaml",),
                   content=project / "content", templates=project / "templates",
                   out=tmp_path / "preview", search=False, cache=tmp_path / "cache")
    thread = threading.Thread(target=run_serve, args=(opts, port, stop), daemon=True)
    thread.start()
    return f"http://127.0.0.1:{port}/", stop, thread


def state(url: str) -> dict:
    return json.loads(fetch(url + "__preview/state"))


@pytest.fixture
def preview(tmp_path: Path):
    project = make_project(tmp_path)
    url, stop, thread = start(tmp_path, project)
    wait_for(lambda: "Posyandu" in fetch(url))
    yield project, url
    stop.set()
    thread.join(timeout=10)
    assert not thread.is_alive()


def test_preview_rebuilds_on_save_and_shows_build_errors(preview):
    project, url = preview
    page = fetch(url + PROFILE)
    assert '<script src="/__preview/reload.js"></script></body>' in page
    assert "<h1>Posyandu Teratai</h1>" in page
    registry = project / "data" / "posyandu.yaml"
    good = registry.read_text(encoding="utf-8")
    registry.write_text(good.replace('nama: "Posyandu Teratai"', 'nama: "Posyandu Teratai Indah"'),
                        encoding="utf-8")
    wait_for(lambda: "Posyandu Teratai Indah" in fetch(url + PROFILE))
    broken = good.replace("status: belum terdaftar", "status: terdaftr", 1)
    registry.write_text(broken, encoding="utf-8")
    line = broken[: broken.index("status: terdaftr")].count("\n") + 1
    wait_for(lambda: "preview-errors" in fetch(url + PROFILE))
    page = fetch(url + PROFILE)
    assert (f"{registry}:{line}: posyandu[0].registrasi.status: &#x27;terdaftr&#x27; bukan salah "
            "satu dari") in page  # the panel is in Bahasa Indonesia throughout
    assert "Posyandu Teratai Indah" in page  # the last good site stays served
    report = state(url)
    assert not report["ok"] and "terdaftr" in report["problems"][0]
    registry.write_text(good, encoding="utf-8")
    wait_for(lambda: "preview-errors" not in fetch(url + PROFILE))
    assert "<h1>Posyandu Teratai</h1>" in fetch(url + PROFILE)


def test_template_edit_reloads_the_open_page(preview, browser):
    project, url = preview
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(url + PROFILE)
        expect(page.locator("h1")).to_have_text("Posyandu Teratai")
        page.wait_for_timeout(500)  # let the page subscribe to rebuild events
        template = project / "templates" / "posyandu.html"
        template.write_text(template.read_text(encoding="utf-8").replace(
            "<h2>Kapan dan di mana</h2>", "<h2>Jadwal dan tempat</h2>"), encoding="utf-8")
        expect(page.locator("h2", has_text="Jadwal dan tempat")).to_be_visible(timeout=20000)
    finally:
        context.close()


def test_first_build_failure_is_shown_until_fixed(tmp_path):
    project = make_project(tmp_path)
    registry = project / "data" / "posyandu.yaml"
    good = registry.read_text(encoding="utf-8")
    registry.write_text(good.replace("status: belum terdaftar", "status: terdaftr", 1),
                        encoding="utf-8")
    url, stop, thread = start(tmp_path, project)
    try:
        wait_for(lambda: state(url)["version"] == 1)
        with pytest.raises(urllib.error.HTTPError) as error:  # no good site yet: 503
            fetch(url + PROFILE)
        page = error.value.read().decode("utf-8")
        assert "preview-errors" in page and "terdaftr" in page
        assert '<script src="/__preview/reload.js"></script>' in page
        registry.write_text(good, encoding="utf-8")
        wait_for(lambda: "Posyandu Teratai" in fetch(url + PROFILE))
        wait_for(lambda: state(url)["ok"])  # set once the build returns, just after the swap
    finally:
        stop.set()
        thread.join(timeout=10)


def test_settings_replaced_by_an_atomic_save_are_watched_again(preview):
    """Editors such as vim and emacs save by writing a new file and renaming it over the old."""
    project, url = preview
    config = project / "config.yaml"
    text = config.read_text(encoding="utf-8")
    for title in ("Pratinjau Satu", "Pratinjau Dua"):
        temporary = project / ".config.yaml.tmp"
        temporary.write_text(text.replace("judul: Direktori Posyandu", f"judul: {title}"),
                             encoding="utf-8")
        os.replace(temporary, config)
        wait_for(lambda title=title: f"{title} Kabupaten" in fetch(url + PROFILE))


def test_port_in_use_is_reported(tmp_path, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        opts = Options(out=tmp_path / "preview", search=False, cache=None, lang="en")
        assert run_serve(opts, taken.getsockname()[1]) == 1
    assert "cannot serve on 127.0.0.1:" in capsys.readouterr().err


def test_ctrl_c_during_a_build_stops_cleanly(tmp_path):
    project = make_project(tmp_path)
    shutil.copy(ROOT / "data" / "posyandu.yaml", project / "data" / "posyandu.yaml")  # a long build
    port = free_port()
    command = [sys.executable, "-m", "generator", "serve", "--port", str(port), "--no-search",
               "--no-cache", "--out", str(tmp_path / "out")]
    server = subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        wait_for(lambda: "sedang dibangun" in fetch_error(f"http://127.0.0.1:{port}/"))
        time.sleep(0.5)
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=10)
    finally:
        server.kill()
    assert (server.returncode, err) == (0, "") and "dibangun ulang" not in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project"]  # staging folder removed


def fetch_error(url: str) -> str:
    """The body of an HTTP error response (the preview answers 503 until the first build)."""
    try:
        fetch(url)
    except urllib.error.HTTPError as error:
        return error.read().decode("utf-8")
    return ""
