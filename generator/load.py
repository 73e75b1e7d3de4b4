"""Read YAML files, keeping the line of every key and item so that problems can name it.

YAML is composed with libyaml's C parser where available, then turned into plain Python values
by hand: that is where duplicate keys, anchors/aliases and non-standard tags are caught, which
PyYAML's own loaders silently accept.
"""
from __future__ import annotations

import datetime as dt
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - pure-Python fallback
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

from .i18n import Number, _
from .problems import Problems, shorten

try:  # a YAML parser in Rust, 25-50 times faster than libyaml through PyYAML; see parse_fast
    import yaml_rs
except ImportError:  # pragma: no cover - then every entry takes parse_yaml
    yaml_rs = None  # type: ignore[assignment]

MAX_YAML_BYTES = 64 * 1024 * 1024
MAX_DIGITS = 30  # in a whole number; PyYAML cannot even read one of over 4300
MAX_DEPTH = 100  # levels of nested mappings and lists; a registry entry needs four
# Characters that no input may hold: invisible, and read as line breaks by some programs but not
# others (so that PyYAML, yaml_rs and an editor would disagree on lines), or refused by PyYAML.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")
# Bytes that are never part of a character of _FORBIDDEN, and how its characters beyond ASCII
# begin in UTF-8 (U+0080-U+009F, U+2028, U+2029, U+FFFE, U+FFFF).
_PLAIN_BYTES = bytes([9, 10, 13, *range(0x20, 0x7F), *range(0x80, 0x100)])
_FORBIDDEN_STARTS = (b"\xc2", b"\xe2\x80\xa8", b"\xe2\x80\xa9", b"\xef\xbf")
_CHARACTER_NAMES = {0x00: _("NUL"), 0x07: _("bell"), 0x08: _("backspace"),
                    0x0B: _("vertical tab"), 0x0C: _("form feed"), 0x1B: _("escape"),
                    0x7F: _("delete"), 0x85: _("next line"), 0x2028: _("line separator"),
                    0x2029: _("paragraph separator"), 0xFFFE: _("not a character"),
                    0xFFFF: _("not a character")}
_SCALAR_TAGS = {
    "tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "timestamp")
}
_constructor = yaml.constructor.SafeConstructor()


class Invalid:
    """Stands for a value that could not be read; its problem is already recorded."""

    def __repr__(self) -> str:
        return "INVALID"


INVALID = Invalid()


class YamlInt(int):
    """An integer read from YAML, keeping the text it was written as (e.g. 0541661234)."""

    raw: str


class YamlMap(dict):
    """A mapping read from YAML; ``line`` is where it starts, ``lines`` where each key is;
    not ``exact`` when read by parse_fast (lines of nested keys and items not known)."""

    line: int
    lines: dict[Any, int]
    exact = True


class YamlList(list):
    """A sequence read from YAML; ``line`` is where it starts, ``lines`` where each item is."""

    line: int
    lines: list[int]


def line_of(container: Any, key: Any) -> int:
    """The line of ``key`` inside ``container`` (falls back to the container's own line)."""
    if isinstance(container, YamlMap):
        return container.lines.get(key, container.line)
    if isinstance(container, YamlList) and isinstance(key, int) and 0 <= key < len(container.lines):
        return container.lines[key]
    return getattr(container, "line", 1)


class _Converter:
    """Turns a composed YAML node tree into YamlMap/YamlList/scalars, recording problems."""

    def __init__(self, path: str, problems: Problems) -> None:
        self.path = path
        self.problems = problems
        self.seen: set[int] = set()
        self.reported: set[int] = set()

    def convert(self, node: yaml.Node, where: str, at: int = 0, depth: int = 0) -> Any:
        """Convert ``node``; ``at`` is the line that refers to it (reported for an alias),
        ``depth`` how many mappings and lists it lies in."""
        line = node.start_mark.line + 1
        if depth > MAX_DEPTH and not isinstance(node, yaml.ScalarNode):
            self.problems.add(self.path, line, str(shorten(where)),  # a field name: as it is
                              _("is nested more than {depth} levels deep").format(depth=MAX_DEPTH),
                              _("a registry entry needs only a few levels: check the indentation"))
            return INVALID
        if id(node) in self.seen:
            if id(node) not in self.reported:  # once per anchor, however often it is used
                self.reported.add(id(node))
                self.problems.add(
                    self.path, at or line, where,
                    _("YAML anchors and aliases (&name, *name) are not supported"),
                    _("write the value out in full instead of referring to an anchor"),
                )
            return INVALID
        self.seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, where, line, depth + 1)
        if isinstance(node, yaml.SequenceNode):
            return self._sequence(node, where, line, depth + 1)
        assert isinstance(node, yaml.ScalarNode)  # the third and last kind of node
        return self._scalar(node, where, line)

    def _mapping(self, node: yaml.MappingNode, where: str, line: int,
                 depth: int) -> YamlMap | Invalid:
        if node.tag != "tag:yaml.org,2002:map":
            return self._bad_tag(node, where, line)
        result = YamlMap()
        result.line, result.lines = line, {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.problems.add(self.path, key_line, where or "(document)",
                                  _("YAML merge keys (<<) are not supported"),
                                  _("write the fields out in full"))
                continue
            key = self.convert(key_node, where, 0, depth)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                self.problems.add(self.path, key_line, where or "(document)",
                                  _("a key must be a plain word"),
                                  _("keys are field names such as 'nama' or 'alamat'"))
                continue
            key = str(key) if not isinstance(key, str) else key
            child = f"{where}.{key}" if where else key
            if key in result:
                self.problems.add(
                    self.path, key_line, child,
                    _("duplicate key '{key}' (first given on line {line})").format(
                        key=key, line=result.lines[key]),
                    _("remove one of the two; YAML would silently keep only the last"),
                )
                continue
            result.lines[key] = key_line
            result[key] = self.convert(value_node, child, key_line, depth)
        return result

    def _sequence(self, node: yaml.SequenceNode, where: str, line: int,
                  depth: int) -> YamlList | Invalid:
        if node.tag != "tag:yaml.org,2002:seq":
            return self._bad_tag(node, where, line)
        result = YamlList()
        result.line, result.lines = line, []
        for i, item in enumerate(node.value):
            result.lines.append(item.start_mark.line + 1)
            result.append(self.convert(item, f"{where}[{i}]", result.line, depth))
        return result

    def _scalar(self, node: yaml.ScalarNode, where: str, line: int) -> Any:
        if node.tag not in _SCALAR_TAGS:
            return self._bad_tag(node, where, line)
        if node.tag.endswith(":int") and len(node.value) > MAX_DIGITS:
            self.problems.add(self.path, line, where,
                              _("'{value}' is a number too long to be real").format(
                                  value=shorten(node.value)),
                              _("numbers here have at most {digits} digits; put the value "
                                "in quotes if it is meant as text").format(digits=MAX_DIGITS))
            return INVALID
        try:
            value = _constructor.construct_object(node)
        except (ValueError, yaml.YAMLError) as exc:
            self.problems.add(self.path, line, where,
                              _("'{value}' cannot be read: {error}").format(
                                  value=shorten(node.value), error=str(exc)),
                              _("put the value in quotes if it is meant as text"))
            return INVALID
        if type(value) is int and node.value != str(value):
            value = YamlInt(value)
            value.raw = node.value
        return value

    def _bad_tag(self, node: yaml.Node, where: str, line: int) -> Invalid:
        self.problems.add(
            self.path, line, where or "(document)",
            _("the YAML tag '{tag}' is not allowed").format(tag=node.tag),
            _("remove the tag (the word starting with '!'); only plain text, numbers, dates, "
              "true/false, lists and mappings are read"),
        )
        return INVALID


def read_text(path: Path, problems: Problems, shown: str | None = None) -> str | None:
    """Read a UTF-8 text file, tolerating a byte-order mark and CRLF or CR line ends; a
    forbidden character is reported with its line and left out (see ``_forbidden``)."""
    name = shown or str(path)
    try:
        info = path.stat()
    except OSError as exc:
        _unreadable(name, exc, problems)
        return None
    if not stat.S_ISREG(info.st_mode):  # a folder, a FIFO or a device: never opened
        problems.add(name, 1, "(file)", _("is a folder, not a file")
                     if stat.S_ISDIR(info.st_mode) else _("is a named pipe (FIFO), not a file")
                     if stat.S_ISFIFO(info.st_mode) else _("is a device or socket, not a file"),
                     _("give the path of a file (a folder whose name ends in .yaml or .md "
                       "is not read as one)"))
        return None
    if info.st_size > MAX_YAML_BYTES:
        problems.add(
            name, 1, "(file)",
            _("is {size} MB, over the limit of {limit} MB").format(
                size=Number(info.st_size / 1048576, 0), limit=MAX_YAML_BYTES // 1048576),
            _("split the registry into several files (for example one per kecamatan)"),
        )
        return None
    try:
        data = path.read_bytes()
    except OSError as exc:
        _unreadable(name, exc, problems)
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.add(name, line, "(file)", _("byte 0x{byte} is not valid UTF-8").format(
                         byte=f"{data[exc.start]:02x}"),
                     _("save the file as UTF-8 (in most editors: Save As, encoding UTF-8)"))
        return None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return _forbidden(text, name, problems) if _may_be_forbidden(data) and _FORBIDDEN.search(
        text) else text


def _may_be_forbidden(data: bytes) -> bool:
    """Whether the UTF-8 bytes ``data`` may hold a character of ``_FORBIDDEN``: a control byte,
    or the first bytes of one of its other characters. Ten times faster than searching the
    text (0.01 against 0.1 s at 10,000 entries), which is left for the files that may."""
    return bool(data.translate(None, _PLAIN_BYTES)) or any(
        start in data for start in _FORBIDDEN_STARTS)


def _unreadable(name: str, exc: OSError, problems: Problems) -> None:
    """The problem of a file the system does not let us read (its reason as the system says
    it)."""
    problems.add(name, 1, "(file)", _("cannot be read: {reason}").format(reason=exc.strerror or ""),
                 _("check the path"))


def _forbidden(text: str, name: str, problems: Problems) -> str:
    """Report the first forbidden character of every line that has one; the text without them
    (so that the file's other problems are found as well)."""
    for number, line in enumerate(text.split("\n"), start=1):
        found = _FORBIDDEN.search(line)
        if found:
            code = ord(found.group())
            what = _CHARACTER_NAMES.get(code, _("a control character"))
            problems.add(name, number, "(character)",
                         _("the invisible character U+{code} ({name}) is not allowed").format(
                             code=f"{code:04X}", name=what),
                         _("delete it: it often comes with text copied from a spreadsheet, a PDF "
                           "or a chat message, and most editors do not show it"))
    return _FORBIDDEN.sub("", text)


def parse_yaml(text: str, name: str, problems: Problems, first_line: int = 1,
               where: str = "") -> Any:
    """Parse YAML text into YamlMap/YamlList/scalars; ``first_line`` offsets reported lines and
    ``where`` names the document's root in problems."""
    text = "\n" * (first_line - 1) + text  # so that every mark carries its line in the file
    if "\t" in text:
        for number, content in enumerate(text.split("\n"), start=1):
            indent = content[: len(content) - len(content.lstrip(" \t"))]
            if "\t" in indent:
                problems.add(name, number, "(indentation)", _("a tab is used for indentation"),
                             _("YAML allows only spaces for indentation: replace the tab with "
                               "spaces"))
                return INVALID
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        quoted = bool(exc.context and "quoted" in exc.context)
        mark = (exc.context_mark if quoted else exc.problem_mark) or exc.context_mark
        line = (mark.line + 1) if mark else first_line
        what = (_("a quote opened here is never closed") if quoted
                else exc.problem or exc.context or "")
        problems.add(name, line, "(syntax)", _("YAML syntax error: {error}").format(error=what),
                     _("check the indentation and that every quote is closed on this line or "
                       "above"))
        return INVALID
    except yaml.YAMLError as exc:
        problems.add(name, first_line, "(syntax)", _("YAML error: {error}").format(error=str(exc)),
                     _("check the file's syntax"))
        return INVALID
    if node is None:
        return None
    return _Converter(name, problems).convert(node, where)


# Text in which YAML 1.1 (PyYAML) and YAML 1.2 (yaml_rs) may differ, or that parse_yaml refuses:
# anchors, aliases, tags, directives, merge keys, tabs, forbidden characters; a value that starts
# like a number (a digit, sign, dot or underscore) other than the forms both read alike (0, 12,
# -12, 1.5, -0.48, 2025-02-03): leading zeros and plus signs, leading dots (+.5, -.5, .5e3 are
# floats to YAML 1.2, text to 1.1), -0, underscores, base prefixes, exponents, 1:30; and block
# scalars (| and >), reserved indicators (@ `) and complex keys (?). Inside quotes this is
# harmless, and only sends the entry the slow way.
_SAME_NUMBER = r"(?:-?(?:0|[1-9]\d*)\.\d*|0|-?[1-9]\d*|\d{4}-\d\d-\d\d)(?=[ ]*(?:$|[,\]}#]))"
_RISKY = re.compile(r"[&*!\t%]|<<|:[,\]}]|" + _FORBIDDEN.pattern +
                    r"|(?:^[ ]*-|:|[\[,{])[ ]*(?:[|>@`?:]|(?=[-+.\d_])(?!" + _SAME_NUMBER + "))",
                    re.MULTILINE)
_TOP_KEY = re.compile(r"( *)([A-Za-z_][\w]*)[ \t]*:(?:[ \t]|$)")
_STR_TAG = "tag:yaml.org,2002:str"
_implicit = yaml.resolver.Resolver()


def parse_fast(text: str, first_line: int) -> YamlMap | None:
    """One registry entry (as split_entries gives it) read with yaml_rs when the result is
    certain to equal parse_yaml's, else None (then use parse_yaml). Top-level keys carry their
    lines; nested values the entry's first line, so problems must be re-read with parse_yaml
    to name the exact line (see RegistryValidator)."""
    if yaml_rs is None or _RISKY.search(text):
        return None
    try:
        data = yaml_rs.loads(text)
    except Exception:  # noqa: BLE001 (any parse error: parse_yaml reports it precisely)
        return None
    quoted: list[str] = []
    if not isinstance(data, dict) or not _same_as_pyyaml(data, text, quoted, 0):
        return None
    for value in set(quoted):  # a str YAML 1.1 would read otherwise must have been quoted
        if text.count(f'"{value}"') + text.count(f"'{value}'") < quoted.count(value):
            return None
    result = _wrap(data, first_line)
    lines = text.split("\n")
    first = next(line for line in lines if line.strip())
    depth = len(first) - len(first.lstrip(" "))
    found = [(match.group(2), first_line + number) for number, match in
             enumerate(_TOP_KEY.match(line) for line in lines)
             if match and len(match.group(1)) == depth]
    if sorted(key for key, _ in found) != sorted(result):  # e.g. a key in a multi-line quote
        return None
    result.lines, result.exact = dict(found), False
    return result


def parse_entry(text: str, first_line: int, name: str, problems: Problems, i: int) -> Any:
    """Entry ``i`` of a registry, as split_entries gives it: read by parse_fast where that is
    certain to read it as parse_yaml does, else by parse_yaml."""
    return parse_fast(text, first_line) or parse_yaml(text, name, problems, first_line=first_line,
                                                      where=f"posyandu[{i}]")


def _same_as_pyyaml(value: Any, text: str, quoted: list[str], depth: int) -> bool:
    """Whether yaml_rs's ``value`` (inside ``depth`` mappings and lists) is what parse_yaml
    makes of ``text``; strings that YAML 1.1 would read as another type are collected in
    ``quoted`` to be checked against the text."""
    if isinstance(value, (dict, list)) and depth >= MAX_DEPTH:
        return False
    if isinstance(value, dict):
        return all(isinstance(k, str) and _same_as_pyyaml(k, text, quoted, depth)
                   and _same_as_pyyaml(v, text, quoted, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return all(_same_as_pyyaml(v, text, quoted, depth + 1) for v in value)
    if isinstance(value, str):
        if _implicit.resolve(yaml.ScalarNode, value, (True, False)) != _STR_TAG:
            quoted.append(value)
        return True
    if isinstance(value, dt.datetime):
        return False
    if isinstance(value, dt.date):  # yaml_rs also reads a quoted date as a date
        iso = value.isoformat()
        return f'"{iso}' not in text and f"'{iso}" not in text
    if isinstance(value, int) and not isinstance(value, bool):
        return abs(value) < 10 ** MAX_DIGITS  # parse_yaml refuses longer numbers
    return value is None or isinstance(value, (bool, float))


def _wrap(value: Any, line: int) -> Any:
    """Plain values as YamlMap/YamlList, every line set to ``line``."""
    if isinstance(value, dict):
        result = YamlMap((k, _wrap(v, line)) for k, v in value.items())
        result.line, result.lines = line, {}
        return result
    if isinstance(value, list):
        items = YamlList(_wrap(v, line) for v in value)
        items.line, items.lines = line, [line] * len(items)
        return items
    return value


def load_yaml(path: Path, problems: Problems, shown: str | None = None) -> Any:
    """Read and parse one YAML file; problems are recorded, INVALID is returned on failure and
    None for a file with no content."""
    text = read_text(path, problems, shown)
    return INVALID if text is None else parse_yaml(text, shown or str(path), problems)


def _skippable(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """The lines of ``text``, each with where it starts, made as they are asked for."""
    start = 0
    while (end := text.find("\n", start)) >= 0:
        yield start, text[start:end]
        start = end + 1
    yield start, text[start:]


def split_entries(text: str, key: str) -> list[tuple[int, str]] | None:
    """Split a file laid out as comments, ``key:`` and a block list into its items.

    Returns (first line, text) per item, with the item's dash turned into a space so that the
    text parses as the item's own mapping, on the same lines and columns; None when the file
    has any other layout, which must then be parsed whole. After the first item, the lines
    are looked at by two regular expressions, not one by one (a registry of 10,000 entries
    has 300,000 lines): any line that would end the list, and the items' first lines.
    """
    lines = _lines(text)
    line = next((line for _, line in lines if not _skippable(line)), None)
    if line is None or line.rstrip() != f"{key}:":
        return None
    at, line = next(((at, line) for at, line in lines if not _skippable(line)), (0, None))
    match = re.match(r"( *)- ", line) if line is not None else None
    if match is None:
        return None
    prefix, depth = match.group(0), len(match.group(1))
    first = text.count("\n", 0, at)  # the first item's line, from 0
    # each line after the first item's, found by the newline before it (a literal the regex
    # engine looks for far faster than a line's start at every character)
    at -= 1
    # a line not indented deeper than the dash that is not an item's, blank or a comment
    if re.compile(rf"\n(?! {{{depth + 1}}}|{re.escape(prefix)}|[^\S\n]*(?:#|\n|$))"
                  ).search(text, at):
        return None
    starts = [m.start() + 1 for m in re.compile(rf"\n{re.escape(prefix)}").finditer(text, at)]
    ends = [s - 1 for s in starts[1:]] + [len(text)]
    blank, number, before = " " * len(prefix), first + 1, at + 1
    chunks = []
    for s, e in zip(starts, ends, strict=True):
        number += text.count("\n", before, s)
        chunks.append((number, blank + text[s + len(prefix):e] + "\n"))
        before = s
    return chunks
