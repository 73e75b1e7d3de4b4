"""Python-Markdown's half of ``markup.convert``: the extensions, heading ids and the link
rewriter, to HTML not yet sanitised. Imported by the first conversion (Python-Markdown takes
8 ms to import, and a build whose training modules are cached converts nothing)."""
from __future__ import annotations

import xml.etree.ElementTree as etree
from collections.abc import Callable

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .slugs import slugify

Toc = list[tuple[int, str, str]]  # (level, id, text) of h2 and h3


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


def to_html(text: str, rewrite: Callable[[str], str]) -> tuple[str, Toc, list[str]]:
    """Markdown ``text`` as HTML (unsanitised), its h2/h3 headings, and every link target as
    written, in order; ``rewrite(target)`` gives the site URL of each link."""
    links = LinkRewriter(rewrite)
    md = markdown.Markdown(
        extensions=["tables", "admonition", "footnotes", "sane_lists", "toc", links],
        extension_configs={"toc": {"slugify": lambda value, sep: slugify(value), "toc_depth": "2-3"},
                           "footnotes": {"BACKLINK_TITLE": "Kembali ke teks"}},
        output_format="html",
    )
    body = md.convert(text)
    toc = [(t["level"], t["id"], t["name"]) for t in _flatten(md.toc_tokens)]  # type: ignore[attr-defined]
    return body, toc, links.links


def _flatten(tokens: list[dict]) -> list[dict]:
    out = []
    for token in tokens:
        out.append(token)
        out.extend(_flatten(token.get("children", [])))
    return out
