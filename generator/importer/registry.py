"""The registry file as round-trip YAML (comments, order and quotes kept), checked in memory by
the generator's own validator before it replaces the file in one step."""
from __future__ import annotations

import datetime as dt
import io
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from .. import validate
from ..i18n import _
from ..load import load_yaml, parse_yaml, split_entries
from ..models import Region
from ..problems import BuildError, Problem, Problems

# Messages (one place, for translation).
UNREADABLE = _("cannot be read ({error})")
UNREADABLE_HINT = _("'python -m generator check' says more")
NOT_A_REGISTRY = _("expected 'posyandu:' followed by a list of entries")
NOT_A_REGISTRY_HINT = _("start the file with 'posyandu:' followed by the entries")


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


@dataclass
class RegistryFile:
    """The registry as round-trip data, and the comment lines that close the file: those stay
    last when entries are appended."""

    data: CommentedMap
    tail: str = ""
    original: str = ""  # the file as read

    @classmethod
    def read(cls, path: Path) -> RegistryFile:
        """Read ``path``; an empty registry when the file does not exist yet."""
        if not path.exists():
            return cls(CommentedMap(posyandu=CommentedSeq()))
        try:
            original = path.read_text(encoding="utf-8-sig")
            body, tail = _split_tail(original)
            data = _yaml().load(body)
        except (YAMLError, UnicodeDecodeError) as exc:
            raise RegistryError(Problem(str(path), 1, "(file)", UNREADABLE.format(
                error=" ".join(str(exc).split())), UNREADABLE_HINT)) from None
        if not isinstance(data, CommentedMap) or not isinstance(data.get("posyandu"), list):
            raise RegistryError(Problem(str(path), 1, "posyandu", NOT_A_REGISTRY,
                                        NOT_A_REGISTRY_HINT))
        data["posyandu"].fa.set_block_style()  # 'posyandu: []' grows into a block list
        return cls(data, tail, original)

    @property
    def entries(self) -> CommentedSeq:
        """The list of Posyandu entries."""
        entries: CommentedSeq = self.data["posyandu"]
        return entries

    def text(self) -> str:
        """The registry as YAML text."""
        out = io.StringIO()
        _yaml().dump(self.data, out)
        return out.getvalue() + self.tail

    @staticmethod
    def entry_lines(text: str) -> list[int]:
        """The first line (1-based) of every entry of the registry ``text``."""
        chunks = split_entries(text, "posyandu")
        if chunks is not None:
            return [line for line, _ in chunks]
        return [entry.lc.line + 1 for entry in _yaml().load(text)["posyandu"]]


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
    ``shown``: its entries as read (mappings of plain values), and every problem."""
    problems = Problems()
    data = parse_yaml(text.removeprefix("\ufeff"), str(shown), problems)
    validate.RegistryValidator(region, problems, today).file(data, str(shown))
    entries = data.get("posyandu") if isinstance(data, dict) else None
    return list(entries) if isinstance(entries, list) else [], problems.sorted()
