"""Open data: one record per Posyandu with its public fields and page URL, as JSON and CSV;
the helpers every open-data file shares (order, JSON style, licence, dates)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

from . import datadict
from .datadict import CSV_FIELDS, latest_update
from .models import REGISTRATION_STATUSES, ZONE_OFFSETS, Posyandu, Registry
from .urls import posyandu as posyandu_url

SUMMARY = datadict.SUMMARY  # data/ringkasan.json, which the national site reads
CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def dump(data: Any) -> str:
    """JSON text in the project's style for open data (compact: the files are large)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


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
    return [record(p, reg, kecamatan) for p in reg.by_place()]


def to_json(reg: Registry) -> str:
    """All records as a JSON document, with its licence and a note when it is sample data."""
    doc = {
        "judul": reg.settings.judul,
        "data_contoh": reg.settings.data_contoh,
        "lisensi": license_info(reg),
        "diperbarui": latest_update(reg).isoformat(),
        "sumber_kode_wilayah": "Kepmendagri Nomor 300.2.2-2430 Tahun 2025",
        "jumlah": len(reg.posyandu),
        "posyandu": records(reg),
    }
    return dump(doc)


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


def to_csv(reg: Registry) -> str:
    """All records as CSV, one row per Posyandu, in the columns of CSV_FIELDS."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    names = [f.name for f in CSV_FIELDS]
    writer.writerow(names)
    for rec in records(reg):
        writer.writerow([_cell(_column(rec, name, reg.settings.data_contoh)) for name in names])
    return out.getvalue()


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
