"""The live preview: serves the site, rebuilds on save, shows build errors, reloads the browser."""
from __future__ import annotations

import shutil
import socket
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from conftest import ROOT
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


@pytest.fixture
def preview(tmp_path: Path):
    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    shutil.copy(ROOT / "config.yaml", project / "config.yaml")
    shutil.copy(ROOT / "data" / "wilayah.yaml", project / "data" / "wilayah.yaml")
    text = (ROOT / "data" / "posyandu.yaml").read_text(encoding="utf-8")
    cut = text.index("\n  - id: ", text.index("\n  - id: ", text.index("\n  - id: ") + 1) + 1)
    (project / "data" / "posyandu.yaml").write_text(text[:cut + 1], encoding="utf-8")
    shutil.copytree(ROOT / "templates", project / "templates")
    port, stop = free_port(), threading.Event()
    opts = Options(config=project / "config.yaml", data=(project / "data" / "posyandu.yaml",),
                   content=project / "content", templates=project / "templates",
                   out=tmp_path / "preview", search=False, cache=tmp_path / "cache")
    thread = threading.Thread(target=run_serve, args=(opts, port, stop), daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}/"
    wait_for(lambda: "Posyandu" in fetch(url))
    yield project, url
    stop.set()
    thread.join(timeout=10)


def test_preview_rebuilds_on_save_and_shows_build_errors(preview):
    project, url = preview
    page = fetch(url + PROFILE)
    assert '<script src="/__preview/reload.js"></script></body>' in page
    assert "<h1 data-pagefind-weight=\"10\">Posyandu Teratai</h1>" in page
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
    assert f"{registry}:{line}: posyandu[0].registrasi.status: &#x27;terdaftr&#x27; is not one of" in page
    assert "Posyandu Teratai Indah" in page  # the last good site stays served
    registry.write_text(good, encoding="utf-8")
    wait_for(lambda: "preview-errors" not in fetch(url + PROFILE))
    assert "<h1 data-pagefind-weight=\"10\">Posyandu Teratai</h1>" in fetch(url + PROFILE)


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
