"""`python -m generator import`: spreadsheets (.xlsx, .csv) merged into a registry with comments,
checked before anything is written; problems name the sheet's cell."""
from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from sheet_helpers import ROOT, SMALL_REGISTRY, cli, project

from generator.build import Options, load
from generator.i18n import LOCALE_VARIABLES
from generator.importer.cells import stored_name
from generator.importer.places import PlaceError, Places
from generator.importer.registry import load_region
from generator.importer.sheet import SHEET_COLUMNS, column_field

ORIGINAL = SMALL_REGISTRY
TODAY = dt.date.today().isoformat()


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A scratch project: config.yaml, the real region table and the small commented registry."""
    return project(tmp_path)


@pytest.fixture(scope="module")
def places() -> Places:
    return Places(load_region(ROOT / "config.yaml"))


def run(site: Path, sheet: Path, *options: str, lang: str = "en") -> int:
    """Import ``sheet`` with messages in ``lang`` (English: the tests below quote the English
    messages; the Indonesian default is tested on its own)."""
    return cli(site, "import", str(sheet), "--lang", lang, *options)


def registry(site: Path):
    """The registry of ``site`` as the generator reads it (validated)."""
    data = site / "data" / "posyandu.yaml"
    return load(Options(config=site / "config.yaml", data=(data,), content=None,
                        cache=None)).registry


GOOD_ROWS = [
    [1, "Posyandu Teratai", "Perian", "Muara Muntai", "Rabu minggu ke-2", "08.00 - 11.00", 6,
     "Belum Terdaftar", *[None] * 6, "Penimbangan dan imunisasi balita; Pemeriksaan ibu hamil",
     None, "jam pindah"],
    [2, "POSYANDU MELATI", "Handil Baru", "Samboja", "tanggal 13", "08.00-11.00", None,
     "terdaftar", "CONTOH-0002"],
    [3, "Posyandu Mawar", "Kuala Samboja", "Semboja", "Selasa minggu ke-1", "08.00-11.00", 7,
     "Terdaftar", "REG-2025-0077", dt.date(2025, 6, 2), 5417654321, -0.9985, 117.1025,
     "Kelas PAUD", "Penimbangan dan imunisasi balita", "Siskamling; Linmas"],
    [4, "Posyandu Anggrek", "Sanga Sanga Dalam", "Sangasanga", "Jum'at", "8.00-11.00",
     *[None] * 8, "Pemberian makanan tambahan"],
    [5, "Posyandu Seroja", "Ambarawang Laut", "Samboja Barat", "tanggal 20", "09.00-12.00",
     *[None] * 8, "Penimbangan dan imunisasi balita"],
]
BAD_ROWS = [
    [6, "Posyandu Dahlia", "Sumber Rejo", "Loa Kulu", "Senin", "08.00-11.00"],
    [7, "Posyandu Teratai", "Perian", "Muara Muntai", "Kamis"],
]


def write_xlsx(path: Path, rows: list[list]) -> Path:
    """A DPMD-style workbook: a notes sheet first, then a title row and a blank row above the
    header, headers in mixed case and punctuation, numbers and dates as Excel types."""
    workbook = openpyxl.Workbook()
    workbook.active.title = "Petunjuk"
    workbook.active.append(["Isi satu baris per Posyandu."])
    sheet = workbook.create_sheet("Posyandu")
    sheet.append(["DAFTAR POSYANDU KABUPATEN KUTAI KARTANEGARA"])
    sheet.append([])
    sheet.append(["No", "NAMA POSYANDU", "Desa / Kelurahan", "Kec.", "Hari/Jadwal", "Jam",
                  "Jumlah Kader", "Status Registrasi", "No. Registrasi", "Tgl Registrasi",
                  "Telepon", "Lintang", "Bujur", "Pendidikan", "Kesehatan",
                  "Ketenteraman dan Ketertiban Umum", "Keterangan"])
    for row in rows:
        sheet.append(row)
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
    diperbarui: {today}
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
    diperbarui: {today}
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
    diperbarui: {today}
"""


# The registry's lines as import reads them: one entry at a time (load.split_entries), or, in
# any other layout (here a comment after 'posyandu:'), parsed whole.
LAYOUTS = {"by entry": lambda text: text,
           "parsed whole": lambda text: text.replace("\nposyandu:\n", "\nposyandu:  # entri\n")}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_xlsx_import_merges_and_keeps_comments_order_and_quotes(tmp_path: Path, capsys,
                                                                 layout: str):
    original = LAYOUTS[layout](ORIGINAL)
    site = project(tmp_path, original)
    data = site / "data" / "posyandu.yaml"
    sheet = write_xlsx(site / "posyandu.xlsx", GOOD_ROWS)
    assert run(site, sheet) == 0  # the first sheet with a header row: 'Posyandu'
    out = capsys.readouterr().out
    expected = (original
                .replace('      jam: "09.00-12.00"', '      jam: "08.00-11.00"')
                .replace("[Penimbangan dan imunisasi balita]}\n      pekerjaan_umum",
                         "[Penimbangan dan imunisasi balita, Pemeriksaan ibu hamil]}\n"
                         "      pekerjaan_umum")
                .replace("diperbarui: 2025-04-14", f"diperbarui: {TODAY}")
                .replace("# Akhir registri uji.",
                         NEW_FROM_XLSX.replace("{today}", TODAY) + "# Akhir registri uji."))
    assert data.read_text(encoding="utf-8") == expected
    assert (site / "data" / "posyandu.yaml.bak").read_text(encoding="utf-8") == original
    assert out.splitlines() == [
        f"import {sheet}, sheet 'Posyandu': 5 rows into {data}",
        "ignored columns: 'No', 'Keterangan'",
        "added 3, changed 1, unchanged 1, rows with problems 0",
        ("  added   row 6: samboja-samboja-kuala-mawar: Posyandu Mawar, Kelurahan Samboja Kuala "
        "(64.02.13.1010); Kecamatan 'Semboja' read as Samboja"),
        ("  added   row 7: sanga-sanga-sanga-sanga-dalam-anggrek: Posyandu Anggrek, "
        "Kelurahan Sanga-Sanga Dalam (64.02.15.1003)"),
        ("  added   row 8: samboja-barat-amborawang-laut-seroja: Posyandu Seroja, "
        "Kelurahan Amborawang Laut (64.02.20.1009); Desa 'Ambarawang Laut' read as Amborawang Laut"),
        "  changed row 4: muara-muntai-perian-teratai: jadwal.jam, spm.kesehatan",
        f"wrote {data} (previous version kept as {data}.bak)",
        f"check: ok, 6 Posyandu in {data}",
    ]
    mawar = next(p for p in registry(site).posyandu if p.id == "samboja-samboja-kuala-mawar")
    assert (mawar.registrasi.status, mawar.registrasi.nomor) == ("terdaftar", "REG-2025-0077")


def at_the_margin(text: str) -> str:
    """``text`` with its entries written '- id: …' at the margin."""
    head, rest = text.split("\nposyandu:\n")
    return head + "\nposyandu:\n" + "".join(line.removeprefix("  ")
                                           for line in rest.splitlines(keepends=True))


@pytest.mark.parametrize("odd", [
    # the dashes where the import would not write a changed entry ('  - id: …'): written whole
    at_the_margin,
    # no newline at the end: the entries added start on a line of their own
    lambda text: text.replace("# Akhir registri uji.\n", "").rstrip(),
])
def test_an_oddly_laid_out_registry_imports_into_a_valid_registry(tmp_path: Path, capsys, odd):
    site = project(tmp_path, odd(ORIGINAL))
    assert run(site, write_xlsx(site / "posyandu.xlsx", GOOD_ROWS)) == 0
    assert "added 3, changed 1, unchanged 1" in capsys.readouterr().out
    assert len(registry(site).posyandu) == 6


def test_an_entry_round_trip_yaml_cannot_read_is_named_and_nothing_written(site: Path, capsys,
                                                                           monkeypatch):
    """Should ruamel.yaml refuse an entry the generator reads (two YAML parsers), the import
    names that entry's line and writes nothing: no traceback."""
    from ruamel.yaml.error import YAMLError

    from generator.importer import registry as registry_module

    class Refusing:
        def load(self, text: str):
            raise YAMLError("refused")

    monkeypatch.setattr(registry_module, "_yaml", Refusing)
    sheet = write_csv(site / "posyandu.csv", [["ID", "Telepon"],
                                              ["samboja-handil-baru-melati", "0541-1"]])
    assert run(site, sheet) == 1
    data = site / "data" / "posyandu.yaml"
    line = ORIGINAL.splitlines().index("  - id: samboja-handil-baru-melati") + 1
    assert f"{data}:{line}: (file): cannot be read (refused)" in capsys.readouterr().err
    assert data.read_text(encoding="utf-8") == ORIGINAL


def test_entries_the_sheet_leaves_as_they_were_keep_their_text(tmp_path: Path, capsys):
    """Only the entries a sheet changes are written anew: the others keep their lines as they
    are, spacing included (written from round-trip YAML, they would lose it)."""
    odd = ORIGINAL.replace('jadwal: {tanggal: 13, jam: "08.00-11.00"}',
                           'jadwal: {tanggal: 13,  jam: "08.00-11.00"}')
    site = project(tmp_path, odd)
    sheet = write_csv(tmp_path / "posyandu.csv", [
        ["ID", "Telepon"], ["muara-muntai-perian-teratai", "0541-1"],
        ["samboja-handil-baru-melati", "0541-661234"]])  # Melati's number as it is
    assert run(site, sheet) == 0
    assert "added 0, changed 1, unchanged 1" in capsys.readouterr().out
    assert (site / "data" / "posyandu.yaml").read_text(encoding="utf-8") == odd.replace(
        '      minggu_ke: 2\n      jam: "09.00-12.00"\n',
        '      minggu_ke: 2\n      jam: "09.00-12.00"\n    kontak:\n      telepon: "0541-1"\n'
    ).replace("diperbarui: 2025-04-14", f"diperbarui: {TODAY}", 1)


def test_rows_with_problems_are_named_by_cell_and_nothing_is_written(site: Path, capsys):
    data = site / "data" / "posyandu.yaml"
    sheet = write_xlsx(site / "daftar.xlsx", GOOD_ROWS + BAD_ROWS)
    assert run(site, sheet, "--sheet", "Posyandu") == 1
    captured = capsys.readouterr()
    assert "added 3, changed 1, unchanged 1, rows with problems 2" in captured.out
    assert captured.err.splitlines() == [
        f"{sheet}:Posyandu!C9: Desa / Kelurahan: Desa 'Sumber Rejo' (Kec. Loa Kulu) not matched",
        ("    hint: nearest: Loh Sumber (64.02.02.2005), Sumber Sari (64.02.02.2014), "
        "Jembayan (64.02.02.2003)"),
        (f"{sheet}:Posyandu!B10: NAMA POSYANDU: the same Posyandu as row 4 "
        "(muara-muntai-perian-teratai)"),
        "    hint: keep one row per Posyandu",
        f"nothing written: 2 problem(s); fix the sheet or {data} and import again",
    ]
    assert data.read_text(encoding="utf-8") == ORIGINAL
    assert not (site / "data" / "posyandu.yaml.bak").exists()


def test_the_import_report_and_problems_are_in_indonesian_by_default(site: Path, capsys,
                                                                     monkeypatch):
    for name in LOCALE_VARIABLES:  # no --lang and no locale: the default, Bahasa Indonesia
        monkeypatch.delenv(name, raising=False)
    data = site / "data" / "posyandu.yaml"
    sheet = write_xlsx(site / "daftar.xlsx", GOOD_ROWS + BAD_ROWS)
    assert cli(site, "import", str(sheet), "--sheet", "Posyandu") == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines()[0] == (f"impor {sheet}, lembar 'Posyandu': "
                                            f"7 baris ke {data}")
    assert "ditambah 3, diubah 1, tidak berubah 1, baris bermasalah 2" in captured.out
    assert captured.err.splitlines() == [
        (f"{sheet}:Posyandu!C9: Desa / Kelurahan: Desa 'Sumber Rejo' (Kec. Loa Kulu) tidak "
         "ditemukan"),
        ("    petunjuk: yang paling mirip: Loh Sumber (64.02.02.2005), Sumber Sari "
         "(64.02.02.2014), Jembayan (64.02.02.2003)"),
        (f"{sheet}:Posyandu!B10: NAMA POSYANDU: Posyandu yang sama dengan baris 4 "
         "(muara-muntai-perian-teratai)"),
        "    petunjuk: pertahankan satu baris per Posyandu",
        f"tidak ada yang ditulis: 2 masalah; perbaiki lembar kerja atau {data} lalu impor lagi",
    ]
    assert data.read_text(encoding="utf-8") == ORIGINAL


@pytest.mark.parametrize("lang, expected", [
    ("id", "{sheet}:Posyandu!F12: Jam: '8-25' bukan rentang jam seperti 08.00-11.00"),
    ("en", "{sheet}:Posyandu!F12: Jam: '8-25' is not a range of hours such as 08.00-11.00"),
])
def test_a_bad_cell_is_reported_in_the_language_asked(site: Path, capsys, lang: str,
                                                      expected: str):
    rows = [[None] * 5 for _ in range(9)]
    rows[8] = [9, "Posyandu Baru", "Perian", "Muara Muntai", "Sabtu", "8-25"]  # row 12
    sheet = write_xlsx(site / "daftar.xlsx", rows)
    assert run(site, sheet, lang=lang) == 1
    assert expected.format(sheet=sheet) in capsys.readouterr().err.splitlines()


def test_a_bad_cell_names_sheet_row_and_column(site: Path, capsys):
    rows = [[None] * 5 for _ in range(9)]  # a title and a blank row, the header in row 3
    rows[8] = [9, "Posyandu Baru", "Perian", "Muara Muntai", "Sabtu", "8-25"]  # row 12
    sheet = write_xlsx(site / "daftar.xlsx", rows)
    assert run(site, sheet) == 1
    err = capsys.readouterr().err
    assert f"{sheet}:Posyandu!F12: Jam: '8-25' is not a range of hours such as 08.00-11.00" \
        in err.splitlines()
    assert (site / "data" / "posyandu.yaml").read_text(encoding="utf-8") == ORIGINAL


def test_the_readme_schedule_forms_import_into_jadwal(site: Path, capsys):
    """The README's forms in a 'Hari/Jadwal' column, and the last Sunday."""
    forms = {"Selasa": (None, "selasa", None), "Selasa minggu ke-2": (None, "selasa", 2),
             "Rabu terakhir": (None, "rabu", -1), "tanggal 13": (13, None, None),
             "Minggu, minggu terakhir": (None, "minggu", -1), "Minggu": (None, "minggu", None),
             "Kamis, minggu ke-3": (None, "kamis", 3), "minggu ke-4 Sabtu": (None, "sabtu", 4)}
    sheet = write_csv(site / "jadwal.csv", [["Nama Posyandu", "Desa", "Kecamatan", "Hari/Jadwal",
                                             "Jam"]] + [
        [f"Posyandu Jadwal {n}", "Perian", "Muara Muntai", form, "08.00-11.00"]
        for n, form in enumerate(forms, start=1)])
    assert run(site, sheet) == 0
    assert f"added {len(forms)}, changed 0" in capsys.readouterr().out
    found = {p.nama: p.jadwal for p in registry(site).posyandu}
    for n, (tanggal, hari, minggu_ke) in enumerate(forms.values(), start=1):
        jadwal = found[f"Posyandu Jadwal {n}"]
        assert (jadwal.tanggal, jadwal.hari, jadwal.minggu_ke) == (tanggal, hari, minggu_ke)


def test_separate_day_week_and_date_columns(site: Path, capsys):
    data = site / "data" / "posyandu.yaml"
    sheet = write_csv(site / "jadwal.csv", [
        ["ID", "Hari", "Minggu ke-", "Tanggal (setiap bulan)"],
        ["muara-muntai-perian-teratai", "Kamis", "terakhir", ""],
        ["samboja-handil-baru-melati", "Senin", "", ""],
        ["loa-kulu-sumber-sari-kenanga", "", "", "21"],
    ])
    assert run(site, sheet) == 0
    out = capsys.readouterr().out
    assert "  changed row 2: muara-muntai-perian-teratai: jadwal.hari, jadwal.minggu_ke" in out
    assert "  changed row 3: samboja-handil-baru-melati: jadwal.tanggal, jadwal.hari" in out
    assert "  changed row 4: loa-kulu-sumber-sari-kenanga: jadwal.tanggal" in out
    text = data.read_text(encoding="utf-8")
    assert "      hari: kamis\n      minggu_ke: -1\n" in text
    assert '    jadwal: {hari: senin, jam: "08.00-11.00"}\n' in text


@pytest.mark.parametrize("hari, minggu, tanggal, cell, message", [
    ("Kamis", "", "13", "B2", "Hari: 'Kamis' is given together with a day of the month"),
    ("", "2", "", "C2", "Minggu ke-: '2' is given without a weekday"),
    ("Kamis", "ke-5", "", "C2", "Minggu ke-: 'ke-5' is not a week of the month"),
    ("", "", "32", "D2", "Tanggal (setiap bulan): '32' is not a day of the month"),
    ("Pasaran", "", "", "B2", "Hari: 'Pasaran' is not a weekday or a day of the month"),
    ("Minggu ke-2", "", "", "B2",
     "Hari: 'Minggu ke-2' is a week of the month without its weekday, or a Sunday"),
])
def test_a_schedule_that_cannot_be_read_is_refused(site: Path, capsys, hari, minggu, tanggal,
                                                   cell, message):
    sheet = write_csv(site / "jadwal.csv", [["ID", "Hari", "Minggu ke-", "Tanggal (setiap bulan)"],
                                           ["muara-muntai-perian-teratai", hari, minggu, tanggal]])
    assert run(site, sheet) == 1
    assert f"{sheet}:{cell}: {message}" in capsys.readouterr().err.splitlines()
    assert (site / "data" / "posyandu.yaml").read_text(encoding="utf-8") == ORIGINAL


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
    assert "added 1, changed 2, unchanged 0, rows with problems 0" in out
    assert ("  changed row 2: loa-kulu-sumber-sari-kenanga: nama, kode_wilayah, alamat, "
            "spm.sosial") in out  # 'Pekerjaan Umum' '-': a field left out does not run
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
    assert ("      kesehatan: {berjalan: true, kegiatan: [Penimbangan dan imunisasi balita]}\n"
            "      sosial: {berjalan: true, kegiatan: [Pendataan lansia, "
            f"Pendampingan bantuan pangan]}}\n    diperbarui: {TODAY}\n") in kenanga
    assert "    nama: 'Posyandu Melati'\n" in text  # the same name: kept as written, in its quotes
    assert '    jadwal: {hari: senin, jam: "08.00-11.00"}\n' in text
    assert "      hari: kamis\n      minggu_ke: -1\n      jam: \"08.30-11.30\"\n" in text
    assert "  # Handil Baru, Samboja: desa yang disebut di berita.\n" in text
    assert "      catatan: 'Catatan internal'  # tidak pernah diterbitkan\n" in text
    assert out.rstrip().endswith(f"check: ok, 4 Posyandu in {data}")


def test_names_are_stored_by_one_rule_and_match_without_posyandu(site: Path, capsys):
    data = site / "data" / "posyandu.yaml"
    first = write_csv(site / "a.csv", [["Nama Posyandu", "Desa", "Kecamatan", "Hari", "Jam"],
                                       ["DAHLIA II", "Perian", "Muara Muntai", "Sabtu", "08-10"],
                                       ["kenanga  biru", "Perian", "Muara Muntai", "Senin", "8-10"]])
    assert run(site, first) == 0
    text = data.read_text(encoding="utf-8")
    assert '    nama: "Posyandu Dahlia II"\n' in text and '    nama: "Posyandu Kenanga Biru"\n' in text
    capsys.readouterr()
    again = write_csv(site / "b.csv", [["Nama Posyandu", "Desa", "Kecamatan", "Jam"],
                                       ["Posyandu Dahlia 2", "Perian", "Muara Muntai", "08.00-10.00"],
                                       ["Kenanga Biru", "Perian", "Muara Muntai", "08.00-10.00"]])
    assert run(site, again) == 0
    assert "added 0, changed 0, unchanged 2" in capsys.readouterr().out
    assert data.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("written, stored", [
    ("Dahlia", "Posyandu Dahlia"), ("POSYANDU  MELATI", "Posyandu Melati"),
    ("posyandu mawar iii", "Posyandu Mawar III"), ("Melati RW 05", "Posyandu Melati RW 05"),
    ("LILI", "Posyandu Lili"), ("Posyandu Anggrek", "Posyandu Anggrek"),
])
def test_the_stored_name_rule(written: str, stored: str):
    assert stored_name(written) == stored


def test_dry_run_writes_nothing(site: Path, capsys):
    data = site / "data" / "posyandu.yaml"
    sheet = write_csv(site / "posyandu.csv", [
        ["Nama Posyandu", "Desa", "Kecamatan", "Hari", "Jam"],
        ["Posyandu Baru", "Perian", "Muara Muntai", "Sabtu", "08.00-10.00"],
    ])
    before = sorted(p.name for p in data.parent.iterdir())
    assert run(site, sheet, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "added 1, changed 0, unchanged 0, rows with problems 0" in out
    assert "dry run: nothing written" in out and f"check: ok, 4 Posyandu in {data}" in out
    assert data.read_text(encoding="utf-8") == ORIGINAL
    assert sorted(p.name for p in data.parent.iterdir()) == before


def test_a_result_that_fails_the_check_is_placed_in_the_sheet_and_not_written(site: Path, capsys):
    data = site / "data" / "posyandu.yaml"
    sheet = write_csv(site / "posyandu.csv", [
        ["Nama Posyandu", "Desa", "Kecamatan", "Status Registrasi"],
        ["Posyandu Baru", "Perian", "Muara Muntai", "terdaftar"],
    ])
    assert run(site, sheet) == 1
    err = capsys.readouterr().err.splitlines()
    assert (f"{sheet}:D2: registrasi.nomor: a registered Posyandu needs its registration number"
            in err)
    assert f"{sheet}:D2: registrasi.tanggal: a registered Posyandu needs the date of registration" \
        in err
    assert err[-1] == f"nothing written: 2 problem(s); fix the sheet or {data} and import again"
    assert data.read_text(encoding="utf-8") == ORIGINAL
    assert not (site / "data" / "posyandu.yaml.bak").exists()


def test_a_problem_the_registry_already_had_names_its_line_in_the_file(tmp_path: Path, capsys):
    broken = ORIGINAL.replace('      tanggal: 5\n      jam: "08.00-11.00"',
                              '      tanggal: 5\n      jam: "8 pagi"')
    site = project(tmp_path, broken)
    line = broken.splitlines().index('      jam: "8 pagi"') + 1
    sheet = write_csv(tmp_path / "posyandu.csv", [  # two more lines above Kenanga when merged
        ["ID", "Telepon", "Email"], ["muara-muntai-perian-teratai", "0541-1", "a@contoh.id"]])
    assert run(site, sheet) == 1
    data = site / "data" / "posyandu.yaml"
    assert any(e.startswith(f"{data}:{line}: posyandu[2].jadwal.jam: ")
               for e in capsys.readouterr().err.splitlines())
    assert data.read_text(encoding="utf-8") == broken


def test_unreadable_input_is_an_error_without_writing(site: Path, capsys):
    sheet = write_csv(site / "daftar.csv", [["Nomor", "Keterangan"], ["1", "x"]])
    assert run(site, sheet) == 1
    assert "no header row with a 'Nama Posyandu' or 'ID' column" in capsys.readouterr().err
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


def test_every_official_name_finds_its_desa_within_its_kecamatan(places: Places):
    """What export-xlsx writes (official desa and kecamatan names) is read back as that desa."""
    for desa in places.desa.values():
        found, notes = places.locate(None, places.kecamatan_of(desa).nama, desa.nama)
        assert (found, notes) == (desa, []), desa


@pytest.mark.parametrize("kecamatan, desa, message", [
    (None, "Sumber Sari", ("Desa 'Sumber Sari' matches several: Sumber Sari (64.02.02.2014), "
     "Sumber Sari (64.02.07.2007), Sumber Sari (64.02.19.2007)")),
    ("Samboja", "Amborawang Laut", "Desa 'Amborawang Laut' (Kec. Samboja) not matched"),
    ("Samboja Timur", "Handil Baru", "Kecamatan 'Samboja Timur' not matched"),
])
def test_unmatched_or_ambiguous_names_are_explained(places: Places, kecamatan, desa, message):
    with pytest.raises(PlaceError) as caught:
        places.locate(None, kecamatan, desa)
    assert str(caught.value.message) == message


def test_a_desa_of_another_kecamatan_is_suggested(places: Places):
    with pytest.raises(PlaceError) as caught:
        places.locate(None, "Samboja", "Amborawang Laut")
    assert str(caught.value.hint).endswith("; in another kecamatan: Amborawang Laut (64.02.20.1009, "
                                      "Kec. Samboja Barat)")


@pytest.mark.parametrize("header, name", [
    ("Nama Posyandu", "nama"), ("NAMA", "nama"), ("Desa/Kelurahan", "desa"),
    ("Kelurahan", "desa"), ("Kec.", "kecamatan"), ("Kode Desa", "kode_wilayah"),
    ("Jadwal", "hari"), ("Hari/Jadwal", "hari"), ("Minggu ke-", "minggu_ke"),
    ("Tanggal (setiap bulan)", "tanggal_jadwal"), ("Jumlah  Kader", "jumlah_kader"),
    ("No. Telp", "telepon"), ("Lintang", "lat"), ("Bujur", "lon"),
    ("Pekerjaan Umum", "spm.pekerjaan_umum"), ("Pekerjaan Umum berjalan", "berjalan.pekerjaan_umum"),
    ("Perumahan Rakyat dan Kawasan Permukiman", "spm.perumahan_rakyat"),
    ("Ketenteraman, Ketertiban Umum & Linmas", "spm.trantibumlinmas"),
    ("Trantibumlinmas", "spm.trantibumlinmas"), ("SPM Sosial", "spm.sosial"),
    ("No HP", None), ("Keterangan", None), ("No", None), ("Tanggal", None),
])
def test_headers_are_recognised_forgivingly(header: str, name: str | None):
    assert column_field(header) == name


def test_every_exported_header_is_read_as_its_column():
    assert [column_field(header) for _, header in SHEET_COLUMNS] == \
        [name for name, _ in SHEET_COLUMNS]


@pytest.mark.parametrize("rows, expected", [
    ([["ID", "Sosial berjalan"], ["loa-kulu-sumber-sari-kenanga", "ya"]],
     "B2: spm.sosial.kegiatan: a field that runs needs at least one activity"),
    ([["ID", "Pendidikan berjalan", "Pendidikan"], ["loa-kulu-sumber-sari-kenanga", "tidak", "PAUD"]],
     "B2: Pendidikan berjalan: 'tidak', but activities are listed for the field"),
    ([["ID", "Sosial berjalan"], ["samboja-handil-baru-melati", "mungkin"]],
     "B2: Sosial berjalan: 'mungkin' is not 'ya' or 'tidak'"),
])
def test_an_spm_field_that_does_not_add_up_is_placed_at_its_cell(site: Path, capsys, rows,
                                                                 expected):
    sheet = write_csv(site / "spm.csv", rows)
    assert run(site, sheet) == 1
    assert f"{sheet}:{expected}" in capsys.readouterr().err.splitlines()
    assert (site / "data" / "posyandu.yaml").read_text(encoding="utf-8") == ORIGINAL


def test_a_missing_sheet_is_named_with_the_sheets_there_are(site: Path, capsys):
    sheet = write_xlsx(site / "daftar.xlsx", GOOD_ROWS)
    assert run(site, sheet, "--sheet", "Daftar") == 1
    assert capsys.readouterr().err.splitlines()[:2] == [
        f"{sheet}:1: --sheet: no sheet 'Daftar'", "    hint: its sheets: 'Petunjuk', 'Posyandu'"]
