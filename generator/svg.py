"""SVG images beside the modules are published as they are, so they must be plain drawings: an
SVG opened directly runs its scripts on the site's origin (static hosts such as GitHub Pages
ignore ``_headers``). Every element must be on an allow-list of drawing elements, and no
attribute may run code or fetch anything: no event handler, no link other than to an id in the
same file. What does not pass is refused, naming the element or attribute and its line."""
from __future__ import annotations

import re
from xml.parsers import expat

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
ELEMENTS = frozenset({
    "svg", "g", "defs", "desc", "title", "symbol", "use", "path", "rect", "circle", "ellipse",
    "line", "polyline", "polygon", "text", "tspan", "textPath", "marker", "pattern", "clipPath",
    "mask", "linearGradient", "radialGradient", "stop", "filter", "feBlend", "feColorMatrix",
    "feComponentTransfer", "feComposite", "feDropShadow", "feFlood", "feFuncA", "feFuncB",
    "feFuncG", "feFuncR", "feGaussianBlur", "feMerge", "feMergeNode", "feMorphology", "feOffset",
})
_LOCAL_URL = re.compile(r"url\(\s*['\"]?#[\w.:-]+['\"]?\s*\)")
_REFERENCE = re.compile(r"url\(|javascript:|data:|@import|expression\(", re.IGNORECASE)
HINT = ("a published SVG must be a plain drawing: no script, event handler (on...), embedded "
        "HTML (foreignObject) or link to another file; in Inkscape use Save As, Plain SVG")


class _Refused(Exception):
    """Stops reading at a declaration that must not be expanded (entities)."""


def problems(data: bytes) -> list[tuple[int, str]]:
    """What makes the SVG ``data`` unsafe to publish, as (line, message); empty if none."""
    found: list[tuple[int, str]] = []
    elements: list[str] = []
    parser = expat.ParserCreate(namespace_separator=" ")

    def line() -> int:
        return parser.CurrentLineNumber

    def start(name: str, attrs: dict[str, str]) -> None:
        ns, _, local = name.rpartition(" ")
        if not elements and (ns, local) != (SVG_NS, "svg"):
            found.append((line(), f"the file starts with <{local}>, not with <svg xmlns=\"{SVG_NS}\">"))
        elif ns != SVG_NS or local not in ELEMENTS:
            found.append((line(), f"the element <{local}> is not allowed in an SVG image"
                          + ("" if ns == SVG_NS else f" (namespace {ns or 'none'})")))
        elements.append(local)
        for attr, value in attrs.items():
            message = _attribute(attr, value)
            if message:
                found.append((line(), f"<{local}>: {message}"))

    def doctype(*_: object) -> None:
        found.append((line(), ("a DOCTYPE is not allowed in an SVG image (it can declare "
                               "entities that expand or fetch other files)")))
        raise _Refused

    def instruction(target: str, _data: str) -> None:
        found.append((line(), f"the processing instruction <?{target}?> is not allowed"))

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = doctype
    parser.ProcessingInstructionHandler = instruction
    try:
        parser.Parse(data, True)
    except _Refused:
        pass
    except expat.ExpatError as exc:
        found.append((exc.lineno, f"is not well-formed XML: {expat.errors.messages[exc.code]}"))
    return found


def _attribute(name: str, value: str) -> str:
    """Why the attribute ``name`` (namespace, space, local name) is unsafe, or ''."""
    ns, _, local = name.rpartition(" ")
    shown = f"xlink:{local}" if ns == XLINK_NS else f"xml:{local}" if ns == XML_NS else local
    if ns not in ("", XLINK_NS) and not (ns == XML_NS and local in ("space", "lang")):
        return f"the attribute {shown} is not allowed"
    if local.lower().startswith("on"):
        return f"the event handler {shown} is not allowed (it runs a script)"
    if local == "href":
        return "" if value.strip().startswith("#") else (
            f"{shown}=\"{value[:60]}\" links to another file or runs a script; only links to "
            "an id in the same file (#name) are allowed")
    if _REFERENCE.search(_LOCAL_URL.sub("", value)):
        return (f"{shown}=\"{value[:60]}\" refers to another file or runs a script; only "
                "url(#name) is allowed")
    return ""
