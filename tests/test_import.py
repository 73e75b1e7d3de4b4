"""`python -m generator import`: spreadsheets (.xlsx, .csv) merged into a registry with comments."""
from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

import openpyxl
import pytest

from conftest import ROOT
from generator.build import Options, load
from generator.importer import Places, RowSkip, column_field, load_region, run_import

FIXTURES = Path(__file__).resolve().parent / "import_fixtures"
TODAY = dt.date(2025, 12, 1)
ORIGINAL = (FIXTURES / "posyandu.yaml").read_text(encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A scratch project: config.yaml, the real region table and the small commented registry."""
    (tmp_path / "data").mkdir()
    shutil.copy(ROOT / "config.yaml", tmp_path / "config.yaml")
    shutil.copy(ROOT / "data" / "wilayah.yaml", tmp_path / "data" / "wilayah.yaml")
    (tmp_path / "data" / "posyandu.yaml").write_text(ORIGINAL, encoding="utf-8")
    return tmp_path


@pytest.fixture(scope="module")
def places() -> Places:
    return Places(load_region(ROOT / "config.yaml"))


def run(site: Path, sheet: Path, *options: str) -> int:
    return run_import([str(sheet), "--data", str(site / "data" / "posyandu.yaml"),
                       "--config", str(site / "config.yaml"), *options], today=TODAY)


def write_xlsx(path: Path) -> Path:
    """A DPMD-style workbook: a notes sheet first, then a title row and a blank row above the
    header, headers in mixed case and punctuation, numbers and dates as Excel types."""
    workbook = openpyxl.Workbook()
    workbook.active.title = "Petunjuk"
    workbook.active.append(["Isi satu baris per Posyandu."])
    sheet = workbook.create_sheet("Posyandu")
    sheet.append(["DAFTAR POSYANDU KABUPATEN KUTAI KARTANEGARA"])
    sheet.append([])
    sheet.append(["No", "NAMA POSYANDU", "Desa / Kelurahan", "Kec.", "Hari", "Jam", "Jumlah Kader",
                  "Status Registrasi", "No. Registrasi", "Tgl Registrasi", "Telepon", "Lintang",
                  "Bujur", "Pendidikan", "Kesehatan", "Ketenteraman dan Ketertiban Umum",
                  "Keterangan"])
    blank = [None] * 5
    sheet.append([1, "Posyandu Teratai", "Perian", "Muara Muntai", "Rabu minggu ke-2",
                  "08.00 - 11.00", 6, "Belum Terdaftar", *blank, None,
                  "Penimbangan dan imunisasi balita; Pemeriksaan ibu hamil", None, "jam pindah"])
    sheet.append([2, "POSYANDU MELATI", "Handil Baru", "Samboja", "tanggal 13", "08.00-11.00",
                  None, "terdaftar", "CONTOH-0002"])
    sheet.append([3, "Posyandu Mawar", "Kuala Samboja", "Semboja", "Selasa minggu ke-1",
                  "08.00-11.00", 7, "Terdaftar", "REG-2025-0077", dt.date(2025, 6, 2), 5417654321,
                  -0.9985, 117.1025, "Kelas PAUD", "Penimbangan dan imunisasi balita",
                  "Siskamling; Linmas"])
    sheet.append([4, "Posyandu Anggrek", "Sanga Sanga Dalam", "Sangasanga", "Jum'at", "8.00-11.00",
                  *[None] * 8, "Pemberian makanan tambahan"])
    sheet.append([5, "Posyandu Seroja", "Ambarawang Laut", "Samboja Barat", "tanggal 20",
                  "09.00-12.00", *[None] * 8, "Penimbangan dan imunisasi balita"])
    sheet.append([6, "Posyandu Dahlia", "Sumber Rejo", "Loa Kulu", "Senin", "08.00-11.00"])
    sheet.append([7, "Posyandu Teratai", "Perian", "Muara Muntai", "Kamis"])
    workbook.save(path)
    return path


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    """A CSV as Indonesian Excel saves it: UTF-8 with a byte-order mark, ';' between cells."""
    text = io.StringIO()
    csv.writer(text, delimiter=";").writerows(rows)
    path.write_bytes(b"\xef\xbb\xbf" + text.getvalue().encode("utf-8"))
    return path


NEW_FROM_XLSX = """\
  - id: samboja-samboja-kuala-mawar
    nama: "Posyandu Mawar"
    kode_wilayah: "64.02.13.1010"  # Kelurahan Samboja Kuala, Kecamatan Samboja
    koordinat: {lat: -0.9985, lon: 117.1025}
    jadwal:
      hari: selasa
      minggu_ke: 1
      jam: "08.00-11.00"
    kontak:
      telepon: "05417654321"
    jumlah_kader_aktif: 7
    registrasi:
      status: terdaftar
      nomor: "REG-2025-0077"
      tanggal: 2025-06-02
    spm:
      pendidikan: {berjalan: true, kegiatan: [Kelas PAUD]}
      kesehatan: {berjalan: true, kegiatan: [Penimbangan dan imunisasi balita]}
      trantibumlinmas: {berjalan: true, kegiatan: [Siskamling, Linmas]}
    diperbarui: 2025-12-01
  - id: sanga-sanga-sanga-sanga-dalam-anggrek
    nama: "Posyandu Anggrek"
    kode_wilayah: "64.02.15.1003"  # Kelurahan Sanga-Sanga Dalam, Kecamatan Sanga Sanga
    jadwal:
      hari: jumat
      jam: "08.00-11.00"
    registrasi:
      status: belum terdaftar
    spm:
      kesehatan: {berjalan: true, kegiatan: [Pemberian makanan tambahan]}
    diperbarui: 2025-12-01
  - id: samboja-barat-amborawang-laut-seroja
    nama: "Posyandu Seroja"
    kode_wilayah: "64.02.20.1009"  # Kelurahan Amborawang Laut, Kecamatan Samboja Barat
    jadwal:
      tanggal: 20
      jam: "09.00-12.00"
    registrasi:
      status: belum terdaftar
    spm:
      kesehatan: {berjalan: true, kegiatan: [Penimbangan dan imunisasi balita]}
    diperbarui: 2025-12-01
"""


def test_xlsx_import_merges_and_keeps_comments_order_and_quotes(site: Path, capsys):
    data = site / "data" / "posyandu.yaml"
    status = run(site, write_xlsx(site / "posyandu.xlsx"), "--sheet", "Posyandu")
    out = capsys.readouterr().out
    assert status == 1  # two rows were skipped
    expected = (ORIGINAL
                .replace('      jam: "09.00-12.00"', '      jam: "08.00-11.00"')
                .replace("[Penimbangan dan imunisasi balita]}\n      pekerjaan_umum",
                         "[Penimbangan dan imunisasi balita, Pemeriksaan ibu hamil]}\n"
                         "      pekerjaan_umum")
                .replace("diperbarui: 2025-04-14", "diperbarui: 2025-12-01")
                .replace("# Akhir registri uji.", NEW_FROM_XLSX + "# Akhir registri uji."))
    assert data.read_text(encoding="utf-8") == expected
    assert (site / "data" / "posyandu.yaml.bak").read_text(encoding="utf-8") == ORIGINAL
    assert out.splitlines() == [
        f"import posyandu.xlsx, sheet 'Posyandu': 7 rows into {data}",
        "ignored columns: 'No', 'Keterangan'",
        "added 3, changed 1, skipped 2, unchanged 1",
        "  added   row 6: samboja-samboja-kuala-mawar: Posyandu Mawar, Kelurahan Samboja Kuala "
        "(64.02.13.1010); Kecamatan 'Semboja' read as Samboja",
        "  added   row 7: sanga-sanga-sanga-sanga-dalam-anggrek: Posyandu Anggrek, "
        "Kelurahan Sanga-Sanga Dalam (64.02.15.1003)",
        "  added   row 8: samboja-barat-amborawang-laut-seroja: Posyandu Seroja, "
        "Kelurahan Amborawang Laut (64.02.20.1009); Desa 'Ambarawang Laut' read as Amborawang Laut",
        "  changed row 4: muara-muntai-perian-teratai: jadwal.jam, spm.kesehatan",
        "  skipped row 9: Desa 'Sumber Rejo' (Kec. Loa Kulu) not matched; nearest: "
        "Loh Sumber (64.02.02.2005), Sumber Sari (64.02.02.2014), Jembayan (64.02.02.2003)",
        "  skipped row 10: the same Posyandu as row 4 (muara-muntai-perian-teratai)",
        f"wrote {data} (previous version kept as {data}.bak)",
        f"check: ok, 6 Posyandu in {data}",
    ]
    inputs = load(Options(config=site / "config.yaml", data=(data,), content=site / "none",
                          cache=None), TODAY)
    mawar = next(p for p in inputs.registry.posyandu if p.id == "samboja-samboja-kuala-mawar")
    assert (mawar.registrasi.status, mawar.registrasi.nomor) == ("terdaftar", "REG-2025-0077")


def test_csv_with_semicolons_updates_by_id_and_by_desa_and_name(site: Path, capsys):
    data = site / "data" / "posyandu.yaml"
    sheet = write_csv(site / "posyandu.csv", [
        ["ID", "Nama", "Kelurahan", "Kecamatan", "Kode Wilayah", "Alamat", "Jadwal", "Jam",
         "Sosial", "Pekerjaan Umum"],
        ["loa-kulu-sumber-sari-kenanga", "Posyandu Kenanga Indah", "Argosari", "Samboja Barat",
         "", "Jl. Poros, RT 03", "", "", "Pendataan lansia; Pendampingan bantuan pangan", "-"],
        ["", "Posyandu Cempaka", "Desa yang salah eja", "", "6402131012", "", "Kamis terakhir",
         "08.30-11.30", "", ""],
        ["", "Melati", "Handil Baru", "Samboja", "", "", "Senin", "", "", ""],
    ])
    assert run(site, sheet) == 0
    out = capsys.readouterr().out
    assert "added 1, changed 2, skipped 0, unchanged 0" in out
    assert ("  changed row 2: loa-kulu-sumber-sari-kenanga: nama, kode_wilayah, alamat, "
            "spm.pekerjaan_umum, spm.sosial") in out
    assert "  changed row 4: samboja-handil-baru-melati: jadwal.tanggal, jadwal.hari" in out
    assert ("  added   row 3: samboja-handil-baru-cempaka: Posyandu Cempaka, Kelurahan Handil Baru "
            "(64.02.13.1012)") in out
    text = data.read_text(encoding="utf-8")
    kenanga = text[text.index("  - id: loa-kulu-sumber-sari-kenanga"):text.index("# Akhir")]
    assert kenanga.startswith(
        '  - id: loa-kulu-sumber-sari-kenanga\n'
        '    nama: "Posyandu Kenanga Indah"\n'
        '    kode_wilayah: "64.02.20.1006"  # Kelurahan Argo Sari, Kecamatan Samboja Barat\n'
        '    alamat: "Jl. Poros, RT 03"\n')
    assert ("      pekerjaan_umum: {berjalan: false}\n"
            "      sosial: {berjalan: true, kegiatan: [Pendataan lansia, "
            "Pendampingan bantuan pangan]}\n    diperbarui: 2025-12-01\n") in kenanga
    assert "    nama: 'Posyandu Melati'\n" in text  # the same name: kept as written, in its quotes
    assert '    jadwal: {hari: senin, jam: "08.00-11.00"}\n' in text
    assert "      hari: kamis\n      minggu_ke: -1\n      jam: \"08.30-11.30\"\n" in text
    assert "  # Handil Baru, Samboja: desa yang disebut di berita.\n" in text
    assert "      catatan: 'Catatan internal'  # tidak pernah diterbitkan\n" in text
    assert out.rstrip().endswith(f"check: ok, 4 Posyandu in {data}")


def test_dry_run_writes_nothing(site: Path, capsys):
    data = site / "data" / "posyandu.yaml"
    sheet = write_csv(site / "posyandu.csv", [
        ["Nama Posyandu", "Desa", "Kecamatan", "Hari", "Jam"],
        ["Posyandu Baru", "Perian", "Muara Muntai", "Sabtu", "08.00-10.00"],
    ])
    before = sorted(p.name for p in data.parent.iterdir())
    assert run(site, sheet, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "added 1, changed 0, skipped 0, unchanged 0" in out
    assert "dry run: nothing written" in out and f"check: ok, 4 Posyandu in {data}" in out
    assert data.read_text(encoding="utf-8") == ORIGINAL
    assert sorted(p.name for p in data.parent.iterdir()) == before


def test_an_invalid_result_is_reported_and_the_previous_file_kept(site: Path, capsys):
    data = site / "data" / "posyandu.yaml"
    sheet = write_csv(site / "posyandu.csv", [
        ["Nama Posyandu", "Desa", "Kecamatan", "Status Registrasi"],
        ["Posyandu Baru", "Perian", "Muara Muntai", "terdaftar"],
    ])
    assert run(site, sheet) == 1
    captured = capsys.readouterr()
    assert "registrasi.nomor: a registered Posyandu needs its registration number" in captured.err
    assert "check: 2 problem(s) in the result" in captured.out  # no number, no date
    assert (site / "data" / "posyandu.yaml.bak").read_text(encoding="utf-8") == ORIGINAL
    assert "  - id: muara-muntai-perian-baru\n" in data.read_text(encoding="utf-8")


def test_unreadable_input_is_an_error_without_writing(site: Path, capsys):
    sheet = write_csv(site / "daftar.csv", [["Nomor", "Keterangan"], ["1", "x"]])
    assert run(site, sheet) == 1
    assert "no header row with a 'Nama Posyandu' column" in capsys.readouterr().err
    assert (site / "data" / "posyandu.yaml").read_text(encoding="utf-8") == ORIGINAL


@pytest.mark.parametrize("kecamatan, desa, code", [
    ("Sanga Sanga", "Sanga Sanga Dalam", "64.02.15.1003"),
    ("Sangasanga", "sanga-sanga muara", "64.02.15.1005"),
    ("Semboja", "Kuala Samboja", "64.02.13.1010"),
    ("Samboja", "Semboja Kuala", "64.02.13.1010"),
    ("Samboja Barat", "Ambarawang Darat", "64.02.20.1005"),
    ("Samboja Barat", "Argosari", "64.02.20.1006"),
    ("KEC. SAMBOJA", "Kel. Handil Baru Darat", "64.02.13.1023"),
    ("Kota Bangun Darat", "Kota Bangun 2", "64.02.19.2005"),
    ("Loa Kulu", "Sumber Sari", "64.02.02.2014"),
    ("Kota Bangun Darat", "Sumbersari", "64.02.19.2007"),
    (None, "Handil Baru", "64.02.13.1012"),
])
def test_everyday_spellings_match_the_official_codes(places: Places, kecamatan, desa, code):
    found, _ = places.locate(None, kecamatan, desa)
    assert found is not None and found.kode == code


@pytest.mark.parametrize("kecamatan, desa, message", [
    (None, "Sumber Sari", "Desa 'Sumber Sari' matches several: Sumber Sari (64.02.02.2014), "
     "Sumber Sari (64.02.07.2007), Sumber Sari (64.02.19.2007); add the Kecamatan"),
    ("Samboja", "Amborawang Laut", "Desa 'Amborawang Laut' (Kec. Samboja) not matched; nearest: "),
    ("Samboja", "Amborawang Laut", "; in another kecamatan: Amborawang Laut (64.02.20.1009, "
     "Kec. Samboja Barat)"),
    ("Samboja Timur", "Handil Baru", "Kecamatan 'Samboja Timur' not matched; nearest: "
     "Samboja (64.02.13), Samboja Barat (64.02.20)"),
])
def test_unmatched_or_ambiguous_names_are_explained(places: Places, kecamatan, desa, message):
    with pytest.raises(RowSkip) as caught:
        places.locate(None, kecamatan, desa)
    assert message in str(caught.value)


@pytest.mark.parametrize("header, name", [
    ("Nama Posyandu", "nama"), ("NAMA", "nama"), ("Desa/Kelurahan", "desa"),
    ("Kelurahan", "desa"), ("Kec.", "kecamatan"), ("Kode Desa", "kode_wilayah"),
    ("Jadwal", "hari"), ("Jumlah  Kader", "jumlah_kader"), ("No. Telp", "telepon"),
    ("Lintang", "lat"), ("Bujur", "lon"), ("Pekerjaan Umum", "spm.pekerjaan_umum"),
    ("Perumahan Rakyat dan Kawasan Permukiman", "spm.perumahan_rakyat"),
    ("Ketenteraman, Ketertiban Umum & Linmas", "spm.trantibumlinmas"),
    ("Trantibumlinmas", "spm.trantibumlinmas"), ("SPM Sosial", "spm.sosial"),
    ("No HP", None), ("Keterangan", None), ("No", None),
])
def test_headers_are_recognised_forgivingly(header: str, name: str | None):
    assert column_field(header) == name
