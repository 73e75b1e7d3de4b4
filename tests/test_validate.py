"""generator.validate: the checks on minimal in-memory inputs (a two-desa region table, one
entry): what each returns for good values, and the exact problem for bad ones. Whole files of
bad input and their messages in both languages are tests/test_corpus.py's."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tiny_registry import ENTRY, TODAY, WILAYAH

from generator import validate
from generator.fields import Fields
from generator.load import parse_yaml
from generator.models import (
    DEFAULT_LICENSE,
    LICENSES,
    License,
    Posyandu,
    Region,
    Registration,
    Schedule,
    SpmService,
)
from generator.problems import Problems


def messages(problems: Problems) -> list[str]:
    """Each problem's first line (file:line: field: message)."""
    return [str(p).split("\n")[0] for p in problems.sorted()]


def parsed(text: str, problems: Problems):
    value = parse_yaml(text, "f.yaml", problems)
    assert not problems, messages(problems)
    return value


def region(text: str = WILAYAH, kabupaten: str = "64.02") -> tuple[Region, list[str]]:
    problems = Problems()
    table = validate.region(parsed(text, problems), "wilayah.yaml", problems, kabupaten)
    return table, messages(problems)


REGION = region()[0]


def entry(text: str = ENTRY, validator: validate.RegistryValidator | None = None
          ) -> tuple[Posyandu | None, list[str]]:
    """``text`` validated as the first entry of f.yaml."""
    problems = Problems()
    validator = validator or validate.RegistryValidator(REGION, problems, TODAY)
    result = validator.entry(Fields(parsed(text, Problems()), "f.yaml", "posyandu[0]",
                                    validator.problems))
    return result, messages(validator.problems)


def test_region_table_gives_codes_names_and_a_bounding_box_with_margin():
    assert region()[1] == []
    assert (REGION.kode, REGION.label, REGION.provinsi) == ("64.02", "Kabupaten Kutai Kartanegara",
                                                            "Kalimantan Timur")
    assert sorted(REGION.desa_by_code()) == ["64.02.13.1012", "64.02.13.2001"]
    assert REGION.desa_by_code()["64.02.13.1012"].label == "Kelurahan Handil Baru"
    m = validate.BBOX_MARGIN
    assert REGION.bbox == pytest.approx((-1.2 - m, 117.05 - m, -1.03 + m, 117.2 + m))


def test_region_codes_must_nest():
    text = WILAYAH.replace('kode: "64.02.13"', 'kode: "64.03.13"').replace(
        '"64.02.13.2001"', '"64.02.14.2001"').replace("pusat: [-1.2, 117.2]", "pusat: [-1.2]")
    _, found = region(text, kabupaten="64.03")
    assert found == [
        "wilayah.yaml:1: kabupaten.kode: the region table is for 64.02, but the settings name 64.03",
        "wilayah.yaml:4: kecamatan[0].kode: the kecamatan code 64.03.13 does not lie in kabupaten 64.02",
        "wilayah.yaml:8: kecamatan[0].desa[0].kode: the desa/kelurahan 64.02.13.1012 is filed under "
        "kecamatan 64.03.13, but its code is of kecamatan 64.02.13",
        "wilayah.yaml:9: kecamatan[0].desa[1].kode: the desa/kelurahan 64.02.14.2001 is filed under "
        "kecamatan 64.03.13, but its code is of kecamatan 64.02.14",
        "wilayah.yaml:9: kecamatan[0].desa[1].pusat: expected [latitude, longitude]",
    ]


def settings(tmp_path: Path, text: str, base_url: str | None = None):
    """``text`` validated as tmp_path/config.yaml (beside WILAYAH); every problem in full."""
    (tmp_path / "wilayah.yaml").write_text(WILAYAH, encoding="utf-8")
    problems = Problems()
    result = validate.settings(parsed(text, problems), str(tmp_path / "config.yaml"), problems,
                               base_url)
    return result, [str(p).replace(str(tmp_path) + "/", "") for p in problems.sorted()]


CONFIG = """judul: Direktori
base_url: https://example.org/posyandu
kabupaten: "64.02"
target_registrasi: 827
zona_waktu: WITA
wilayah: wilayah.yaml
"""


def test_settings_with_the_required_fields_and_defaults(tmp_path: Path):
    result, found = settings(tmp_path, CONFIG)
    assert found == []
    assert (result.base_url, result.kabupaten, result.target_registrasi, result.zona_waktu) == (
        "https://example.org/posyandu/", "64.02", 827, "WITA")
    assert result.lisensi == DEFAULT_LICENSE and not result.data_contoh and result.batas == ""
    override, _ = settings(tmp_path, CONFIG, base_url="https://dpmd.example.go.id/p")
    assert override.base_url == "https://dpmd.example.go.id/p/"


def test_settings_problems(tmp_path: Path):
    text = (CONFIG.replace('"64.02"', "64.02").replace("WITA", "WITE")
            .replace("wilayah.yaml", "tidak-ada.yaml") + "judull: x\n")
    _, found = settings(tmp_path, text)
    assert [p.split("\n")[0] for p in found] == [
        "config.yaml:3: kabupaten: expected text, found the number 64.02",
        "config.yaml:5: zona_waktu: 'WITE' is not one of 'WIB', 'WITA', 'WIT'",
        "config.yaml:6: wilayah: the region table 'tidak-ada.yaml' does not exist",
        "config.yaml:7: judull: unknown field 'judull'",
    ]


def test_licence_defaults_to_cc_by_4_0(tmp_path: Path):
    result, found = settings(tmp_path, CONFIG)
    assert found == []
    assert result.lisensi == DEFAULT_LICENSE == LICENSES["CC-BY-4.0"]
    assert result.lisensi.url == "https://creativecommons.org/licenses/by/4.0/"


def test_licence_by_spdx_id_or_in_full(tmp_path: Path):
    result, found = settings(tmp_path, CONFIG + "lisensi: CC0-1.0\n")
    assert found == [] and result.lisensi.kode == "CC0-1.0"
    full = ("lisensi:\n  kode: CC-BY-NC-4.0\n  nama: Creative Commons Atribusi-NonKomersial 4.0\n"
            "  url: https://creativecommons.org/licenses/by-nc/4.0/\n")
    result, found = settings(tmp_path, CONFIG + full)
    assert found == []
    assert result.lisensi == License("CC-BY-NC-4.0", "Creative Commons Atribusi-NonKomersial 4.0",
                                     "https://creativecommons.org/licenses/by-nc/4.0/")


def test_a_wrong_licence_is_reported_with_line_and_field(tmp_path: Path):
    _, found = settings(tmp_path, CONFIG + "lisensi: CC-BY-40\n")
    assert found == [
        "config.yaml:7: lisensi: 'CC-BY-40' is not a licence known by its SPDX id alone\n"
        "    hint: did you mean 'CC-BY-4.0'? known: CC-BY-4.0, CC-BY-SA-4.0, CC0-1.0, ODbL-1.0; "
        "write another one as {kode: <SPDX id>, nama: <name>, url: <its text>}"]
    _, found = settings(tmp_path, CONFIG + "lisensi:\n  kode: X-1\n  nama: Lisensi X\n"
                        "  url: ftp://x\n  versi: 1\n")
    assert [p.split("\n")[0] for p in found] == [
        "config.yaml:10: lisensi.url: 'ftp://x' is not in the expected form",
        "config.yaml:11: lisensi.versi: unknown field 'versi'"]


def test_a_good_entry_becomes_its_public_record():
    result, found = entry()
    assert found == []
    assert result is not None
    assert (result.id, result.nama, result.desa.kode) == ("samboja-handil-baru-melati",
                                                          "Posyandu Melati", "64.02.13.1012")
    assert (result.lat, result.lon) == (-1.0312, 117.0521)
    assert result.jadwal == Schedule(None, "selasa", 2, "08.00", "11.00")
    assert result.registrasi == Registration("terdaftar", "P-1", dt.date(2025, 3, 14))
    assert [s.key for s in result.spm] == [key for key, _ in validate.SPM_FIELDS]
    assert result.spm[1] == SpmService("kesehatan", True, ("Penimbangan",))
    assert result.spm_running == (result.spm[1],)
    assert not result.lokus_stunting and result.prestasi == () and result.verifikasi is None


def test_privat_is_checked_and_never_part_of_the_record():
    result, found = entry(ENTRY + "privat: {catatan: rahasia}\n")
    assert found == [] and "rahasia" not in repr(result)
    result, found = entry(ENTRY + "privat: rahasia\n")
    assert result is None and found == ["f.yaml:11: posyandu[0].privat: expected a mapping of "
                                        "private fields"]


def test_an_id_is_claimed_once():
    problems = Problems()
    validator = validate.RegistryValidator(REGION, problems, TODAY)
    assert validator.claim("a", "lain.yaml", 4, "posyandu[0].id")
    first, _ = entry(validator=validator)
    again, found = entry(ENTRY.replace("samboja-handil-baru-melati", "a"), validator)
    assert first is not None and again is None
    assert found == ["f.yaml:1: posyandu[0].id: duplicate id 'a' (also used at lain.yaml:4)"]


def with_value(key: str, value: str) -> str:
    """ENTRY with the value of its top-level field ``key`` replaced."""
    lines = [f"{key}: {value}" if line.startswith(f"{key}: ") else line
             for line in ENTRY.split("\n")]
    assert lines != ENTRY.split("\n")
    return "\n".join(lines)


@pytest.mark.parametrize("key, value, expected", [
    ("jadwal", "{tanggal: 13, jam: '08.00-11.00'}", Schedule(13, None, None, "08.00", "11.00")),
    ("jadwal", "{hari: rabu, minggu_ke: -1, jam: '13:30 - 15:00'}",
     Schedule(None, "rabu", -1, "13.30", "15.00")),
    ("registrasi", "{status: belum terdaftar}", Registration("belum terdaftar", None, None)),
])
def test_other_good_values(key: str, value: str, expected: object):
    result, found = entry(with_value(key, value))
    assert found == [] and result is not None and getattr(result, key) == expected


@pytest.mark.parametrize("key, value, expected", [
    # kode_wilayah must name a desa of the region table
    ("kode_wilayah", "'64.02.13'",
     ["3: posyandu[0].kode_wilayah: '64.02.13' is the code of Kecamatan Samboja, not of a "
      "desa/kelurahan"]),
    ("kode_wilayah", "'64.02.99'",
     ["3: posyandu[0].kode_wilayah: '64.02.99' is the code of a kecamatan, not of a desa/kelurahan"]),
    ("kode_wilayah", "'64.2.13.1012'",
     ["3: posyandu[0].kode_wilayah: '64.2.13.1012' is not a desa/kelurahan code"]),
    ("kode_wilayah", "'64.03.13.1012'",
     ["3: posyandu[0].kode_wilayah: '64.03.13.1012' lies outside Kabupaten Kutai Kartanegara "
      "(64.02)"]),
    ("kode_wilayah", "'64.02.12.1012'",
     ["3: posyandu[0].kode_wilayah: '64.02.12.1012' names a kecamatan (64.02.12) that does not "
      "exist"]),
    ("kode_wilayah", "'64.02.13.1013'",
     ["3: posyandu[0].kode_wilayah: '64.02.13.1013' is not a desa/kelurahan of Kecamatan Samboja"]),
    # coordinates must lie in the kabupaten
    ("koordinat", "{lat: 117.0521, lon: -1.0312}",
     ["4: posyandu[0].koordinat.lat: (117.0521, -1.0312) has latitude and longitude swapped"]),
    ("koordinat", "{lat: -91, lon: 117}",
     ["4: posyandu[0].koordinat.lat: (-91.0, 117.0) is not a point on Earth"]),
    ("koordinat", "{lat: 3.5, lon: 100.1}",
     ["4: posyandu[0].koordinat.lat: (3.5, 100.1) lies outside Kabupaten Kutai Kartanegara"]),
    # the schedule: a day of the month or a weekday, and hours that make sense
    ("jadwal", "{tanggal: 13, hari: rabu, jam: '08.00-11.00'}",
     ["5: posyandu[0].jadwal: give either 'tanggal' or 'hari', not both"]),
    ("jadwal", "{jam: '08.00-11.00'}", ["5: posyandu[0].jadwal: give either 'tanggal' or 'hari'"]),
    ("jadwal", "{tanggal: 13, minggu_ke: 2, jam: '08.00-11.00'}",
     ["5: posyandu[0].jadwal.minggu_ke: is given without 'hari'"]),
    ("jadwal", "{hari: rabu, minggu_ke: 5, jam: '08.00-11.00'}",
     ["5: posyandu[0].jadwal.minggu_ke: 5 is not a week of the month"]),
    ("jadwal", "{hari: rabu, jam: 8}", ["5: posyandu[0].jadwal.jam: was read as the number 8"]),
    ("jadwal", "{hari: rabu, jam: '8-11'}",
     ["5: posyandu[0].jadwal.jam: '8-11' is not a range of hours"]),
    ("jadwal", "{hari: rabu, jam: '11.00-08.00'}",
     ["5: posyandu[0].jadwal.jam: closes (08.00) before it opens (11.00)"]),
    ("jadwal", "{hari: rabu, jam: '08.00-08.00'}",
     ["5: posyandu[0].jadwal.jam: closes (08.00) before it opens (08.00)"]),
    # registration: status, number and date agree; no date in the future
    ("registrasi", "{status: terdaftar}",
     ["6: posyandu[0].registrasi.nomor: a registered Posyandu needs its registration number",
      "6: posyandu[0].registrasi.tanggal: a registered Posyandu needs the date of registration"]),
    ("registrasi", "{status: dalam verifikasi, nomor: 'P-1'}",
     ["6: posyandu[0].registrasi.nomor: a Posyandu with status 'dalam verifikasi' cannot have a "
      "registration number"]),
    ("registrasi", "{status: terdaftar, nomor: 'P-1', tanggal: 2027-01-01}",
     ["6: posyandu[0].registrasi.tanggal: 2027-01-01 is in the future"]),
    ("diperbarui", "2026-12-02", ["10: posyandu[0].diperbarui: 2026-12-02 is in the future"]),
])
def test_a_bad_value_is_reported_at_its_line_and_the_entry_refused(key: str, value: str,
                                                                   expected: list[str]):
    result, found = entry(with_value(key, value))
    assert result is None and found == [f"f.yaml:{m}" for m in expected]


def test_spm_fields_and_their_activities():
    text = ENTRY.replace("  sosial: {berjalan: false}\n",
                         "  sosial: {berjalan: false, kegiatan: [Pendataan]}\n"
                         "  pendidikan: {berjalan: true}\n  kesehatn: {berjalan: true}\n")
    result, found = entry(text)
    assert result is None and found == [
        "f.yaml:9: posyandu[0].spm.sosial.kegiatan: lists activities, but 'berjalan' is false",
        "f.yaml:10: posyandu[0].spm.pendidikan.kegiatan: a field that runs needs at least one activity",
        "f.yaml:11: posyandu[0].spm.kesehatn: 'kesehatn' is not one of the six SPM fields",
    ]


def test_every_problem_of_an_entry_is_reported_in_one_pass():
    text = (ENTRY.replace("Posyandu Melati", "''").replace("diperbarui: 2025-06-01\n", "")
            + "jumlah_kader_aktif: -2\nwarna: merah\n")
    result, found = entry(text)
    assert result is None and found == [
        "f.yaml:1: posyandu[0].diperbarui: is missing",
        "f.yaml:2: posyandu[0].nama: is empty",
        "f.yaml:10: posyandu[0].jumlah_kader_aktif: -2 is out of range",
        "f.yaml:11: posyandu[0].warna: unknown field 'warna'",
    ]


def test_an_empty_registry_file_and_one_without_the_list():
    problems = Problems()
    validator = validate.RegistryValidator(REGION, problems, TODAY)
    assert validator.file(None, "f.yaml") == []
    assert validator.file(parsed("lain: 1\n", Problems()), "g.yaml") == []
    assert messages(problems) == ["f.yaml:1: posyandu: the registry file is empty",
                                  "g.yaml:1: lain: unknown field 'lain'",
                                  "g.yaml:1: posyandu: is missing"]
