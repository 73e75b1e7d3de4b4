"""Check that every internal link and #anchor in the built site resolves."""
from __future__ import annotations

import html
import posixpath
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from urllib.parse import unquote

from .cache import ShardedStore
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


def resolved_links(text: str, rel: str, base_path: str, absent: tuple[str, ...]
                   ) -> tuple[frozenset[str], tuple[str, ...], Targets]:
    """``page_links`` of the page ``rel`` with its ``Targets`` (from there, with ``base_path``
    and ``absent``), as the link check keeps them: the page workers resolve the links of the
    pages they render, so that a cold build's check does not resolve them all in one process."""
    ids, found = page_links(text)
    return ids, found, _targets(rel, found, base_path, absent)


@dataclass(frozen=True)
class Previous:
    """The site the last committed build made, whose links were all found whole: each file's
    digest, the files of the folders a tool made whole (``trees``, without digests), the
    ``base_path`` and ``absent`` prefixes its links were checked with, and how many of its
    pages led to each file (``inbound``; None: not known)."""

    digests: dict[str, str]
    trees: frozenset[str]
    base_path: str
    absent: tuple[str, ...]
    inbound: dict[str, int] | None = None


@dataclass(frozen=True)
class Built:
    """What a build knows of the site it staged: every file in it and each file's digest, and
    the ``previous`` site (None: unknown, every link is checked)."""

    files: frozenset[str]
    digests: dict[str, str]
    previous: Previous | None = None


@dataclass(frozen=True)
class Targets:
    """The links of one page resolved from where it is (``page``, with ``base_path`` and
    ``absent`` as given): for each of its links in order, the file it leads to, or why it
    leads nowhere, or None (not checked). The same page bytes at the same place resolve alike,
    so this is kept with the page's links from one build to the next."""

    where: tuple[str, str, tuple[str, ...]]
    files: tuple[str | Message | None, ...]


def previous_site(digests: dict[str, str], checked: object) -> Previous | None:
    """The previous site of a build from its files' ``digests`` and what its build recorded of
    its link check (``checked_record``); None when the record is missing or not one."""
    if not isinstance(checked, dict):
        return None
    try:
        inbound = checked.get("inbound")
        return Previous(digests, frozenset(checked["trees"]), checked["base_path"],
                        tuple(checked["absent"]), inbound if isinstance(inbound, dict) else None)
    except (KeyError, TypeError):
        return None


@dataclass(frozen=True)
class Checked:
    """What one link check did: how many links it checked, and how many pages lead to each
    file (for the next check: ``Previous.inbound``)."""

    links: int
    inbound: dict[str, int]


def checked_record(built: Built, base_path: str, absent: tuple[str, ...],
                   checked: Checked) -> dict[str, object]:
    """What to keep of a site whose links were all found whole (with ``base_path`` and
    ``absent``, by ``checked``), for ``previous_site`` in the next build: plain data, kept in
    the manifest."""
    return {"base_path": base_path, "absent": list(absent),
            "trees": sorted(built.files.difference(built.digests)), "inbound": checked.inbound}


def check_links(site: Path, base_path: str, problems: Problems, shown: str = "site",
                absent: tuple[str, ...] = (), known: ShardedStore | None = None,
                built: Built | None = None) -> Checked:
    """Check every href/src of every HTML page under ``site``; returns how many were checked
    and how many pages lead to each file.

    Problems name pages as ``shown/<path>``; targets under the ``absent`` prefixes (such as a
    search bundle that was not built, or "../" for the levels above a kabupaten in a national
    site) are not checked. ``known`` maps a page's digest to its ``page_links`` (and, once
    checked, its ``Targets``), so that pages unchanged since the last build are neither read
    nor resolved again; it is updated with the pages read. ``built`` names the files and
    their digests (default: every file under ``site``, read), and the previous site, whose
    unchanged pages are not checked again where nothing they lead to changed (``_to_check``).
    """
    built = built or Built(frozenset(
        p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()), {})
    pages = _Pages(site, base_path, absent, ShardedStore(None, "") if known is None else known,
                   built.digests)
    checked = 0
    todo, inbound = _to_check(pages, built)
    for rel in todo:
        found, targets = pages.entry(rel)[1:]
        for link, target in zip(found, targets.files, strict=True):
            checked += 1
            why = _missing(target, link.partition("#")[2], built.files, pages) \
                if isinstance(target, str) else target
            if why:
                problems.add(f"{shown}/{rel}", 1, "(link)", why.format(link=link),
                             _("check the template or content that writes this link"))
    return Checked(checked, inbound)


@dataclass
class _Pages:
    """The pages of a built site, each read (or found in ``known`` by its digest) and its
    links resolved when first asked for."""

    site: Path
    base_path: str
    absent: tuple[str, ...]
    known: ShardedStore  # page digest -> page_links, and Targets once resolved
    digests: dict[str, str]
    entries: dict[str, tuple] = field(default_factory=dict)

    def entry(self, rel: str) -> tuple[frozenset[str], tuple[str, ...], Targets]:
        """The ids, links and ``Targets`` of the page ``rel``; ``known`` gains them."""
        entry = self.entries.get(rel)
        if entry is not None:
            return entry
        digest = self.digests.get(rel)
        kept: tuple | None = self.known.get(digest) if digest else None
        entry = kept or page_links((self.site / rel).read_text(encoding="utf-8"))
        targets = self._resolved(rel, entry)
        if len(entry) < 3 or entry[2] is not targets:
            entry = (*entry[:2], targets)
        if digest:
            self.known.put(digest, entry)
        self.entries[rel] = entry
        return entry

    def targets(self, rel: str) -> Targets:
        """The ``Targets`` of the page ``rel``: those ``known`` keeps for its digest when they
        were resolved from its place (the short way, for many pages), else ``entry``'s."""
        kept = self.known.get(self.digests.get(rel, ""))
        if kept and len(kept) > 2 and kept[2].where == (rel, self.base_path, self.absent):
            return kept[2]
        return self.entry(rel)[2]

    def files_led_to(self, rel: str, digest: str | None = None) -> set[str] | None:
        """The files the page ``rel`` leads to (as it is now; with ``digest``: as the page of
        that digest was, at the same place), None when the page of ``digest`` is not known."""
        if digest is None:
            return {t for t in self.targets(rel).files if isinstance(t, str)}
        kept = self.known.get(digest)
        if kept is None:
            return None
        return {t for t in self._resolved(rel, kept).files if isinstance(t, str)}

    def _resolved(self, rel: str, entry: tuple) -> Targets:
        """The links of ``entry`` (``page_links``, with the ``Targets`` of the place they were
        last resolved from, if any) resolved from the page ``rel``: those kept, when they were
        resolved from there."""
        if len(entry) > 2 and entry[2].where == (rel, self.base_path, self.absent):
            return entry[2]
        return _targets(rel, entry[1], self.base_path, self.absent)

    def inbound(self, rels: Iterable[str], counts: dict[str, int] | None = None) -> dict[str, int]:
        """``counts`` (default: none) with the files each page of ``rels`` leads to counted
        once more; only the pages the build wrote count (those a tool made are always
        checked)."""
        counts = {} if counts is None else counts
        for rel in rels:
            if rel in self.digests:
                for target in self.files_led_to(rel) or ():
                    counts[target] = counts.get(target, 0) + 1
        return counts


def _to_check(pages: _Pages, built: Built) -> tuple[list[str], dict[str, int]]:
    """The pages whose links are checked, in order, and how many pages lead to each file. The
    pages checked are all of them, but for those whose links are whole as they were. Such a
    page has the bytes it had at the same place in the previous site (checked alike, every
    link of it whole), and none of its links leads to a file gone since or to a page that may
    have lost an id (its ids before not known, or not all there now): each of its links leads
    where it led, to a file still there, with the ids it had. The counts are the previous
    site's, less the pages changed or gone as they were, plus the pages changed or new: only
    when a doubtful file is led to by a page that did not change are all pages looked at."""
    previous, digests = built.previous, built.digests
    html = [rel for rel in built.files if rel.endswith(".html")]
    if previous is None or (previous.base_path, previous.absent) != (pages.base_path,
                                                                     pages.absent):
        return sorted(html), pages.inbound(html)
    before = previous.digests
    # the pages changed, new, or made by a tool (without a digest)
    changed = {rel for rel in html if before.get(rel, "") != digests.get(rel)}
    doubtful = {rel for rel in chain(before, previous.trees) if rel not in built.files}
    for rel in changed:
        if rel in before:
            earlier = pages.known.get(before[rel])  # what the page was
            if earlier is None or not earlier[0] <= pages.entry(rel)[0]:
                doubtful.add(rel)
        elif rel in previous.trees:  # made by a tool: its ids before are not known
            doubtful.add(rel)
    unchanged = _inbound_of_unchanged(pages, previous, changed, built.files)
    todo = set(changed)
    if doubtful and (unchanged is None or any(unchanged.get(rel) for rel in doubtful)):
        same = {rel: pages.targets(rel).files for rel in html if rel not in changed}
        if not doubtful.isdisjoint(chain.from_iterable(same.values())):  # one pass, then each
            todo.update(rel for rel, files in same.items() if not doubtful.isdisjoint(files))
    inbound = pages.inbound(html) if unchanged is None else pages.inbound(changed, unchanged)
    return sorted(todo), inbound


def _inbound_of_unchanged(pages: _Pages, previous: Previous, changed: set[str],
                          files: frozenset[str]) -> dict[str, int] | None:
    """How many of the pages that did not change lead to each file: the previous site's
    counts less the pages ``changed`` or gone, as they were; None when a count or one of
    those pages is not known."""
    if previous.inbound is None:
        return None
    counts = dict(previous.inbound)
    for rel, digest in previous.digests.items():
        if rel.endswith(".html") and (rel in changed or rel not in files):
            led_to = pages.files_led_to(rel, digest)
            if led_to is None:
                return None
            for target in led_to:
                left = counts.get(target, 0) - 1
                if left < 0:  # not counted as it should have been: count again
                    return None
                if left:
                    counts[target] = left
                else:
                    del counts[target]
    return counts


def _missing(target: str, fragment: str, files: frozenset[str], pages: _Pages) -> Message | None:
    """Why a link to the file ``target`` (and its ``fragment``) is broken, or None."""
    if target not in files:
        return _("'{link}' leads to a page that does not exist")
    if fragment and target.endswith(".html") and unquote(fragment) not in pages.entry(target)[0]:
        return _("'{link}' links to #{fragment}, which does not exist in {page}").format(
            fragment=fragment, page=target)
    return None


def _targets(rel: str, found: tuple[str, ...], base_path: str, absent: tuple[str, ...]
             ) -> Targets:
    """The ``Targets`` of the links ``found`` in the page ``rel``."""
    return Targets((rel, base_path, absent),
                   tuple(_target(rel, link, base_path, absent) for link in found))


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
        inside = _relative(folder, path)
        if inside is None:
            return None if "../" in absent else OUTSIDE
        target = inside
    target = unquote(target)
    if absent and target.startswith(absent):
        return None
    if target == "" or target.endswith("/"):
        target += "index.html"
    return sys.intern(target)


def _relative(folder: str, path: str) -> str | None:
    """The path ``path`` (relative, not empty) leads to from ``folder`` ("" for the root), with
    its trailing slash; None when it leads above the root. The usual link, some ``../`` then
    plain names, is resolved by counting; any other by posixpath."""
    ups = 0
    while path.startswith("../", 3 * ups):
        ups += 1
    rest = path[3 * ups:]
    parts = folder.split("/") if folder else []
    if not ("./" in rest or "//" in rest or rest.startswith("/") or rest.endswith(".") or
            ups > len(parts)):
        base = "/".join(parts[:len(parts) - ups])
        return f"{base}/{rest}" if base else rest
    target = posixpath.normpath(posixpath.join(folder, path)) + ("/" if path.endswith("/") else "")
    if target.startswith("../") or target == "..":
        return None
    return "" if target in ("./", ".") else target.removeprefix("./")
