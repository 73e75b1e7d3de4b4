"""Markdown to safe HTML: tables, admonitions, footnotes, heading ids; links collected for checks.

Raw HTML in Markdown is sanitised with nh3 to an allow-list; links other than http(s), mailto,
tel and relative ones (javascript:, data:, ...) are dropped. Python-Markdown's part, with the
link rewriter, is in ``markdown_html``, imported by the first conversion.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import nh3

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


def convert(text: str, rewrite: Callable[[str], str]) -> Converted:
    """Convert Markdown ``text``; ``rewrite(target)`` gives the site URL of each link."""
    from .markdown_html import to_html  # Python-Markdown: only when something is converted

    body, toc, links = to_html(text, rewrite)
    return Converted(sanitize(body), toc, links)


def sanitize(html: str) -> str:
    """Keep only allowed tags, attributes and URL schemes."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel=None, strip_comments=True)
