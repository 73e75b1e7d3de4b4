"""Rows merged into the registry's round-trip YAML, field by field, keeping comments, the order of
entries and fields, and quotes. A row is first tried on a draft of its entry as the generator
reads it (``changes``): only the entries a row changes are parsed as round-trip YAML."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, ScalarString

from .. import validate
from ..i18n import Message, _
from ..models import Desa
from ..problems import Problem
from ..slugs import slugify
from .cells import NAME_PREFIX, REMOVE, FieldPath, row_values
from .places import PlaceError, Places, name_key
from .registry import Entry
from .sheet import Record, Table, text

# Messages (one place, for translation).
COUNTS = _("added {added}, changed {changed}, unchanged {unchanged}, rows with problems {problems}")
ADDED = _("  added   row {row}: {id}: {nama}, {desa} ({kode})")
CHANGED = _("  changed row {row}: {id}: {fields}")
NOTE = _("; {note}")
WHERE = "{desa}, Kecamatan {kecamatan}"  # the comment beside a new entry's kode_wilayah
NO_NAME = _("no Posyandu name")
NO_NAME_HINT = _("a new Posyandu needs its name")
NO_DESA = _("no desa/kelurahan")
NO_DESA_HINT = _("give Desa (and Kecamatan) or Kode Wilayah")
BAD_ID = _("id '{id}' is not lowercase letters, digits and single hyphens")
BAD_ID_HINT = _("leave ID empty for a new Posyandu: it gets an id from its kecamatan, desa and name")
TWICE = _("the same Posyandu as row {row} ({id})")
TWICE_HINT = _("keep one row per Posyandu")

# Where new fields go, so that an entry keeps the registry's order of fields.
_ORDER: dict[str, tuple[str, ...]] = {
    "": validate.POSYANDU_FIELDS,
    "jadwal": ("tanggal", "hari", "minggu_ke", "jam"),
    "kontak": ("telepon", "email"),
    "registrasi": ("status", "nomor", "tanggal"),
    "koordinat": ("lat", "lon"),
    "spm": tuple(validate.SPM_KEYS),
    "spm.*": ("berjalan", "kegiatan"),
}
_QUOTED = {"nama", "kode_wilayah", "alamat", "jam", "telepon", "nomor"}  # as tools/make_sample.py
_PYYAML = yaml.resolver.Resolver()  # how the generator's loader will read a plain scalar


def _order(parent: FieldPath) -> tuple[str, ...]:
    return _ORDER["spm.*" if len(parent) == 2 else ".".join(parent)]


def _rank(path: FieldPath) -> tuple[int, ...]:
    """Where a field comes in the registry's order of fields."""
    return tuple(_order(path[:i]).index(key) for i, key in enumerate(path))


def _insert(mapping: CommentedMap, key: str, value: Any, order: tuple[str, ...]) -> None:
    """Add ``key`` before the first field that comes after it in ``order``."""
    rank = {k: i for i, k in enumerate(order)}
    keys = list(mapping)
    pos = next((i for i, k in enumerate(keys) if rank.get(k, len(order)) > rank[key]), len(keys))
    mapping.insert(pos, key, value)


def _yaml_value(value: Any, old: Any, key: str) -> Any:
    """``value`` as it should be written: in the quotes of the value it replaces (or the registry's
    usual ones), quoted wherever PyYAML would read it as something other than text; lists in
    flow style."""
    if isinstance(value, list):
        seq = CommentedSeq(_yaml_value(item, None, "") for item in value)
        seq.fa.set_flow_style()
        return seq
    if not isinstance(value, str):
        return value
    if isinstance(old, ScalarString):
        return type(old)(value)
    read_as = _PYYAML.resolve(yaml.ScalarNode, value, (True, False))
    if (key in _QUOTED and old is None) or read_as != "tag:yaml.org,2002:str":
        return DoubleQuotedScalarString(value)
    return value


def _same(old: Any, new: Any) -> bool:
    """Whether the registry already has ``new`` (text is not a number, a number not true/false)."""
    if isinstance(new, list):
        return isinstance(old, list) and [str(x) for x in old] == new
    return old == new and isinstance(old, str) == isinstance(new, str) \
        and isinstance(old, bool) == isinstance(new, bool)


def _parent(entry: CommentedMap, path: FieldPath, create: bool) -> CommentedMap | None:
    """The mapping that holds field ``path``, made (flow style for koordinat and each SPM field)
    when missing and ``create``."""
    parent = entry
    for depth, key in enumerate(path[:-1]):
        if not isinstance(parent.get(key), dict):
            if not create:
                return None
            mapping = CommentedMap()
            if path[0] in ("koordinat", "spm") and depth == len(path) - 2:
                mapping.fa.set_flow_style()
            if key in parent:
                parent[key] = mapping
            else:
                _insert(parent, key, mapping, _order(path[:depth]))
        parent = parent[key]
    return parent


def _set(parent: CommentedMap, key: str, value: Any, order: tuple[str, ...]) -> bool:
    """Set one field (delete it for REMOVE); whether that changed anything."""
    if value is REMOVE:
        if key not in parent:
            return False
        del parent[key]
    elif key not in parent:
        _insert(parent, key, _yaml_value(value, None, key), order)
    elif _same(parent[key], value):
        return False
    else:
        parent[key] = _yaml_value(value, parent[key], key)
    return True


def _left_out(entry: CommentedMap, path: FieldPath, value: Any) -> bool:
    """Whether ``path`` is the 'berjalan: false' of an SPM field the entry leaves out: a field
    left out does not run, so it stays left out."""
    spm = entry.get("spm")
    return path[0] == "spm" and path[-1] == "berjalan" and value is False \
        and isinstance(spm, dict) and path[1] not in spm


class _Draft(dict[str, Any]):
    """A plain mapping that ``apply`` can write into (where a field goes does not matter)."""

    def insert(self, pos: int, key: str, value: Any) -> None:
        self[key] = value


def _draft(value: Any) -> Any:
    """A copy of ``value`` (as the generator reads it) that ``apply`` can write into."""
    if isinstance(value, dict):
        return _Draft((k, _draft(v)) for k, v in value.items())
    return [_draft(v) for v in value] if isinstance(value, list) else value


def changes(entry: Entry, values: dict[FieldPath, Any]) -> bool:
    """Whether ``values`` would change ``entry`` as the generator reads it: a row that leaves
    an entry as it was costs no round-trip parse of it."""
    return bool(apply(_draft(entry.plain), values))


def apply(entry: CommentedMap, values: dict[FieldPath, Any]) -> list[str]:
    """Write ``values`` into ``entry``, keeping everything else; the fields that changed, in the
    registry's order."""
    changed: list[str] = []
    for path, value in sorted(values.items(), key=lambda item: _rank(item[0])):
        if _left_out(entry, path, value):
            continue
        parent = _parent(entry, path, create=value is not REMOVE)
        if parent is not None and _set(parent, path[-1], value, _order(path[:-1])):
            name = ".".join(path[:2])
            if name not in changed:
                changed.append(name)
    return changed


Line = tuple[Message, list[Message]]  # a report line and its notes ("Kecamatan ... read as ...")


@dataclass
class Report:
    """What an import did, row by row."""

    added: list[Line] = field(default_factory=list)
    changed: list[Line] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unchanged: int = 0

    def lines(self, lang: str) -> list[str]:
        """The report in ``lang``: counts, then one line per entry added or changed, each with
        its notes."""
        rows = {p.line for p in self.problems}
        head = COUNTS.format(added=len(self.added), changed=len(self.changed),
                             unchanged=self.unchanged, problems=len(rows))
        return [head.render(lang), *(line.render(lang) + "".join(
            NOTE.format(note=note).render(lang) for note in notes)
            for line, notes in (*self.added, *self.changed))]


@dataclass
class Touched:
    """An entry a row added or changed: the row, and the fields it set."""

    row: int
    fields: frozenset[FieldPath]
    added: bool


class Merger:
    """Merges rows into the registry's list of entries: by id when the row gives one, else by
    (kode_wilayah, nama); matched entries are updated field by field, new ones appended."""

    def __init__(self, entries: list[Entry], places: Places, table: Table,
                 today: dt.date) -> None:
        self.entries, self.places, self.table, self.today = entries, places, table, today
        self.by_id: dict[str, Entry] = {}
        self.by_key: dict[tuple[str, str], Entry] = {}
        for entry in entries:
            if isinstance(entry.plain, dict):
                self._index(entry)
        self.done: dict[int, int] = {}  # id() of an entry → the row that set it
        self.touched: dict[int, Touched] = {}  # id() of an entry → what a row did to it
        self.report = Report()

    def _index(self, entry: Entry) -> None:
        self.by_id.setdefault(str(entry.get("id")), entry)
        key = (str(entry.get("kode_wilayah", "")).strip(), name_key(str(entry.get("nama", ""))))
        self.by_key.setdefault(key, entry)

    def row(self, record: Record) -> None:
        """Merge one row, recording its outcome (or its problems) in the report."""
        values, problems = row_values(record, self.table)
        cells = {name: text(cell) for name, cell in record.cells.items()}
        try:
            desa, notes = self.places.locate(cells.get("kode_wilayah"), cells.get("kecamatan"),
                                             cells.get("desa"))
            located = True
        except PlaceError as exc:
            problems.append(self.table.problem(record.row, exc.column, exc.message, exc.hint))
            desa, notes, located = None, [], False
        entry = self._entry(record.row, cells, desa, located, problems)
        if problems:
            self.report.problems += problems
        elif entry is None:
            self._add(record.row, cells.get("id"), desa, values, notes)
        else:
            self._update(record.row, entry, cells.get("nama"), desa, values, notes)

    def _entry(self, row: int, cells: dict[str, str], desa: Desa | None, located: bool,
               problems: list[Problem]) -> Entry | None:
        """The entry a row updates: by id, else by desa and name; None for a new one."""
        pid, nama = cells.get("id"), cells.get("nama")
        entry = self.by_id.get(pid) if pid else \
            self.by_key.get((desa.kode, name_key(nama))) if nama and desa else None
        if entry is None:
            if pid and not re.fullmatch(validate.ID_PATTERN, pid):
                problems.append(self.table.problem(row, "id", BAD_ID.format(id=pid), BAD_ID_HINT))
            if not nama:
                problems.append(self.table.problem(row, "nama", NO_NAME, NO_NAME_HINT))
            if desa is None and located:
                problems.append(self.table.problem(row, "desa", NO_DESA, NO_DESA_HINT))
        elif id(entry) in self.done:
            problems.append(self.table.problem(row, "id" if pid else "nama", TWICE.format(
                row=self.done[id(entry)], id=entry.get("id")), TWICE_HINT))
        else:
            self.done[id(entry)] = row
        return entry

    def _add(self, row: int, pid: str | None, desa: Desa | None,
             values: dict[FieldPath, Any], notes: list[Message]) -> None:
        """Append a new entry (with the row's id, or one made from its kecamatan, desa, name)."""
        assert desa is not None
        nama = values[("nama",)]
        data = CommentedMap(id=pid or self._new_id(desa, nama))
        apply(data, {("kode_wilayah",): desa.kode, ("registrasi", "status"): "belum terdaftar",
                     **values, ("diperbarui",): self.today})
        if "spm" not in data:
            _insert(data, "spm", CommentedMap(), _ORDER[""])
        data.yaml_add_eol_comment(self._where(desa), "kode_wilayah")
        entry = Entry.added(data)
        self.entries.append(entry)
        self._index(entry)
        self.done[id(entry)] = row
        self.touched[id(entry)] = Touched(row, frozenset(values), True)
        self.report.added.append((ADDED.format(row=row, id=data["id"], nama=nama,
                                               desa=desa.label, kode=desa.kode), notes))

    def _update(self, row: int, entry: Entry, nama: str | None, desa: Desa | None,
                values: dict[FieldPath, Any], notes: list[Message]) -> None:
        """Update an entry with the fields the row gives."""
        if nama and name_key(nama) == name_key(str(entry.get("nama", ""))):
            values.pop(("nama",), None)  # the same name, written another way
        old = self.places.desa.get(str(entry.get("kode_wilayah", "")).strip())
        if desa:
            values[("kode_wilayah",)] = desa.kode
        changed = apply(entry.data, values) if changes(entry, values) else []
        if not changed:
            self.report.unchanged += 1
            return
        entry.edited = True
        apply(entry.data, {("diperbarui",): self.today})
        self._index(entry)  # a later row may use its new name or desa
        if desa and old and "kode_wilayah" in changed:
            self._recomment(entry.data, old, desa)
        self.touched[id(entry)] = Touched(row, frozenset(values), False)
        self.report.changed.append((CHANGED.format(row=row, id=entry.get("id"),
                                                   fields=", ".join(changed)), notes))

    def _where(self, desa: Desa) -> str:
        """The comment beside kode_wilayah, as in the sample registry."""
        return WHERE.format(desa=desa.label, kecamatan=self.places.kecamatan_of(desa).nama)

    def _recomment(self, entry: CommentedMap, old: Desa, new: Desa) -> None:
        """Rewrite the kode_wilayah comment when it named the old desa, as generated ones do."""
        token = (entry.ca.items.get("kode_wilayah") or [None] * 3)[2]
        if token is None:
            return
        first, newline, rest = token.value.partition("\n")
        if first.strip() == f"# {self._where(old)}":
            token.value = f"# {self._where(new)}{newline}{rest}"

    def _new_id(self, desa: Desa, nama: str) -> str:
        """kecamatan-desa-name, as tools/make_sample.py makes them, made unique with -2, -3, ..."""
        name = nama.removeprefix(NAME_PREFIX)
        base = slugify(f"{self.places.kecamatan_of(desa).nama} {desa.nama} {name}")
        pid, n = base, 2
        while pid in self.by_id:
            pid, n = f"{base}-{n}", n + 1
        return pid
