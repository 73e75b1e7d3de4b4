"""The maps of a kabupaten's directory: on the home page its kecamatan coloured by
registration progress (the numbers of the home page's kecamatan table), on every kecamatan page
its desa and Posyandu, on every profile a locator. Without boundaries (a kabupaten with no
boundary file) pages get no map."""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any, Protocol

from . import pagedata, urls
from .maps import (
    NO_POSYANDU,
    PROGRESS_CLASSES,
    Boundaries,
    Dot,
    Frame,
    Geometry,
    Label,
    Map,
    Shape,
    label_at,
    path_data,
    progress_class,
)
from .models import Desa, Kecamatan, Posyandu, Region, derived_digest, place_order
from .plan import Area, Deferred, Page, Stats
from .render import angka

LABEL_BOX = (44, 30)  # a region drawn smaller than this (viewBox units) gets no label
KABUPATEN_WIDTH, KECAMATAN_WIDTH, LOCATOR_WIDTH, NATIONAL_WIDTH = 600, 600, 240, 600
OUTSIDE = "Belum ada dalam direktori"
DOT_MARGIN = 6  # viewBox units around a map with dots, so that a dot at the edge shows whole


@dataclass(frozen=True)
class MapView:
    """A map with what its legend and caption need."""

    map: Map
    sumber: str
    lisensi: str
    classes: tuple[tuple[str, str], ...] = ()  # (css class, legend text)
    approximate: int = 0  # Posyandu drawn at their desa's centre
    subject: str = ""  # what the locator points at


def attach(pages: list[Page], region: Region, posyandu: list[Posyandu],
           boundaries: Boundaries | None) -> list[Page]:
    """``pages`` with a map (or None) in the context of the home and kecamatan pages as
    ``peta``, drawn when the page renders (``with_map``; a profile's: ``locators``)."""
    if boundaries is None:
        return pages
    by_kec = _by_kecamatan(posyandu)
    result = []
    for page in pages:
        data = page.data
        if isinstance(data, pagedata.Home):
            page = replace(page, data=with_map(data, KabupatenMap(
                boundaries, region, data.kec_stats, page.root)))
        elif isinstance(data, pagedata.KecamatanPage):
            page = replace(page, data=with_map(data, KecamatanMap(
                boundaries, data.kec, by_kec.get(data.kec.kode, []), page.root)))
        result.append(page)
    return result


class Drawing(Protocol):
    """A map drawn when a page renders; ``content_digest`` covers what it is drawn from."""

    content_digest: str

    def draw(self) -> MapView | None: ...


def with_map(data: pagedata.Home | pagedata.KecamatanPage, drawing: Drawing) -> Deferred:
    """``data`` with ``drawing`` as its ``peta``, made when the page renders: a rebuild draws
    only the maps of the pages it renders, and a page's fingerprint takes the drawing's digest
    instead of digesting the map's SVG."""
    return Deferred(_drawn, (type(data), drawing, *(getattr(data, name) for name in
                                                    _unmapped(type(data)))))


def _unmapped(kind: type[pagedata.PageData]) -> list[str]:
    """The fields of ``kind`` but its map."""
    return [f.name for f in fields(kind) if f.name != "peta"]


def _drawn(kind: type[pagedata.Home | pagedata.KecamatanPage], drawing: Drawing,
           *values: Any) -> pagedata.Home | pagedata.KecamatanPage:
    return kind(**dict(zip(_unmapped(kind), values, strict=True)), peta=drawing.draw())


class KabupatenMap:
    """The home page's map (``kabupaten_map``)."""

    def __init__(self, boundaries: Boundaries, region: Region, kec_stats: dict[str, Stats],
                 root: str) -> None:
        self.boundaries, self.region, self.kec_stats, self.root = (boundaries, region,
                                                                   kec_stats, root)
        self.content_digest = derived_digest(
            "kabupaten-map", boundaries.content_digest, repr(region), root,
            repr(sorted((kode, s.registered, s.total) for kode, s in kec_stats.items())))

    def draw(self) -> MapView | None:
        return kabupaten_map(self.region, self.kec_stats, self.boundaries, self.root)


class KecamatanMap:
    """A kecamatan page's map (``kecamatan_map``)."""

    def __init__(self, boundaries: Boundaries, kec: Kecamatan, members: list[Posyandu],
                 root: str) -> None:
        self.boundaries, self.kec, self.members, self.root = boundaries, kec, members, root
        self.content_digest = derived_digest("kecamatan-map", boundaries.content_digest,
                                             repr(kec), root, *(p.content_digest for p in members))

    def draw(self) -> MapView | None:
        return kecamatan_map(self.kec, self.members, self.boundaries, self.root)


def _by_kecamatan(posyandu: list[Posyandu]) -> dict[str, list[Posyandu]]:
    """``posyandu`` by kecamatan code, each in place order."""
    by_kec: dict[str, list[Posyandu]] = {}
    for p in sorted(posyandu, key=place_order):
        by_kec.setdefault(p.desa.kecamatan_kode, []).append(p)
    return by_kec


@dataclass(frozen=True)
class Part:
    """A region coloured on a map by how many of a whole are registered."""

    name: str  # "Kecamatan Samboja"
    href: str
    registered: int
    whole: int
    of: str  # what the whole is, e.g. "dari" (the Posyandu in the directory) or "dari target"
    geometry: Geometry
    centre: tuple[float, float] | None = None  # lon, lat of its label


def choropleth(title: str, parts: list[Part], background: list[Geometry], b: Boundaries,
               width: int) -> MapView | None:
    """``parts`` coloured by their share registered and labelled with it where there is room,
    over ``background`` regions (not in the directory)."""
    if not parts:
        return None
    frame = Frame.fit([p.geometry for p in parts] + background, width)
    shapes, labels = [], []
    for p in parts:
        percent = round(100 * p.registered / p.whole, 1) if p.whole else 0.0
        name = (f"{p.name}: {angka(p.registered)} {p.of} {angka(p.whole)} Posyandu terdaftar "
                f"({angka(percent, 1)}%)" if p.whole else f"{p.name}: {NO_POSYANDU}")
        shapes.append(Shape(p.href, name, path_data(p.geometry, frame),
                            progress_class(p.registered, p.whole)))
        at = label_at(p.geometry, frame, LABEL_BOX, p.centre)
        if at:
            labels.append(Label(*at, f"{angka(percent)}%" if p.whole else "–"))
    classes = tuple((f"k{i}", text) for i, (_, text) in enumerate(PROGRESS_CLASSES))
    classes += (("kosong", NO_POSYANDU),) + ((("luar", OUTSIDE),) if background else ())
    return MapView(Map(title, frame, tuple(shapes), labels=tuple(labels),
                       background="".join(path_data(g, frame) for g in background)),
                   b.sumber, b.lisensi, classes)


def kabupaten_map(region: Region, kec_stats: dict[str, Stats], b: Boundaries,
                  root: str) -> MapView | None:
    """The kabupaten's kecamatan coloured by the share of their Posyandu that is registered
    (the numbers of the home page's kecamatan table)."""
    parts = [Part(f"Kecamatan {k.nama}", root + urls.kecamatan(k), kec_stats[k.kode].registered,
                  kec_stats[k.kode].total, "dari", b.kecamatan[k.kode], (k.lon, k.lat))
             for k in region.kecamatan if k.kode in b.kecamatan]
    return choropleth(f"Peta {region.label}: persentase Posyandu terdaftar per kecamatan", parts,
                      [], b, KABUPATEN_WIDTH)


def area_map(title: str, area: Area, level: dict[str, Geometry], prefix: str,
             b: Boundaries, root: str) -> MapView | None:
    """The parts of a provinsi (or of the country) coloured by their registered Posyandu
    against the target (the numbers of the page's table); the regions under ``prefix`` that are
    not in the directory drawn grey behind them."""
    inside = {a.kode for a in area.parts}
    parts = [Part(a.nama, root + a.path, a.terdaftar, a.target, "dari target", level[a.kode])
             for a in area.parts if a.kode in level]
    background = [g for code, g in sorted(level.items())
                  if code.startswith(prefix) and code not in inside]
    return choropleth(title, parts, background, b, NATIONAL_WIDTH)


def attach_national(pages: list[Page], b: Boundaries | None) -> list[Page]:
    """``pages`` of the top of a national site with a map (or None) as ``peta``: the provinsi
    on the national home page, the kabupaten on each provinsi page."""
    result = []
    for page in pages:
        data = page.data
        if isinstance(data, pagedata.National) and b:
            data = replace(data, peta=area_map(
                "Peta Indonesia: persentase Posyandu terdaftar dari target per provinsi",
                data.total, b.provinsi, "", b, page.root))
        elif isinstance(data, pagedata.Provinsi) and b:
            area = data.area
            data = replace(data, peta=area_map(
                f"Peta Provinsi {area.nama}: persentase Posyandu terdaftar dari target per "
                "kabupaten/kota", area, b.kabupaten, area.kode + ".", b, page.root))
        result.append(replace(page, data=data))
    return result


def kecamatan_map(kec: Kecamatan, members: list[Posyandu], b: Boundaries,
                  root: str) -> MapView | None:
    """A kecamatan's desa (hatched when no Posyandu of theirs is in the directory) and its
    Posyandu as dots, those without coordinates as rings at their desa's centre."""
    desa = [d for d in kec.desa if d.kode in b.desa]
    if not desa:
        return None
    frame = Frame.fit([b.desa[d.kode] for d in desa], KECAMATAN_WIDTH, DOT_MARGIN,
                      _located(members))
    counts = {d.kode: 0 for d in kec.desa}
    for p in members:
        counts[p.desa.kode] += 1
    shapes = tuple(Shape(root + urls.desa(d), f"{d.label}: {counts[d.kode]} Posyandu",
                         path_data(b.desa[d.kode], frame), "desa" if counts[d.kode] else "kosong")
                   for d in desa)
    dots = tuple(_dot(p, frame, root + urls.posyandu(p), f"{p.nama}, {p.desa.label}")
                 for p in members)
    return MapView(Map(f"Peta Kecamatan {kec.nama}: desa/kelurahan dan Posyandu", frame, shapes,
                       dots, radius=5),
                   b.sumber, b.lisensi, approximate=sum(d.approximate for d in dots))


def _located(members: list[Posyandu]) -> list[tuple[float, float]]:
    """The (lon, lat) of the Posyandu that have coordinates, so that a frame shows them."""
    return [(p.lon, p.lat) for p in members if p.lon is not None and p.lat is not None]


def _dot(p: Posyandu, frame: Frame, href: str, name: str) -> Dot:
    """``p`` at its coordinates, or at its desa's centre (approximate)."""
    if p.lat is not None and p.lon is not None:
        return Dot(href, name, *frame.xy(p.lon, p.lat), approximate=False)
    return Dot(href, name + " (lokasi perkiraan: titik tengah desa)",
               *frame.xy(p.desa.lon, p.desa.lat), approximate=True)


class Locator:
    """The locator maps of one kecamatan's profiles: the desa of a Posyandu within it, and the
    Posyandu's dot. The frame (fitting the desa and the coordinates of the kecamatan's
    Posyandu, ``members``), desa outlines and desa URLs are drawn once, for the first map
    asked for; ``content_digest`` covers what they are drawn from (a profile's fingerprint
    takes it): the boundaries, the kecamatan and those coordinates, so that a changed entry
    redraws the other locators only when it moved."""

    def __init__(self, boundaries: Boundaries, kec: Kecamatan, members: list[Posyandu]) -> None:
        self.boundaries, self.kec, self.points = boundaries, kec, _located(members)
        self.content_digest = derived_digest("locator", boundaries.content_digest, repr(kec),
                                             repr(self.points))
        self._drawn: tuple[Frame, dict[str, tuple[str, str]]] | None = None

    def draw(self, p: Posyandu, root: str) -> MapView | None:
        """The locator of ``p`` (a member), on a page ``root`` below the site's root; None when
        its desa has no boundary."""
        b, kec = self.boundaries, self.kec
        if p.desa.kode not in b.desa:
            return None
        if self._drawn is None:
            frame = Frame.fit([b.desa[d.kode] for d in kec.desa if d.kode in b.desa],
                              LOCATOR_WIDTH, DOT_MARGIN, self.points)
            self._drawn = frame, {d.kode: (path_data(b.desa[d.kode], frame), urls.desa(d))
                                  for d in kec.desa if d.kode in b.desa}
        frame, drawn = self._drawn
        here = p.desa.kode
        shapes = tuple(Shape(root + drawn[d.kode][1], d.label if d.kode != here else
                             f"{d.label}, tempat {p.nama}", drawn[d.kode][0],
                             "desa-ini" if d.kode == here else "desa")
                       for d in _others_first(kec.desa, p.desa) if d.kode in drawn)
        dot = _dot(p, frame, "", "")
        return MapView(Map(f"Peta letak {p.nama} di {p.desa.label}, Kecamatan {kec.nama}", frame,
                           shapes, (dot,), radius=4),
                       b.sumber, b.lisensi, approximate=int(dot.approximate),
                       subject=p.desa.label)


def _others_first(desa: tuple[Desa, ...], this: Desa) -> list[Desa]:
    """The desa with ``this`` last, so that its outline is drawn above its neighbours'."""
    return [d for d in desa if d.kode != this.kode] + [this]
