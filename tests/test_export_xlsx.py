"""`python -m generator export-xlsx`: the registry as a workbook that `import` reads back without a
change, in Excel's format as openpyxl writes it and as LibreOffice saves it."""
from __future__ import annotations

import datetime as dt
import difflib
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml
from sheet_helpers import ROOT, SMALL_REGISTRY, cli, project

from generator.importer.sheet import SHEET_COLUMNS, column_field

FULL_REGISTRY = (ROOT / "data" / "posyandu.yaml").read_text(encoding="utf-8")
PRIVATE = ("Dewi Aisyah", "088673620327", "Catatan internal")  # privat: of the small registry


def export(site: Path, out: Path) -> Path:
    assert cli(site, "export-xlsx", "--out", str(out)) == 0
    return out


def registry_file(site: Path) -> Path:
    return site / "data" / "posyandu.yaml"


def test_the_workbook_has_the_import_columns_dropdowns_and_a_locked_id(tmp_path: Path, capsys):
    site = project(tmp_path / "p")
    out = export(site, tmp_path / "daftar.xlsx")  # in Bahasa Indonesia, the default
    assert capsys.readouterr().out == f"{out} ditulis: 3 Posyandu dari {registry_file(site)}\n"
    assert cli(site, "export-xlsx", "--lang", "en", "--out", str(out)) == 0
    assert capsys.readouterr().out == f"wrote {out}: 3 Posyandu from {registry_file(site)}\n"
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Petunjuk", "Posyandu", "Wilayah"]
    sheet = book["Posyandu"]
    headers = [cell.value for cell in sheet[1]]
    assert headers == [header for _, header in SHEET_COLUMNS]
    assert [column_field(h) for h in headers] == [name for name, _ in SHEET_COLUMNS]
    assert [sheet.cell(row, 1).value for row in range(2, sheet.max_row + 1)] == [
        "muara-muntai-perian-teratai", "samboja-handil-baru-melati", "loa-kulu-sumber-sari-kenanga"]
    melati = {h: c.value for h, c in zip(headers, sheet[3], strict=True)}
    assert (melati["Nama Posyandu"], melati["Desa/Kelurahan"], melati["Kecamatan"],
            melati["Tanggal (setiap bulan)"], melati["Hari"], melati["Sosial berjalan"],
            melati["Pendidikan berjalan"]) == (
        "Posyandu Melati", "Handil Baru", "Samboja", 13, None, "ya", "tidak")
    assert sheet.freeze_panes == "C2"
    assert sheet.protection.sheet
    assert sheet.cell(2, 1).protection.locked and sheet.column_dimensions["A"].protection.locked
    assert not any(sheet.cell(2, c).protection.locked for c in range(2, len(headers) + 1))
    assert all(cell.protection.locked for cell in sheet[1])  # a renamed header would be ignored
    assert not sheet.column_dimensions["B"].protection.locked  # rows added below, too
    letter = {name: openpyxl.utils.get_column_letter(i)
              for i, (name, _) in enumerate(SHEET_COLUMNS, start=1)}
    rules = {str(ref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation
             for ref in v.sqref.ranges}
    region = book["Wilayah"]
    last_desa = 1 + sum(1 for row in region.iter_rows(min_row=2, max_col=2) if row[1].value)
    assert rules[f"{letter['status']}2"] == '"terdaftar,dalam verifikasi,belum terdaftar"'
    assert rules[f"{letter['hari']}2"] == '"Senin,Selasa,Rabu,Kamis,Jumat,Sabtu,Minggu"'
    assert rules[f"{letter['minggu_ke']}2"] == '"1,2,3,4,terakhir"'
    assert rules[f"{letter['berjalan.sosial']}2"] == '"ya,tidak"'
    assert rules[f"{letter['desa']}2"] == f"Wilayah!$B$2:$B${last_desa}"
    assert last_desa - 1 == sum(len(k["desa"]) for k in _region_table())
    guide = "\n".join(str(c.value) for row in book["Petunjuk"].iter_rows() for c in row if c.value)
    assert all(header in guide for header in headers)
    with zipfile.ZipFile(out) as archive:
        xml = "".join(archive.read(name).decode("utf-8") for name in archive.namelist())
    assert not [value for value in PRIVATE if value in xml]


def _region_table() -> list[dict]:
    return yaml.safe_load((ROOT / "data" / "wilayah.yaml").read_text(encoding="utf-8"))["kecamatan"]


def test_two_exports_are_byte_identical_and_dated_by_the_newest_update(tmp_path: Path):
    site = project(tmp_path / "p")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = export(site, tmp_path / "a" / "daftar.xlsx")
    second = export(site, tmp_path / "b" / "daftar.xlsx")
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        core = archive.read("docProps/core.xml").decode()
        dates = {info.date_time for info in archive.infolist()}
    newest = "2025-09-27"  # the newest 'diperbarui' of the small registry
    assert f">{newest}T00:00:00Z</dcterms:created>" in core
    assert f">{newest}T00:00:00Z</dcterms:modified>" in core
    assert dates == {(2025, 9, 27, 0, 0, 0)}


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path):
    site = project(tmp_path / "p", SMALL_REGISTRY.replace('"Jl. Pelabuhan RT 11"', '"=1+1"'))
    out = export(site, tmp_path / "daftar.xlsx")
    assert openpyxl.load_workbook(out)["Posyandu"]["E2"].value == "=1+1"
    assert cli(site, "import", str(out)) == 0
    assert registry_file(site).read_text(encoding="utf-8").count('alamat: "=1+1"') == 1


def test_an_invalid_registry_is_not_exported(tmp_path: Path, capsys):
    site = project(tmp_path / "p", SMALL_REGISTRY.replace('jam: "09.00-12.00"', 'jam: "pagi"'))
    out = tmp_path / "daftar.xlsx"
    assert cli(site, "export-xlsx", "--out", str(out)) == 1
    assert "posyandu[0].jadwal.jam" in capsys.readouterr().err
    assert not out.exists()


def _edit(path: Path, changes: dict[tuple[int, str], object]) -> Path:
    """``path`` with cells changed as a user would in Excel: (row, header) → new value."""
    book = openpyxl.load_workbook(path)
    sheet = book["Posyandu"]
    headers = [cell.value for cell in sheet[1]]
    for (row, header), value in changes.items():
        sheet.cell(row, headers.index(header) + 1, value)
    edited = path.with_name("diubah.xlsx")
    book.save(edited)
    return edited


def _changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                  lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_the_small_registry_round_trips(tmp_path: Path, capsys):
    site = project(tmp_path / "p")
    out = export(site, tmp_path / "daftar.xlsx")
    assert cli(site, "import", str(out)) == 0
    assert "tidak ada yang perlu ditulis" in capsys.readouterr().out.splitlines()
    assert registry_file(site).read_text(encoding="utf-8") == SMALL_REGISTRY


@pytest.mark.slow
def test_export_then_import_of_the_full_sample_changes_nothing_and_an_edit_is_that_change(
        tmp_path: Path, capsys):
    site = project(tmp_path / "p", FULL_REGISTRY)
    out = export(site, tmp_path / "daftar.xlsx")
    assert cli(site, "import", str(out)) == 0
    assert "ditambah 0, diubah 0, tidak berubah 827, baris bermasalah 0" in capsys.readouterr().out
    assert registry_file(site).read_bytes() == (ROOT / "data" / "posyandu.yaml").read_bytes()
    # Row 2 is the first entry, muara-muntai-perian-teratai: rabu, week 2, 09.00-12.00.
    edited = _edit(out, {(2, "Jam"): "07.30-10.30", (2, "Minggu ke-"): "terakhir"})
    assert cli(site, "import", str(edited)) == 0
    out_lines = capsys.readouterr().out
    assert "  diubah   baris 2: muara-muntai-perian-teratai: jadwal.minggu_ke, jadwal.jam" in out_lines
    today = dt.date.today().isoformat()
    assert _changed_lines(FULL_REGISTRY, registry_file(site).read_text(encoding="utf-8")) == [
        "-      minggu_ke: 2", '-      jam: "09.00-12.00"',
        "+      minggu_ke: -1", '+      jam: "07.30-10.30"',
        "-    diperbarui: 2026-04-14", f"+    diperbarui: {today}"]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None,
                    reason="LibreOffice is not installed (Debian: apt-get install "
                           "libreoffice-calc-nogui)")
def test_a_file_saved_by_libreoffice_imports_without_a_change(tmp_path: Path, capsys):
    site = project(tmp_path / "p", FULL_REGISTRY)
    out = export(site, tmp_path / "daftar.xlsx")
    saved = tmp_path / "libreoffice"
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                    "--headless", "--convert-to", "xlsx", "--outdir", str(saved), str(out)],
                   check=True, capture_output=True, timeout=300)
    assert (saved / out.name).read_bytes() != out.read_bytes()  # really written by LibreOffice
    assert cli(site, "import", str(saved / out.name)) == 0
    assert "ditambah 0, diubah 0, tidak berubah 827, baris bermasalah 0" in capsys.readouterr().out
    assert registry_file(site).read_bytes() == (ROOT / "data" / "posyandu.yaml").read_bytes()
