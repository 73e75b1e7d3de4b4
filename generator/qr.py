"""QR codes as inline SVG (segno), cached by their text so that rebuilds cost nothing."""
from __future__ import annotations

import json
from pathlib import Path

import segno
from markupsafe import Markup

from .cache import write_atomically


class QrCache:
    """QR code SVGs by text, kept in one JSON file between builds."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.svgs: dict[str, str] = {}
        if path and path.exists():
            try:
                self.svgs = json.loads(path.read_text(encoding="utf-8"))
            except ValueError:
                self.svgs = {}
        self.used: set[str] = set()

    def svg(self, text: str, title: str) -> Markup:
        """An inline SVG QR code for ``text`` (its <title> is added per use)."""
        self.used.add(text)
        if text not in self.svgs:
            # A fixed mask keeps generation fast; every mask gives a valid, readable code.
            qr = segno.make_qr(text, error="m", mask=2, boost_error=False)
            self.svgs[text] = qr.svg_inline(scale=4, omitsize=True, svgclass="qr", lineclass=None)
        svg = self.svgs[text]
        head, rest = svg.split(">", 1)
        escaped = str(Markup.escape(title))
        return Markup(f'{head} role="img" aria-label="{escaped}"><title>{escaped}</title>{rest}')

    def save(self) -> None:
        """Write the codes used by this build back to the cache file."""
        if self.path:
            kept = {k: self.svgs[k] for k in sorted(self.used)}
            write_atomically(self.path, json.dumps(kept, ensure_ascii=False).encode("utf-8"))
