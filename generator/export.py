"""Open data: one record per Posyandu with its public fields and page URL, as JSON and CSV."""
from __future__ import annotations

import csv
import io
import json
from typing import Any

from .models import REGISTRATION_STATUSES, SPM_FIELDS, Posyandu, Registry
from .plan import posyandu_url

CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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
    kecamatan = {k.kode: k.nama for k in reg.region.kecamatan}
    ordered = sorted(reg.posyandu, key=lambda p: (p.desa.kode, p.nama, p.id))
    return [record(p, reg, kecamatan) for p in ordered]


def to_json(reg: Registry) -> str:
    """All records as a JSON document, with a note when the data is sample data."""
    doc = {
        "judul": reg.settings.judul,
        "data_contoh": reg.settings.data_contoh,
        "sumber_kode_wilayah": "Kepmendagri Nomor 300.2.2-2430 Tahun 2025",
        "jumlah": len(reg.posyandu),
        "posyandu": records(reg),
    }
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"


def _cell(value: Any) -> str:
    """A CSV cell; text (never a number) that a spreadsheet would run as a formula is
    prefixed with a quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, (int, float)):  # a number is a number, -0.48294 included
        return str(value)
    text = "; ".join(value) if isinstance(value, list) else str(value)
    return "'" + text if text.startswith(CSV_FORMULA_START) else text


def to_csv(reg: Registry) -> str:
    """All records as CSV, one row per Posyandu; SPM fields as columns."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    rows = records(reg)
    keys = [k for k in rows[0] if k != "spm"] if rows else []
    spm_keys = [key for key, _ in SPM_FIELDS]
    writer.writerow(["data_contoh", *keys, *(f"spm_{key}" for key in spm_keys)])
    for rec in rows:
        spm = [rec["spm"][k]["kegiatan"] for k in spm_keys]
        writer.writerow([_cell(reg.settings.data_contoh), *(_cell(rec[k]) for k in keys),
                         *(_cell(v) for v in spm)])
    return out.getvalue()


SUMMARY = "data/ringkasan.json"


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
        "target_registrasi": reg.settings.target_registrasi,
        "posyandu": len(reg.posyandu),
        "status_registrasi": status,
    }
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
