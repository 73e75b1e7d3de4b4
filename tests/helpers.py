"""Helpers for tests: reading built pages."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bs4 import BeautifulSoup


def soup(path: Path) -> BeautifulSoup:
    """A built HTML page, parsed."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def html_pages(site: Path) -> list[Path]:
    """Every HTML page of the site, outside the search bundle."""
    return sorted(p for p in site.rglob("*.html") if "pagefind" not in p.parts)


def scalars(value) -> list[str]:
    """Every scalar inside a structure of dicts and lists, as text."""
    if isinstance(value, dict):
        return [s for v in value.values() for s in scalars(v)]
    if isinstance(value, list):
        return [s for v in value for s in scalars(v)]
    return [str(value)]


@contextmanager
def cached_training(browser, site: Path, tmp: Path, first: str, files: int) -> Iterator[tuple]:
    """Serve ``site``, open ``first`` (below the site URL) in a fresh browser context and wait
    until the training service worker has cached at least ``files`` files; yields the context,
    the page and the site URL, and stops everything afterwards."""
    from conftest import serve
    server, url = serve(site, tmp)
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(url + first)
        page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
        page.wait_for_function(f"async () => (await caches.keys()).length > 0 && (await (await "
                               f"caches.open((await caches.keys())[0])).keys()).length >= {files}")
        yield context, page, url
    finally:
        context.close()
        server.shutdown()
        server.server_close()
