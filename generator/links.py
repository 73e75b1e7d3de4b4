"""Check that every internal link and #anchor in the built site resolves."""
from __future__ import annotations

import html
import posixpath
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from .i18n import Message, _
from .problems import Problems

# The id, href and src attributes (after a space): the pattern starts with the literal '="',
# which the regex engine looks for far faster than a space before a choice of names; each
# name is checked behind it. An id's value keeps its closing quote, to tell an empty id from
# an empty link. Matches are those of \s(href|src|id)="([^"]*)", in the same order.
_ATTR = re.compile(r'="(?:(?<=\sid=")([^"]*")|(?:(?<=\shref=")|(?<=\ssrc="))([^"]*)")')
_EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")
OUTSIDE = _("'{link}' points outside the site")


def page_links(text: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """The ids a page defines and the internal links (href, src) it makes."""
    ids, links = set(), []
    for ident, link in _ATTR.findall(text):
        if ident:
            ids.add(sys.intern(html.unescape(ident[:-1])))
        elif not _EXTERNAL.match(link):
            links.append(sys.intern(html.unescape(link)))  # one copy of each in the cache
    return frozenset(ids), tuple(links)


@dataclass(frozen=True)
class Built:
    """What a build knows of the site it staged: every file in it and each file's digest."""

    files: frozenset[str]
    digests: dict[str, str]


@dataclass(frozen=True)
class Targets:
    """The links of one page resolved from where it is (``page``, with ``base_path`` and
    ``absent`` as given): for each of its links in order, the file it leads to, or why it
    leads nowhere, or None (not checked). The same page bytes at the same place resolve alike,
    so this is kept with the page's links from one build to the next."""

    where: tuple[str, str, tuple[str, ...]]
    files: tuple[str | Message | None, ...]


def check_links(site: Path, base_path: str, problems: Problems, shown: str = "site",
                absent: tuple[str, ...] = (), known: dict[str, tuple] | None = None,
                built: Built | None = None) -> int:
    """Check every href/src of every HTML page under ``site``; returns how many were checked.

    Problems name pages as ``shown/<path>``; targets under the ``absent`` prefixes (such as a
    search bundle that was not built, or "../" for the levels above a kabupaten in a national
    site) are not checked. ``known`` maps a page's digest to its ``page_links`` (and, once
    checked, its ``Targets``), so that pages unchanged since the last build are neither read
    nor resolved again; it is updated with the pages read. ``built`` names the files and
    their digests (default: every file under ``site``, read).
    """
    known = {} if known is None else known
    files = built.files if built else frozenset(
        p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    pages: dict[str, Targets] = {}
    ids: dict[str, frozenset[str]] = {}
    found: dict[str, tuple[str, ...]] = {}  # the links of each page
    for rel in sorted(f for f in files if f.endswith(".html")):
        digest = built.digests.get(rel) if built else None
        entry = known.get(digest) if digest else None
        if entry is None:
            entry = page_links((site / rel).read_text(encoding="utf-8"))
        where = (rel, base_path, absent)
        if len(entry) < 3 or entry[2].where != where:
            entry = (*entry[:2], Targets(where, tuple(
                _target(rel, link, base_path, absent) for link in entry[1])))
        if digest:
            known[digest] = entry
        ids[rel], found[rel], pages[rel] = entry[0], entry[1], entry[2]
    checked = 0
    for rel, targets in pages.items():
        for link, target in zip(found[rel], targets.files, strict=True):
            checked += 1
            why = _missing(target, link.partition("#")[2], files, ids) \
                if isinstance(target, str) else target
            if why:
                problems.add(f"{shown}/{rel}", 1, "(link)", why.format(link=link),
                             _("check the template or content that writes this link"))
    return checked


def _missing(target: str, fragment: str, files: frozenset[str],
             ids: dict[str, frozenset[str]]) -> Message | None:
    """Why a link to the file ``target`` (and its ``fragment``) is broken, or None."""
    if target not in files:
        return _("'{link}' leads to a page that does not exist")
    if fragment and target.endswith(".html") and unquote(fragment) not in ids.get(target, ()):
        return _("'{link}' links to #{fragment}, which does not exist in {page}").format(
            fragment=fragment, page=target)
    return None


def _target(page: str, link: str, base_path: str, absent: tuple[str, ...]) -> str | Message | None:
    """The file that ``link`` of ``page`` leads to, None when it is not checked, or a message
    (with a ``{link}`` placeholder) when it points outside the site."""
    path = link.partition("#")[0].partition("?")[0]
    folder = posixpath.dirname(page)
    if not path:
        target = page
    elif path.startswith("/"):
        path = posixpath.join(posixpath.normpath(path), "") if path.endswith("/") else \
            posixpath.normpath(path)
        if not path.startswith(base_path):
            return None if "../" in absent else OUTSIDE
        target = path[len(base_path):]
    else:
        target = posixpath.normpath(posixpath.join(folder, path)) + ("/" if path.endswith("/") else "")
        if target.startswith("../") or target == "..":
            return None if "../" in absent else OUTSIDE
        target = "" if target in ("./", ".") else target.removeprefix("./")
    target = unquote(target)
    if absent and target.startswith(absent):
        return None
    if target == "" or target.endswith("/"):
        target += "index.html"
    return sys.intern(target)
