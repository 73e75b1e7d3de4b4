"""Write the sample registry (data/posyandu.yaml): invented Posyandu over the real Kukar regions.

Usage: python tools/make_sample.py [N] > data/posyandu.yaml

Deterministic (fixed seed). Every entry is invented; the site marks it as sample data
(config.yaml: data_contoh: true). Covers all 20 kecamatan, every registration status and SPM
field, entries with and without coordinates and contact, several Posyandu in one desa, the same
name in different desa, and the desa named in the press (Handil Baru, Giri Agung).
"""
from __future__ import annotations

import datetime as dt
import random
import re
import sys
from pathlib import Path

import yaml

NAMES = ["Melati", "Mawar", "Anggrek", "Dahlia", "Kenanga", "Cempaka", "Flamboyan", "Teratai",
         "Seroja", "Nusa Indah", "Kasih Ibu", "Harapan Bunda", "Pelita Hati", "Bina Sehat",
         "Tunas Harapan", "Permata Hati", "Sejahtera", "Bougenville", "Kemuning", "Matahari"]
ACTIVITIES = {
    "pendidikan": ["Kelas PAUD", "Pendataan anak tidak sekolah", "Bina Keluarga Balita (BKB)",
                   "Pendampingan pendaftaran sekolah"],
    "kesehatan": ["Penimbangan dan imunisasi balita", "Pemberian makanan tambahan",
                  "Pemeriksaan ibu hamil", "Skrining penyakit tidak menular untuk dewasa dan lansia"],
    "pekerjaan_umum": ["Pemantauan air bersih dan sanitasi", "Pendataan jamban keluarga",
                       "Pendataan kebutuhan jalan lingkungan"],
    "perumahan_rakyat": ["Pendataan rumah tidak layak huni", "Informasi bantuan perbaikan rumah"],
    "trantibumlinmas": ["Siskamling", "Linmas", "Simulasi siaga bencana banjir"],
    "sosial": ["Pendataan lansia dan disabilitas", "Pendataan keluarga miskin",
               "Pendampingan bantuan pangan"],
}
STREETS = ["Jl. Poros", "Jl. Merdeka", "Jl. Pendidikan", "Jl. Masjid", "Jl. Pelabuhan",
           "Jl. Kebun", "Jl. Mangga", "Jl. Sungai", "Gg. Damai", "Gg. Rukun"]
DAYS = ["senin", "selasa", "rabu", "kamis", "jumat", "sabtu"]
FIRST = ["Siti", "Nur", "Rina", "Sri", "Dewi", "Wati", "Aminah", "Fitri", "Yuni", "Hasanah"]
LAST = ["Rahmawati", "Lestari", "Handayani", "Wulandari", "Saputri", "Aisyah", "Mardiana"]


def slug(text: str) -> str:
    """Lowercase ASCII slug."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def q(text: str) -> str:
    """A YAML double-quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def entry(rng: random.Random, pid: str, nama: str, kec: dict, desa: dict, flags: dict,
          extra: list[str]) -> str:
    """One Posyandu in YAML."""
    lines = [f"  - id: {pid}", f"    nama: {q(nama)}",
             f'    kode_wilayah: "{desa["kode"]}"  # {desa["jenis"].capitalize()} {desa["nama"]}, '
             f'Kecamatan {kec["nama"]}']
    if rng.random() < 0.9:
        lines.append(f"    alamat: {q(f'{rng.choice(STREETS)} RT {rng.randint(1, 30):02d}')}")
    if rng.random() < 0.7:
        lat = desa["pusat"][0] + rng.uniform(-0.01, 0.01)
        lon = desa["pusat"][1] + rng.uniform(-0.01, 0.01)
        lines.append(f"    koordinat: {{lat: {lat:.5f}, lon: {lon:.5f}}}")
    start = rng.choice(["08.00", "08.30", "09.00"])
    end = {"08.00": "11.00", "08.30": "11.30", "09.00": "12.00"}[start]
    kind = rng.random()
    lines.append("    jadwal:")
    if kind < 0.2:
        lines.append(f"      tanggal: {rng.randint(5, 20)}")
    else:
        lines.append(f"      hari: {rng.choice(DAYS)}")
        if kind > 0.22:
            lines.append(f"      minggu_ke: {rng.choice([1, 2, 2, 3, 4, -1])}")
    lines.append(f'      jam: "{start}-{end}"')
    if rng.random() < 0.4:
        lines.append("    kontak:")
        lines.append(f'      telepon: "0541-{rng.randint(100000, 999999)}"')
        if rng.random() < 0.5:
            lines.append(f"      email: posyandu.{slug(nama).removeprefix('posyandu-')}."
                         f"{slug(desa['nama'])}@contoh.desa.id")
    kader = rng.randint(5, 15)
    lines.append(f"    jumlah_kader_aktif: {kader}")
    status = flags.get("status") or rng.choices(
        ["terdaftar", "dalam verifikasi", "belum terdaftar"], [55, 25, 20])[0]
    lines.append("    registrasi:")
    lines.append(f"      status: {status}")
    if status == "terdaftar":
        lines.append(f'      nomor: "CONTOH-{flags["seq"]:04d}"')
    if status != "belum terdaftar":
        day = dt.date(2024, 9, 1) + dt.timedelta(days=rng.randint(0, 760))
        lines.append(f"      tanggal: {day.isoformat()}")
    lines.append("    spm:")
    for key, acts in ACTIVITIES.items():
        runs = flags["pilot"] or key == "kesehatan" or rng.random() < 0.45
        if runs:
            chosen = rng.sample(acts, rng.randint(1, min(3, len(acts))))
            lines.append(f"      {key}: {{berjalan: true, kegiatan: [{', '.join(chosen)}]}}")
        elif rng.random() < 0.5:
            lines.append(f"      {key}: {{berjalan: false}}")
    for key in ("lokus_stunting", "lokus_kemiskinan"):
        if flags[key]:
            lines.append(f"    {key}: true")
    if flags["pilot"]:
        lines.append("    percontohan_6spm: true")
    lines.extend(extra)
    updated = dt.date(2025, 6, 1) + dt.timedelta(days=rng.randint(0, 530))
    lines.append(f"    diperbarui: {updated.isoformat()}")
    if rng.random() < 0.75:
        checked = updated + dt.timedelta(days=rng.randint(0, 60))
        lines.append("    verifikasi:")
        lines.append(f"      tanggal: {min(checked, dt.date(2026, 11, 1)).isoformat()}")
        lines.append(f"      oleh: Tim Pembina Posyandu Kecamatan {kec['nama']}")
    lines.append("    privat:")
    lines.append("      kader:")
    for _ in range(2):
        lines.append(f"        - nama: {rng.choice(FIRST)} {rng.choice(LAST)}")
        lines.append(f'          telepon: "08{rng.randint(10, 99)}{rng.randint(10000000, 99999999)}"')
        lines.append(f'          nik: "6402{rng.randint(10**11, 10**12 - 1)}"')
    note = f"Catatan internal contoh nomor {flags['seq']:04d}"
    lines.append(f"      catatan: {q(note)}")
    return "\n".join(lines)


def main(count: int) -> None:
    """Print ``count`` sample Posyandu over the region table."""
    region = yaml.safe_load(Path("data/wilayah.yaml").read_text(encoding="utf-8"))
    rng = random.Random(6402)
    villages = [(k, d) for k in region["kecamatan"] for d in k["desa"]]
    lokus_s = {d["kode"] for _, d in rng.sample(villages, 36)}
    lokus_k = {d["kode"] for _, d in rng.sample(villages, 24)} | set(list(lokus_s)[:8])
    press = {"64.02.13.1012", "64.02.07.2009"}  # Handil Baru (Samboja), Giri Agung (Sebulu)
    plan = [(k, d) for k, d in villages]  # one Posyandu in every desa first
    while len(plan) < count:
        plan.append(rng.choice(villages))
    plan.sort(key=lambda kd: kd[1]["kode"])
    out = [HEADER, "posyandu:"]
    used: dict[str, int] = {}
    for seq, (kec, desa) in enumerate(plan[:count], start=1):
        in_desa = used.setdefault(desa["kode"], 0)
        used[desa["kode"]] += 1
        name = "Melati" if (desa["kode"] in press and in_desa == 0) else NAMES[
            (int(desa["kode"][-4:]) * 7 + in_desa * 3) % len(NAMES)]
        nama = f"Posyandu {name}"
        pid = f"{slug(kec['nama'])}-{slug(desa['nama'])}-{slug(name)}"
        while pid in used:
            pid += "-2"
        used[pid] = 1
        flags = {"seq": seq, "lokus_stunting": desa["kode"] in lokus_s,
                 "lokus_kemiskinan": desa["kode"] in lokus_k,
                 "pilot": desa["kode"] in lokus_s and desa["kode"] in lokus_k}
        extra = []
        if desa["kode"] in press and in_desa == 0:
            flags["status"] = "terdaftar"
            flags["pilot"] = True
            extra = ["    prestasi:",
                     "      - Peserta lomba Posyandu tingkat nasional mewakili Kabupaten Kutai "
                     "Kartanegara (contoh)"]
        out.append(entry(rng, pid, nama, kec, desa, flags, extra))
    sys.stdout.write("\n".join(out) + "\n")


HEADER = """\
# Registri Posyandu Kabupaten Kutai Kartanegara: DATA CONTOH.
# Semua entri di berkas ini rekaan (dibuat oleh tools/make_sample.py) untuk menguji situs;
# wilayahnya nyata (data/wilayah.yaml). Ganti berkas ini dengan registri resmi dan setel
# data_contoh: false di config.yaml.
#
# Satu entri per Posyandu. Bagian 'privat:' tidak pernah diterbitkan ke situs.
"""

if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 827)
