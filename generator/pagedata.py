"""What each kind of page shows: one frozen dataclass per template, whose fields are the
template's variables (besides ``site``, ``page`` and ``root``, which every page has).

A field missing when a page is planned fails there, not when the page renders; the page's
fingerprint (plan.Page.fingerprint) digests these fields.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from .models import Desa, Kecamatan, Posyandu
from .qr import QrCode

if TYPE_CHECKING:  # modules that plan pages import this one
    from .curriculum import SelfTest
    from .map_pages import MapView
    from .opendata.datadict import DataFile, Field
    from .plan import Area, Stats
    from .quality import Report
    from .training import Glossary as GlossaryText
    from .training import Module as ModuleText
    from .training import Training
    from .visit import VisitSheet


@dataclass(frozen=True)
class PageData:
    """A page without variables of its own (the SPM page, 404, the training search)."""

    def variables(self) -> dict[str, Any]:
        """The template's variables: the fields by name."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Home(PageData):
    stats: Stats  # of the kabupaten
    kecamatan: list[Kecamatan]  # A–Z
    kec_stats: dict[str, Stats]  # by kecamatan code
    kecamatan_url: Callable[[Kecamatan], str]
    peta: MapView | None = None  # the kecamatan map (map_pages.attach)


@dataclass(frozen=True)
class Finder(PageData):
    kecamatan: list[Kecamatan]  # A–Z, for choosing a kecamatan without JavaScript
    kecamatan_url: Callable[[Kecamatan], str]


@dataclass(frozen=True)
class KecamatanPage(PageData):
    kec: Kecamatan
    stats: Stats
    desa_az: list[Desa]
    desa_stats: dict[str, Stats]
    desa_url: Callable[[Desa], str]
    peta: MapView | None = None


@dataclass(frozen=True)
class VisitOrder(PageData):
    kec: Kecamatan
    sheets: list[VisitSheet]  # most in need first
    posyandu_url: Callable[[Posyandu], str]


@dataclass(frozen=True)
class DesaPage(PageData):
    kec: Kecamatan
    desa: Desa
    posyandu: list[Posyandu]
    stats: Stats
    posyandu_url: Callable[[Posyandu], str]


@dataclass(frozen=True)
class Profile(PageData):
    p: Posyandu
    kec: Kecamatan
    ics: str  # the name of its .ics file
    jsonld: Markup
    peta: MapView | None = None  # the locator map


@dataclass(frozen=True)
class Poster(PageData):
    p: Posyandu
    kec: Kecamatan
    profile: str  # the profile's public URL
    qr: QrCode


@dataclass(frozen=True)
class VisitSheetPage(PageData):
    kec: Kecamatan
    sheet: VisitSheet


@dataclass(frozen=True)
class OpenData(PageData):
    files: tuple[DataFile, ...]
    fields: tuple[Field, ...]  # of the CSV
    updated: dt.date
    total: int


@dataclass(frozen=True)
class Quality(PageData):
    q: Report
    details: dict[str, str]  # kecamatan code -> its detail page, from kualitas/


@dataclass(frozen=True)
class QualityDetail(PageData):
    part: Report  # of one kecamatan


@dataclass(frozen=True)
class National(PageData):
    total: Area  # the country
    peta: MapView | None = None


@dataclass(frozen=True)
class NationalFinder(PageData):
    shards: str  # JSON of the provinsi indexes
    provinsi: list[Area]


@dataclass(frozen=True)
class Provinsi(PageData):
    area: Area
    peta: MapView | None = None


@dataclass(frozen=True)
class TrainingPage(PageData):
    """Every page of the training section."""

    training: Training
    audiences: dict[str, str]
    kelompok: dict[str, str]
    directory: frozenset[str]  # ids of the Posyandu of the directory beside it


@dataclass(frozen=True)
class Curriculum(TrainingPage):
    rows: list[tuple[str, str, list[ModuleText]]]  # (kelompok, label, its modules)


@dataclass(frozen=True)
class Module(TrainingPage):
    m: ModuleText
    prev: ModuleText | None
    next: ModuleText | None


@dataclass(frozen=True)
class Glossary(TrainingPage):
    glossary: GlossaryText


@dataclass(frozen=True)
class Test(TrainingPage):
    tes: SelfTest


@dataclass(frozen=True)
class Results(TrainingPage):
    tests: tuple[SelfTest, ...]


@dataclass(frozen=True)
class Handbook(TrainingPage):
    modules: list[tuple[ModuleText, Markup]]  # each with its ids prefixed
