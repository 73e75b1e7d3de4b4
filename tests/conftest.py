"""Shared fixtures: a built copy of the sample site, a local web server and a real Chromium."""
from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import CHROMIUM, CHROMIUM_ARGS, built_once, html_pages, options, serve, soup

from generator.build import build


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that drives the browser is marked ``browser`` (left out of make test-fast)."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


def pytest_sessionfinish() -> None:
    """What the session's fixtures made (the parsed pages of the sample site: millions of
    objects in cycles) is left to end with the process: frozen, pytest's last collection does
    not walk it. That walk took seconds, and pytest-xdist interrupts a worker that has not
    ended 5 s after its last test (a KeyboardInterrupt reported as a warning)."""
    gc.freeze()


@pytest.fixture(autouse=True)
def language(monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test runs in one language whatever the developer's locale: the default,
    Indonesian (LANGUAGE outranks LC_ALL, LC_MESSAGES and LANG, see generator/i18n.py)."""
    monkeypatch.setenv("LANGUAGE", "id")
    return "id"


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample registry built once, with search, for a site served under a sub-path."""
    def make(folder: Path) -> Path:
        build(options(folder / "site"))
        return folder / "site"
    return built_once(tmp_path_factory, "sample-site", make)


@pytest.fixture(scope="session")
def sample_pages(sample_site: Path) -> dict[str, BeautifulSoup]:
    """Every HTML page of the sample site, parsed once, by path relative to the site."""
    return {p.relative_to(sample_site).as_posix(): soup(p) for p in html_pages(sample_site)}


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
