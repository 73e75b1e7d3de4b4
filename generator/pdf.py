"""The curriculum as a downloadable PDF handbook (WeasyPrint), cached by its inputs.

Printing takes seconds, so a build starts a printer (a child process) first: before it loads its
inputs when it will most likely print (``early_printer``: it has training modules and no cached
handbook yet), the printer importing WeasyPrint meanwhile, or else when it publishes. ``start``
renders the handbook page itself (the same page the build renders) and, unless the cache has its
PDF, has the printer print it while the build renders and writes everything else; the build
takes the result (``Printing.result``) before it checks the links and commits.
"""
from __future__ import annotations

import importlib
import logging
import mimetypes
import multiprocessing
import multiprocessing.process
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from multiprocessing.connection import Connection
from multiprocessing.context import ForkContext, SpawnContext
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote

from . import urls
from .cache import CacheDir, write_atomically
from .children import worker_start
from .context import SiteContext
from .i18n import _
from .plan import Page
from .problems import Problem, Problems
from .render import environment, render
from .training import has_modules

HANDBOOK_PAGE = urls.HANDBOOK + "index.html"
HANDBOOK_PDF = urls.HANDBOOK_PDF


class Printer:
    """A child process (which dies with the build) that imports WeasyPrint, then prints the one
    handbook the build sends it. One plain process and a pipe: no helper threads in the build,
    which forks the page workers later (a fork while a pool's threads hold locks can hang)."""

    def __init__(self, method: str) -> None:
        context = cast(ForkContext | SpawnContext, multiprocessing.get_context(method))
        # Two one-way pipes, not a socket pair: the child closes every socket it inherits.
        jobs, self.jobs = context.Pipe(duplex=False)
        self.results, results = context.Pipe(duplex=False)
        self.process: multiprocessing.process.BaseProcess | None = context.Process(
            target=_child, args=(jobs, results), daemon=True)
        self.process.start()
        jobs.close()
        results.close()

    def print(self, folder: Path, base_url: str, cache: CacheDir) -> None:
        """Print the handbook laid out in ``folder`` (see ``handbook_pdf``)."""
        self.jobs.send((folder, base_url, cache))

    def result(self) -> tuple[bytes | None, list[Problem]]:
        """Wait for the PDF (None when it could not be made) and the problems found."""
        return cast(tuple[bytes | None, list[Problem]], self.results.recv())

    def stop(self) -> None:
        """End the child process, done or not (a failed build does not wait for it)."""
        if self.process:
            self.process.kill()
            self.process.join()
            self.jobs.close()
            self.results.close()
            self.process = None


@contextmanager
def early_printer(content: Path | None, cache: CacheDir, method: str) -> Iterator[Printer | None]:
    """A printer started now, before the build loads its inputs, when the build will most likely
    print the handbook: it has training modules and the cache no handbook yet (a rebuild most
    often finds its handbook unchanged in the cache; when not, ``start`` starts a printer)."""
    printer = (Printer(method) if content and has_modules(content) and not cache.handbooks()
               else None)
    try:
        yield printer
    finally:
        if printer:
            printer.stop()


class Printing:
    """The handbook PDF: read from the cache, or printed by a printer from the handbook page
    laid out in a folder as in the site."""

    def __init__(self, html: str, base_url: str, templates: Path, images: dict[str, Path],
                 cache: CacheDir, printer: Printer | None, method: str) -> None:
        self.folder = _folder(cache)
        _lay_out(self.folder, html, templates, images)
        self.cached = cached_pdf(self.folder, base_url, cache)
        self.printer = None
        if self.cached is None:
            self.printer = printer or Printer(method)
            self.printer.print(self.folder, base_url, cache)

    @property
    def printing(self) -> bool:
        """Whether the PDF is being printed (not read from the cache)."""
        return self.printer is not None

    def result(self, problems: Problems) -> bytes | None:
        """Wait for the PDF; None when it could not be made (``problems`` says why)."""
        try:
            if self.printer is None:
                return self.cached
            data, found = self.printer.result()
        finally:
            self.stop()
        problems.items.extend(found)
        return data

    def stop(self) -> None:
        """End the printing, done or not, and remove the laid-out page."""
        if self.printer:
            self.printer.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def start(pages: list[Page], site: SiteContext, templates: Path,
          compiled: tuple[Path, str] | None, images: dict[str, Path], cache: CacheDir,
          method: str = "fork", printer: Printer | None = None) -> Printing | None:
    """Render the handbook page of ``pages`` and start printing it (None without one, or when
    it does not render: the build reports the template's problem when it renders the page);
    ``compiled``: where the templates' code is kept (render.environment), ``images``: the
    training modules' images by name, ``method``: how a new printer starts,
    ``printer``: one started earlier (``early_printer``), used if the PDF is not cached."""
    page = next((p for p in pages if p.output == HANDBOOK_PAGE), None)
    env = environment(templates, compiled=compiled)
    html = render(env, page, site, Problems(), templates) if page else None
    if html is None:
        return None
    return Printing(html, site.settings.base_url, templates, images, cache, printer, method)


def _folder(cache: CacheDir) -> Path:
    """An empty folder to lay the handbook out in: in the cache, where a killed build's is
    removed by the next build, or a temporary one without a cache."""
    folder = cache.handbook_print()
    if folder is None:
        return Path(tempfile.mkdtemp(prefix="handbook-"))
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def _lay_out(folder: Path, html: str, templates: Path, images: dict[str, Path]) -> None:
    """The handbook page in ``folder`` as in the site, its style sheets and images linked from
    where the build copies them."""
    (folder / HANDBOOK_PAGE).parent.mkdir(parents=True)
    (folder / HANDBOOK_PAGE).write_text(html, encoding="utf-8")
    (folder / "assets").symlink_to((templates / "assets").absolute())
    (folder / urls.MEDIA).mkdir(parents=True, exist_ok=True)
    for name, path in images.items():
        (folder / urls.MEDIA / name).symlink_to(path.absolute())


def _child(jobs: Connection, results: Connection) -> None:
    """The printer's process: import WeasyPrint, then print the handbook laid out in the folder
    the build sends (none: the build needed no printing) and send back the PDF and problems."""
    worker_start()
    with suppress(ImportError, OSError):  # handbook_pdf reports it
        importlib.import_module("weasyprint")
    try:
        folder, base_url, cache = jobs.recv()
    except EOFError:
        return
    problems = Problems()
    results.send((handbook_pdf(folder, base_url, cache, problems), problems.items))
    results.close()


def _key(site: Path, base_url: str, cache: CacheDir) -> str:
    """The cache key of the handbook of ``site``: its page, style sheets and images."""
    extras = sorted((site / "assets").glob("*.css")) + sorted((site / urls.MEDIA).glob("*"))
    return cache.key((site / HANDBOOK_PAGE).read_bytes(), base_url,
                     *(part for p in extras for part in (p.name, p.read_bytes())))


def cached_pdf(site: Path, base_url: str, cache: CacheDir) -> bytes | None:
    """The handbook of ``site`` as printed by an earlier build, or None."""
    cached = cache.handbook(_key(site, base_url, cache))
    return cached.read_bytes() if cached and cached.exists() else None


def handbook_pdf(site: Path, base_url: str, cache: CacheDir,
                 problems: Problems) -> bytes | None:
    """Print the handbook page of ``site`` to PDF, reusing a cached copy for the same inputs.

    The page is read as if from ``base_url`` (the public site), so the PDF's links lead to the
    site and the PDF is the same wherever the build ran.
    """
    page = site / HANDBOOK_PAGE
    key = _key(site, base_url, cache)
    cached = cache.handbook(key)
    if cached and cached.exists():
        return cached.read_bytes()
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: the system lacks Pango
        problems.add(HANDBOOK_PAGE, 1, "(pdf)",
                     _("WeasyPrint cannot run: {error}").format(error=exc),
                     _("install it with pip install weasyprint, and Pango (Debian: {packages})")
                     .format(packages="libpango-1.0-0 libpangoft2-1.0-0"))
        return None
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SiteFetcher(URLFetcher):
        """Serves the site's own URLs from the staged files; refuses every other URL."""

        def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
            if not url.startswith(base_url):
                raise ValueError(f"{url} is not part of the site")  # WeasyPrint skips it
            path = site / unquote(url[len(base_url):].split("#")[0])
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": kind})

    data = weasyprint.HTML(string=page.read_text(encoding="utf-8"), url_fetcher=SiteFetcher(),
                           base_url=base_url + HANDBOOK_PAGE).write_pdf(
        pdf_variant="pdf/ua-1", pdf_identifier=key[:32].encode(),  # tagged PDF
        finisher=_page_labels)
    if cached:
        cache.forget_handbooks()
        write_atomically(cached, data)
    return data


def _page_labels(document: Any, pdf: Any) -> None:
    """Label the pages as printed on them: the cover "Sampul", then 2, 3, ... (a PDF reader's
    page box then shows the number the reader sees at the foot of the page)."""
    import pydyf  # type: ignore[import-untyped]  # WeasyPrint's PDF writer

    pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": pydyf.Array([
        0, pydyf.Dictionary({"P": pydyf.String("Sampul")}),
        1, pydyf.Dictionary({"S": "/D", "St": 2})])})
