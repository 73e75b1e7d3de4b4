"""generator.load: reading text and YAML; what PyYAML accepts silently is reported, with the
line; split_entries on layouts beyond tests/test_fastpath.py's."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from generator import load
from generator.load import (
    INVALID,
    MAX_DEPTH,
    MAX_DIGITS,
    YamlInt,
    line_of,
    load_yaml,
    parse_yaml,
    read_text,
    split_entries,
)
from generator.problems import Problems


def parse(text: str) -> tuple[object, list[str]]:
    problems = Problems()
    value = parse_yaml(text, "f.yaml", problems)
    return value, [str(p) for p in problems.sorted()]


def test_keeps_the_line_of_every_key_and_item():
    value, problems = parse("# comment\na: 1\nb:\n  - x\n  - y: 2\n")
    assert problems == []
    assert value == {"a": 1, "b": ["x", {"y": 2}]}
    assert value.lines == {"a": 2, "b": 3}
    assert value["b"].lines == [4, 5]


@pytest.mark.parametrize("text, expected", [
    ("a: 1\na: 2\n", "f.yaml:2: a: duplicate key 'a' (first given on line 1)"),
    ("a: &x [1]\nb: *x\n", "f.yaml:2: b: YAML anchors and aliases (&name, *name) are not supported"),
    ("a: !!python/object/apply:os.system [ls]\n",
     "f.yaml:1: a: the YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"),
    ("a:\n\tb: 1\n", "f.yaml:2: (indentation): a tab is used for indentation"),
    ('a: "open\nb: 2\n', "f.yaml:1: (syntax): YAML syntax error: a quote opened here is never closed"),
    ("a: 2024-02-30\n", "f.yaml:1: a: '2024-02-30' cannot be read: day is out of range for month"),
])
def test_reports_what_pyyaml_would_accept_or_crash_on(text, expected):
    _, problems = parse(text)
    assert problems and problems[0].startswith(expected)


def test_billion_laughs_is_refused_without_expanding():
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{','.join(['*a' + str(i - 1)] * 9)}]" for i in range(1, 10)]
    _, problems = parse("\n".join(lines) + "\n")
    assert len(problems) >= 9 and all("aliases" in p for p in problems)


def test_byte_order_mark_and_crlf_are_read(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\r\nb: teks\r\n")
    problems = Problems()
    assert load_yaml(path, problems) == {"a": 1, "b": "teks"} and not problems


def test_bytes_that_are_not_utf8_name_the_line(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_bytes(b"a: 1\nb: caf\xe9\n")
    problems = Problems()
    assert load_yaml(path, problems) is INVALID
    assert str(problems.sorted()[0]).startswith(f"{path}:2: (file): byte 0xe9 is not valid UTF-8")


def test_first_line_and_where_place_a_part_of_a_file():
    problems = Problems()
    part = parse_yaml("id: a\nid: b\n", "f.yaml", problems, first_line=40, where="posyandu[3]")
    assert part.line == 40 and part.lines == {"id": 40}
    assert [str(p).split("\n")[0] for p in problems.sorted()] == [
        "f.yaml:41: posyandu[3].id: duplicate key 'id' (first given on line 40)"]


def test_an_empty_document_is_none_and_keys_are_text():
    assert parse("") == (None, [])
    assert parse("# only a comment\n") == (None, [])
    value, problems = parse("1: a\ntrue: b\n")
    assert problems == [] and value == {"1": "a", "True": "b"}


def test_a_number_keeps_the_text_it_was_written_as_when_that_differs():
    value, problems = parse("telepon: 0541\njumlah: 12\nlat: -0.5\n")
    assert problems == []
    assert isinstance(value["telepon"], YamlInt) and value["telepon"] == 0o541
    assert value["telepon"].raw == "0541"
    assert type(value["jumlah"]) is int and value["lat"] == -0.5


@pytest.mark.parametrize("text, expected", [
    ("a: " + "9" * (MAX_DIGITS + 1) + "\n",
     f"f.yaml:1: a: '{'9' * (MAX_DIGITS + 1)}' is a number too long to be real"),
    ("a:\n  <<: {b: 1}\n", "f.yaml:2: a: YAML merge keys (<<) are not supported"),
    ("? [a, b]\n: 1\n", "f.yaml:1: (document): a key must be a plain word"),
    ("<<: {b: 1}\n", "f.yaml:1: (document): YAML merge keys (<<) are not supported"),
    ("a: !!binary aGVsbG8=\n", "f.yaml:1: a: the YAML tag 'tag:yaml.org,2002:binary' is not allowed"),
    ("a: [1,\n", "f.yaml:2: (syntax): YAML syntax error:"),
])
def test_more_that_is_refused_with_its_line(text: str, expected: str):
    value, problems = parse(text)
    assert len(problems) == 1 and problems[0].startswith(expected), problems


def test_nesting_deeper_than_a_registry_needs_is_refused():
    value, problems = parse("a: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n")
    assert len(problems) == 1 and problems[0].startswith("f.yaml:1: a[0][0]")
    assert f"(301 characters): is nested more than {MAX_DEPTH} levels deep\n" in problems[0]
    assert value["a"][0][0][0] is not INVALID


def test_an_anchor_is_reported_once_however_often_it_is_used():
    value, problems = parse("a: &x 1\nb: *x\nc: *x\n")
    assert [p.split("\n")[0] for p in problems] == [
        "f.yaml:2: b: YAML anchors and aliases (&name, *name) are not supported"]
    assert value["b"] is INVALID and value["c"] is INVALID and value["a"] == 1


def test_line_of_falls_back_to_the_container():
    value, _ = parse("a: 1\nb:\n  - x\n  - y\n")
    assert line_of(value, "b") == 2 and line_of(value, "z") == 1
    assert line_of(value["b"], 1) == 4 and line_of(value["b"], 5) == 3
    assert line_of("plain", "x") == 1


def test_read_text_reports_what_is_not_a_readable_file(tmp_path: Path):
    fifo = tmp_path / "pipa.yaml"
    os.mkfifo(fifo)  # opening it would wait for a writer for ever
    problems = Problems()
    for shown, path in (("a", tmp_path), ("b", fifo), ("c", tmp_path / "tidak-ada.yaml")):
        assert read_text(path, problems, shown) is None
    assert [str(p).split("\n")[0] for p in problems.sorted()] == [
        "a:1: (file): is a folder, not a file",
        "b:1: (file): is a named pipe (FIFO), not a file",
        "c:1: (file): cannot be read: No such file or directory",
    ]


def test_read_text_reads_old_mac_line_ends_and_drops_invisible_characters(tmp_path: Path):
    path = tmp_path / "f.yaml"
    path.write_bytes("a: 1\rb: x\u200by\r\nc: te\u2028ks\x0c\nd: \x1b[1m\n".encode())
    problems = Problems()
    assert read_text(path, problems, shown="f.yaml") == "a: 1\nb: x\u200by\nc: teks\nd: [1m\n"
    assert [str(p).split("\n")[0] for p in problems.sorted()] == [
        "f.yaml:3: (character): the invisible character U+2028 (line separator) is not allowed",
        "f.yaml:4: (character): the invisible character U+001B (escape) is not allowed",
    ]


@pytest.mark.parametrize("text", [
    "posyandu:\n  -\n    id: a\n",  # the item's first key on the next line
    "posyandu:\n  - id: a\n---\n",  # a second document
    "---\nposyandu:\n  - id: a\n",  # a document marker before the key
    "posyandu :\n  - id: a\n",  # a space before the colon
])
def test_split_entries_declines_more_layouts(text: str):
    assert split_entries(text, "posyandu") is None


def test_split_entries_takes_trailing_spaces_comments_at_any_column_and_no_final_newline():
    text = "posyandu:  \n# kecamatan Samboja\n  - id: a\n# tengah\n  - id: b\n    nama: B"
    assert split_entries(text, "posyandu") == [
        (3, "    id: a\n# tengah\n"), (5, "    id: b\n    nama: B\n")]


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
@example("Posyandu Mawar\u2028")
@example("\x85")
@example("\uffff")
@example("caf\u00e9 \u00a0")
def test_the_quick_look_for_forbidden_characters_misses_none(text: str):
    """A text the byte test passes has none: only those it flags are searched."""
    if load._FORBIDDEN.search(text):
        assert load._may_be_forbidden(text.encode("utf-8"))
    if text.isascii() and text.isprintable():
        assert not load._may_be_forbidden(text.encode("utf-8"))
