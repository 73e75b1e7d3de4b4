"""Open data: one record per Posyandu with its public fields and page URL, as JSON and CSV;
the helpers every open-data file shares (order, JSON style, licence, dates)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Sequence
from typing import Any

from ..models import REGISTRATION_STATUSES, ZONE_OFFSETS, Posyandu, Registry
from ..urls import posyandu as posyandu_url
from . import datadict
from .datadict import CSV_FIELDS, latest_update

SUMMARY = datadict.SUMMARY  # data/ringkasan.json, which the national site reads
CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def compact(data: Any) -> str:
    """JSON text in the project's style for open data (compact: the files are large)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def dump(data: Any) -> str:
    """A JSON file's text: ``compact`` and a line end."""
    return compact(data) + "\n"


def _enclosed(start: bytes, items: Sequence[bytes], end: bytes) -> bytes:
    """``start + b",".join(items) + end``, with the bytes copied once (the files are large)."""
    if not items:
        return start + end
    parts = [b","] * (2 * len(items) + 1)
    parts[1::2] = items
    parts[0], parts[-1] = start, end
    return b"".join(parts)


def array(items: Sequence[bytes]) -> bytes:
    """A JSON file holding the array of the JSON texts ``items`` (UTF-8): the bytes of the
    text ``dump`` gives for the array of their values."""
    return _enclosed(b"[", items, b"]\n")


def document(head: dict[str, Any], key: str, items: Sequence[bytes]) -> bytes:
    """A JSON file holding ``head`` (not empty) with one more, last member ``key``: the array
    of the JSON texts ``items`` (UTF-8; the bytes of the text ``dump`` gives for
    ``head | {key: [...]}``, without serializing the items again)."""
    return _enclosed(f"{compact(head)[:-1]},{compact(key)}:[".encode(), items, b"]}\n")


def offset(zona: str) -> str:
    """A zone's UTC offset as in ISO 8601, e.g. "+08:00"."""
    return f"+{ZONE_OFFSETS[zona]:02d}:00"


def midnight(day: dt.date, zona: str) -> str:
    """The start of a day in the site's zone, as an RFC 3339 timestamp."""
    return f"{day.isoformat()}T00:00:00{offset(zona)}"


def license_info(reg: Registry) -> dict[str, str]:
    """The licence as every JSON export states it."""
    lic = reg.settings.lisensi
    return {"kode": lic.kode, "nama": lic.nama, "url": lic.url}


def record(p: Posyandu, reg: Registry, kecamatan: dict[str, str]) -> dict[str, Any]:
    """The public fields of one Posyandu; ``kecamatan`` maps kecamatan codes to names."""
    kec = p.desa.kecamatan_kode
    return {
        "id": p.id,
        "nama": p.nama,
        "url": reg.settings.base_url + posyandu_url(p),
        "kode_wilayah": p.desa.kode,
        "desa": p.desa.nama,
        "jenis_wilayah": p.desa.jenis,
        "kode_kecamatan": kec,
        "kecamatan": kecamatan[kec],
        "kabupaten": reg.region.nama,
        "provinsi": reg.region.provinsi,
        "alamat": p.alamat,
        "lat": p.lat,
        "lon": p.lon,
        "jadwal": p.jadwal.words(reg.settings.zona_waktu) if p.jadwal else None,
        "telepon": p.telepon,
        "email": p.email,
        "jumlah_kader_aktif": p.jumlah_kader,
        "status_registrasi": p.registrasi.status,
        "nomor_registrasi": p.registrasi.nomor,
        "tanggal_registrasi": p.registrasi.tanggal.isoformat() if p.registrasi.tanggal else None,
        "spm": {s.key: {"berjalan": s.berjalan, "kegiatan": list(s.kegiatan)} for s in p.spm},
        "lokus_stunting": p.lokus_stunting,
        "lokus_kemiskinan": p.lokus_kemiskinan,
        "percontohan_6spm": p.percontohan,
        "prestasi": list(p.prestasi),
        "diperbarui": p.diperbarui.isoformat(),
        "diverifikasi": p.verifikasi.tanggal.isoformat() if p.verifikasi else None,
        "diverifikasi_oleh": p.verifikasi.oleh if p.verifikasi else None,
        "kelengkapan_persen": p.completeness,
    }


def records(reg: Registry) -> list[dict[str, Any]]:
    """Every record, in a fixed order."""
    kecamatan = reg.region.kecamatan_names()
    return [record(p, reg, kecamatan) for p in reg.by_place]


def feature(rec: dict[str, Any], sample: bool) -> dict[str, Any] | None:
    """A record as a GeoJSON Point feature, or None without coordinates."""
    if rec["lat"] is None:
        return None
    return {"type": "Feature", "id": rec["id"],
            "geometry": {"type": "Point", "coordinates": [rec["lon"], rec["lat"]]},
            "properties": {"data_contoh": sample,
                           **{k: v for k, v in rec.items() if k not in ("lat", "lon")}}}


def to_json(reg: Registry, texts: Sequence[bytes] | None = None) -> bytes:
    """All records as a JSON document (UTF-8), with its licence and a note when it is sample
    data; ``texts``: the records as JSON texts (``compact``, UTF-8) in the order of
    ``Registry.by_place``."""
    head = {
        "judul": reg.settings.judul,
        "data_contoh": reg.settings.data_contoh,
        "lisensi": license_info(reg),
        "diperbarui": latest_update(reg).isoformat(),
        "sumber_kode_wilayah": "Kepmendagri Nomor 300.2.2-2430 Tahun 2025",
        "jumlah": len(reg.posyandu),
    }
    return document(head, "posyandu",
                    [compact(rec).encode() for rec in records(reg)] if texts is None else texts)


def _cell(value: Any) -> str:
    """A CSV cell; text that a spreadsheet would run as a formula is prefixed with a quote
    (numbers such as a negative latitude are written as they are)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, (int, float)):
        return str(value)
    text = "; ".join(value) if isinstance(value, list) else str(value)
    return "'" + text if text.startswith(CSV_FORMULA_START) else text


def _column(rec: dict[str, Any], name: str, sample: bool) -> Any:
    """The value of one CSV column (CSV_FIELDS) of a record."""
    if name == "data_contoh":
        return sample
    if name.startswith("spm_"):
        return rec["spm"][name[4:]]["kegiatan"]
    return rec[name]


def _csv_line(cells: list[str]) -> str:
    """One line of CSV text, line end included."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(cells)
    return out.getvalue()


_CSV_NAMES = [f.name for f in CSV_FIELDS]


def csv_row(rec: dict[str, Any], sample: bool) -> str:
    """A record as one CSV line, in the columns of CSV_FIELDS."""
    return _csv_line([_cell(_column(rec, name, sample)) for name in _CSV_NAMES])


def to_csv(reg: Registry, rows: Sequence[bytes] | None = None) -> bytes:
    """All records as CSV (UTF-8), one row per Posyandu, in the columns of CSV_FIELDS; ``rows``:
    the records' lines (``csv_row``, UTF-8) in the order of ``Registry.by_place``."""
    if rows is None:
        rows = [csv_row(rec, reg.settings.data_contoh).encode() for rec in records(reg)]
    return b"".join((_csv_line(_CSV_NAMES).encode(), *rows))


def summary(reg: Registry) -> str:
    """The kabupaten in figures: what a national site lists about it (data/ringkasan.json)."""
    status = {s: 0 for s in REGISTRATION_STATUSES}
    for p in reg.posyandu:
        status[p.registrasi.status] += 1
    doc = {
        "kabupaten": {"kode": reg.region.kode, "nama": reg.region.nama},
        "provinsi": {"kode": reg.region.provinsi_kode, "nama": reg.region.provinsi},
        "judul": reg.settings.judul,
        "data_contoh": reg.settings.data_contoh,
        "lisensi": license_info(reg),
        "target_registrasi": reg.settings.target_registrasi,
        "posyandu": len(reg.posyandu),
        "status_registrasi": status,
    }
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
