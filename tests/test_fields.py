"""generator.fields: each typed reader of a YAML mapping on good and bad values, with the exact
problem (file, line, dotted field, message and hint) it records."""
from __future__ import annotations

import datetime as dt

import pytest

from generator.fields import Fields, closest, suggest
from generator.load import INVALID, parse_yaml
from generator.problems import Problems


def read(text: str, where: str = "e") -> Fields:
    """``text`` parsed (line-keeping) and read as the mapping named ``where``."""
    problems = Problems()
    data = parse_yaml(text, "f.yaml", problems)
    assert not problems
    return Fields(data, "f.yaml", where, problems)


def found(f: Fields) -> list[str]:
    return [str(p) for p in f.problems.sorted()]


def test_closest_and_suggest():
    assert closest("terdaftr", ["terdaftar", "belum terdaftar"]) == "terdaftar"
    assert closest("xyz", ["terdaftar"]) == ""
    assert str(suggest("nma", ["nama", "alamat"]).render("en")) == "did you mean 'nama'?"
    assert not suggest("xyz", ["nama"])


def test_a_value_that_is_not_a_mapping_is_reported_at_its_line():
    problems = Problems()
    data = parse_yaml("a: 1\nb:\n  - x\n", "f.yaml", problems)
    f = Fields(data["b"], "f.yaml", "e.b", problems)
    assert not f.ok and f.line == 3 and f.get("nama", str, required=True) is None
    assert found(f) == ["f.yaml:3: e.b: expected a mapping of fields, found a list\n"
                        "    hint: write the fields as 'name: value' lines, indented under this one"]


def test_an_empty_document_misses_every_required_field_and_invalid_is_silent():
    problems = Problems()
    f = Fields(None, "f.yaml", "", problems, line=1)
    assert f.ok and f.text("judul", required=True) is None
    assert found(f) == ["f.yaml:1: judul: is missing\n    hint: add 'judul:' with text"]
    quiet = Fields(INVALID, "f.yaml", "e", Problems())
    assert not quiet.ok and not quiet.problems  # its problem was recorded when it was read


def test_names_and_lines_of_nested_fields():
    f = read("nama: A\njadwal:\n  hari: selasa\n  jam: '08.00-11.00'\n", where="posyandu[3]")
    jadwal = f.sub("jadwal")
    assert f.name("nama") == "posyandu[3].nama" and f.line_of("nama") == 1
    assert jadwal.name("jam") == "posyandu[3].jadwal.jam" and jadwal.line_of("jam") == 4
    assert jadwal.line_of("tidak_ada") == 3  # where the mapping starts
    assert f.has("nama") and not f.has("alamat") and not found(f)


def test_unknown_fields_get_the_nearest_known_name_or_the_list():
    f = read("nma: A\nzzz: 1\n")
    f.reject_unknown(["nama", "alamat"])
    assert found(f) == ["f.yaml:1: e.nma: unknown field 'nma'\n    hint: did you mean 'nama'?",
                        "f.yaml:2: e.zzz: unknown field 'zzz'\n    hint: known fields: nama, alamat"]


@pytest.mark.parametrize("text, kind, expected", [
    ("v: 5\n", float, 5.0),
    ("v: 2025-03-14\n", dt.date, dt.date(2025, 3, 14)),
    ("v: 2025-03-14 10:00:00\n", dt.date, dt.date(2025, 3, 14)),
    ("v: [a]\n", list, ["a"]),
    ("v: {a: 1}\n", dict, {"a": 1}),
    ("v: true\n", bool, True),
])
def test_get_accepts_its_type(text: str, kind: type, expected):
    f = read(text)
    value = f.get("v", kind)
    assert value == expected and isinstance(value, kind) and not isinstance(value, dt.datetime)
    assert not found(f)


@pytest.mark.parametrize("text, kind, message, hint", [
    ("v: yes\n", int, "expected a whole number, found true (a yes/no value)",
     "write a number without quotes"),
    ("v: 0541661234\n", str,  # a leading 0 is octal in YAML 1.1
     "expected text, found the number 0541661234 (read as 92758684)",
     "put the value in quotes so that it is read as text"),
    ("v: off\n", str, "expected text, found false (a yes/no value)",
     "YAML reads yes/no/on/off/true/false as a yes/no value: put the text in quotes"),
    ("v: '2025-03-14'\n", dt.date, "expected a date (YYYY-MM-DD), found the text '2025-03-14'",
     "write the date as YYYY-MM-DD without quotes, e.g. 2025-03-14"),
    ("v: 2025-03-14\n", str, "expected text, found the date 2025-03-14",
     "put the value in quotes so that it is read as text"),
    ("v: a\n", list, "expected a list, found the text 'a'",
     "write each item on its own line, starting with '- '"),
    ("v: [1]\n", dict, "expected a mapping of fields, found a list",
     "write the fields as 'name: value' lines, indented under this one"),
    ("v: 1.5\n", bool, "expected true or false, found the number 1.5", "write true or false"),
])
def test_get_reports_a_value_of_another_type(text: str, kind: type, message: str, hint: str):
    f = read("x: 1\n" + text)
    assert f.get("v", kind) is None
    assert found(f) == [f"f.yaml:2: e.v: {message}\n    hint: {hint}"]


@pytest.mark.parametrize("value, message", [
    ("'  '", "is empty"),
    ('"\\u200b\\u3164"', "has only invisible characters (such as zero-width spaces)"),
    ("abcdefghijk", "is 11 characters long, over the limit of 10"),
    ("ABC", "'ABC' is not in the expected form"),
])
def test_text_refuses_empty_invisible_long_and_malformed_values(value: str, message: str):
    f = read(f"v: {value}\n")
    assert f.text("v", pattern="[a-z]+", limit=10) is None
    assert [p.split("\n")[0] for p in found(f)] == [f"f.yaml:1: e.v: {message}"]


def test_text_strips_and_required_text_names_its_kind():
    f = read("v: '  Posyandu Melati  '\n")
    assert f.text("v", pattern="[A-Za-z ]+") == "Posyandu Melati"
    assert f.text("nama", required=True) is None
    assert found(f) == ["f.yaml:1: e.nama: is missing\n    hint: add 'nama:' with text"]


def test_choice_suggests_the_nearest_choice():
    f = read("status: terdaftr\n")
    assert f.choice("status", ["terdaftar", "belum terdaftar"]) is None
    assert found(f) == ["f.yaml:1: e.status: 'terdaftr' is not one of 'terdaftar', "
                        "'belum terdaftar'\n    hint: did you mean 'terdaftar'?"]
    assert read("status: terdaftar\n").choice("status", ["terdaftar"]) == "terdaftar"


def test_number_checks_its_range():
    f = read("a: 32\nb: -1\nc: 7\n")
    assert f.number("a", low=1, high=31) is None
    assert f.number("b", low=0) is None
    assert f.number("c", low=1, high=31) == 7
    assert found(f) == [
        "f.yaml:1: e.a: 32 is out of range\n    hint: the value must be from 1 to 31",
        "f.yaml:2: e.b: -1 is out of range\n    hint: the value must be at least 0"]


def test_flag_is_false_when_absent():
    f = read("a: true\n")
    assert f.flag("a") is True and f.flag("b") is False and not found(f)


def test_texts_keeps_good_items_and_names_each_bad_one_at_its_line():
    f = read("prestasi:\n  - Juara 1\n  - 5\n  - ''\n  -  Teladan  \n")
    assert f.texts("prestasi") == ("Juara 1", "Teladan")
    assert found(f) == [
        "f.yaml:3: e.prestasi[1]: expected text, found the number 5\n"
        "    hint: write each item as text; quote it if it looks like a number",
        "f.yaml:4: e.prestasi[2]: expected text, found the text ''\n"
        "    hint: write each item as text; quote it if it looks like a number"]
    assert read("a: 1\n").texts("prestasi") == ()
