"""What several test modules share: the project's paths and build options, serving a built
site, reading built pages, Chromium, axe-core in a browser page, and an independent schedule
check.
Test modules import from here (or from the helper modules named for what they hold:
training_content.py, tiny_registry.py, registry_edits.py, sheet_helpers.py), never from one another or from
conftest.py (tests/test_layout.py checks that)."""
from __future__ import annotations

import calendar
import datetime as dt
import fcntl
import hashlib
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from bs4 import BeautifulSoup

from generator.build import Options

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parent.parent
BASE_PATH = "/posyandu-kukar/"
BASE_URL = "https://example.org" + BASE_PATH
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def options(out: Path, **changes) -> Options:
    """Build options for the project's own inputs, with ``changes`` applied."""
    base = dict(config=ROOT / "config.yaml", data=(ROOT / "data" / "posyandu.yaml",),
                content=ROOT / "content", templates=ROOT / "templates", out=out,
                base_url=BASE_URL, cache=None)
    base.update(changes)
    return Options(**base)


RUN_FOLDER = "POSYANDU_TEST_RUN"  # set by make test: a folder both of its pytest runs share


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str,
               make: Callable[[Path], Path]) -> Path:
    """What ``make(folder)`` builds into the empty ``folder`` (it returns the site inside), made
    once per test run and only read afterwards: shared by the workers of pytest-xdist, and by
    make test's browser run after them (the folder named by POSYANDU_TEST_RUN, which make
    test makes anew each time); in a run of neither kind, made in the session's own folder."""
    root = os.environ.get(RUN_FOLDER) or (
        tmp_path_factory.getbasetemp().parent if "PYTEST_XDIST_WORKER" in os.environ else None)
    if root is None:
        return make(tmp_path_factory.mktemp(name))
    folder, done = Path(root) / name, Path(root) / f"{name}.done"
    with open(Path(root) / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the first to ask builds it, the others wait
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # what a failed attempt left
            folder.mkdir()
            done.write_text(make(folder).relative_to(folder).as_posix(), encoding="utf-8")
    return folder / done.read_text(encoding="utf-8")


def digests(folder: Path) -> dict[str, str]:
    """The SHA-256 of every file below ``folder``, by its path relative to it."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


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


@contextmanager
def cached_training(browser, site: Path, tmp: Path, first: str, files: int) -> Iterator[tuple]:
    """Serve ``site``, open ``first`` (below the site URL) in a fresh browser context and wait
    until the training service worker has cached at least ``files`` files; yields the context,
    the page and the site URL, and stops everything afterwards."""
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


def axe_violations(page: Page) -> list[tuple[str, str, int]]:
    """axe-core's WCAG 2.1 A/AA violations on ``page``: (rule, impact, number of nodes)."""
    page.evaluate(AXE.read_text(encoding="utf-8"))  # evaluated by the test, outside the page's CSP
    result = page.evaluate("(tags) => axe.run(document, {runOnly: tags})", WCAG)
    return [(v["id"], v["impact"], len(v["nodes"])) for v in result["violations"]]


def expected_next(jadwal: dict, today: dt.date) -> dt.date:
    """The next opening on or after ``today``, worked out independently of the site's script."""
    days = ["senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu"]
    for offset in range(400):
        day = today + dt.timedelta(days=offset)
        if "tanggal" in jadwal:
            if day.day == jadwal["tanggal"]:
                return day
            continue
        if day.weekday() != days.index(jadwal["hari"]):
            continue
        week = jadwal.get("minggu_ke")
        last = calendar.monthrange(day.year, day.month)[1]
        if week is None or (week == -1 and day.day + 7 > last) or (week > 0 and (day.day - 1) // 7 + 1 == week):
            return day
    raise AssertionError(jadwal)
