"""Markdown to safe HTML: tables, admonitions, footnotes, heading ids; links collected for checks.

Raw HTML in Markdown is sanitised with nh3 to an allow-list; links other than http(s), mailto,
tel and relative ones (javascript:, data:, ...) are dropped.
"""
from __future__ import annotations

import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass, field

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .slugs import slugify

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "img", "li", "ol", "p", "pre",
    "strong", "sub", "summary", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"align"}, "th": {"align", "scope"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


@dataclass
class Converted:
    """A Markdown document as HTML, with its headings and the links it makes."""

    html: str
    toc: list[tuple[int, str, str]]  # (level, id, text) of h2 and h3
    links: list[str] = field(default_factory=list)  # every href/src, in order, before rewriting


class _Links(Treeprocessor):
    """Collects every link and image target and rewrites it through ``rewrite``."""

    def __init__(self, md: markdown.Markdown, sink: LinkRewriter) -> None:
        super().__init__(md)
        self.sink = sink

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            attr = "href" if element.tag == "a" else "src" if element.tag == "img" else None
            if attr and element.get(attr) is not None:
                original = element.get(attr, "")
                self.sink.links.append(original)
                element.set(attr, self.sink.rewrite(original))


class LinkRewriter(Extension):
    """Markdown extension: ``rewrite`` maps a link as written to its URL on the site."""

    def __init__(self, rewrite: Callable[[str], str]) -> None:
        super().__init__()
        self.rewrite = rewrite
        self.links: list[str] = []

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.treeprocessors.register(_Links(md, self), "posyandu-links", 1)


def convert(text: str, rewrite: Callable[[str], str]) -> Converted:
    """Convert Markdown ``text``; ``rewrite(target)`` gives the site URL of each link."""
    links = LinkRewriter(rewrite)
    md = markdown.Markdown(
        extensions=["tables", "admonition", "footnotes", "sane_lists", "toc", links],
        extension_configs={"toc": {"slugify": lambda value, sep: slugify(value), "toc_depth": "2-3"},
                           "footnotes": {"BACKLINK_TITLE": "Kembali ke teks"}},
        output_format="html",
    )
    body = md.convert(text)
    toc = [(t["level"], t["id"], t["name"]) for t in _flatten(md.toc_tokens)]  # type: ignore[attr-defined]
    return Converted(sanitize(body), toc, links.links)


def sanitize(html: str) -> str:
    """Keep only allowed tags, attributes and URL schemes."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel=None, strip_comments=True)


def _flatten(tokens: list[dict]) -> list[dict]:
    out = []
    for token in tokens:
        out.append(token)
        out.extend(_flatten(token.get("children", [])))
    return out
