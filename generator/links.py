"""Check that every internal link and #anchor in the built site resolves."""
from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from .i18n import Message, _
from .problems import Problems

_ATTR = re.compile(r'\s(href|src|id)="([^"]*)"')
_EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")
OUTSIDE = _("'{link}' points outside the site")


def page_links(text: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """The ids a page defines and the internal links (href, src) it makes."""
    ids, links = set(), []
    for attr, value in _ATTR.findall(text):
        if attr == "id":
            ids.add(html.unescape(value))
        elif not _EXTERNAL.match(value):
            links.append(html.unescape(value))
    return frozenset(ids), tuple(links)


@dataclass(frozen=True)
class Built:
    """What a build knows of the site it staged: every file in it, each file's digest, and the
    digests of the files of the previous build (which passed this check: it was committed)."""

    files: frozenset[str]
    digests: dict[str, str]
    previous: dict[str, str]


def check_links(site: Path, base_path: str, problems: Problems, shown: str = "site",
                absent: tuple[str, ...] = (), known: dict[str, tuple] | None = None,
                built: Built | None = None) -> int:
    """Check every href/src of every HTML page under ``site``; returns how many were checked.

    Problems name pages as ``shown/<path>``; targets under the ``absent`` prefixes (such as a
    search bundle that was not built, or "../" for the levels above a kabupaten in a national
    site) are not checked. ``known`` maps a page's digest to its ``page_links``, so that pages
    unchanged since the last build are not read again; it is updated with the pages read.
    With ``built``, the links of a page unchanged since the previous build are not checked
    again while they cannot have broken: no file of that build is gone and no changed page
    lost an id.
    """
    known = {} if known is None else known
    files = built.files if built else frozenset(
        p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    found: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {}
    for rel in sorted(f for f in files if f.endswith(".html")):
        digest = built.digests.get(rel) if built else None
        entry = known.get(digest) if digest else None
        if entry is None:
            entry = page_links((site / rel).read_text(encoding="utf-8"))
            if digest:
                known[digest] = entry
        found[rel] = entry
    ids = {rel: entry[0] for rel, entry in found.items()}
    links: dict[tuple[str, str], list[str]] = {}  # (folder, link) -> pages that use it
    for rel in _to_check(found, known, built):
        folder = posixpath.dirname(rel)
        for link in found[rel][1]:
            links.setdefault((folder, link), []).append(rel)
    checked = 0
    for (folder, link), pages in links.items():
        checked += len(pages)
        path, _hash, fragment = link.partition("#")
        path = path.partition("?")[0]
        for rel in pages if fragment and not path else pages[:1]:
            message = _resolve(folder, rel, path, fragment, base_path, files, ids, absent)
            if message:
                for page in (pages if path else [rel]):
                    problems.add(f"{shown}/{page}", 1, "(link)", message.format(link=link),
                                 _("check the template or content that writes this link"))
    return checked


def _to_check(found: dict[str, tuple[frozenset[str], tuple[str, ...]]],
              known: dict[str, tuple], built: Built | None) -> list[str]:
    """The pages whose links must be checked: all of them, or, when no file of the previous
    build is gone and every changed page still has the ids it had, only the changed ones."""
    if built is None or not built.previous or not built.previous.keys() <= built.files:
        return list(found)
    changed = [rel for rel in found if built.previous.get(rel) != built.digests.get(rel)]
    for rel in changed:
        before = known.get(built.previous.get(rel, ""))
        if rel in built.previous and (before is None or not before[0] <= found[rel][0]):
            return list(found)
    return changed


def _resolve(folder: str, page: str, path: str, fragment: str, base_path: str,
             files: frozenset[str], ids: dict[str, frozenset[str]],
             absent: tuple[str, ...]) -> Message | None:
    """Why a link from a page in ``folder`` is broken (a message with a ``{link}``
    placeholder), or None."""
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
    if target not in files:
        return _("'{link}' leads to a page that does not exist")
    if fragment and target.endswith(".html") and unquote(fragment) not in ids.get(target, ()):
        return _("'{link}' links to #{fragment}, which does not exist in {page}").format(
            fragment=fragment, page=target)
    return None
