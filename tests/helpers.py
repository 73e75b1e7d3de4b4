"""Helpers for tests: reading built pages."""
from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup


def soup(path: Path) -> BeautifulSoup:
    """A built HTML page, parsed."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def html_pages(site: Path) -> list[Path]:
    """Every HTML page of the site, outside the search bundle."""
    return sorted(p for p in site.rglob("*.html") if "pagefind" not in p.parts)
