"""Shared fixtures: a built copy of the sample site, a local web server and a real Chromium."""
from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import html_pages, soup

from generator.build import Options, build

ROOT = Path(__file__).resolve().parent.parent
BASE_PATH = "/posyandu-kukar/"
BASE_URL = "https://example.org" + BASE_PATH
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that drives the browser is marked ``browser`` (left out of make test-fast)."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def language(monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test runs in one language whatever the developer's locale: the default,
    Indonesian (LANGUAGE outranks LC_ALL, LC_MESSAGES and LANG, see generator/i18n.py)."""
    monkeypatch.setenv("LANGUAGE", "id")
    return "id"


def options(out: Path, **changes) -> Options:
    """Build options for the project's own inputs, with ``changes`` applied."""
    base = dict(config=ROOT / "config.yaml", data=(ROOT / "data" / "posyandu.yaml",),
                content=ROOT / "content", templates=ROOT / "templates", out=out,
                base_url=BASE_URL, cache=None)
    base.update(changes)
    return Options(**base)


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample registry built once, with search, for a site served under a sub-path."""
    out = tmp_path_factory.mktemp("built") / "site"
    build(options(out))
    return out


@pytest.fixture(scope="session")
def sample_pages(sample_site: Path) -> dict[str, BeautifulSoup]:
    """Every HTML page of the sample site, parsed once, by path relative to the site."""
    return {p.relative_to(sample_site).as_posix(): soup(p) for p in html_pages(sample_site)}


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def serve(site: Path, tmp: Path, base_path: str = BASE_PATH) -> tuple[ThreadingHTTPServer, str]:
    """Serve ``site`` on 127.0.0.1 under ``base_path``; returns the server and the site's URL."""
    docroot = tmp / "docroot"
    mount = docroot / base_path.strip("/")
    mount.parent.mkdir(parents=True, exist_ok=True)
    mount.symlink_to(site, target_is_directory=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(docroot)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}{base_path}"


@contextmanager
def served(site: Path, tmp: Path, base_path: str = BASE_PATH) -> Iterator[str]:
    """``site`` served under ``base_path`` while the block runs; gives the site's URL."""
    server, url = serve(site, tmp, base_path)
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_url(sample_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample site served over HTTP under its sub-path."""
    server, url = serve(sample_site, tmp_path_factory.mktemp("serve"))
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh phone-sized browser page that fails the test on any console error."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert not errors, errors
