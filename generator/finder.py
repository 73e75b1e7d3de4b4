"""The directory finder's index: one small JSON file per kabupaten (``cari/indeks.json``).

The page's script (``assets/cari.js``) feeds it to MiniSearch, vendored from npm under
``assets/vendor/``, which gives prefix and fuzzy search as the resident types, with no server
and no WebAssembly. Regions are tables referenced by position, so the name of a desa or
kecamatan is sent once, not once per Posyandu. Every region name also carries its spelling
variants ("Sangasanga" for "Sanga Sanga", "2" for "II"), since residents write them either way;
word order ("Kuala Samboja" for "Samboja Kuala") needs no variant, every word is matched alone.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from . import urls
from .models import REGISTRATION_STATUSES, ZONE_OFFSETS, Desa, Posyandu, Registry
from .opendata.records import compact, document

INDEX_PATH = urls.FINDER + "indeks.json"
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7",
          "viii": "8", "ix": "9", "x": "10"}
_DIGITS = {v: k for k, v in _ROMAN.items()}


def spelling_variants(nama: str) -> list[str]:
    """Other ways people write a region's name: all its words joined, each hyphenated part
    joined ("Sanga-Sanga Dalam" gives "SangaSangaDalam" and "SangaSanga"), and numbers as
    digits or Roman numerals ("Kota Bangun II" gives "Kota Bangun 2")."""
    words = re.findall(r"[^\W_]+", nama)
    variants = {"".join(words)} if len(words) > 1 else set()
    hyphened = re.findall(r"[^\W_]+(?:-[^\W_]+)+", nama)
    variants.update(h.replace("-", "") for h in hyphened)
    swapped = [_ROMAN.get(w.lower(), _DIGITS.get(w.lower(), w)) for w in words]
    if swapped != words:
        variants.add(" ".join(swapped))
    variants.discard(nama)
    return sorted(variants)


def _round(value: float) -> float:
    """Five decimals of a degree: about a metre, plenty for a distance in kilometres."""
    return round(value, 5)


def _schedule(p: Posyandu) -> list[int | str | None] | None:
    """[tanggal, weekday (JS numbering, Sunday 0), minggu_ke, start, end], or None."""
    j = p.jadwal
    if j is None:
        return None
    return [j.tanggal, j.weekday_number if j.hari else None, j.minggu_ke, j.jam_mulai,
            j.jam_selesai]


def order(p: Posyandu) -> tuple[str, str, str]:
    """The order of the index's Posyandu: name, desa name, id."""
    return p.nama, p.desa.nama, p.id


def _desa(reg: Registry) -> list[Desa]:
    """The desa table, sorted A-Z."""
    return sorted((d for k in reg.region.kecamatan for d in k.desa), key=lambda d: (d.nama, d.kode))


def positions(reg: Registry) -> dict[str, int]:
    """Each desa's position in the index's desa table, by code."""
    return {d.kode: i for i, d in enumerate(_desa(reg))}


def row(p: Posyandu, desa_at: dict[str, int]) -> bytes:
    """A Posyandu's row of the index as JSON text in UTF-8; ``desa_at``: ``positions``."""
    return compact([p.id, p.nama, desa_at[p.desa.kode],
                    REGISTRATION_STATUSES.index(p.registrasi.status), _schedule(p),
                    None if p.lat is None else _round(p.lat),
                    None if p.lon is None else _round(p.lon)]).encode()


def index(reg: Registry, rows: Sequence[bytes] | None = None) -> bytes:
    """The finder index of one kabupaten, as compact JSON in UTF-8 (byte-identical for equal
    input);
    ``rows``: every Posyandu's ``row`` in the order of ``order``.

    ``kecamatan``: [name, URL, variants]; ``desa``: [label, kecamatan position, latitude,
    longitude of its centre, URL, variants]; ``posyandu``: [id, name, desa position, status
    position, schedule, latitude, longitude] (no coordinates: null, the page then uses the desa
    centre and says "perkiraan"). Tables are sorted A–Z; a Posyandu's URL is posyandu/<id>/.
    """
    kecamatan = sorted(reg.region.kecamatan, key=lambda k: (k.nama, k.kode))
    kec_at = {k.kode: i for i, k in enumerate(kecamatan)}
    if rows is None:
        desa_at = positions(reg)
        rows = [row(p, desa_at) for p in sorted(reg.posyandu, key=order)]
    head = {
        "zona": reg.settings.zona_waktu,
        "offset": ZONE_OFFSETS[reg.settings.zona_waktu],
        "status": list(REGISTRATION_STATUSES),
        "kecamatan": [[k.nama, urls.kecamatan(k),
                       spelling_variants(k.nama)] for k in kecamatan],
        "desa": [[d.label, kec_at[d.kecamatan_kode], _round(d.lat), _round(d.lon),
                  urls.desa(d), spelling_variants(d.nama)]
                 for d in _desa(reg)],
    }
    return document(head, "posyandu", rows)
