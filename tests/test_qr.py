"""The QR codes the site draws, decoded from their SVG by a real reader (zxing-cpp)."""
from __future__ import annotations

import re

import pytest
import zxingcpp
from PIL import Image

from generator.qr import QrCache, modules

SCALE = 4  # pixels per module for the reader
_VIEW = re.compile(r'viewBox="0 0 (\d+) (\d+)"')
_STROKE = re.compile(r"([Mm])(\d+) (\d+)(\.5)?h(\d+)")

TEXTS = [
    "https://example.org/posyandu-kukar/posyandu/samboja-handil-baru-melati/",
    "https://dpmd.kukarkab.go.id/posyandu/posyandu/muara-muntai-perian-teratai/",
    "http://127.0.0.1:8000/posyandu/a/",
    *(f"https://posyandu.example.go.id/{'kalimantan-timur/' * n}posyandu/desa-{n}-mawar-{n}/"
      for n in range(1, 9)),
    "https://contoh.id/posyandu/desa-sukamaju/posyandu-melati-é–ü/",  # not ASCII
]


def drawn(svg: str) -> Image.Image:
    """The image the SVG ``svg`` (qr.svg_markup) draws: its strokes one module high."""
    width, height = map(int, _VIEW.search(svg).groups())  # type: ignore[union-attr]
    image = Image.new("L", (width, height), 255)
    x = y = 0
    path = svg.split('stroke="#000" d="', 1)[1].split('"', 1)[0]
    for move, dx, dy, _, run in _STROKE.findall(path):
        x, y = (int(dx), int(dy)) if move == "M" else (x + int(dx), y + int(dy))
        for i in range(int(run)):
            image.putpixel((x + i, y), 0)
        x += int(run)
    return image.resize((width * SCALE, height * SCALE), Image.Resampling.NEAREST)


@pytest.mark.parametrize("text", TEXTS)
def test_every_code_decodes_to_its_text(text: str):
    svg = str(QrCache(None).svg(text, "Kode QR"))
    found = zxingcpp.read_barcodes(drawn(svg))
    assert [(r.format, r.text) for r in found] == [(zxingcpp.BarcodeFormat.QRCode, text)]
    assert found[0].ec_level == "M"


def test_the_drawing_is_the_symbol():
    """The SVG's dark modules are the symbol's, inside a quiet zone of 4 modules."""
    text = TEXTS[0]
    rows = modules(text)
    image = drawn(str(QrCache(None).svg(text, "Kode QR"))).resize(
        (len(rows) + 8, len(rows) + 8), Image.Resampling.NEAREST)
    seen = ["".join("1" if image.getpixel((x, y)) == 0 else "0" for x in range(image.width))
            for y in range(image.height)]
    assert seen[:4] == seen[-4:] == ["0" * (len(rows) + 8)] * 4
    assert [row[4:-4] for row in seen[4:-4]] == rows
    assert all(row[:4] == row[-4:] == "0000" for row in seen)
