"""Reading YAML: what PyYAML accepts silently is reported, with the line."""
from __future__ import annotations

import pytest

from generator.load import INVALID, load_yaml, parse_yaml
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
