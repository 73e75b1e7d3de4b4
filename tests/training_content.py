"""Training content that passes every check: two modules, a glossary and an image, and
``make_content`` to write it (with some files replaced) as a content folder."""
from __future__ import annotations

from pathlib import Path

GOOD_ONE = """---
judul: Modul Satu
urutan: 1
sasaran: [kabupaten, desa]
jpl: {t: 1, p: 1, pl: 0}
tpk:
  - Memahami satu hal.
referensi:
  - "Permendagri Nomor 13 Tahun 2024."
latihan:
  - soal: Apa?
    jawaban: Itu.
    jenis: penerapan
kelompok: inti
kompetensi: Mampu membina Posyandu.
tpu: Peserta mampu membina Posyandu.
pokok_bahasan:
  - judul: Satu hal
    sub: [Bagian pertama]
metode: [ceramah tanya jawab]
media: [modul]
evaluasi: [swauji]
praktik:
  - judul: Daftar kekurangan
    tugas: Periksa berkas tiruan.
    produk: Daftar kekurangan.
    cara: Berpasangan.
    jawaban_baik: Menemukan empat cacat.
swauji:
  - soal: Mana?
    pilihan: [Ini, Itu]
    benar: 1
    bagian: bagian-pertama
---
## Bagian Pertama

Lihat [modul dua](02-dua.md#bagian-kedua) dan [kader](istilah.md#kader).

![Bagan](bagan.svg)
"""
GOOD_TWO = GOOD_ONE.replace("Modul Satu", "Modul Dua").replace("urutan: 1", "urutan: 2").replace(
    "## Bagian Pertama", "## Bagian Kedua").replace("02-dua.md#bagian-kedua", "01-satu.md").replace(
    "bagian: bagian-pertama", "bagian: bagian-kedua")


GLOSSARY = """---
judul: Daftar Istilah
istilah:
  - istilah: Kader
    arti: Relawan Posyandu.
---
Istilah yang dipakai.
"""
SVG = '<svg xmlns="http://www.w3.org/2000/svg"><title>Bagan</title></svg>'


def make_content(tmp_path: Path, **files: str | None) -> Path:
    """``tmp_path/content`` holding the good content; ``files`` replace or add files by name
    (``__`` for ``/``), and None leaves one out."""
    content = tmp_path / "content"
    (content / "modul").mkdir(parents=True)
    base = {"modul/01-satu.md": GOOD_ONE, "modul/02-dua.md": GOOD_TWO, "istilah.md": GLOSSARY,
            "modul/bagan.svg": SVG}
    base.update({k.replace("__", "/"): v for k, v in files.items()})
    for name, text in base.items():
        if text is not None:
            (content / name).write_text(text, encoding="utf-8")
    return content
