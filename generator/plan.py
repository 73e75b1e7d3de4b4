"""Plan every page before rendering: its URL, output file, template and data."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from inspect import isfunction
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from . import calendar, pagedata, quality, urls
from .curriculum import KELOMPOK, TESTS
from .models import (
    TIME_ZONES,
    Kecamatan,
    Posyandu,
    Region,
    Registry,
    Schedule,
    Settings,
    kabupaten_label,
)
from .opendata import datadict
from .pagedata import PageData
from .qr import QrCache
from .training import AUDIENCES, Training
from .visit import visit_order, visit_sheet

if TYPE_CHECKING:  # map_pages plans with these pages
    from .map_pages import Locator


@dataclass(frozen=True)
class Deferred:
    """A page's data made only when the page is rendered, as ``make(*args)``: a rebuild reuses
    nearly every page without making its data. The page's fingerprint digests ``make``'s name
    and each of ``args`` (``digest_of``) in place of the data, so ``make`` may read nothing but
    its arguments (and what every page depends on: the code, the templates and the site)."""

    make: Callable[..., PageData]
    args: tuple[Any, ...]


@dataclass
class Page:
    """One output file: ``url`` is relative to the site root ("" is the home page)."""

    url: str
    template: str
    title: str
    data: PageData | Deferred = field(default_factory=PageData)  # the template's variables
    crumbs: list[tuple[str, str]] = field(default_factory=list)
    kind: str = ""

    @property
    def output(self) -> str:
        """The file this page is written to, relative to the site root."""
        return urls.output(self.url)

    def context(self) -> PageData:
        """The template's variables (made now when they are deferred)."""
        data = self.data
        return data.make(*data.args) if isinstance(data, Deferred) else data

    def fingerprint(self, salt: str, seen: dict[int, str] | None = None) -> str:
        """A digest of everything this page is made from (given the templates and site in
        ``salt``): the same fingerprint means the same output. ``seen`` keeps the digest of
        each context value by its identity, for pages that share values (a kecamatan with all
        its desa is in the context of every profile in it); its values must outlive it."""
        seen = {} if seen is None else seen
        parts = [salt, self.url, self.template, self.title, repr(self.crumbs), self.kind]
        data = self.data
        if isinstance(data, Deferred):
            parts.append(data.make.__qualname__)
            # most values were digested for an earlier page: looked up here, without a call
            parts += [seen.get(id(value)) or digest_of(value, seen) for value in data.args]
        else:
            parts += [f"{name}={digest_of(value, seen)}"
                      for name, value in sorted(data.variables().items())]
        return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()

    @property
    def root(self) -> str:
        """The relative path from this page back to the site root."""
        return urls.root(self.url)


INLINE = 200  # digest_of: the longest text that stands for itself in a fingerprint


def digest_of(value: Any, seen: dict[int, str]) -> str:
    """The digest of one value of a page's context, remembered by identity in ``seen``: a
    record's own (``content_digest``: a Posyandu's, made when its entry was read; a visit
    sheet's or the quality report's, made of what they are made of: models.derived_digest),
    one made of the items' digests for a list or tuple (but of strings: a desa page lists the
    Posyandu of its profiles), a function's name, a string's type and text (a profile's
    JSON-LD: no repr of it), or the digest of the value's repr. A text of at most INLINE
    characters without a NUL (a page's way back to the site root, a QR code's text and title)
    stands for itself, after a "=" that no hexadecimal digest begins with: hashing it would cost
    more than the fingerprint's hash of the longer text."""
    digest = seen.get(id(value))
    if digest is None:
        own = getattr(value, "content_digest", None)
        if isinstance(own, str):
            digest = own
        else:
            if isfunction(value):
                text = value.__qualname__
            elif isinstance(value, str):
                text = f"{type(value).__name__}:{value}"
            elif isinstance(value, list | tuple) and not all(isinstance(v, str) for v in value):
                text = type(value).__name__ + "(" + "\0".join(digest_of(v, seen) for v in value)
            else:
                text = repr(value)
            digest = "=" + text if len(text) <= INLINE and "\0" not in text else \
                hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        seen[id(value)] = digest
    return digest


@dataclass
class Stats:
    """Counts over a set of Posyandu: by registration status and by SPM field."""

    total: int = 0
    status: Counter = field(default_factory=Counter)
    spm: Counter = field(default_factory=Counter)

    def add(self, p: Posyandu) -> None:
        """Count one Posyandu."""
        self.total += 1
        self.status[p.registrasi.status] += 1
        for s in p.spm_running:
            self.spm[s.key] += 1

    def merge(self, other: Stats) -> None:
        """Count the Posyandu that ``other`` counted."""
        self.total += other.total
        self.status.update(other.status)
        self.spm.update(other.spm)

    @property
    def registered(self) -> int:
        """How many are registered with Kemendagri."""
        return self.status["terdaftar"]

    def percent(self, part: int, whole: int | None = None) -> float:
        """``part`` as a percentage of ``whole`` (default: the total), one decimal."""
        whole = self.total if whole is None else whole
        return round(100 * part / whole, 1) if whole else 0.0


def json_ld(data: dict[str, Any]) -> Markup:
    """JSON for a <script type="application/ld+json"> block, safe inside HTML."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def directory_pages(reg: Registry, qr: QrCache,
                    locators: Callable[[Kecamatan, list[Posyandu]], Locator] | None) -> list[Page]:
    """The directory: home, kecamatan, desa and Posyandu pages, and the fixed pages; the
    profiles of a kecamatan get their locator maps from ``locators`` of it and its Posyandu
    (map_pages.Locator with the boundaries; None: no maps). The pages of each Posyandu and
    the visit orders are deferred: made only when rendered."""
    by_desa: dict[str, list[Posyandu]] = {}
    for p in reg.by_place:
        by_desa.setdefault(p.desa.kode, []).append(p)
    total = Stats()
    kec_stats: dict[str, Stats] = {}
    desa_stats: dict[str, Stats] = {}
    for k in reg.region.kecamatan:
        kec_stats[k.kode] = in_kec = Stats()
        for d in k.desa:
            desa_stats[d.kode] = in_desa = Stats()
            for p in by_desa.get(d.kode, []):
                in_desa.add(p)
            in_kec.merge(in_desa)
        total.merge(in_kec)
    home = ("Beranda", "")
    as_of = datadict.latest_update(reg)
    kecamatan_az = sorted(reg.region.kecamatan, key=lambda k: (k.nama, k.kode))
    pages = [
        Page("", "home.html", reg.settings.judul, kind="beranda",
             data=pagedata.Home(total, kecamatan_az, kec_stats, urls.kecamatan)),
        Page(urls.SPM, "spm.html", "Enam bidang SPM di Posyandu", crumbs=[home], kind="info"),
        Page(urls.FINDER, "search.html", "Cari Posyandu", crumbs=[home], kind="cari",
             data=pagedata.Finder(kecamatan_az, urls.kecamatan)),
        Page(urls.NOT_FOUND, "404.html", "Halaman tidak ditemukan", kind="404"),
    ]
    for k in reg.region.kecamatan:
        crumbs = [home]
        pages.append(Page(urls.kecamatan(k), "kecamatan.html", f"Kecamatan {k.nama}", crumbs=crumbs,
                          kind="kecamatan",
                          data=pagedata.KecamatanPage(
                              k, kec_stats[k.kode], sorted(k.desa, key=lambda d: (d.nama, d.kode)),
                              desa_stats, urls.desa)))
        kec_crumb = crumbs + [(f"Kecamatan {k.nama}", urls.kecamatan(k))]
        members = [p for d in k.desa for p in by_desa.get(d.kode, [])]
        pages.append(Page(urls.visit_order(k), "urutan-kunjungan.html",
                          f"Urutan kunjungan pembinaan, Kecamatan {k.nama}", crumbs=kec_crumb,
                          kind="urutan-kunjungan",
                          data=Deferred(visit_order_page, (k, members, as_of))))
        locator = locators(k, members) if locators else None
        for d in k.desa:
            members = by_desa.get(d.kode, [])
            pages.append(Page(urls.desa(d), "desa.html", f"{d.label}, Kecamatan {k.nama}",
                              crumbs=kec_crumb, kind="desa",
                              data=pagedata.DesaPage(k, d, members, desa_stats[d.kode],
                                                     urls.posyandu)))
            desa_crumb = kec_crumb + [(d.label, urls.desa(d))]
            for p in members:
                url = urls.posyandu(p)
                pages.append(Page(url, "posyandu.html", f"{p.nama}, {d.label}", crumbs=desa_crumb,
                                  kind="posyandu",
                                  data=Deferred(profile_page, (p, k, reg.settings, reg.region,
                                                               locator, urls.root(url)))))
                profile = reg.settings.base_url + url
                own_crumbs = desa_crumb + [(p.nama, url)]
                pages.append(Page(urls.poster(p), "poster.html", f"Poster {p.nama}, {d.label}",
                                  crumbs=own_crumbs, kind="poster",
                                  data=Deferred(pagedata.Poster, (p, k, profile, qr.code(
                                      profile, f"Kode QR ke halaman {p.nama}")))))
                pages.append(Page(urls.visit_sheet(p), "kunjungan.html",
                                  f"Lembar kunjungan pembinaan {p.nama}, {d.label}",
                                  crumbs=own_crumbs, kind="kunjungan",
                                  data=Deferred(visit_sheet_page, (k, p, as_of))))
    return pages + open_data_pages(reg, home)


def profile_page(p: Posyandu, k: Kecamatan, settings: Settings, region: Region,
                 locator: Locator | None, root: str) -> pagedata.Profile:
    """A profile's data (``k``: its kecamatan, ``locator``: its kecamatan's locator maps, if
    any; ``root``: the page's way back to the site root)."""
    return pagedata.Profile(p, k, calendar.file_name(p),
                            json_ld(_posyandu_ld(p, k, settings, region)),
                            locator.draw(p, root) if locator else None)


def visit_sheet_page(k: Kecamatan, p: Posyandu, as_of: dt.date) -> pagedata.VisitSheetPage:
    """The coaching-visit sheet of ``p`` (in ``k``) with its gaps as of ``as_of``."""
    return pagedata.VisitSheetPage(k, visit_sheet(p, as_of))


def visit_order_page(k: Kecamatan, members: list[Posyandu],
                     as_of: dt.date) -> pagedata.VisitOrder:
    """The order of coaching visits to the Posyandu of ``k`` (``members``, by place)."""
    return pagedata.VisitOrder(k, visit_order([visit_sheet(p, as_of) for p in members]),
                               urls.posyandu)


def open_data_pages(reg: Registry, home: tuple[str, str]) -> list[Page]:
    """The "Data terbuka" page and the data-quality report (an overview, one page per
    kecamatan), dated by the registry's newest ``diperbarui`` (never the build date)."""
    updated = datadict.latest_update(reg)
    report = quality.report(reg, updated, urls.posyandu)
    section = ("Laporan kualitas data", urls.QUALITY)
    details = {k.kode: urls.kecamatan(k) for k in reg.region.kecamatan}  # from kualitas/
    pages = [
        Page(urls.OPEN_DATA, "data-terbuka.html", "Data terbuka", crumbs=[home], kind="info",
             data=pagedata.OpenData(datadict.FILES, datadict.CSV_FIELDS, updated,
                                    len(reg.posyandu))),
        Page(section[1], "kualitas.html", section[0], crumbs=[home], kind="kualitas",
             data=pagedata.Quality(report, details)),
    ]
    pages += [Page(section[1] + details[row.kode], "kualitas-kecamatan.html",
                   f"Kualitas data Kecamatan {row.nama}", crumbs=[home, section],
                   kind="kualitas", data=pagedata.QualityDetail(report.part(row)))
              for row in report.kecamatan]
    return pages


def _posyandu_ld(p: Posyandu, k: Kecamatan, settings: Settings,
                 region: Region) -> dict[str, Any]:
    """schema.org description of a Posyandu profile."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "CivicStructure",
        "identifier": p.id,
        "name": p.nama,
        "url": settings.base_url + urls.posyandu(p),
        "address": {
            "@type": "PostalAddress",
            "streetAddress": p.alamat or "",
            "addressLocality": p.desa.label,
            "addressRegion": f"Kecamatan {k.nama}, {region.label}, {region.provinsi}",
            "addressCountry": "ID",
        },
        "amenityFeature": [
            {"@type": "LocationFeatureSpecification", "name": s.label, "value": s.berjalan}
            for s in p.spm
        ],
    }
    if p.lat is not None:
        data["geo"] = {"@type": "GeoCoordinates", "latitude": p.lat, "longitude": p.lon}
    if p.telepon:
        data["telephone"] = p.telepon
    if p.email:
        data["email"] = p.email
    if p.jadwal:
        data["event"] = _opening_event(p, p.jadwal, data["address"], settings.zona_waktu)
    return data


SCHEMA_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _opening_event(p: Posyandu, j: Schedule, address: dict[str, Any],
                   zona: str) -> dict[str, Any]:
    """The opening days as a recurring schema.org Event with a Schedule: weekly on a weekday,
    or monthly on a day of the month or the n-th (-1: last) weekday, at local times."""
    tzid, offset = TIME_ZONES[zona]
    first = calendar.first_opening(j)
    schedule: dict[str, Any] = {
        "@type": "Schedule",
        "repeatFrequency": "P1W" if j.tanggal is None and j.minggu_ke is None else "P1M",
        "startDate": first.isoformat(),
        "startTime": f"{j.jam_mulai.replace('.', ':')}:00",
        "endTime": f"{j.jam_selesai.replace('.', ':')}:00",
        "scheduleTimezone": tzid,
    }
    if j.tanggal is not None:
        schedule["byMonthDay"] = j.tanggal
    else:
        schedule["byDay"] = "https://schema.org/" + SCHEMA_DAYS[first.weekday()]
        if j.minggu_ke is not None:
            schedule["byMonthWeek"] = j.minggu_ke
    stamp = f"+{offset:02d}:00"
    return {
        "@type": "Event",
        "name": f"Hari buka {p.nama}",
        "description": j.words(zona),
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "startDate": f"{first.isoformat()}T{schedule['startTime']}{stamp}",
        "endDate": f"{first.isoformat()}T{schedule['endTime']}{stamp}",
        "location": {"@type": "Place", "name": p.nama, "address": address},
        "eventSchedule": schedule,
    }


@dataclass(frozen=True)
class Area:
    """A provinsi or kabupaten in the national site: its folder and its figures."""

    kode: str
    nama: str
    path: str  # folder relative to the national site's root
    posyandu: int
    terdaftar: int
    target: int
    parts: tuple[Area, ...] = ()

    def percent(self) -> float:
        """Registered Posyandu as a percentage of the target, one decimal."""
        return round(100 * self.terdaftar / self.target, 1) if self.target else 0.0


@dataclass(frozen=True)
class KabupatenSummary:
    """A kabupaten of a national site as its data/ringkasan.json gives it, and its folder."""

    path: str  # the kabupaten's folder in the national site, e.g. "jawa-barat-32/kota-bogor-3271/"
    kode: str
    nama: str
    provinsi_kode: str
    provinsi: str
    posyandu: int
    terdaftar: int
    target: int
    data_contoh: bool

    @classmethod
    def read(cls, doc: dict[str, Any], path: str) -> KabupatenSummary:
        """From the JSON document that opendata.records.summary wrote."""
        return cls(path, doc["kabupaten"]["kode"], doc["kabupaten"]["nama"],
                   doc["provinsi"]["kode"], doc["provinsi"]["nama"], doc["posyandu"],
                   doc["status_registrasi"]["terdaftar"], doc["target_registrasi"],
                   doc["data_contoh"])


def national_areas(kabupaten: list[KabupatenSummary],
                   provinsi_path: Callable[[str, str], str]) -> list[Area]:
    """The provinsi of the national site, each with its kabupaten, in code order."""
    groups: dict[tuple[str, str], list[Area]] = {}
    for k in sorted(kabupaten, key=lambda k: k.kode):
        groups.setdefault((k.provinsi_kode, k.provinsi), []).append(
            Area(k.kode, kabupaten_label(k.nama), k.path, k.posyandu, k.terdaftar, k.target))
    return [Area(kode, nama, provinsi_path(nama, kode), sum(a.posyandu for a in parts),
                 sum(a.terdaftar for a in parts), sum(a.target for a in parts), tuple(parts))
            for (kode, nama), parts in sorted(groups.items())]


def national_pages(settings: Any, provinsi: list[Area], training: Training | None) -> list[Page]:
    """The top of a site of many kabupaten: home, a page per provinsi, search over the
    provinsi indexes, the SPM page, 404 and the training section."""
    home = ("Indonesia", "")
    total = Area("", "Indonesia", "", sum(p.posyandu for p in provinsi),
                 sum(p.terdaftar for p in provinsi), sum(p.target for p in provinsi),
                 tuple(provinsi))
    shards = json.dumps([{"kode": p.kode, "nama": p.nama, "path": p.path,
                          "kabupaten": len(p.parts)} for p in provinsi],
                        ensure_ascii=False, separators=(",", ":"))
    pages = [
        Page("", "nasional.html", settings.judul, kind="nasional", data=pagedata.National(total)),
        Page(urls.SPM, "spm.html", "Enam bidang SPM di Posyandu", crumbs=[home], kind="info"),
        Page(urls.FINDER, "search.html", "Cari Posyandu", crumbs=[home], kind="cari",
             data=pagedata.NationalFinder(shards, provinsi)),
        Page(urls.NOT_FOUND, "404.html", "Halaman tidak ditemukan", kind="404"),
    ]
    pages += [Page(p.path, "provinsi.html", f"Provinsi {p.nama}", crumbs=[home], kind="provinsi",
                   data=pagedata.Provinsi(p)) for p in provinsi]
    if training:
        pages += training_pages(training, home)
    return pages


def training_pages(training: Training, home: tuple[str, str] = ("Beranda", ""),
                   directory: frozenset[str] = frozenset()) -> list[Page]:
    """The study section: curriculum, one page per module, glossary, tests, printable handbook;
    ``directory``: the ids of the Posyandu whose pages are beside it (a module links its example
    visit sheet only when that Posyandu is in the registry: real registries replace the sample)."""
    section = ("Pelatihan", urls.TRAINING)
    modules = training.modules
    rows = [(key, label, [m for m in modules if m.kurikulum.kelompok == key])
            for key, label in KELOMPOK.items()]
    common = (training, AUDIENCES, KELOMPOK, directory)
    pages = [Page(urls.TRAINING, "curriculum.html", "Kurikulum pelatihan Tim Pembina Posyandu",
                  crumbs=[home], kind="pelatihan", data=pagedata.Curriculum(*common, rows))]
    for i, m in enumerate(modules):
        pages.append(Page(urls.module(m.slug), "module.html", m.judul, crumbs=[home, section],
                          kind="modul",
                          data=pagedata.Module(*common, m, modules[i - 1] if i > 0 else None,
                                               modules[i + 1] if i + 1 < len(modules) else None)))
    pages.append(Page(urls.TRAINING_SEARCH, "training_search.html", "Cari materi pelatihan",
                      crumbs=[home, section], kind="cari-pelatihan",
                      data=pagedata.TrainingPage(*common)))
    if training.glossary:
        pages.append(Page(urls.GLOSSARY, "glossary.html", training.glossary.judul,
                          crumbs=[home, section], kind="istilah",
                          data=pagedata.Glossary(*common, training.glossary)))
    pages += [Page(urls.module(t.key), "tes.html", t.judul, crumbs=[home, section], kind="tes",
                   data=pagedata.Test(*common, t)) for t in TESTS]
    pages.append(Page(urls.RESULTS, "hasil.html", "Hasil belajar",
                      crumbs=[home, section], kind="hasil",
                      data=pagedata.Results(*common, TESTS)))
    pages.append(Page(urls.HANDBOOK, "handbook.html", "Buku pegangan (cetak)",
                      crumbs=[home, section], kind="cetak",
                      data=pagedata.Handbook(*common, [(m, prefix_ids(m.html, f"m{m.urutan}-"))
                                                       for m in modules])))
    return pages


def prefix_ids(html: str, prefix: str) -> Markup:
    """Give every id and in-page #link of a module a prefix, so modules can share one page."""
    html = re.sub(r'\sid="([^"]+)"', lambda m: f' id="{prefix}{m.group(1)}"', html)
    return Markup(re.sub(r'\shref="#([^"]+)"', lambda m: f' href="#{prefix}{m.group(1)}"', html))
