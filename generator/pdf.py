"""The curriculum as a downloadable PDF handbook (WeasyPrint), cached by its inputs.

Printing takes seconds, so a build starts it first (``start``), in a child process that renders
the handbook page itself (the same page the build renders) and prints it while the build renders
and writes everything else; the build takes the result (``Printing.result``) before it commits.
"""
from __future__ import annotations

import logging
import mimetypes
import multiprocessing
import tempfile
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from . import urls
from .cache import CacheDir, write_atomically
from .children import worker_start
from .context import SiteContext
from .i18n import _
from .plan import Page
from .problems import Problem, Problems
from .render import environment, render

HANDBOOK_PAGE = urls.HANDBOOK + "index.html"
HANDBOOK_PDF = urls.HANDBOOK_PDF


class Printing:
    """The handbook being printed in a child process (which dies with the build)."""

    def __init__(self, page: Page, site: SiteContext, templates: Path,
                 images: dict[str, Path], cache: CacheDir, method: str) -> None:
        self.pool = multiprocessing.get_context(method).Pool(1, initializer=worker_start)
        self.job: AsyncResult = self.pool.apply_async(
            _print, (page, site, templates, images, cache))

    def result(self, problems: Problems) -> bytes | None:
        """Wait for the PDF; None when it could not be made (``problems`` says why)."""
        try:
            data, found = self.job.get()
        finally:
            self.stop()
        problems.items.extend(found)
        return data

    def stop(self) -> None:
        """End the child process, done or not (a failed build does not wait for it)."""
        self.pool.terminate()
        self.pool.join()


def start(pages: list[Page], site: SiteContext, templates: Path, images: dict[str, Path],
          cache: CacheDir, method: str = "fork") -> Printing | None:
    """Start printing the handbook page of ``pages`` (None when there is none); ``images``:
    the training modules' images by name, ``method``: how the child process starts."""
    page = next((p for p in pages if p.output == HANDBOOK_PAGE), None)
    return Printing(page, site, templates, images, cache, method) if page else None


def _print(page: Page, site: SiteContext, templates: Path, images: dict[str, Path],
           cache: CacheDir) -> tuple[bytes | None, list[Problem]]:
    """In the child: render the handbook page into a folder laid out as the site (its style
    sheets and images linked from where the build copies them) and print it. A page that does
    not render gives nothing: the build reports the template's problem when it renders it."""
    problems = Problems()
    html = render(environment(templates), page, site, problems, templates)
    if html is None:
        return None, []
    with tempfile.TemporaryDirectory(prefix="handbook-") as tmp:
        folder = Path(tmp)
        (folder / HANDBOOK_PAGE).parent.mkdir(parents=True)
        (folder / HANDBOOK_PAGE).write_text(html, encoding="utf-8")
        (folder / "assets").symlink_to((templates / "assets").absolute())
        (folder / urls.MEDIA).mkdir(parents=True, exist_ok=True)
        for name, path in images.items():
            (folder / urls.MEDIA / name).symlink_to(path.absolute())
        return handbook_pdf(folder, site.settings.base_url, cache, problems), problems.items


def handbook_pdf(site: Path, base_url: str, cache: CacheDir,
                 problems: Problems) -> bytes | None:
    """Print the handbook page of ``site`` to PDF, reusing a cached copy for the same inputs.

    The page is read as if from ``base_url`` (the public site), so the PDF's links lead to the
    site and the PDF is the same wherever the build ran.
    """
    page = site / HANDBOOK_PAGE
    extras = sorted((site / "assets").glob("*.css")) + sorted((site / urls.MEDIA).glob("*"))
    key = cache.key(page.read_bytes(), base_url,
                    *(part for p in extras for part in (p.name, p.read_bytes())))
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
