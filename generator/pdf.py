"""The curriculum as a downloadable PDF handbook (WeasyPrint), cached by its inputs."""
from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from . import urls
from .cache import CacheDir, write_atomically
from .i18n import _
from .problems import Problems

HANDBOOK_PAGE = urls.HANDBOOK + "index.html"
HANDBOOK_PDF = urls.HANDBOOK_PDF


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
