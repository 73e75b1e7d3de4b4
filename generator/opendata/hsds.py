"""Open Referral HSDS (Human Services Data Specification 3.x) export of the registry.

Mapping:

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

import hashlib
import uuid
from collections.abc import Sequence
from typing import Any

from ..calendar import ANCHOR, occurrences, rrule
from ..models import ZONE_OFFSETS, Posyandu, Registry, Schedule
from ..urls import posyandu as posyandu_url
from .datadict import HSDS_FILES
from .records import array, compact, midnight, offset

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:posyandu-site:hsds")
_NAMESPACE = NAMESPACE.bytes


def uuid5(name: str) -> str:
    """``str(uuid.uuid5(NAMESPACE, name))``, without making UUID objects: an export calls it
    some twenty times per Posyandu (RFC 4122 4.3: SHA-1 of namespace and name, version 5)."""
    digest = bytearray(hashlib.sha1(_NAMESPACE + name.encode("utf-8"),
                                      usedforsecurity=False).digest()[:16])
    digest[6] = digest[6] & 0x0F | 0x50
    digest[8] = digest[8] & 0x3F | 0x80
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _uuid(reg: Registry, *parts: str) -> str:
    """A stable UUID for one HSDS object."""
    return uuid5("/".join((reg.settings.kabupaten, *parts)))


def _organization(p: Posyandu, reg: Registry, kecamatan: str) -> dict[str, Any]:
    """HSDS organization: the Posyandu."""
    org_id = _uuid(reg, p.id)
    text = (f"Posyandu di {p.desa.label}, Kecamatan {kecamatan}, {reg.region.label}, "
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
               "city": reg.region.label, "state_province": reg.region.provinsi,
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
                    "opens_at": s.jam_mulai.replace(".", ":") + offset(zona),
                    "closes_at": s.jam_selesai.replace(".", ":") + offset(zona),
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
            "last_modified": midnight(p.diperbarui, reg.settings.zona_waktu),
        }
        if p.email:
            service["email"] = p.email
        if p.verifikasi:
            service["assured_date"] = p.verifikasi.tanggal.isoformat()
        out.append(service | {"service_at_locations": [sal]})
    return out


def entry(p: Posyandu, reg: Registry, kecamatan: str) -> tuple[bytes, bytes, bytes]:
    """One Posyandu's HSDS objects as JSON texts in UTF-8: its organization, its location and
    its services (joined by commas; empty when it runs none); ``kecamatan``: its kecamatan's
    name."""
    return (compact(_organization(p, reg, kecamatan)).encode(),
            compact(_location(p, reg, kecamatan)).encode(),
            ",".join(compact(s) for s in _services(p, reg)).encode())


def files(reg: Registry, entries: Sequence[tuple[bytes, bytes, bytes]] | None = None
          ) -> dict[str, bytes]:
    """The HSDS export: file name (HSDS_FILES) -> JSON text in UTF-8 (an array of one HSDS
    object type); ``entries``: every Posyandu's ``entry``, in UTF-8, in the order of
    ``Registry.by_place``."""
    if entries is None:
        kec = reg.region.kecamatan_names()
        entries = [entry(p, reg, kec[p.desa.kecamatan_kode]) for p in reg.by_place]
    organizations = array([e[0] for e in entries])
    locations = array([e[1] for e in entries])
    services = array([e[2] for e in entries if e[2]])
    return dict(zip(HSDS_FILES, (organizations, locations, services), strict=True))
