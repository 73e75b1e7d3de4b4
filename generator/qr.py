"""QR codes as inline SVG, cached by their text so that rebuilds cost nothing.

The symbol is encoded by Zint (zint-bindings, C): about nine times faster than a pure-Python
encoder (0.17 ms against 1.5 ms a code here), which matters when a national site prints
300,000 posters. The SVG is one path of dark modules, drawn row by row.
"""
from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path

from markupsafe import Markup

from .cache import ShardedStore

QUIET = 4  # the light border (quiet zone) a QR code needs around it, in modules
_GAP_RUN = re.compile(r"0+1+")  # light modules, then dark ones


def modules(text: str) -> list[str]:
    """The QR code for ``text`` (error correction level M) as rows of "1" (dark) and "0"."""
    import zint  # 5 ms (it imports pydoc): only in a process that draws a code, most rebuilds none

    symbol = zint.Symbol()
    symbol.symbology = zint.Symbology.QRCODE
    symbol.option_1 = 2  # error correction level M
    # Zint's quicker choice of encoding modes: a third less time a code, the same symbol size
    # for the directory's addresses (tests/test_qr.py decodes what it draws)
    symbol.input_mode = zint.InputMode.FAST
    symbol.encode(text)
    data = symbol.encoded_data  # a row's modules are bits, the first the least significant
    stride = data.shape[1]  # type: ignore[index]  # a 2-D array once a symbol is encoded
    flat, width = data.cast("B"), symbol.width
    size, mask, shape = (width + 7) // 8, (1 << width) - 1, f"0{width}b"
    return [format(int.from_bytes(flat[r * stride:r * stride + size], "little") & mask,
                   shape)[::-1] for r in range(symbol.rows)]


@functools.cache
def _stroke(gap_run: str) -> str:
    """The path step for light modules then dark ones (``gap_run``) after a stroke: move over
    the light ones, draw over the dark ones (a row has few kinds: each is made once)."""
    run = len(gap_run) - gap_run.index("1")
    return f"m{len(gap_run) - run} 0h{run}"


def svg_markup(rows: list[str]) -> str:
    """An SVG of the modules in ``rows``, with its quiet zone, scaled by its viewBox: each row's
    dark runs are strokes one module wide along the row's middle."""
    size = len(rows) + 2 * QUIET
    lines = []
    for y, row in enumerate(rows):
        start = row.find("1")
        if start < 0:
            continue
        end = row.find("0", start) % (len(row) + 1)  # -1 (no light module after): the row's end
        lines.append(f"M{start + QUIET} {y + QUIET}.5h{end - start}")
        lines.extend(map(_stroke, _GAP_RUN.findall(row, end)))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" class="qr">'
            f'<path fill="#fff" d="M0 0h{size}v{size}h-{size}z"/>'
            f'<path stroke="#000" d="{"".join(lines)}"/></svg>')


class QrCache:
    """QR code SVGs, kept between builds in a ShardedStore by the digest of their text: a
    build reads only the files of the codes it draws (a rebuild that renders a few posters,
    a few small files) and writes only those it added codes to."""

    def __init__(self, stem: Path | None, salt: str = "") -> None:
        """``stem``: the store's files (CacheDir.qr), ``salt``: its key (CacheDir.key, which
        starts from the generator's code)."""
        self.store = ShardedStore(stem, salt)
        self.used: set[str] = set()
        self.made: dict[str, str] = {}  # drawn by this process, for a parent to ``absorb``

    def code(self, text: str, title: str) -> QrCode:
        """The QR code for ``text`` as a page's context value; drawn when the page renders."""
        self.used.add(_key(text))
        return QrCode(self, text, title)

    def svg(self, text: str, title: str) -> Markup:
        """An inline SVG QR code for ``text`` (its <title> is added per use)."""
        key = _key(text)
        svg = self.store.get(key)
        if svg is None:
            svg = self.made[key] = svg_markup(modules(text))
            self.store.put(key, svg)
        head, rest = svg.split(">", 1)
        escaped = str(Markup.escape(title))
        return Markup(f'{head} role="img" aria-label="{escaped}"><title>{escaped}</title>{rest}')

    def absorb(self, made: dict[str, str]) -> None:
        """Take in the codes another process drew."""
        for key, svg in made.items():
            self.store.put(key, svg)

    def save(self) -> None:
        """Write the files this build added codes to, with the codes its pages use."""
        self.store.save(self.used)


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class QrCode:
    """A QR code in a page's context: the same text and title give the same ``repr`` (the
    page's fingerprint), and it is drawn only if the page is rendered."""

    def __init__(self, cache: QrCache, text: str, title: str) -> None:
        self.cache, self.text, self.title = cache, text, title

    def __repr__(self) -> str:
        return f"QrCode({self.text!r}, {self.title!r})"

    def __html__(self) -> str:
        return str(self.cache.svg(self.text, self.title))
