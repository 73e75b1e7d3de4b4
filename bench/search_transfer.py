"""What a resident's first search downloads: bytes fetched by a real browser (Debian's Chromium)
from opening a search page to seeing the first results.

Usage:
    python bench/search_transfer.py SITE BASE_PATH PAGE QUERY [PAGE QUERY ...]
    e.g. python bench/search_transfer.py site /posyandu/ pelatihan/cari/ posyandu

SITE is served on 127.0.0.1 under BASE_PATH (as Python's http.server does: no compression, so
the figures are an upper bound for hosts that gzip JavaScript and WebAssembly). Prints, per
page, the bytes and requests of the page load plus the first query, and of the query alone.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from helpers import CHROMIUM, CHROMIUM_ARGS, serve

RESULT = ".pagefind-ui__result-link"


def measure(site: Path, base_path: str, pairs: list[tuple[str, str]]) -> None:
    """Print what each (page, query) pair transfers."""
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        server, url = serve(site.resolve(), Path(tmp), base_path)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for page_path, query in pairs:
                context = browser.new_context(viewport={"width": 360, "height": 740})
                page = context.new_page()
                sizes: list[int] = []
                page.on("requestfinished",
                        lambda r, sizes=sizes: sizes.append(r.sizes()["responseBodySize"]))
                page.goto(url + page_path, wait_until="networkidle")
                loaded = (sum(sizes), len(sizes))
                page.get_by_placeholder("Cari").fill(query)
                page.locator(RESULT).first.wait_for(timeout=120_000)
                page.wait_for_load_state("networkidle")
                total = (sum(sizes), len(sizes))
                print(f"{page_path} '{query}': {total[0] / 1024:.0f} KB in {total[1]} requests "
                      f"(the query alone: {(total[0] - loaded[0]) / 1024:.0f} KB in "
                      f"{total[1] - loaded[1]} requests)", flush=True)
                context.close()
        finally:
            browser.close()
            server.shutdown()


def main(argv: list[str]) -> int:
    if len(argv) < 4 or len(argv) % 2:
        print(__doc__, file=sys.stderr)
        return 2
    site, base_path, rest = Path(argv[0]), argv[1], argv[2:]
    measure(site, base_path, list(zip(rest[::2], rest[1::2], strict=False)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
