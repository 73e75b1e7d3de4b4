"""Map weights against the budgets of issue 14: the kabupaten map (home page) at most 40 KB
compressed, a profile's locator at most 8 KB, and the home page's HTML and CSS at most 20 KB
compressed without the map. Sizes are gzip level 9 of each map's inline <svg>...</svg>.

Usage: python bench/map_sizes.py [SITE]   (default: site/; build it first with
       python -m generator build)

Prints one line per figure and exits 1 when a budget is exceeded.
"""
from __future__ import annotations

import gzip
import re
import statistics
import sys
from pathlib import Path

SVG = re.compile(r'<svg class="peta-svg".*?</svg>', re.DOTALL)
KB = 1024
BUDGETS = {"kabupaten map": 40 * KB, "largest locator": 8 * KB,
           "home HTML+CSS without the map": 20 * KB}


def packed(data: str) -> int:
    """Bytes of ``data`` gzip-compressed at level 9."""
    return len(gzip.compress(data.encode("utf-8"), 9, mtime=0))


def maps_of(path: Path) -> list[str]:
    """The inline maps of one page."""
    return SVG.findall(path.read_text(encoding="utf-8"))


def main(site: Path) -> int:
    home = (site / "index.html").read_text(encoding="utf-8")
    css = "".join(p.read_text(encoding="utf-8") for p in sorted((site / "assets").glob("*.css")))
    locators = [packed(m) for p in sorted((site / "posyandu").glob("*/index.html"))
                for m in maps_of(p)]
    kecamatan = [packed(m) for p in sorted((site / "kecamatan").glob("*/index.html"))
                 for m in maps_of(p)]
    figures = {
        "kabupaten map": sum(packed(m) for m in SVG.findall(home)),
        "home HTML+CSS with the map": packed(home) + packed(css),
        "home HTML+CSS without the map": packed(SVG.sub("", home)) + packed(css),
        "largest locator": max(locators, default=0),
        "median locator": int(statistics.median(locators)) if locators else 0,
        "largest kecamatan map": max(kecamatan, default=0),
    }
    over = False
    for name, size in figures.items():
        budget = BUDGETS.get(name)
        verdict = "" if budget is None else f"  (budget {budget / KB:.0f} KB: " + (
            "ok)" if size <= budget else "OVER)")
        over |= budget is not None and size > budget
        print(f"{name:32} {size / KB:6.1f} KB{verdict}")
    print(f"{'profiles with a locator':32} {len(locators):6}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "site")))
