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


def scalars(value) -> list[str]:
    """Every scalar inside a structure of dicts and lists, as text."""
    if isinstance(value, dict):
        return [s for v in value.values() for s in scalars(v)]
    if isinstance(value, list):
        return [s for v in value for s in scalars(v)]
    return [str(value)]
