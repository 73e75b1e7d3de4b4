"""SVG images beside the modules are published as they are, so they must be plain drawings: an
SVG opened directly runs its scripts on the site's origin (static hosts such as GitHub Pages
ignore ``_headers``). Every element must be on an allow-list of drawing elements, and no
attribute may run code or fetch anything: no event handler, no link other than to an id in the
same file. What does not pass is refused, naming the element or attribute and its line."""
from __future__ import annotations

import re
from xml.parsers import expat

from .i18n import Message, _

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
HINT = _("a published SVG must be a plain drawing: no script, event handler (on...), embedded "
         "HTML (foreignObject) or link to another file; in Inkscape use Save As, Plain SVG")


class _Refused(Exception):
    """Stops reading at a declaration that must not be expanded (entities)."""


def problems(data: bytes) -> list[tuple[int, Message]]:
    """What makes the SVG ``data`` unsafe to publish, as (line, message); empty if none."""
    found: list[tuple[int, Message]] = []
    elements: list[str] = []
    parser = expat.ParserCreate(namespace_separator=" ")

    def line() -> int:
        return parser.CurrentLineNumber

    def start(name: str, attrs: dict[str, str]) -> None:
        ns, local = _split(name)
        if not elements and (ns, local) != (SVG_NS, "svg"):
            found.append((line(), _('the file starts with <{element}>, not with <svg xmlns="{ns}">')
                          .format(element=local, ns=SVG_NS)))
        elif ns != SVG_NS or local not in ELEMENTS:
            found.append((line(), _("the element <{element}> is not allowed in an SVG image")
                          .format(element=local) if ns == SVG_NS else
                          _("the element <{element}> is not allowed in an SVG image (namespace "
                            "{ns})").format(element=local, ns=ns or _("none"))))
        elements.append(local)
        for attr, value in attrs.items():
            message = _attribute(attr, value)
            if message:
                found.append((line(), _("<{element}>: {problem}").format(element=local,
                                                                          problem=message)))

    def doctype(*_args: object) -> None:
        found.append((line(), _("a DOCTYPE is not allowed in an SVG image (it can declare "
                                "entities that expand or fetch other files)")))
        raise _Refused

    def instruction(target: str, _data: str) -> None:
        found.append((line(), _("the processing instruction <?{target}?> is not allowed").format(
            target=target)))

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = doctype
    parser.ProcessingInstructionHandler = instruction
    try:
        parser.Parse(data, True)
    except _Refused:
        pass
    except expat.ExpatError as exc:
        found.append((exc.lineno, _("is not well-formed XML: {error}").format(
            error=expat.errors.messages[exc.code])))
    return found


def _split(name: str) -> tuple[str, str]:
    """The namespace and local name of an expat name ("namespace local")."""
    ns, _space, local = name.rpartition(" ")
    return ns, local


def _attribute(name: str, value: str) -> Message:
    """Why the attribute ``name`` (namespace, space, local name) is unsafe, or an empty
    message."""
    ns, local = _split(name)
    shown = f"xlink:{local}" if ns == XLINK_NS else f"xml:{local}" if ns == XML_NS else local
    if ns not in ("", XLINK_NS) and not (ns == XML_NS and local in ("space", "lang")):
        return _("the attribute {name} is not allowed").format(name=shown)
    if local.lower().startswith("on"):
        return _("the event handler {name} is not allowed (it runs a script)").format(name=shown)
    if local == "href":
        return Message("") if value.strip().startswith("#") else _(
            '{name}="{value}" links to another file or runs a script; only links to '
            "an id in the same file (#name) are allowed").format(name=shown, value=value[:60])
    if _REFERENCE.search(_LOCAL_URL.sub("", value)):
        return _('{name}="{value}" refers to another file or runs a script; only '
                 "url(#name) is allowed").format(name=shown, value=value[:60])
    return Message("")
