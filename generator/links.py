"""Check that every internal link and #anchor in the built site resolves."""
from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from .problems import Problems

_ATTR = re.compile(r'\s(href|src|id)="([^"]*)"')
_SITE = "http://site.invalid"


def check_links(site: Path, base_path: str, problems: Problems, shown: str = "site",
                absent: tuple[str, ...] = ()) -> int:
    """Check every href/src of every HTML page under ``site``; returns how many were checked.

    Problems name pages as ``shown/<path>``; targets under the ``absent`` prefixes (such as a
    search bundle that was not built) are not checked.
    """
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    ids: dict[str, set[str]] = {}
    links: list[tuple[str, str]] = []
    for rel in sorted(f for f in files if f.endswith(".html")):
        text = (site / rel).read_text(encoding="utf-8")
        page_ids = ids.setdefault(rel, set())
        for attr, value in _ATTR.findall(text):
            value = html.unescape(value)
            if attr == "id":
                page_ids.add(value)
            else:
                links.append((rel, value))
    prefix = _SITE + base_path
    for rel, link in links:
        url = urljoin(prefix + rel, link)
        if not url.startswith(_SITE + "/"):
            continue  # another host, mailto:, tel:, data:
        parts = urlsplit(url)
        if not url.startswith(prefix):
            problems.add(f"{shown}/{rel}", 1, "(link)", f"'{link}' points outside the site",
                         "links must stay under the base URL")
            continue
        target = unquote(parts.path[len(base_path):])
        if target.startswith(absent) and absent:
            continue
        if target == "" or target.endswith("/"):
            target += "index.html"
        if target not in files:
            problems.add(f"{shown}/{rel}", 1, "(link)", f"'{link}' leads to a page that does not exist",
                         "check the template or content that writes this link")
        elif parts.fragment and target.endswith(".html") and parts.fragment not in ids.get(target, ()):
            problems.add(f"{shown}/{rel}", 1, "(link)",
                         f"'{link}': the anchor #{parts.fragment} does not exist in {target}",
                         "link to a heading that exists")
    return len(links)
