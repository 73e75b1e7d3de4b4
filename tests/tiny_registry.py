"""A tiny registry as text: a region table of one kecamatan with two desa, and one valid entry
(a mapping: the item of a ``posyandu:`` list, as split_entries gives it)."""
from __future__ import annotations

import datetime as dt

TODAY = dt.date(2026, 12, 1)  # the day the checks run: dates after it are in the future
WILAYAH = """kabupaten: {kode: "64.02", nama: Kutai Kartanegara}
provinsi: {kode: "64", nama: Kalimantan Timur}
kecamatan:
  - kode: "64.02.13"
    nama: Samboja
    pusat: [-1.0, 117.0]
    desa:
      - {kode: "64.02.13.1012", nama: Handil Baru, jenis: kelurahan, pusat: [-1.03, 117.05]}
      - {kode: "64.02.13.2001", nama: Tani Bhakti, jenis: desa, pusat: [-1.2, 117.2]}
"""
ENTRY = """id: samboja-handil-baru-melati
nama: Posyandu Melati
kode_wilayah: "64.02.13.1012"
koordinat: {lat: -1.0312, lon: 117.0521}
jadwal: {hari: selasa, minggu_ke: 2, jam: "8.00-11.00"}
registrasi: {status: terdaftar, nomor: "P-1", tanggal: 2025-03-14}
spm:
  kesehatan: {berjalan: true, kegiatan: [Penimbangan]}
  sosial: {berjalan: false}
diperbarui: 2025-06-01
"""


def registry_file(*entries: str) -> str:
    """A registry file holding ``entries`` (each like ENTRY) as its ``posyandu:`` list."""
    items = ["  - " + entry.rstrip("\n").replace("\n", "\n    ") + "\n" for entry in entries]
    return "posyandu:\n" + "".join(items)
