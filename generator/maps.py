"""SVG maps drawn at build time from a kabupaten's simplified boundaries (no tile server, no
JavaScript): projection, path drawing with rounded coordinates (so identical input gives
identical bytes), colour classes, and the maps of the home, kecamatan and profile pages."""
from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from .fields import closest
from .i18n import _
from .models import Region
from .problems import Problems

Ring = tuple[float, ...]  # lon, lat, lon, lat, ... (not closed)
Polygon = tuple[Ring, ...]  # exterior ring, then holes
Geometry = tuple[Polygon, ...]
LEVELS = ("provinsi", "kabupaten", "kecamatan", "desa")  # in the order of Boundaries' fields
REMAKE = _("make it again with: python tools/make_boundaries.py ../shared/data [--nasional]")
# Registration progress classes: (lowest percentage, label); ColorBrewer 2.0 "YlGnBu", 5 classes
# (Cynthia Brewer, Apache License 2.0), light to dark, in peta.css as .peta .k0 ... .k4.
PROGRESS_CLASSES = ((0, "0–19%"), (20, "20–39%"), (40, "40–59%"), (60, "60–79%"), (80, "80–100%"))
NO_POSYANDU = "Belum ada Posyandu dalam direktori"
# The hatching of regions without Posyandu (class "kosong"), so that it is not told by colour alone.
HATCH = ('<defs><pattern id="arsir" width="6" height="6" patternUnits="userSpaceOnUse" '
         'patternTransform="rotate(45)"><rect width="6" height="6" class="arsir-bg"/>'
         '<path d="M0 0v6" class="arsir-garis"/></pattern></defs>')


@dataclass(frozen=True)
class Boundaries:
    """Simplified boundary polygons by Kemendagri code, and where they come from: a kabupaten's
    file has kabupaten, kecamatan and desa, a national one provinsi and kabupaten."""

    sumber: str
    lisensi: str
    content_digest: str  # of the file's text: what a page's fingerprint takes for all of it
    provinsi: dict[str, Geometry] = field(default_factory=dict)
    kabupaten: dict[str, Geometry] = field(default_factory=dict)
    kecamatan: dict[str, Geometry] = field(default_factory=dict)
    desa: dict[str, Geometry] = field(default_factory=dict)


class CodePattern:
    """The codes of a level that a site without a full region table accepts, by their form."""

    def __init__(self, pattern: str) -> None:
        self.pattern = re.compile(pattern)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.pattern.fullmatch(code) is not None


def kabupaten_codes(region: Region) -> dict[str, Container[str]]:
    """The codes a kabupaten's boundary file may use, by level: those of its region table."""
    return {"kabupaten": {region.kode}, "kecamatan": {k.kode for k in region.kecamatan},
            "desa": {d.kode for k in region.kecamatan for d in k.desa}}


NATIONAL_CODES: dict[str, Container[str]] = {"provinsi": CodePattern(r"\d{2}"),
                                             "kabupaten": CodePattern(r"\d{2}\.\d{2}")}


def load_boundaries(path: Path, known: dict[str, Container[str]], owner: str,
                    problems: Problems) -> Boundaries | None:
    """Read and check a boundary file (tools/make_boundaries.py): its levels are those of
    ``known``, every code one of ``known``'s at its level (of ``owner``, for messages), every
    geometry a list of polygons of [lon, lat, ...] rings."""
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        problems.add(shown, 1, "(file)", _("cannot read the boundary file: {error}").format(
            error=str(exc)), REMAKE)
        return None
    except json.JSONDecodeError as exc:
        problems.add(shown, exc.lineno, "(json)", _("not valid JSON: {error}").format(error=exc.msg),
                     REMAKE)
        return None
    if not isinstance(data, dict):
        problems.add(shown, 1, "(json)", _("expected an object with sumber, lisensi and {levels}")
                     .format(levels=", ".join(known)), REMAKE)
        return None
    for key in sorted(set(data) - set(known) - {"sumber", "lisensi", "catatan"}):
        close, levels_known = closest(key, known), ", ".join(known)
        problems.add(shown, _line(text, f'"{key}"'), key, _("not a level of this boundary file"),
                     _("the levels are {levels}; did you mean '{name}'?").format(
                         levels=levels_known, name=close) if close else
                     _("the levels are {levels}").format(levels=levels_known))
    levels: dict[str, dict[str, Geometry]] = {}
    for level, codes in known.items():
        levels[level] = {}
        items = data.get(level, {})
        if not isinstance(items, dict):
            problems.add(shown, _line(text, f'"{level}"'), level,
                         _("expected an object of geometries by code"), REMAKE)
            continue
        for code in sorted(items):
            line, where = _line(text, f'"{code}"'), f"{level}.{code}"
            geometry = _geometry(items[code])
            if code not in codes:
                problems.add(shown, line, where, _("'{code}' is not a {level} of {owner}").format(
                                 code=code, level=level, owner=owner),
                             _("key each region by its Kemendagri code, as in the region table "
                               "(data/wilayah.yaml)"))
            elif geometry is None:
                problems.add(shown, line, where, _("expected a list of polygons, each a list of "
                                                   "rings [lon, lat, lon, lat, ...] of at least 3 "
                                                   "points"), REMAKE)
            else:
                levels[level][code] = geometry
    for key in ("sumber", "lisensi"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            problems.add(shown, 1, key, _("missing: say where the polygons come from and under "
                                          "which licence"),
                         _('e.g. "lisensi": "MIT, Copyright (c) 2024 Cahya DSN"'))
    return Boundaries(str(data.get("sumber", "")), str(data.get("lisensi", "")),
                      hashlib.sha256(text.encode("utf-8")).hexdigest(),
                      *(levels.get(level, {}) for level in LEVELS))


def _line(text: str, needle: str) -> int:
    """The line of the first ``needle`` in ``text`` (1 when absent)."""
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


def _geometry(value: Any) -> Geometry | None:
    """``value`` as a Geometry, or None when it is not one."""
    if not isinstance(value, list) or not value:
        return None
    polygons = []
    for poly in value:
        if not isinstance(poly, list) or not poly:
            return None
        for ring in poly:
            if (not isinstance(ring, list) or len(ring) < 6 or len(ring) % 2
                    or not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                               for v in ring)):
                return None
        polygons.append(tuple(tuple(float(v) for v in ring) for ring in poly))
    return tuple(polygons)


@dataclass(frozen=True)
class Frame:
    """An equirectangular projection of a lon/lat box onto a ``width``-wide SVG viewBox,
    longitudes shrunk by the cosine of the box's middle latitude, north up."""

    west: float
    north: float
    scale: float  # viewBox units per degree of latitude
    shrink: float  # cos(middle latitude)
    width: int
    height: int

    @classmethod
    def fit(cls, geometries: Iterable[Geometry], width: int, margin: int = 4,
            points: Iterable[tuple[float, float]] = ()) -> Frame:
        """The frame that shows every point of ``geometries`` and every (lon, lat) of
        ``points`` with ``margin`` units around."""
        geometries, points = list(geometries), list(points)
        lons = [r[i] for g in geometries for p in g for r in p for i in range(0, len(r), 2)]
        lats = [r[i] for g in geometries for p in g for r in p for i in range(1, len(r), 2)]
        lons += [lon for lon, _ in points]
        lats += [lat for _, lat in points]
        west, east, south, north = min(lons), max(lons), min(lats), max(lats)
        shrink = math.cos(math.radians((north + south) / 2))
        scale = (width - 2 * margin) / max((east - west) * shrink, 1e-9)
        height = math.ceil((north - south) * scale) + 2 * margin
        return cls(west - margin / scale / shrink, north + margin / scale, scale, shrink, width,
                   height)

    def xy(self, lon: float, lat: float) -> tuple[int, int]:
        """A point in whole viewBox units."""
        return (round((lon - self.west) * self.shrink * self.scale),
                round((self.north - lat) * self.scale))


def label_at(geometry: Geometry, frame: Frame, box: tuple[int, int],
             centre: tuple[float, float] | None = None) -> tuple[int, int] | None:
    """Where a label of ``geometry`` goes: at ``centre`` (lon, lat) or else the middle of its
    largest polygon's drawn box, if that box is at least ``box`` units; None otherwise."""
    drawn = [[frame.xy(ring[i], ring[i + 1]) for i in range(0, len(ring), 2)]
             for ring in (polygon[0] for polygon in geometry)]
    points = max(drawn, key=lambda ring: (max(x for x, _ in ring) - min(x for x, _ in ring))
                 * (max(y for _, y in ring) - min(y for _, y in ring)))
    xs, ys = [x for x, _ in points], [y for _, y in points]
    if max(xs) - min(xs) < box[0] or max(ys) - min(ys) < box[1]:
        return None
    return frame.xy(*centre) if centre else ((max(xs) + min(xs)) // 2, (max(ys) + min(ys)) // 2)


def path_data(geometry: Geometry, frame: Frame) -> str:
    """SVG path data: each ring from an absolute start, then relative whole-unit steps; points
    that round onto the previous one are left out, rings that shrink below 3 points too."""
    parts = []
    for polygon in geometry:
        for ring in polygon:
            points: list[tuple[int, int]] = []
            for i in range(0, len(ring), 2):
                point = frame.xy(ring[i], ring[i + 1])
                if not points or point != points[-1]:
                    points.append(point)
            if len(points) > 1 and points[0] == points[-1]:
                points.pop()
            if len(points) < 3:
                continue
            steps = "".join(_pair(b[0] - a[0], b[1] - a[1]) for a, b in pairwise(points))
            parts.append(f"M{points[0][0]} {points[0][1]}l{steps.lstrip(' ')}z")
    return "".join(parts)


def _pair(dx: int, dy: int) -> str:
    """One relative step; a minus sign separates numbers by itself."""
    return f"{'' if dx < 0 else ' '}{dx}{'' if dy < 0 else ' '}{dy}"


def progress_class(registered: int, total: int) -> str:
    """The colour class of a kecamatan's share of registered Posyandu (``kosong``: none)."""
    if not total:
        return "kosong"
    percent = 100 * registered / total
    return f"k{max(i for i, (low, _) in enumerate(PROGRESS_CLASSES) if percent >= low)}"


@dataclass(frozen=True)
class Shape:
    """A region on a map: a link with an accessible name, and a colour class."""

    href: str
    name: str
    d: str
    css: str


@dataclass(frozen=True)
class Dot:
    """A Posyandu on a map, a link unless ``href`` is empty; ``approximate``: drawn at its
    desa's centre for want of coordinates."""

    href: str
    name: str
    x: int
    y: int
    approximate: bool


@dataclass(frozen=True)
class Label:
    """A short text on the map, e.g. a kecamatan's percentage."""

    x: int
    y: int
    text: str


@dataclass(frozen=True)
class Map:
    """One SVG map: shapes (links), dots (links), labels, and a name for the whole map."""

    name: str
    frame: Frame
    shapes: tuple[Shape, ...]
    dots: tuple[Dot, ...] = ()
    labels: tuple[Label, ...] = ()
    radius: int = 5
    background: str = ""  # path data of regions drawn for context only, not links

    def svg(self) -> Markup:
        """The map as inline SVG; every shape and dot is an <a> named by its <title>."""
        f = self.frame
        out = [(f'<svg class="peta-svg" viewBox="0 0 {f.width} {f.height}" role="group" '
                f'aria-label="{escape(self.name)}">{HATCH}')]
        if self.background:
            out.append(f'<path class="luar" d="{self.background}" aria-hidden="true"/>')
        for s in self.shapes:
            out.append(f'<a href="{escape(s.href)}"><title>{escape(s.name)}</title>'
                       f'<path class="{s.css}" d="{s.d}"/></a>')
        for t in self.labels:
            out.append(f'<text x="{t.x}" y="{t.y}" aria-hidden="true">{escape(t.text)}</text>')
        for dot in self.dots:
            css = "titik-perkiraan" if dot.approximate else "titik"
            hidden = "" if dot.href else ' aria-hidden="true"'
            mark = f'<circle class="{css}" cx="{dot.x}" cy="{dot.y}" r="{self.radius}"{hidden}/>'
            out.append(f'<a href="{escape(dot.href)}"><title>{escape(dot.name)}</title>{mark}</a>'
                       if dot.href else mark)
        out.append("</svg>")
        return Markup("".join(out))
