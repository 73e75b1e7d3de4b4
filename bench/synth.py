"""Synthetic Posyandu registries for benchmarks, in the generator's input format.

Usage:
    python bench/synth.py --posyandu N --out DIR           # one kabupaten (Kukar, 237 desa)
    python bench/synth.py --national [--posyandu N] --out DIR [--only 64]

Kabupaten scale writes DIR/config.yaml, DIR/wilayah.yaml (a copy of the real Kukar region
table) and DIR/posyandu.yaml with N invented Posyandu spread over its desa. National scale
(default 300,000 Posyandu) spreads them over every real desa/kelurahan code of
../shared/data/wilayah-desa-indonesia.csv.gz and writes one such folder per kabupaten
(DIR/<kode>/) with the national DIR/config.yaml, the layout of ``python -m generator build
--units DIR``; the CSV has no coordinates, so every desa gets ``pusat: [0.0, 0.0]`` and no
entry has ``koordinat``. Without the CSV, an invented country of the same shape stands in.
Output is deterministic (fixed seed) and no date lies in the future.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import json
import random
import re
import shutil
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from make_sample import ACTIVITIES, DAYS, FIRST, LAST, NAMES, STREETS  # noqa: E402

KUKAR = ROOT / "data" / "wilayah.yaml"
NATIONAL_CSV = ROOT.parent / "shared" / "data" / "wilayah-desa-indonesia.csv.gz"
NATIONAL_POSYANDU = 300_000
SPLIT_ABOVE = 20_000  # a kabupaten with more Posyandu gets one registry file per kecamatan
LAST_DATE = min(dt.date(2026, 6, 30), dt.date.today())  # every date is on or before this
ZONES = {"WITA": ("51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"),
         "WIT": ("81", "82", "91", "92", "93", "94", "95", "96", "97")}  # otherwise WIB


NATIONAL_CONFIG = """\
judul: Direktori Posyandu Indonesia (sintetis)
deskripsi: Data sintetis untuk benchmark.
base_url: https://bench.example.org/posyandu/
data_contoh: true
"""


@dataclass(frozen=True)
class Unit:
    """One kabupaten's input files: what one run of today's generator builds."""

    kode: str
    config: Path
    registry: Path  # posyandu.yaml, or a folder of one file per kecamatan for large counts
    edited: Path  # the file a benchmark changes one entry of


@dataclass(frozen=True)
class Dataset:
    """A synthetic registry: one unit per kabupaten."""

    root: Path
    units: tuple[Unit, ...]
    posyandu: int


def slug(text: str) -> str:
    """Lowercase ASCII slug, as in the generator's URLs."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def zone(kode: str) -> str:
    """The time zone of a region by its province code."""
    return next((z for z, provinces in ZONES.items() if kode[:2] in provinces), "WIB")


def spread(count: int, slots: int, rng: random.Random) -> list[int]:
    """How many of ``count`` items each of ``slots`` slots gets: as even as possible, the
    remainder to random slots."""
    base, extra = divmod(count, slots)
    counts = [base] * slots
    for i in rng.sample(range(slots), extra):
        counts[i] += 1
    return counts


def past_date(rng: random.Random, days_back: int) -> dt.date:
    """A random date within ``days_back`` days before LAST_DATE."""
    return LAST_DATE - dt.timedelta(days=rng.randint(0, days_back))


def entry(rng: random.Random, seq: int, kec: dict, desa: dict, nth: int,
          flags: tuple[bool, bool], with_coordinates: bool) -> str:
    """The ``nth`` Posyandu of a desa, as one registry entry in YAML."""
    name = NAMES[(int(desa["kode"][-4:]) * 7 + nth) % len(NAMES)]
    if nth >= len(NAMES):
        name += f" {nth // len(NAMES) + 1}"
    pid = f"{slug(desa['nama'])}-{desa['kode'].replace('.', '')}-{slug(name)}"
    lines = [f"  - id: {pid}", f"    nama: {q('Posyandu ' + name)}",
             f'    kode_wilayah: "{desa["kode"]}"']
    if rng.random() < 0.9:
        lines.append(f"    alamat: {q(f'{rng.choice(STREETS)} RT {rng.randint(1, 30):02d}')}")
    if with_coordinates and rng.random() < 0.7:
        lat = desa["pusat"][0] + rng.uniform(-0.01, 0.01)
        lon = desa["pusat"][1] + rng.uniform(-0.01, 0.01)
        lines.append(f"    koordinat: {{lat: {lat:.5f}, lon: {lon:.5f}}}")
    lines += schedule(rng)
    if rng.random() < 0.4:
        lines += ["    kontak:", f'      telepon: "0541-{rng.randint(100000, 999999)}"']
    lines.append(f"    jumlah_kader_aktif: {rng.randint(5, 15)}")
    lines += registration(rng, seq)
    lines += services(rng, pilot=all(flags))
    lines += [f"    {key}: true" for key, on in zip(("lokus_stunting", "lokus_kemiskinan"), flags, strict=True)
              if on]
    if all(flags):
        lines.append("    percontohan_6spm: true")
    updated = past_date(rng, 540)
    lines.append(f"    diperbarui: {updated.isoformat()}")
    if rng.random() < 0.75:
        checked = min(updated + dt.timedelta(days=rng.randint(0, 60)), LAST_DATE)
        lines += ["    verifikasi:", f"      tanggal: {checked.isoformat()}",
                  f"      oleh: {q('Tim Pembina Posyandu Kecamatan ' + kec['nama'])}"]
    lines += private(rng, seq)
    return "\n".join(lines)


def schedule(rng: random.Random) -> list[str]:
    """A ``jadwal`` block: a day of the month, or a weekday with an optional week."""
    start = rng.choice(["08.00", "08.30", "09.00"])
    end = {"08.00": "11.00", "08.30": "11.30", "09.00": "12.00"}[start]
    kind = rng.random()
    if kind < 0.2:
        when = [f"      tanggal: {rng.randint(5, 20)}"]
    else:
        when = [f"      hari: {rng.choice(DAYS)}"]
        if kind > 0.22:
            when.append(f"      minggu_ke: {rng.choice([1, 2, 2, 3, 4, -1])}")
    return ["    jadwal:", *when, f'      jam: "{start}-{end}"']


def registration(rng: random.Random, seq: int) -> list[str]:
    """A ``registrasi`` block; a number exactly when registered."""
    status = rng.choices(["terdaftar", "dalam verifikasi", "belum terdaftar"], [55, 25, 20])[0]
    lines = ["    registrasi:", f"      status: {status}"]
    if status == "terdaftar":
        lines.append(f'      nomor: "SINTETIS-{seq:06d}"')
    if status != "belum terdaftar":
        lines.append(f"      tanggal: {past_date(rng, 700).isoformat()}")
    return lines


def services(rng: random.Random, pilot: bool) -> list[str]:
    """An ``spm`` block: kesehatan always runs, every field in the 6-SPM pilot."""
    lines = ["    spm:"]
    for key, acts in ACTIVITIES.items():
        if pilot or key == "kesehatan" or rng.random() < 0.45:
            chosen = rng.sample(acts, rng.randint(1, min(3, len(acts))))
            lines.append(f"      {key}: {{berjalan: true, kegiatan: [{', '.join(chosen)}]}}")
        elif rng.random() < 0.5:
            lines.append(f"      {key}: {{berjalan: false}}")
    return lines


def private(rng: random.Random, seq: int) -> list[str]:
    """A ``privat`` block, which the generator must read and drop."""
    lines = ["    privat:", "      kader:"]
    for _ in range(2):
        lines += [f"        - nama: {rng.choice(FIRST)} {rng.choice(LAST)}",
                  f'          telepon: "08{rng.randint(10, 99)}{rng.randint(10**7, 10**8 - 1)}"',
                  f'          nik: "64{rng.randint(10**13, 10**14 - 1)}"']
    return lines + [f'      catatan: "Catatan internal sintetis {seq:06d}"']


def registry_lines(region: dict, counts: Iterator[int], rng: random.Random, first_seq: int,
                   with_coordinates: bool) -> Iterator[str]:
    """The registry file of one kabupaten, line block by line block."""
    yield "# Registri Posyandu SINTETIS untuk benchmark (bench/synth.py): semua entri rekaan."
    yield "posyandu:"
    seq = first_seq
    for kec in region["kecamatan"]:
        for desa in kec["desa"]:
            flags = (rng.random() < 0.15, rng.random() < 0.10)
            for nth in range(next(counts)):
                yield entry(rng, seq, kec, desa, nth, flags, with_coordinates)
                seq += 1


def config_text(region: dict, target: int) -> str:
    """The config.yaml of one kabupaten; its region table lies beside it."""
    kode = region["kabupaten"]["kode"]
    judul = f"Direktori Posyandu {kabupaten_label(region['kabupaten']['nama'])} (sintetis)"
    return "\n".join([
        f"judul: {q(judul)}",
        'deskripsi: "Data sintetis untuk benchmark."',
        "base_url: https://bench.example.org/posyandu/",
        f'kabupaten: "{kode}"',
        "wilayah: wilayah.yaml",
        f"target_registrasi: {target}",
        f"zona_waktu: {zone(kode)}",
        'koreksi: "mailto:dpmd.posyandu@example.go.id?subject=Koreksi%20{id}"',
        "data_contoh: true", ""])


def kabupaten_label(nama: str) -> str:
    """"Kabupaten X" or "Kota X" for a region table's kabupaten name."""
    return nama if nama.startswith(("Kota ", "Kabupaten ")) else f"Kabupaten {nama}"


def write_unit(folder: Path, region: dict, region_text: str, count: int, rng: random.Random,
               first_seq: int, with_coordinates: bool) -> Unit:
    """Write config, region table and registry of one kabupaten with ``count`` Posyandu."""
    folder.mkdir(parents=True, exist_ok=True)
    villages = sum(len(k["desa"]) for k in region["kecamatan"])
    counts = iter(spread(count, villages, rng))
    (folder / "wilayah.yaml").write_text(region_text, encoding="utf-8")
    (folder / "config.yaml").write_text(config_text(region, count), encoding="utf-8")
    if count <= SPLIT_ABOVE:
        registry = folder / "posyandu.yaml"
        with registry.open("w", encoding="utf-8") as out:
            for block in registry_lines(region, counts, rng, first_seq, with_coordinates):
                out.write(block + "\n")
        return Unit(region["kabupaten"]["kode"], folder / "config.yaml", registry, registry)
    registry = folder / "posyandu"  # one file per kecamatan: a file may not exceed 64 MB
    registry.mkdir()
    seq, first = first_seq, None
    for kec in region["kecamatan"]:
        part = {**region, "kecamatan": [kec]}
        blocks = list(registry_lines(part, counts, rng, seq, with_coordinates))
        if len(blocks) > 2:
            path = registry / f"{kec['kode']}.yaml"
            path.write_text("\n".join(blocks) + "\n", encoding="utf-8")
            first = first or path
        seq += len(blocks) - 2
    assert first is not None
    return Unit(region["kabupaten"]["kode"], folder / "config.yaml", registry, first)


def kabupaten_dataset(out: Path, count: int, region_path: Path = KUKAR) -> Dataset:
    """One kabupaten (by default the real Kukar table) with ``count`` Posyandu."""
    fresh(out)
    text = region_path.read_text(encoding="utf-8")
    region = yaml.load(text, Loader=yaml.CSafeLoader)
    unit = write_unit(out, region, text, count, random.Random(6402), 1, with_coordinates=True)
    return Dataset(out, (unit,), count)


def national_dataset(out: Path, count: int = NATIONAL_POSYANDU, csv_path: Path = NATIONAL_CSV,
                     only: str = "") -> Dataset:
    """``count`` Posyandu over every desa of the country (or of the kabupaten whose code
    starts with ``only``), one folder of inputs per kabupaten."""
    fresh(out)
    rows = [r for r in national_rows(csv_path) if r["kode"].startswith(only)]
    if not rows:
        raise SystemExit(f"no desa with a code starting with {only!r}")
    rng = random.Random(62)
    per_desa = spread(count, len(rows), rng)
    units, start, seq = [], 0, 1
    for kab_kode, group in groupby(rows, key=lambda r: r["kode_kabupaten"]):
        members = list(group)
        region = region_table(members)
        share = sum(per_desa[start:start + len(members)])
        units.append(write_unit(out / kab_kode, region, region_yaml(region), share,
                                random.Random(kab_kode), seq, with_coordinates=False))
        start, seq = start + len(members), seq + share
    (out / "config.yaml").write_text(NATIONAL_CONFIG, encoding="utf-8")
    return Dataset(out, tuple(units), count)


def fresh(folder: Path) -> None:
    """Empty ``folder`` (it is a generated work folder)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)


def national_rows(csv_path: Path) -> list[dict[str, str]]:
    """Every desa/kelurahan row of the national CSV, sorted by code; invented rows of the same
    shape when the CSV is absent."""
    if not csv_path.is_file():
        print(f"{csv_path} not found: using an invented country of the same shape",
              file=sys.stderr)
        return list(fallback_rows())
    with gzip.open(csv_path, "rt", encoding="utf-8", newline="") as f:
        return sorted(csv.DictReader(f), key=lambda r: r["kode"])


def fallback_rows(provinces: int = 38, kabupaten: int = 514, desa: int = 83_762
                  ) -> Iterator[dict[str, str]]:
    """Invented CSV rows: ``desa`` villages in ~14 kecamatan per kabupaten, with real-looking
    codes (provinces numbered from 11) and names made of syllables."""
    rng = random.Random(83762)
    syllables = ["ba", "ka", "ma", "sa", "ta", "ra", "ja", "lu", "ngi", "wa", "sum", "jo", "tan"]
    per_kab = spread(desa, kabupaten, rng)
    for k, villages in enumerate(per_kab):
        prov, kab = f"{11 + k % provinces:02d}", f"{k // provinces + 1:02d}"
        for v in range(villages):
            kec = f"{prov}.{kab}.{v // 12 + 1:02d}"
            kelurahan = v % 9 == 0
            yield {"kode": f"{kec}.{1 if kelurahan else 2}{v % 12 + 1:03d}",
                   "nama": "".join(rng.choice(syllables) for _ in range(3)).title(),
                   "tingkat": "kelurahan" if kelurahan else "desa",
                   "kecamatan": f"Sintetis {v // 12 + 1}", "kabupaten_kota": f"Kabupaten Sintetis {k + 1}",
                   "provinsi": f"Provinsi {prov}", "kode_kecamatan": kec,
                   "kode_kabupaten": f"{prov}.{kab}", "kode_provinsi": prov}


def region_table(rows: list[dict[str, str]]) -> dict[str, Any]:
    """The region table of one kabupaten (data/wilayah.yaml's shape) from its CSV rows."""
    first = rows[0]
    kecamatan = []
    for kec_kode, group in groupby(rows, key=lambda r: r["kode_kecamatan"]):
        members = list(group)
        kecamatan.append({"kode": kec_kode, "nama": members[0]["kecamatan"], "pusat": [0.0, 0.0],
                          "desa": [{"kode": r["kode"], "nama": r["nama"], "jenis": r["tingkat"],
                                    "pusat": [0.0, 0.0]} for r in members]})
    nama = first["kabupaten_kota"].removeprefix("Kabupaten ")
    return {"kabupaten": {"kode": first["kode_kabupaten"], "nama": nama, "pusat": [0.0, 0.0]},
            "provinsi": {"kode": first["kode_provinsi"], "nama": first["provinsi"]},
            "kecamatan": kecamatan}


def region_yaml(region: dict[str, Any]) -> str:
    """A region table as YAML, laid out like data/wilayah.yaml."""
    kab, prov = region["kabupaten"], region["provinsi"]
    lines = ["# Tabel wilayah dari wilayah-desa-indonesia.csv.gz (tanpa titik pusat).",
             "kabupaten:", f'  kode: "{kab["kode"]}"', f"  nama: {q(kab['nama'])}",
             "  pusat: [0.0, 0.0]", "provinsi:", f'  kode: "{prov["kode"]}"',
             f"  nama: {q(prov['nama'])}", "kecamatan:"]
    for kec in region["kecamatan"]:
        lines += [f'  - kode: "{kec["kode"]}"', f"    nama: {q(kec['nama'])}",
                  "    pusat: [0.0, 0.0]", "    desa:"]
        lines += [f'      - {{kode: "{d["kode"]}", nama: {q(d["nama"])}, jenis: {d["jenis"]}, '
                  f"pusat: [0.0, 0.0]}}" for d in kec["desa"]]
    return "\n".join(lines) + "\n"


def main(argv: Iterable[str] | None = None) -> int:
    """Command line: write a synthetic dataset and say where."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posyandu", type=int, help="how many (default: 827; national 300000)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write (emptied first)")
    parser.add_argument("--national", action="store_true",
                        help="every desa of the country, one folder per kabupaten")
    parser.add_argument("--only", default="", help="national: only codes starting with this")
    parser.add_argument("--csv", type=Path, default=NATIONAL_CSV, help="national desa codes")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.national:
        data = national_dataset(args.out, args.posyandu or NATIONAL_POSYANDU, args.csv, args.only)
    else:
        data = kabupaten_dataset(args.out, args.posyandu or 827)
    print(f"wrote {data.posyandu} Posyandu in {len(data.units)} kabupaten into {data.root}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
