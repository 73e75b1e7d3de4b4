"""The registry as open data: ``exports()`` lists every file and how it is made, ``write()``
puts them (and one .ics per Posyandu, and the finder's index) into the staging folder.

The modules of this package: ``datadict`` (the files and the CSV's columns, defined once),
``records`` (each Posyandu's public record: JSON, CSV, the summary the national site reads),
``hsds`` (Open Referral HSDS), ``pieces`` (each entry's serialized parts, kept in the cache so
that a rebuild serializes only what changed); here: a GeoJSON map layer, an Atom feed of
changes, a Frictionless Data Package and a DCAT (Project Open Data 1.1) catalogue that
CKAN-based portals harvest.

Every output depends on the registry alone (never on the build date), in a fixed order; dates
are the registry's newest ``diperbarui``.
"""
from __future__ import annotations

import functools
import hashlib
import heapq
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from typing import Any

from .. import calendar, finder
from ..cache import CacheDir
from ..models import Posyandu, Registry
from ..urls import posyandu as posyandu_url
from ..write import Staging
from . import hsds, pieces
from .datadict import (
    CATALOG,
    CSV,
    CSV_FIELDS,
    DATA_PACKAGE,
    FEED,
    FILES,
    GEOJSON,
    HSDS_FILES,
    JSON,
    SUMMARY,
    DataFile,
    Field,
    latest_update,
)
from .pieces import Joined
from .records import (
    compact,
    document,
    dump,
    feature,
    license_info,
    midnight,
    summary,
    to_csv,
    to_json,
)
from .records import records as public_records  # not named records: that is the module

ATOM_NS = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FEED_LIMIT = 50
PAGE = "data-terbuka/"  # the page that describes the files
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
Exports = list[tuple[tuple[str, ...], Callable[[], dict[str, str | bytes]]]]


def exports(reg: Registry, joined: Callable[[], Joined] | None = None) -> Exports:
    """Every open-data file as (its paths, a function that makes them: path -> text, or its
    UTF-8 bytes for the files joined from every entry's pieces);
    ``joined`` gives every entry's pieces (called once, when the first file is made; by
    default all are serialized then)."""
    parts = functools.cache(joined or (lambda: pieces.fresh(reg)))
    return [
        ((JSON,), lambda: {JSON: to_json(reg, [p.record for p in parts().ordered])}),
        ((CSV,), lambda: {CSV: to_csv(reg, [p.row for p in parts().ordered])}),
        ((SUMMARY,), lambda: {SUMMARY: summary(reg)}),
        ((GEOJSON,), lambda: {GEOJSON: geojson(reg, [p.feature for p in parts().ordered
                                                     if p.feature])}),
        ((FEED,), lambda: {FEED: atom(reg)}),
        (tuple(f"data/hsds/{name}" for name in HSDS_FILES),
         lambda: {f"data/hsds/{k}": v for k, v in hsds.files(
             reg, [p.hsds for p in parts().ordered]).items()}),
        ((DATA_PACKAGE,), lambda: {DATA_PACKAGE: data_package(reg)}),
        ((CATALOG,), lambda: {CATALOG: catalog(reg)}),
        ((finder.INDEX_PATH,), lambda: {finder.INDEX_PATH: finder.index(
            reg, [p.finder for p in parts().by_name])}),
    ]


def write(staging: Staging, reg: Registry, cache: CacheDir) -> None:
    """Write the open data (``exports``) and one .ics per Posyandu into ``staging``. A file
    made from the same inputs as in the previous build is linked from it; the others are
    joined from every entry's pieces, which come from ``cache`` (CacheDir.opendata_pieces)
    for the entries serialized in an earlier build. An .ics is kept by its entry's digest.
    Besides the entries, the files depend on the generator's code, the settings and the
    region table only (not on the templates: editing a page serializes nothing again)."""
    salt = cache.key("open data", repr(reg.settings), repr(reg.region))
    cached = pieces.Cached(reg, cache.opendata_pieces(), salt)
    digests = cached.digests  # of everything each entry's pieces show
    key = hashlib.sha256("\0".join([salt, *digests]).encode()).hexdigest()
    for rels, make in exports(reg, cached.joined):
        if not all(staging.reuse(rel, key) for rel in rels):
            for rel, data in make().items():
                staging.write(rel, data, key)
    cached.save()
    _calendars(staging, reg, salt, digests)


def _calendars(staging: Staging, reg: Registry, salt: str, digests: list[str]) -> None:
    """One .ics per Posyandu with a schedule, kept by its entry's ``digests`` and the ``salt``.
    Its key is half of each (128 bits apiece: as unique as a digest of both, without hashing
    once per entry), and names its path too (the path is made of the entry, the settings and
    the code), so a kept file is found by its key in the previous build's keys without
    making its name again."""
    settings = reg.settings
    kecamatan = reg.region.kecamatan_names()
    stamp = salt[:32]
    kept = {key: rel for rel, key in staging.previous_keys.items()}
    for p, entry in zip(reg.posyandu, digests, strict=True):
        if not p.jadwal:
            continue
        entry_key = stamp + entry[:32]
        rel = kept.get(entry_key)
        if rel is None or not staging.reuse(rel, entry_key):
            rel = posyandu_url(p) + calendar.file_name(p)
            staging.write(rel, calendar.ics(p, settings, settings.base_url + posyandu_url(p),
                                            settings.zona_waktu, kecamatan[p.desa.kecamatan_kode]),
                          entry_key)


def publisher(reg: Registry) -> str:
    """Who publishes the data: the kabupaten's (or kota's) DPMD."""
    return f"DPMD {reg.region.label}"


def _description(reg: Registry) -> str:
    """What the data is, in one paragraph (with the sample-data note when it applies)."""
    text = (f"Direktori Posyandu {reg.region.label}, {reg.region.provinsi}: satu entri per "
            "Posyandu dengan desa/kelurahan, alamat, koordinat, jadwal buka, kontak publik, "
            "status registrasi Kemendagri, dan kegiatan enam bidang SPM (Permendagri Nomor 13 "
            "Tahun 2024). Data pribadi kader tidak diterbitkan.")
    if reg.settings.data_contoh:
        text += " DATA CONTOH: entri Posyandu di dalamnya rekaan, bukan registri resmi."
    return text


def geojson(reg: Registry, features: Sequence[bytes] | None = None) -> bytes:
    """A FeatureCollection (UTF-8) with one Point per Posyandu that has coordinates;
    ``features``: their JSON texts in UTF-8 in the order of ``Registry.by_place``."""
    sample = reg.settings.data_contoh
    if features is None:
        features = [compact(f).encode()
                    for f in (feature(rec, sample) for rec in public_records(reg)) if f]
    return document({"type": "FeatureCollection", "data_contoh": sample,
                     "lisensi": license_info(reg), "diperbarui": latest_update(reg).isoformat()},
                    "features", features)


def _table_field(f: Field) -> dict[str, Any]:
    """One field of the CSV's Table Schema."""
    out: dict[str, Any] = {"name": f.name, "type": f.type, "description": f.description}
    if f.type == "boolean":
        out |= {"trueValues": ["ya"], "falseValues": ["tidak"]}
    constraints: dict[str, Any] = {"required": True} if f.required else {}
    if f.enum:
        constraints["enum"] = list(f.enum)
    if f.name == "id":
        constraints["unique"] = True
    return out | ({"constraints": constraints} if constraints else {})


def _resource(f: DataFile, name: str) -> dict[str, Any]:
    """One resource of the data package; paths are relative to data/."""
    out: dict[str, Any] = {"name": name, "path": f.path.removeprefix("data/"), "title": f.title,
                           "description": f.description, "format": f.format.lower(),
                           "mediatype": f.media_type, "encoding": "utf-8"}
    return out | ({"sources": [{"title": f.standard, "path": f.standard}]} if f.standard else {})


def data_package(reg: Registry) -> str:
    """data/datapackage.json: a Frictionless Data Package of the files in data/, with a Table
    Schema for the CSV."""
    lic = reg.settings.lisensi
    schema = {"fields": [_table_field(f) for f in CSV_FIELDS], "primaryKey": ["id"],
              "missingValues": [""]}
    resources = []
    for f in FILES:
        if not f.path.startswith("data/") or f.path in (DATA_PACKAGE, CATALOG):
            continue
        name = f.path.removeprefix("data/").replace("/", "-").replace(".", "-")
        resource = _resource(f, name)
        if f.path == CSV:
            resource |= {"profile": "tabular-data-resource", "schema": schema}
        resources.append(resource)
    doc = {
        "profile": "data-package",
        "name": f"posyandu-{reg.region.kode.replace('.', '-')}",
        "title": f"Direktori Posyandu {reg.region.label}",
        "description": _description(reg),
        "homepage": reg.settings.base_url + PAGE,
        "created": midnight(latest_update(reg), reg.settings.zona_waktu),
        "keywords": _keywords(reg),
        "licenses": [{"name": lic.kode, "path": lic.url, "title": lic.nama}],
        "contributors": [{"title": publisher(reg), "role": "publisher"}],
        "resources": resources,
    }
    return dump(doc)


def _keywords(reg: Registry) -> list[str]:
    words = ["posyandu", "SPM", "Standar Pelayanan Minimal", "desa", reg.region.label,
             reg.region.provinsi]
    return words + (["data contoh"] if reg.settings.data_contoh else [])


def _contact(reg: Registry) -> dict[str, str]:
    """The catalogue's contact point: the DPMD, with the correction address when it is e-mail."""
    contact = {"@type": "vcard:Contact", "fn": publisher(reg)}
    koreksi = reg.settings.koreksi
    if koreksi.startswith("mailto:"):
        contact["hasEmail"] = koreksi.split("?")[0]
    return contact


def catalog(reg: Registry) -> str:
    """data/data.json: a DCAT-US (Project Open Data 1.1) catalogue with one dataset, whose
    distributions are the open-data files."""
    base = reg.settings.base_url
    distributions = [
        {"@type": "dcat:Distribution", "downloadURL": base + f.path, "mediaType": f.media_type,
         "format": f.format, "title": f.title, "description": f.description,
         **({"conformsTo": f.standard} if f.standard else {})}
        for f in FILES if f.path != CATALOG
    ]
    dataset = {
        "@type": "dcat:Dataset",
        "title": f"Direktori Posyandu {reg.region.label}",
        "description": _description(reg),
        "keyword": _keywords(reg),
        "modified": latest_update(reg).isoformat(),
        "publisher": {"@type": "org:Organization", "name": publisher(reg)},
        "contactPoint": _contact(reg),
        "identifier": base + PAGE,
        "accessLevel": "public",
        "license": reg.settings.lisensi.url,
        "spatial": f"{reg.region.label}, {reg.region.provinsi}, Indonesia",
        "language": ["id"],
        "landingPage": base + PAGE,
        "describedBy": base + DATA_PACKAGE,
        "describedByType": "application/json",
        "accrualPeriodicity": "irregular",
        "distribution": distributions,
    }
    doc = {"@context": "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld",
           "@id": base + CATALOG, "@type": "dcat:Catalog",
           "conformsTo": "https://project-open-data.cio.gov/v1.1/schema",
           "describedBy": "https://project-open-data.cio.gov/v1.1/schema/catalog.json",
           "dataset": [dataset]}
    return dump(doc)


def _xml_text(value: str) -> str:
    """Text with the characters that XML 1.0 forbids removed (ElementTree escapes the rest)."""
    return _XML_ILLEGAL.sub("", value)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    """Append a child element with optional text."""
    child = ET.SubElement(parent, tag, attrib)
    if text is not None:
        child.text = _xml_text(text)
    return child


def _entry(feed: ET.Element, p: Posyandu, reg: Registry, kecamatan: str) -> None:
    """One feed entry: a Posyandu whose entry was updated."""
    url = reg.settings.base_url + posyandu_url(p)
    entry = _sub(feed, "entry")
    _sub(entry, "id", url)
    _sub(entry, "title", f"{p.nama} ({p.desa.nama}) diperbarui")
    _sub(entry, "updated", midnight(p.diperbarui, reg.settings.zona_waktu))
    _sub(entry, "link", rel="alternate", type="text/html", href=url)
    when = p.jadwal.words(reg.settings.zona_waktu) if p.jadwal else "Jadwal belum tercatat"
    _sub(entry, "summary", f"{p.desa.label}, Kecamatan {kecamatan}. {when}.")


def atom(reg: Registry) -> str:
    """An Atom 1.0 feed: the most recently updated Posyandu, newest first."""
    settings = reg.settings
    latest = heapq.nsmallest(FEED_LIMIT, reg.posyandu,
                             key=lambda p: (-p.diperbarui.toordinal(), p.id))
    feed = ET.Element("feed", {"xmlns": ATOM_NS, XML_LANG: "id"})
    _sub(feed, "id", settings.base_url)
    _sub(feed, "title", f"{settings.judul}: pembaruan data")
    if settings.data_contoh:
        _sub(feed, "subtitle", "Data contoh: entri Posyandu di direktori ini rekaan.")
    lic = settings.lisensi
    _sub(feed, "rights", f"Data berlisensi {lic.nama}: {lic.url}")
    _sub(feed, "updated", midnight(latest_update(reg), settings.zona_waktu))
    _sub(_sub(feed, "author"), "name", publisher(reg))
    _sub(feed, "link", rel="self", type="application/atom+xml", href=settings.base_url + FEED)
    _sub(feed, "link", rel="alternate", type="text/html", href=settings.base_url)
    kec = reg.region.kecamatan_names()
    for p in latest:
        _entry(feed, p, reg, kec[p.desa.kecamatan_kode])
    ET.indent(feed, space=" ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"
