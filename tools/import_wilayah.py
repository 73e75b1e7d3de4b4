"""Derive the project's region table (data/wilayah.yaml) from a Kemendagri kode-wilayah CSV.

Usage: python tools/import_wilayah.py ../shared/data/wilayah-kukar.csv "Kalimantan Timur" > data/wilayah.yaml

The input has columns kode,nama,tingkat,kode_induk,lat,lon (one kabupaten, its kecamatan and
villages). The output nests villages under their kecamatan, in the registry's own field names.
"""
from __future__ import annotations

import csv
import sys

HEADER = """\
# Tabel wilayah Kabupaten {nama} (kode {kode}): setiap kecamatan dan desa/kelurahan.
# Sumber kode dan nama: Keputusan Menteri Dalam Negeri Nomor 300.2.2-2430 Tahun 2025
#   (kode wilayah administrasi pemerintahan), sebagaimana dihimpun oleh cahyadsn/wilayah (MIT).
# Titik pusat (pusat: [lintang, bujur]): titik tengah poligon wilayah dari Badan Informasi
#   Geospasial, via cahyadsn/wilayah_boundaries (MIT). Bukan letak kantor desa atau Posyandu.
# jenis: kelurahan bila bagian keempat kode diawali 1, desa bila diawali 2.
"""


def main(path: str, provinsi: str) -> None:
    """Print the region table for the single kabupaten in the CSV at ``path``."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    kab = next(r for r in rows if r["tingkat"] == "kabupaten")
    out = [HEADER.format(nama=kab["nama"].removeprefix("Kabupaten "), kode=kab["kode"])]
    out.append(f'kabupaten:\n  kode: "{kab["kode"]}"\n  nama: {kab["nama"].removeprefix("Kabupaten ")}\n')
    out.append(f'  pusat: [{kab["lat"]}, {kab["lon"]}]\n')
    out.append(f'provinsi:\n  kode: "{kab["kode_induk"]}"\n  nama: {provinsi}\n')
    out.append("kecamatan:\n")
    for kec in (r for r in rows if r["tingkat"] == "kecamatan"):
        out.append(f'  - kode: "{kec["kode"]}"\n    nama: {kec["nama"]}\n')
        out.append(f'    pusat: [{kec["lat"]}, {kec["lon"]}]\n    desa:\n')
        for v in (r for r in rows if r["kode_induk"] == kec["kode"]):
            out.append(
                f'      - {{kode: "{v["kode"]}", nama: "{v["nama"]}", jenis: {v["tingkat"]}, '
                f'pusat: [{v["lat"]}, {v["lon"]}]}}\n'
            )
    sys.stdout.write("".join(out))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
