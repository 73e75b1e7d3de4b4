"""More open data: a GeoJSON map layer, an Open Referral HSDS export and an Atom feed of changes.

Every output depends on the registry alone (never on the build date), in a fixed order.

HSDS (Human Services Data Specification 3.x, Open Referral) mapping:

* organization = one Posyandu. A Posyandu is a community institution of its desa that delivers
  the services itself; the DPMD keeps the directory but runs none of the services, so it is not
  an organization here. ``website`` is the Posyandu's page in this directory.
* location = the place where the Posyandu meets (``physical``), with one ``address`` and, when
  known, its coordinates. The registry has no postal codes: ``postal_code``, which HSDS
  requires, is the empty string.
* service = one SPM field the Posyandu runs (name = the field's name, description = its
  activities), with one service_at_location carrying the schedule: ``freq``/``byday``/
  ``bymonthday`` as in its RRULE, ``dtstart`` as in the .ics file, ``opens_at``/``closes_at``
  with the UTC offset and ``timezone`` the offset in hours.
* phone = the Posyandu's public telephone; its public e-mail is on organization and services.
  No named contacts: kader are private.

Identifiers are UUIDv5 in a fixed namespace of keys built from the kabupaten code and the
Posyandu id, so they are the same in every build and under any base URL. ``hsds()`` writes one
JSON array per object type (organizations, locations, services); children (phones, addresses,
service_at_locations, schedules) are nested, as in the HSDS API's responses.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import uuid
import xml.etree.ElementTree as ET
from typing import Any

from .calendar import ANCHOR, occurrences, rrule
from .export import records
from .models import ZONE_OFFSETS, Posyandu, Registry, Schedule
from .plan import posyandu_url

ATOM_NS = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FEED_PATH = "feed.xml"
FEED_LIMIT = 50
HSDS_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:posyandu-site:hsds")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _dump(data: Any) -> str:
    """JSON text in the project's style for open data (compact: the files are large)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def _ordered(reg: Registry) -> list[Posyandu]:
    """Posyandu in the order of the JSON and CSV exports."""
    return sorted(reg.posyandu, key=lambda p: (p.desa.kode, p.nama, p.id))


def _kecamatan(reg: Registry) -> dict[str, str]:
    """Kecamatan names by code."""
    return {k.kode: k.nama for k in reg.region.kecamatan}


def geojson(reg: Registry) -> str:
    """A FeatureCollection with one Point per Posyandu that has coordinates."""
    sample = reg.settings.data_contoh
    features = [
        {"type": "Feature", "id": rec["id"],
         "geometry": {"type": "Point", "coordinates": [rec["lon"], rec["lat"]]},
         "properties": {"data_contoh": sample,
                        **{k: v for k, v in rec.items() if k not in ("lat", "lon")}}}
        for rec in records(reg) if rec["lat"] is not None
    ]
    return _dump({"type": "FeatureCollection", "data_contoh": sample, "features": features})


def _uuid(reg: Registry, *parts: str) -> str:
    """A stable UUID for one HSDS object."""
    return str(uuid.uuid5(HSDS_NAMESPACE, "/".join((reg.settings.kabupaten, *parts))))


def _offset(zona: str) -> str:
    """A zone's UTC offset as in ISO 8601, e.g. "+08:00"."""
    return f"+{ZONE_OFFSETS[zona]:02d}:00"


def _midnight(day: dt.date, zona: str) -> str:
    """The start of a day in the site's zone, as an RFC 3339 timestamp."""
    return f"{day.isoformat()}T00:00:00{_offset(zona)}"


def _organization(p: Posyandu, reg: Registry, kecamatan: str) -> dict[str, Any]:
    """HSDS organization: the Posyandu."""
    org_id = _uuid(reg, p.id)
    text = (f"Posyandu di {p.desa.label}, Kecamatan {kecamatan}, Kabupaten {reg.region.nama}, "
            f"{reg.region.provinsi}. Status registrasi Kemendagri: {p.registrasi.status}.")
    if p.registrasi.nomor:
        text += f" Nomor registrasi: {p.registrasi.nomor}."
    if reg.settings.data_contoh:
        text += " Data contoh: entri ini rekaan."
    org: dict[str, Any] = {"id": org_id, "name": p.nama, "description": text,
                           "website": reg.settings.base_url + posyandu_url(p)}
    if p.email:
        org["email"] = p.email
    if p.telepon:
        org["phones"] = [{"id": _uuid(reg, p.id, "phone"), "organization_id": org_id,
                          "number": p.telepon, "type": "voice"}]
    return org


def _location(p: Posyandu, reg: Registry, kecamatan: str) -> dict[str, Any]:
    """HSDS location: where the Posyandu meets, with its address."""
    loc_id = _uuid(reg, p.id, "location")
    address = {"id": _uuid(reg, p.id, "address"), "location_id": loc_id,
               "address_1": p.alamat or p.desa.label,
               "address_2": f"{p.desa.label}, Kecamatan {kecamatan}" if p.alamat
               else f"Kecamatan {kecamatan}",
               "city": f"Kabupaten {reg.region.nama}", "state_province": reg.region.provinsi,
               "postal_code": "", "country": "ID", "address_type": "physical"}
    loc: dict[str, Any] = {"id": loc_id, "organization_id": _uuid(reg, p.id),
                           "location_type": "physical", "name": p.nama}
    if p.lat is not None:
        loc |= {"latitude": p.lat, "longitude": p.lon}
    loc["addresses"] = [address]
    return loc


def _schedule(s: Schedule, reg: Registry, key: str, sal_id: str) -> dict[str, Any]:
    """HSDS schedule of one service at the Posyandu, from its RRULE."""
    parts = dict(part.split("=") for part in rrule(s).split(";"))
    zona = reg.settings.zona_waktu
    sched: dict[str, Any] = {"id": _uuid(reg, key, "schedule"), "service_at_location_id": sal_id,
                             "freq": parts["FREQ"]}
    if "BYDAY" in parts:
        sched["byday"] = parts["BYDAY"]
    if "BYMONTHDAY" in parts:
        sched["bymonthday"] = parts["BYMONTHDAY"]
    return sched | {"dtstart": occurrences(s, ANCHOR, 1)[0].isoformat(),
                    "opens_at": s.jam_mulai.replace(".", ":") + _offset(zona),
                    "closes_at": s.jam_selesai.replace(".", ":") + _offset(zona),
                    "timezone": ZONE_OFFSETS[zona], "description": s.words(zona)}


def _services(p: Posyandu, reg: Registry) -> list[dict[str, Any]]:
    """HSDS services: one per SPM field the Posyandu runs, each at its location."""
    out = []
    for s in p.spm_running:
        key = f"{p.id}/{s.key}"
        service_id, sal_id = _uuid(reg, key), _uuid(reg, key, "service_at_location")
        sal: dict[str, Any] = {"id": sal_id, "service_id": service_id,
                               "location_id": _uuid(reg, p.id, "location")}
        if p.jadwal:
            sal["schedules"] = [_schedule(p.jadwal, reg, key, sal_id)]
        service: dict[str, Any] = {
            "id": service_id, "organization_id": _uuid(reg, p.id), "name": s.label,
            "description": "Kegiatan: " + "; ".join(s.kegiatan) + ".",
            "url": reg.settings.base_url + posyandu_url(p), "status": "active",
            "last_modified": _midnight(p.diperbarui, reg.settings.zona_waktu),
        }
        if p.email:
            service["email"] = p.email
        if p.verifikasi:
            service["assured_date"] = p.verifikasi.tanggal.isoformat()
        out.append(service | {"service_at_locations": [sal]})
    return out


HSDS_FILES = ("organizations.json", "locations.json", "services.json")


def hsds(reg: Registry) -> dict[str, str]:
    """The HSDS export: file name -> JSON text (an array of one HSDS object type)."""
    kec = _kecamatan(reg)
    ordered = _ordered(reg)
    return {
        "organizations.json": _dump([_organization(p, reg, kec[p.desa.kecamatan_kode])
                                     for p in ordered]),
        "locations.json": _dump([_location(p, reg, kec[p.desa.kecamatan_kode])
                                 for p in ordered]),
        "services.json": _dump([s for p in ordered for s in _services(p, reg)]),
    }


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
    _sub(entry, "updated", _midnight(p.diperbarui, reg.settings.zona_waktu))
    _sub(entry, "link", rel="alternate", type="text/html", href=url)
    when = p.jadwal.words(reg.settings.zona_waktu) if p.jadwal else "Jadwal belum tercatat"
    _sub(entry, "summary", f"{p.desa.label}, Kecamatan {kecamatan}. {when}.")


def atom(reg: Registry) -> str:
    """An Atom 1.0 feed: the most recently updated Posyandu, newest first."""
    settings = reg.settings
    latest = sorted(reg.posyandu, key=lambda p: (-p.diperbarui.toordinal(), p.id))[:FEED_LIMIT]
    feed = ET.Element("feed", {"xmlns": ATOM_NS, XML_LANG: "id"})
    _sub(feed, "id", settings.base_url)
    _sub(feed, "title", f"{settings.judul}: pembaruan data")
    if settings.data_contoh:
        _sub(feed, "subtitle", "Data contoh: entri Posyandu di direktori ini rekaan.")
    updated = max((p.diperbarui for p in reg.posyandu), default=ANCHOR)
    _sub(feed, "updated", _midnight(updated, settings.zona_waktu))
    _sub(_sub(feed, "author"), "name", f"DPMD Kabupaten {reg.region.nama}")
    _sub(feed, "link", rel="self", type="application/atom+xml", href=settings.base_url + FEED_PATH)
    _sub(feed, "link", rel="alternate", type="text/html", href=settings.base_url)
    kec = _kecamatan(reg)
    for p in latest:
        _entry(feed, p, reg, kec[p.desa.kecamatan_kode])
    ET.indent(feed, space=" ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"
