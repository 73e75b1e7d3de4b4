"""The registry file, entry by entry: each as the generator reads it and, once an import
changes it, as round-trip YAML (comments, order and quotes kept); the result checked in memory
by the generator's own validator before it replaces the file in one step."""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from .. import validate
from ..i18n import _
from ..load import load_yaml, parse_entry, split_entries
from ..models import Region
from ..problems import BuildError, Problem, Problems
from ..registry_file import registry_text

# Messages (one place, for translation).
UNREADABLE = _("cannot be read ({error})")
UNREADABLE_HINT = _("'python -m generator check' says more")
NOT_A_REGISTRY = _("expected 'posyandu:' followed by a list of entries")
NOT_A_REGISTRY_HINT = _("start the file with 'posyandu:' followed by the entries")


# How _yaml() starts an entry of the list: a changed entry is written so, among the others.
_ENTRY_START = r"  - \S"


def _yaml() -> YAML:
    """Round-trip YAML in the registry's layout: comments, order and quotes kept."""
    rt = YAML()
    rt.preserve_quotes = True
    rt.width = 4096  # never fold a long line
    rt.indent(mapping=2, sequence=4, offset=2)
    rt.representer.ignore_aliases = lambda data: True  # the generator refuses anchors and aliases
    return rt


class RegistryError(Exception):
    """The registry cannot be read as round-trip YAML."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass(eq=False)
class Entry:
    """One Posyandu entry of the registry: as the generator reads it (``plain``), and as
    round-trip YAML (``data``), parsed from its lines in the file only when an import changes
    it. Round-trip parsing keeps comments but is slow (it was 90 % of importing the 827
    entries of the sample, unchanged), so the entries a sheet leaves as they are stay text."""

    plain: Any
    line: int  # its first line in the file (1-based); 0 for an entry added by the import
    source: str = ""  # its lines in the file ('' when parsed with the whole file, or added)
    file: str = ""  # the registry file, for a problem of ``source``
    _data: CommentedMap | None = None
    edited: bool = False  # changed by the import: written anew from ``data``

    @classmethod
    def added(cls, data: CommentedMap) -> Entry:
        return cls(data, 0, _data=data, edited=True)

    @property
    def data(self) -> CommentedMap:
        """The entry as round-trip YAML (parsed from ``source`` on first use); raises
        RegistryError when round-trip YAML cannot read what the generator read."""
        if self._data is None:
            try:
                self._data = _yaml().load("posyandu:\n" + self.source)["posyandu"][0]
            except YAMLError as exc:
                raise _unreadable(self.file, exc, self.line) from None
        return self._data

    def get(self, key: str, default: Any = None) -> Any:
        """A field of the entry, as the import left it."""
        value = self._data if self._data is not None else self.plain
        return value.get(key, default) if isinstance(value, dict) else default


@dataclass
class RegistryFile:
    """The registry's entries, with the lines before them (``head``) and the comment lines that
    close the file (``tail``: those stay last when entries are appended). When the file is not
    laid out as one block list (load.split_entries), it is parsed whole (``whole``)."""

    entries: list[Entry]
    head: str = ""
    tail: str = ""
    original: str = ""  # the file as read
    whole: CommentedMap | None = None

    @classmethod
    def read(cls, path: Path) -> RegistryFile:
        """Read ``path``; an empty registry when the file does not exist yet."""
        if not path.exists():
            return cls([], whole=CommentedMap(posyandu=CommentedSeq()))
        try:
            original = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise _unreadable(str(path), exc) from None
        body, tail = _split_tail(original)
        return _by_entry(body, tail, original, path) or _parsed_whole(body, tail, original, path)

    def text(self) -> str:
        """The registry as YAML text: the entries the import did not change as they were."""
        if self.whole is not None:
            seq = self.whole["posyandu"]
            seq.extend(e.data for e in self.entries[len(seq):])  # those added
            return _dump(self.whole) + self.tail
        kept = "".join(_dump_entries([e]) if e.edited and e.line else e.source
                       for e in self.entries)
        return self.head + kept + _dump_entries([e for e in self.entries if not e.line]) + \
            self.tail

    @staticmethod
    def entry_lines(text: str) -> list[int]:
        """The first line (1-based) of every entry of the registry ``text``."""
        chunks = split_entries(text, "posyandu")
        if chunks is not None:
            return [line for line, _ in chunks]
        return [entry.lc.line + 1 for entry in _yaml().load(text)["posyandu"]]


def _by_entry(body: str, tail: str, original: str, path: Path) -> RegistryFile | None:
    """The registry as the lines of each entry, read as the generator reads them; None when
    the file is not one block list of entries, or the generator cannot read it (then it is
    parsed whole, which reports why)."""
    body = body if body.endswith("\n") else body + "\n"  # an entry may be added after the last
    chunks = split_entries(body, "posyandu")
    lines = body.splitlines(keepends=True)
    if not chunks or not re.match(_ENTRY_START, lines[chunks[0][0] - 1]):
        return None  # no entries, or their dashes where _yaml() would not write them
    problems = Problems()
    entries = [parse_entry(text, start, str(path), problems, i)
               for i, (start, text) in enumerate(chunks)]
    if problems:
        return None
    starts = [line for line, _ in chunks]
    ends = [*starts[1:], len(lines) + 1]
    return RegistryFile([Entry(plain, start, "".join(lines[start - 1:end - 1]), str(path))
                         for plain, start, end in zip(entries, starts, ends, strict=True)],
                        "".join(lines[:starts[0] - 1]), tail, original)


def _parsed_whole(body: str, tail: str, original: str, path: Path) -> RegistryFile:
    """The registry parsed whole as round-trip YAML."""
    try:
        data = _yaml().load(body)
    except YAMLError as exc:
        raise _unreadable(str(path), exc) from None
    if not isinstance(data, CommentedMap) or not isinstance(data.get("posyandu"), list):
        raise RegistryError(Problem(str(path), 1, "posyandu", NOT_A_REGISTRY,
                                    NOT_A_REGISTRY_HINT))
    data["posyandu"].fa.set_block_style()  # 'posyandu: []' grows into a block list
    seq = data["posyandu"]
    entries = [Entry(e, seq.lc.item(i)[0] + 1,
                     _data=e if isinstance(e, CommentedMap) else None) for i, e in enumerate(seq)]
    return RegistryFile(entries, tail=tail, original=original, whole=data)


def _unreadable(path: str, exc: Exception, line: int = 1) -> RegistryError:
    return RegistryError(Problem(path, line, "(file)", UNREADABLE.format(
        error=" ".join(str(exc).split())), UNREADABLE_HINT))


def _dump(data: CommentedMap) -> str:
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()


def _dump_entries(entries: list[Entry]) -> str:
    """The lines of ``entries`` as they stand in the registry's list."""
    if not entries:
        return ""
    seq = CommentedSeq(e.data for e in entries)
    return _dump(CommentedMap(posyandu=seq)).removeprefix("posyandu:\n")


def _split_tail(text: str) -> tuple[str, str]:
    """``text`` split before its closing run of comment and blank lines."""
    lines = text.splitlines(keepends=True)
    end = len(lines)
    while end and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    return "".join(lines[:end]), "".join(lines[end:])


def write_atomically(path: Path, text: str) -> Path | None:
    """Replace ``path`` by ``text`` in one step; returns the previous file's copy (FILE.bak)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.import-tmp")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    backup = None
    if path.exists():
        backup = path.with_name(path.name + ".bak")
        shutil.copy2(path, backup)
    os.replace(tmp, path)
    return backup


def load_region(config: Path) -> Region:
    """The region table named by config.yaml, validated by the generator."""
    problems = Problems()
    settings = validate.settings(load_yaml(config, problems), str(config), problems, None)
    region = None
    if settings is not None and not problems:
        path = Path(os.path.normpath(config.parent / settings.wilayah))
        region = validate.region(load_yaml(path, problems), str(path), problems, settings.kabupaten)
    if region is None or problems:
        raise BuildError(problems)
    return region


def check_text(text: str, region: Region, shown: Path,
               today: dt.date) -> tuple[list[Any], list[Problem]]:
    """Check registry ``text`` in memory as ``python -m generator check`` checks the file
    ``shown`` (entry by entry where its layout allows, as a build reads it): its entries as
    read (mappings of plain values), and every problem."""
    problems = Problems()
    entries: list[Any] = []
    registry_text(text.removeprefix("\ufeff"), str(shown),
                  validate.RegistryValidator(region, problems, today), items=entries)
    return entries, problems.sorted()
