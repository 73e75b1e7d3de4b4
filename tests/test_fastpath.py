"""The fast YAML path (yaml_rs) either declines or gives exactly what the precise reader gives,
and split_entries cuts a registry into entries that parse as the whole file does."""
from __future__ import annotations

import datetime as dt
import json
import math
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.load import (
    YamlInt,
    YamlList,
    YamlMap,
    parse_fast,
    parse_yaml,
    split_entries,
)
from generator.problems import Problems

LEADING_DOT = ["+.5", "-.5", ".5e3", "-.5e3", ".5E3", "+.5E-3", ".5", "-.5E+3"]
TRICKY = LEADING_DOT + [
    "0", "-0", "+0", "00", "007", "0.0", "-0.0", "1.", "-1.", "1_000", "0b101", "0x1F", "0o17",
    "1:30", "-1:30", "190:20:30", "+12", "1e3", "1E3", "1.5e3", "1.5e+3", "12e03", ".inf", "-.inf",
    "+.inf", ".NaN", ".nan", "NaN", "inf", "yes", "Yes", "NO", "on", "Off", "y", "n", "~", "null",
    "Null", "true", "FALSE", "2025-02-03", "2025-02-30", "2025-1-5", "2001-12-14t21:59:43.10-05:00",
    "2001-12-14 21:59:43", "12:30:00", "1,000", "1.2.3", "-", ".", "=", "<<", "a: b", "#x", "'", '"',
    "08.00-11.00", "64.02", "64.02.13.1012", "0541-661234", "+62 541 661234", "-0.48294",
    "117.05", "-1.03", "9" * 30, "9" * 31, "-" + "9" * 40, "é", "a\x0bb", "a\u2028b", "a\x85b", "\x00", "\x1b[31m", "a\u2029b",
]
NUMBERISH = st.from_regex(r"\A[-+]?[0-9._]{0,4}(?:[eE][-+]?[0-9]{0,2})?\Z")
TEXT = st.text(st.sampled_from(list("ab zé09.-+_:e~#'\"[]{},&*!%|>@`\\/") +
                               ["\x0b", "\u2028", "\x85", "\t", "\x00", "\u200b"]), max_size=8)
SCALAR = st.one_of(st.sampled_from(TRICKY), NUMBERISH, TEXT)


def written(value: str, style: str) -> str:
    """``value`` as YAML: plain, single-quoted or double-quoted."""
    if style == "single":
        return "'" + value.replace("'", "''") + "'"
    if style == "double":
        return json.dumps(value)
    return value


WRITTEN = st.builds(written, SCALAR, st.sampled_from(["plain", "plain", "single", "double"]))
KEYS = st.sampled_from(["id", "nama", "lat", "lon", "jam", "nomor", "x", "y_z", "kode_wilayah"])


@st.composite
def values(draw: st.DrawFn, indent: int, depth: int = 0) -> str:
    """A value written after ``key:`` at ``indent`` spaces: scalar, flow or block collection."""
    kinds = ["scalar", "flow list", "flow map"] + (["block map", "block list"] if depth < 2 else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "scalar":
        return " " + draw(WRITTEN)
    if kind == "flow list":
        return " [" + ", ".join(draw(st.lists(WRITTEN, max_size=3))) + "]"
    if kind == "flow map":
        pairs = draw(st.dictionaries(KEYS, WRITTEN, max_size=3))
        return " {" + ", ".join(f"{k}: {v}" for k, v in pairs.items()) + "}"
    pad = " " * (indent + 2)
    if kind == "block list":
        items = draw(st.lists(WRITTEN, min_size=1, max_size=3))
        return "".join(f"\n{pad}- {item}" for item in items)
    pairs = draw(st.dictionaries(KEYS, values(indent + 2, depth + 1), min_size=1, max_size=3))
    return "".join(f"\n{pad}{k}:{v}" for k, v in pairs.items())


@st.composite
def entries(draw: st.DrawFn) -> str:
    """One registry entry as split_entries gives it: its dash turned into a space."""
    pairs = draw(st.dictionaries(KEYS, values(4), min_size=1, max_size=5))
    lines = [f"    {k}:{v}" for k, v in pairs.items()]
    if draw(st.booleans()):
        lines.insert(draw(st.integers(0, len(lines))), "    # a comment")
    return "\n".join(lines) + "\n"


def same(fast: Any, exact: Any) -> bool:
    """Equal values of the same types, down to YamlInt's text and NaN."""
    if type(fast) is not type(exact):
        return False
    if isinstance(fast, YamlMap):
        return list(fast) == list(exact) and all(same(fast[k], exact[k]) for k in fast)
    if isinstance(fast, YamlList):
        return len(fast) == len(exact) and all(same(a, b) for a, b in zip(fast, exact, strict=False))
    if isinstance(fast, YamlInt):
        return fast == exact and fast.raw == exact.raw
    if isinstance(fast, float) and math.isnan(fast):
        return math.isnan(exact)
    return fast == exact


def check_fast_path(text: str, first_line: int = 1) -> YamlMap | None:
    """Assert that parse_fast declines or equals parse_yaml; its answer."""
    fast = parse_fast(text, first_line)
    if fast is None:
        return None
    problems = Problems()
    exact = parse_yaml(text, "f.yaml", problems, first_line=first_line)
    assert not problems.items, (text, fast, [str(p) for p in problems.items])
    assert same(fast, exact), (text, fast, exact)
    assert fast.lines == exact.lines, (text, fast.lines, exact.lines)
    return fast


FAST = settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(scalar=WRITTEN, where=st.sampled_from(["    x: {}\n", "    x: [{}]\n", "    x: {{a: {}}}\n",
                                              "    x:\n      - {}\n", "    x:\n      y: {}\n"]))
@example(scalar="+.5", where="    x: {}\n")
@example(scalar="-.5", where="    x: {}\n")
@example(scalar=".5e3", where="    x: {}\n")
@example(scalar="-.5e3", where="    x: [{}]\n")
@example(scalar=".5E3", where="    x: {{a: {}}}\n")
@example(scalar="-.5", where="    x:\n      y: {}\n")
@example(scalar="-0", where="    x: {}\n")
def test_fast_path_reads_every_scalar_as_the_precise_reader_does(scalar: str, where: str):
    check_fast_path(where.format(scalar))


@FAST
@given(text=entries(), first_line=st.integers(1, 5000))
def test_fast_path_reads_every_entry_as_the_precise_reader_does(text: str, first_line: int):
    check_fast_path(text, first_line)


@pytest.mark.parametrize("number", LEADING_DOT[:5])
def test_leading_dot_numbers_are_text_in_both_paths(number: str):
    text = f"    id: a\n    koordinat: {{lat: {number}, lon: 117.05}}\n    alamat: \"Jl. A & B\"\n"
    assert parse_fast(text.replace(" & ", " dan "), 3) is None
    problems = Problems()
    assert parse_yaml(text, "f.yaml", problems, first_line=3)["koordinat"]["lat"] == number


def test_fast_path_answers_an_ordinary_entry_with_its_top_level_lines():
    text = ("    id: contoh\n    nama: \"Posyandu Melati\"\n    koordinat: {lat: -0.48294, lon: 117.05}\n"
            "    jumlah_kader_aktif: 5\n    diperbarui: 2025-02-03\n")
    fast = check_fast_path(text, 10)
    assert fast is not None and not fast.exact
    assert fast.lines == {"id": 10, "nama": 11, "koordinat": 12, "jumlah_kader_aktif": 13,
                          "diperbarui": 14}
    assert fast["koordinat"] == {"lat": -0.48294, "lon": 117.05}
    assert fast["diperbarui"] == dt.date(2025, 2, 3)


REGISTRY = """# comment
# another

posyandu:
  - id: satu
    nama: Satu
    # a comment inside the first entry
  - id: dua
    spm:
      kesehatan: {berjalan: true}

  # a trailing comment
"""


def test_split_entries_gives_each_item_with_its_first_line_and_the_dash_blanked():
    chunks = split_entries(REGISTRY, "posyandu")
    assert chunks == [
        (5, "    id: satu\n    nama: Satu\n    # a comment inside the first entry\n"),
        (8, "    id: dua\n    spm:\n      kesehatan: {berjalan: true}\n\n  # a trailing comment\n\n"),
    ]
    whole = parse_yaml(REGISTRY, "f.yaml", Problems())["posyandu"]
    for (start, text), item, line in zip(chunks, whole, whole.lines, strict=False):
        problems = Problems()
        part = parse_yaml(text, "f.yaml", problems, first_line=start)
        assert not problems and part == item and part.line == line and part.lines == item.lines


@pytest.mark.parametrize("text", [
    "",  # nothing at all
    "# only a comment\n",
    "posyandu:\n",  # no items
    "posyandu: []\n",  # a flow list
    "lain:\n  - id: a\n",  # another top-level key
    "posyandu:\n  - id: a\nlain: 1\n",  # a second top-level key after the list
    "posyandu:\n  - id: a\n x: 1\n",  # a line indented less than the dash
    "posyandu:\n  id: a\n",  # a mapping, not a list
    "posyandu:  # comment\n  - id: a\n",  # more than the key on its line
])
def test_split_entries_declines_every_other_layout(text: str):
    assert split_entries(text, "posyandu") is None


def test_split_entries_keeps_items_indented_without_a_margin():
    assert split_entries("posyandu:\n- id: a\n- id: b\n  nama: B\n", "posyandu") == [
        (2, "  id: a\n"), (3, "  id: b\n  nama: B\n\n")]


def _split_entries_line_by_line(text: str, key: str) -> list[tuple[int, str]] | None:
    """split_entries as it was written first, one line at a time: the reference."""
    def skippable(line: str) -> bool:
        return not line.strip() or line.strip().startswith("#")

    lines = text.split("\n")
    n = next((i for i, line in enumerate(lines) if not skippable(line)), len(lines))
    if n == len(lines) or lines[n].rstrip() != f"{key}:":
        return None
    first = next((i for i in range(n + 1, len(lines)) if not skippable(lines[i])), None)
    match = re.match(r"( *)- ", lines[first]) if first is not None else None
    if first is None or match is None:
        return None
    prefix, depth = match.group(0), len(match.group(1))
    starts = []
    for i in range(first, len(lines)):
        line = lines[i]
        if line.startswith(prefix):
            starts.append(i)
        elif not skippable(line) and len(line) - len(line.lstrip(" ")) <= depth:
            return None
    ends = starts[1:] + [len(lines)]
    return [(s + 1, " " * len(prefix) + "\n".join(lines[s:e])[len(prefix):] + "\n")
            for s, e in zip(starts, ends, strict=False)]


LINE_PARTS = st.sampled_from(["posyandu:", "- ", "  - ", "-", " ", "  ", "    ", "#", "id: a",
                              "x", "\t", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\xa0", "\u2028",
                              "\u3000", ":"])
LINE = st.tuples(st.sampled_from(["  - ", "    ", "  ", "- ", ""]),
                 st.lists(LINE_PARTS, max_size=3).map("".join)).map("".join)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.booleans(), st.lists(LINE, max_size=12))
@example(True, ["  - id: a", "    nama: A", "", "  - id: b", "\x1c", " \u3000# c", "  - id: c"])
def test_split_entries_equals_reading_line_by_line(header: bool, lines: list[str]):
    text = ("posyandu:\n" if header else "") + "\n".join(lines)
    assert split_entries(text, "posyandu") == _split_entries_line_by_line(text, "posyandu")
