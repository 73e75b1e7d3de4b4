"""``python -m generator import FILE``: merge a DPMD spreadsheet of Posyandu (.xlsx or .csv) into
the registry, keeping its comments and the order of its entries, then check the result with the
generator's own validator."""
from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime as dt
import difflib
import io
import os
import re
import shutil
import sys
import tempfile
import unicodedata
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import yaml
from python_calamine import CalamineError, CalamineWorkbook
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, ScalarString

from . import validate
from .build import Options, load
from .load import load_yaml
from .models import REGISTRATION_STATUSES, SPM_FIELDS, WEEKDAYS, Desa, Kecamatan, Region
from .problems import BuildError, Problem, Problems
from .slugs import slugify

Cell = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta
FieldPath = tuple[str, ...]  # a field of an entry, e.g. ("jadwal", "jam")
P = TypeVar("P", Desa, Kecamatan)  # a place of the region table


class _Remove:
    """Marks a field that the sheet's value leaves out (e.g. 'minggu_ke' of a day of the month)."""


REMOVE = _Remove()
HEADER_ROWS = 10  # the header row is looked for in these first rows
FUZZY_CUTOFF = 0.8  # least similarity of a misspelt name to the official one
FUZZY_MARGIN = 0.05  # by how much the best guess must beat the next, or no guess is made
_NO_CONTENT = Path(os.devnull)  # load() then checks the registry without training modules

# Columns by field: headers in lowercase ASCII without spaces ("Desa/Kelurahan" → desakelurahan).
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "idposyandu"),
    "nama": ("nama", "namaposyandu", "posyandu"),
    "desa": ("desa", "kelurahan", "desakelurahan", "kelurahandesa", "desakel", "namadesa"),
    "kecamatan": ("kecamatan", "kec", "namakecamatan"),
    "kode_wilayah": ("kodewilayah", "kodedesa", "kodedesakelurahan", "kodekemendagri"),
    "alamat": ("alamat", "alamatposyandu", "lokasi"),
    "hari": ("hari", "jadwal", "haribuka", "jadwalbuka", "haripelaksanaan"),
    "jam": ("jam", "jambuka", "waktu", "jampelaksanaan", "pukul"),
    "jumlah_kader": ("jumlahkader", "jumlahkaderaktif", "jmlkader", "jmlkaderaktif", "kaderaktif"),
    "status": ("statusregistrasi", "status", "registrasi"),
    "nomor": ("nomorregistrasi", "noregistrasi", "noreg"),
    "tanggal": ("tanggalregistrasi", "tglregistrasi"),
    # Public contact only: "No HP" columns often hold a kader's own number, so they are ignored.
    "telepon": ("telepon", "telp", "notelp", "notelepon", "nomortelepon", "teleponposyandu"),
    "email": ("email", "surel"),
    "lat": ("lat", "lintang", "latitude"),
    "lon": ("lon", "bujur", "longitude", "lng", "long"),
}
_ALIASES = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}
# An SPM column's header starts with one of these (after words like "SPM", "Bidang", "Kegiatan").
_SPM_PREFIXES: dict[str, tuple[str, ...]] = {
    key: (re.sub(r"[^a-z]", "", key), label.split()[0].lower()) for key, label in SPM_FIELDS}
_SPM_PREFIXES["trantibumlinmas"] += ("trantib", "ketentraman")
_SPM_PREFIX_WORDS = re.compile(r"^(?:spm|bidang|kegiatan|layanan)+")
_NOT_RUNNING = {"-", "tidak", "tidak ada", "tidak berjalan", "belum", "belum berjalan"}

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
_STATUS_WORDS = {"sudah terdaftar": "terdaftar", "sudah": "terdaftar",
                 "verifikasi": "dalam verifikasi", "proses verifikasi": "dalam verifikasi",
                 "belum": "belum terdaftar"}
_MONTHS = dict(zip(("jan", "feb", "mar", "apr", "mei", "jun", "jul", "agu", "sep", "okt", "nov",
                    "des"), range(1, 13), strict=True))
_ROMAN = {"1": "i", "2": "ii", "3": "iii", "4": "iv", "5": "v"}  # "Kota Bangun 2" = Kota Bangun II
_REGION_WORDS = frozenset({"desa", "kelurahan", "kel", "ds", "kecamatan", "kec"})
_HOURS = re.compile(r"(?:pukul|jam)?\s*(\d{1,2})(?:[.:]([0-5]\d))?"
                    r"\s*(?:-|\u2013|s\.?\s*/?\s*d\.?|sampai)\s*"
                    r"(\d{1,2})(?:[.:]([0-5]\d))?\s*(?:wib|wita|wit)?")
_DAY_OF_MONTH = re.compile(r"(?:setiap\s+)?(?:tanggal|tgl\.?)?\s*(\d{1,2})")
_WEEK = re.compile(r"(?:(?:minggu|pekan)\s*)?(?:ke\s*-?\s*([1-4])|(terakhir))")
_PYYAML = yaml.resolver.Resolver()  # how the generator's loader will read a plain scalar


class ImportProblem(Exception):
    """The input cannot be imported at all (unreadable file, no header row, broken registry)."""


class RowSkip(Exception):
    """One row cannot be imported; the message says why."""


# --- reading the sheet -------------------------------------------------------------------------

@dataclass
class Record:
    """One data row: its row number in the sheet and its non-empty cells by field."""

    row: int
    cells: dict[str, Cell]


@dataclass
class Table:
    """The rows of a sheet, with its columns mapped to fields."""

    source: str
    headers: dict[str, str]  # field → the header as written in the sheet
    ignored: list[str]
    records: list[Record]


def read_table(path: Path, sheet: str | None = None) -> Table:
    """Read an .xlsx sheet (the first unless ``sheet``) or a .csv file."""
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise ImportProblem(f"{path}: expected a .xlsx or .csv file")
    try:
        source, rows = (path.name, _csv_rows(path)) if suffix == ".csv" else _xlsx_rows(path, sheet)
    except (OSError, CalamineError) as exc:
        raise ImportProblem(f"{path}: cannot be read ({exc})") from None
    return _table(source, rows)


def _csv_rows(path: Path) -> list[list[str]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportProblem(f"{path}: byte {exc.start} is not UTF-8; in Excel save it as "
                            "'CSV UTF-8 (Comma delimited)'") from None
    head = "\n".join(text.splitlines()[:5])
    delimiter = ";" if head.count(";") > head.count(",") else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _xlsx_rows(path: Path, sheet: str | None) -> tuple[str, list[list[Cell]]]:
    workbook = CalamineWorkbook.from_path(str(path))
    name = sheet or workbook.sheet_names[0]
    if name not in workbook.sheet_names:
        raise ImportProblem(f"{path}: no sheet '{name}'; its sheets: "
                            + ", ".join(f"'{n}'" for n in workbook.sheet_names))
    rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    return f"{path.name}, sheet '{name}'", rows


def _table(source: str, rows: Sequence[Sequence[Cell]]) -> Table:
    """The records below the header row, with the header's columns mapped to fields."""
    index = _header_row(source, rows)
    header = rows[index]
    columns, ignored = map_columns(header)
    records = []
    for number, row in enumerate(rows[index + 1:], start=index + 2):
        cells = {name: row[i] for name, i in columns.items() if i < len(row) and not _blank(row[i])}
        if cells:
            records.append(Record(number, cells))
    return Table(source, {name: _text(header[i]) for name, i in columns.items()}, ignored, records)


def _header_row(source: str, rows: Sequence[Sequence[Cell]]) -> int:
    """The first row naming 'Nama' and another known column (titles may come before it)."""
    for index, row in enumerate(rows[:HEADER_ROWS]):
        columns, _ = map_columns(row)
        if "nama" in columns and len(columns) > 1:
            return index
    raise ImportProblem(f"{source}: no header row with a 'Nama Posyandu' column and another "
                        f"known column in the first {HEADER_ROWS} rows")


def map_columns(header: Sequence[Cell]) -> tuple[dict[str, int], list[str]]:
    """Known fields → column index, and the headers of the columns that are ignored."""
    columns: dict[str, int] = {}
    ignored: list[str] = []
    for index, cell in enumerate(header):
        text = _text(cell)
        name = column_field(text)
        if name is None or name in columns:
            if text:
                ignored.append(f"'{text}'" + (" (repeated)" if name else ""))
        else:
            columns[name] = index
    return columns, ignored


def column_field(header: str) -> str | None:
    """The field a column header names, forgiving case, spaces and punctuation; None if unknown."""
    key = re.sub(r"[^a-z0-9]", "", _ascii(header).lower())
    if not key:
        return None
    if key in _ALIASES:
        return _ALIASES[key]
    key = _SPM_PREFIX_WORDS.sub("", key)
    return next((f"spm.{spm}" for spm, prefixes in _SPM_PREFIXES.items()
                 if key.startswith(prefixes)), None)


# --- cells to registry values --------------------------------------------------------------------

def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _blank(cell: Cell | None) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _text(cell: Cell) -> str:
    """A cell as one line of text: whole numbers without '.0', dates as YYYY-MM-DD."""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    elif isinstance(cell, dt.datetime):
        cell = cell.date()
    elif isinstance(cell, dt.time):
        cell = cell.strftime("%H.%M")
    return " ".join(str(cell).split())


def _at(path: FieldPath, convert: Callable[[Cell], Any]) -> Callable[[Cell], dict[FieldPath, Any]]:
    return lambda cell: {path: convert(cell)}


def _count(cell: Cell) -> int:
    text = _text(cell)
    if not text.isdigit():
        raise ValueError("is not a whole number")
    return int(text)


def _degrees(cell: Cell) -> float:
    try:
        return round(float(_text(cell).replace(",", ".")), 6)
    except ValueError:
        raise ValueError("is not a number of degrees such as -0.5123") from None


def _phone(cell: Cell) -> str:
    """Phone numbers typed as numbers lose their leading 0 (or +) in Excel: put it back."""
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        digits = _text(cell)
        return "+" + digits if digits.startswith("62") else "0" + digits
    return _text(cell)


def _status(cell: Cell) -> str:
    text = " ".join(re.findall(r"[a-z]+", _text(cell).lower()))
    status = text if text in REGISTRATION_STATUSES else _STATUS_WORDS.get(text)
    if status is None:
        raise ValueError("is not one of " + ", ".join(REGISTRATION_STATUSES))
    return status


def _date(cell: Cell) -> dt.date:
    """A date cell, or text such as 2025-03-14, 14/03/2025 or 14 Maret 2025."""
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    text = _text(cell).lower()
    for form in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            pass
    match = re.fullmatch(r"(\d{1,2}) ([a-z]+) (\d{4})", text)
    if match and match[2][:3] in _MONTHS:
        try:
            return dt.date(int(match[3]), _MONTHS[match[2][:3]], int(match[1]))
        except ValueError:
            pass
    raise ValueError("is not a date such as 2025-03-14 or 14/03/2025")


def _hours(cell: Cell) -> str:
    """Opening hours as the registry writes them: "08.00-11.00"."""
    match = _HOURS.fullmatch(_text(cell).lower())
    if not match or int(match[1]) > 23 or int(match[3]) > 23:
        raise ValueError("is not a range of hours such as 08.00-11.00")
    return f"{int(match[1]):02d}.{match[2] or '00'}-{int(match[3]):02d}.{match[4] or '00'}"


def _day(cell: Cell) -> dict[FieldPath, Any]:
    """The day part of 'jadwal': 'tanggal 13', 'Selasa', 'Selasa minggu ke-2', 'Rabu terakhir'."""
    text = _text(cell).lower().replace("'", "")
    day = _DAY_OF_MONTH.fullmatch(text)
    if day and 1 <= int(day[1]) <= 31:
        return {("jadwal", "tanggal"): int(day[1]), ("jadwal", "hari"): REMOVE,
                ("jadwal", "minggu_ke"): REMOVE}
    week = _WEEK.search(text)
    rest = text[:week.start()] + text[week.end():] if week else text
    days = {word for word in re.findall(r"[a-z]+", rest) if word in WEEKDAYS}
    if day or len(days) != 1:
        raise ValueError("is not a weekday or a day of the month, e.g. 'Selasa minggu ke-2' "
                         "or 'tanggal 13'")
    minggu_ke = REMOVE if week is None else -1 if week[2] else int(week[1])
    return {("jadwal", "tanggal"): REMOVE, ("jadwal", "hari"): days.pop(),
            ("jadwal", "minggu_ke"): minggu_ke}


def _spm(key: str, cell: Cell) -> dict[FieldPath, Any]:
    """One SPM field: activities separated by ';' (or line breaks); '-' or 'tidak': not running."""
    items = [" ".join(part.split()) for part in re.split(r"[;\n]", str(cell))]
    items = [item for item in items if item]
    if not items or " ".join(items).lower() in _NOT_RUNNING:
        return {("spm", key, "berjalan"): False, ("spm", key, "kegiatan"): REMOVE}
    return {("spm", key, "berjalan"): True, ("spm", key, "kegiatan"): items}


_CONVERT: dict[str, Callable[[Cell], dict[FieldPath, Any]]] = {
    "nama": _at(("nama",), _text),
    "alamat": _at(("alamat",), _text),
    "hari": _day,
    "jam": _at(("jadwal", "jam"), _hours),
    "jumlah_kader": _at(("jumlah_kader_aktif",), _count),
    "status": _at(("registrasi", "status"), _status),
    "nomor": _at(("registrasi", "nomor"), _text),
    "tanggal": _at(("registrasi", "tanggal"), _date),
    "telepon": _at(("kontak", "telepon"), _phone),
    "email": _at(("kontak", "email"), _text),
    "lat": _at(("koordinat", "lat"), _degrees),
    "lon": _at(("koordinat", "lon"), _degrees),
    **{f"spm.{key}": partial(_spm, key) for key in validate.SPM_KEYS},
}


def row_values(record: Record, headers: dict[str, str]) -> dict[FieldPath, Any]:
    """The registry fields a row gives; RowSkip names the first cell that cannot be read."""
    values: dict[FieldPath, Any] = {}
    for name, cell in record.cells.items():
        if name in _CONVERT:
            try:
                values.update(_CONVERT[name](cell))
            except ValueError as exc:
                raise RowSkip(f"{headers[name]} '{_text(cell)}' {exc}") from None
    if (("koordinat", "lat") in values) != (("koordinat", "lon") in values):
        raise RowSkip("give both latitude and longitude, or neither")
    return values


# --- desa and kecamatan by name ------------------------------------------------------------------

def _words(text: str, drop: frozenset[str] = frozenset()) -> list[str]:
    """Lowercase ASCII words, numerals as roman ones; leading words in ``drop`` removed."""
    words = [_ROMAN.get(w, w) for w in re.findall(r"[a-z0-9]+", _ascii(text).lower())]
    while len(words) > 1 and words[0] in drop:
        words.pop(0)
    return words


def name_key(nama: str) -> str:
    """A Posyandu's name for comparison: "POSYANDU  Melati" and "Melati" are the same."""
    return " ".join(_words(nama, frozenset({"posyandu"})))


def _similarity(a: list[str], b: list[str]) -> float:
    """How alike two names are, in either word order, spaces ignored (0 to 1)."""
    return max(difflib.SequenceMatcher(None, "".join(x), "".join(y)).ratio()
               for x, y in ((a, b), (sorted(a), sorted(b))))


class Places:
    """The region table's kecamatan and desa, found by code or by name as people write them."""

    def __init__(self, region: Region) -> None:
        self.region = region
        self.desa = {d.kode: d for k in region.kecamatan for d in k.desa}
        self.kecamatan = {k.kode: k for k in region.kecamatan}
        named: list[Desa | Kecamatan] = [*self.kecamatan.values(), *self.desa.values()]
        self.words = {p.kode: _words(p.nama, _REGION_WORDS) for p in named}

    def locate(self, kode: str | None, kecamatan: str | None,
               desa: str | None) -> tuple[Desa | None, list[str]]:
        """The desa a row names (None if it names none) and notes on names that were guessed.
        A kode wilayah wins; a kecamatan, when given, constrains the desa."""
        if kode:
            return self.by_code(kode), []
        notes: list[str] = []
        kec = self._one(kecamatan, list(self.kecamatan.values()), "Kecamatan", "", notes) \
            if kecamatan else None
        if not desa:
            return None, notes
        if kec is None:
            return self._one(desa, list(self.desa.values()), "Desa", "", notes), notes
        try:
            return self._one(desa, kec.desa, "Desa", f" (Kec. {kec.nama})", notes), notes
        except RowSkip as exc:
            elsewhere, _ = self.find(desa, list(self.desa.values()))
            if not elsewhere:
                raise
            raise RowSkip(f"{exc}; in another kecamatan: " + ", ".join(
                f"{d.nama} ({d.kode}, Kec. {self.kecamatan[d.kecamatan_kode].nama})"
                for d in elsewhere)) from None

    def by_code(self, text: str) -> Desa:
        """The desa of a code, written with or without dots."""
        digits = re.sub(r"\D", "", text)
        code = text if len(digits) != 10 else \
            f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:]}"
        if code not in self.desa:
            raise RowSkip(f"Kode Wilayah '{text}' is not a desa/kelurahan of Kabupaten "
                          f"{self.region.nama}")
        return self.desa[code]

    def find(self, name: str, places: Sequence[P]) -> tuple[list[P], bool]:
        """Places named ``name``: the same words, the same letters, the same set of words, or
        else the one clearly most similar (then the bool is True: a guess)."""
        query = _words(name, _REGION_WORDS)
        for same in (lambda w: w == query, lambda w: "".join(w) == "".join(query),
                     lambda w: set(w) == set(query)):
            hits = [p for p in places if same(self.words[p.kode])]
            if hits:
                return hits, False
        scored = self._scored(query, places)
        if scored and scored[0][0] >= FUZZY_CUTOFF and (
                len(scored) == 1 or scored[0][0] - scored[1][0] >= FUZZY_MARGIN):
            return [scored[0][1]], True
        return [], False

    def nearest(self, name: str, places: Sequence[P], count: int = 3) -> list[P]:
        """The ``count`` places most like ``name``."""
        return [p for _, p in self._scored(_words(name, _REGION_WORDS), places)[:count]]

    def _scored(self, query: list[str], places: Sequence[P]) -> list[tuple[float, P]]:
        scored = [(_similarity(query, self.words[p.kode]), p) for p in places]
        return sorted(scored, key=lambda sp: -sp[0])

    def _one(self, name: str, places: Sequence[P], kind: str, within: str,
             notes: list[str]) -> P:
        hits, guessed = self.find(name, places)
        if len(hits) == 1:
            if guessed:
                notes.append(f"{kind} '{name}' read as {hits[0].nama}")
            return hits[0]
        if hits:
            raise RowSkip(f"{kind} '{name}'{within} matches several: {_listed(hits)}; "
                          "add the Kecamatan or the Kode Wilayah")
        raise RowSkip(f"{kind} '{name}'{within} not matched; nearest: "
                      f"{_listed(self.nearest(name, places))}")


def _listed(places: Sequence[Desa | Kecamatan]) -> str:
    return ", ".join(f"{p.nama} ({p.kode})" for p in places)


# --- merging into the registry -------------------------------------------------------------------

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


def apply(entry: CommentedMap, values: dict[FieldPath, Any]) -> list[str]:
    """Write ``values`` into ``entry``, keeping everything else; the fields that changed, in the
    registry's order."""
    changed: list[str] = []
    for path, value in sorted(values.items(), key=lambda item: _rank(item[0])):
        parent = _parent(entry, path, create=value is not REMOVE)
        if parent is not None and _set(parent, path[-1], value, _order(path[:-1])):
            name = ".".join(path[:2])
            if name not in changed:
                changed.append(name)
    return changed


def _where(desa: Desa, places: Places) -> str:
    """The comment beside kode_wilayah, as in the sample registry."""
    return f"{desa.label}, Kecamatan {places.kecamatan[desa.kecamatan_kode].nama}"


@dataclass
class Report:
    """What an import did, row by row."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    unchanged: int = 0

    def lines(self) -> list[str]:
        """The report: counts, then one line per item."""
        head = (f"added {len(self.added)}, changed {len(self.changed)}, "
                f"skipped {len(self.skipped)}, unchanged {self.unchanged}")
        return [head] + [f"  {kind:<8}{item}" for kind, items in (
            ("added", self.added), ("changed", self.changed), ("skipped", self.skipped))
            for item in items]


class Merger:
    """Merges rows into the registry's list of entries: by id when the row gives one, else by
    (kode_wilayah, nama); matched entries are updated field by field, new ones appended."""

    def __init__(self, entries: CommentedSeq, places: Places, headers: dict[str, str],
                 today: dt.date) -> None:
        self.entries, self.places, self.headers, self.today = entries, places, headers, today
        self.by_id: dict[str, CommentedMap] = {}
        self.by_key: dict[tuple[str, str], CommentedMap] = {}
        for entry in entries:
            if isinstance(entry, CommentedMap):
                self._index(entry)
        self.done: dict[int, int] = {}  # id() of an entry → the row that set it
        self.report = Report()

    def _index(self, entry: CommentedMap) -> None:
        self.by_id.setdefault(str(entry.get("id")), entry)
        key = (str(entry.get("kode_wilayah", "")).strip(), name_key(str(entry.get("nama", ""))))
        self.by_key.setdefault(key, entry)

    def row(self, record: Record) -> None:
        """Merge one row, recording the outcome in the report."""
        try:
            self._merge(record)
        except RowSkip as exc:
            self.report.skipped.append(f"row {record.row}: {exc}")

    def _merge(self, record: Record) -> None:
        cells = {name: _text(cell) for name, cell in record.cells.items()}
        values = row_values(record, self.headers)
        desa, notes = self.places.locate(cells.get("kode_wilayah"), cells.get("kecamatan"),
                                         cells.get("desa"))
        pid, nama = cells.get("id"), cells.get("nama")
        if pid:
            entry = self.by_id.get(pid)
        elif not nama or not desa:
            raise RowSkip("no Posyandu name" if not nama else
                          "no desa/kelurahan: give Desa (and Kecamatan) or Kode Wilayah")
        else:
            entry = self.by_key.get((desa.kode, name_key(nama)))
        if entry is not None and id(entry) in self.done:
            raise RowSkip(f"the same Posyandu as row {self.done[id(entry)]} ({entry.get('id')})")
        if entry is None:
            entry, text = self._add(pid, nama, desa, values)
            self.report.added.append(_item(record.row, text, notes))
        elif changed := self._update(entry, nama, desa, values):
            self.report.changed.append(_item(record.row, f"{entry['id']}: {', '.join(changed)}",
                                             notes))
        else:
            self.report.unchanged += 1
        self.done[id(entry)] = record.row

    def _add(self, pid: str | None, nama: str | None, desa: Desa | None,
             values: dict[FieldPath, Any]) -> tuple[CommentedMap, str]:
        """Append a new entry; returns it and its line for the report."""
        if not nama or not desa:
            raise RowSkip(f"id '{pid}' is not in the registry, and a new Posyandu needs "
                          + ("a name" if not nama else "its desa/kelurahan"))
        if pid and not re.fullmatch(validate.ID_PATTERN, pid):
            raise RowSkip(f"id '{pid}' is not lowercase letters, digits and single hyphens")
        entry = CommentedMap(id=pid or self._new_id(desa, nama))
        apply(entry, {("nama",): nama, ("kode_wilayah",): desa.kode,
                      ("registrasi", "status"): "belum terdaftar", **values,
                      ("diperbarui",): self.today})
        if "spm" not in entry:
            _insert(entry, "spm", CommentedMap(), _ORDER[""])
        entry.yaml_add_eol_comment(_where(desa, self.places), "kode_wilayah")
        self.entries.append(entry)
        self._index(entry)
        return entry, f"{entry['id']}: {nama}, {desa.label} ({desa.kode})"

    def _update(self, entry: CommentedMap, nama: str | None, desa: Desa | None,
                values: dict[FieldPath, Any]) -> list[str]:
        """Update an entry with the fields the row gives; returns the fields that changed."""
        if nama and name_key(nama) == name_key(str(entry.get("nama", ""))):
            values.pop(("nama",), None)  # the same name, written another way
        old = self.places.desa.get(str(entry.get("kode_wilayah", "")).strip())
        if desa:
            values[("kode_wilayah",)] = desa.kode
        changed = apply(entry, values)
        if changed:
            apply(entry, {("diperbarui",): self.today})
            self._index(entry)  # a later row may use its new name or desa
        if desa and old and "kode_wilayah" in changed:
            self._recomment(entry, old, desa)
        return changed

    def _recomment(self, entry: CommentedMap, old: Desa, new: Desa) -> None:
        """Rewrite the kode_wilayah comment when it named the old desa, as generated ones do."""
        token = (entry.ca.items.get("kode_wilayah") or [None] * 3)[2]
        if token is None:
            return
        first, newline, rest = token.value.partition("\n")
        if first.strip() == f"# {_where(old, self.places)}":
            token.value = f"# {_where(new, self.places)}{newline}{rest}"

    def _new_id(self, desa: Desa, nama: str) -> str:
        """kecamatan-desa-name, as tools/make_sample.py makes them, made unique with -2, -3, ..."""
        name = re.sub(r"(?i)^posyandu\s+", "", nama)
        base = slugify(f"{self.places.kecamatan[desa.kecamatan_kode].nama} {desa.nama} {name}")
        pid, n = base, 2
        while pid in self.by_id:
            pid, n = f"{base}-{n}", n + 1
        return pid


def _item(row: int, text: str, notes: list[str]) -> str:
    return f"row {row}: {text}" + "".join(f"; {note}" for note in notes)


# --- files ---------------------------------------------------------------------------------------

def _yaml() -> YAML:
    """Round-trip YAML in the registry's layout: comments, order and quotes kept."""
    rt = YAML()
    rt.preserve_quotes = True
    rt.width = 4096  # never fold a long line
    rt.indent(mapping=2, sequence=4, offset=2)
    rt.representer.ignore_aliases = lambda data: True  # the generator refuses anchors and aliases
    return rt


@dataclass
class RegistryFile:
    """The registry as round-trip data, and the comment lines that close the file: those stay
    last when entries are appended."""

    data: CommentedMap
    tail: str = ""

    @classmethod
    def read(cls, path: Path) -> RegistryFile:
        """Read ``path``; an empty registry when the file does not exist yet."""
        if not path.exists():
            return cls(CommentedMap(posyandu=CommentedSeq()))
        try:
            body, tail = _split_tail(path.read_text(encoding="utf-8-sig"))
            data = _yaml().load(body)
        except (YAMLError, UnicodeDecodeError) as exc:
            raise ImportProblem(f"{path}: cannot be read ({exc}); "
                                "'python -m generator check' says more") from None
        if not isinstance(data, CommentedMap) or not isinstance(data.get("posyandu"), list):
            raise ImportProblem(f"{path}: expected 'posyandu:' followed by a list of entries")
        data["posyandu"].fa.set_block_style()  # 'posyandu: []' grows into a block list
        return cls(data, tail)

    def text(self) -> str:
        """The registry as YAML text."""
        out = io.StringIO()
        _yaml().dump(self.data, out)
        return out.getvalue() + self.tail


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


def check(registry: Path, config: Path, today: dt.date, shown: Path) -> list[Problem]:
    """Every problem the generator finds in ``registry``, reported as if it were ``shown``."""
    try:
        inputs = load(Options(config=config, data=(registry,), content=_NO_CONTENT, cache=None),
                      today)
    except BuildError as exc:
        return [dataclasses.replace(p, path=str(shown)) if p.path == str(registry) else p
                for p in exc.problems.sorted()]
    print(f"check: ok, {len(inputs.registry.posyandu)} Posyandu in {shown}")
    return []


# --- command line --------------------------------------------------------------------------------

def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m generator import",
                                     description="Merge a spreadsheet of Posyandu (.xlsx or .csv) "
                                     "into the registry.")
    parser.add_argument("file", type=Path, metavar="FILE", help="the .xlsx or .csv file")
    parser.add_argument("--data", type=Path, default=Path("data/posyandu.yaml"),
                        help="the registry to merge into (default: data/posyandu.yaml)")
    parser.add_argument("--config", type=Path, default=Path("config.yaml"),
                        help="site settings naming the region table (default: config.yaml)")
    parser.add_argument("--sheet", help="the sheet of an .xlsx file (default: the first)")
    parser.add_argument("--dry-run", action="store_true",
                        help="report what would change and check the result; write nothing")
    return parser


def run_import(argv: list[str], today: dt.date | None = None) -> int:
    """Import a spreadsheet into the registry and print a report; 0 when every row was imported
    and the result is valid, 1 otherwise."""
    args = _parser().parse_args(argv)
    today = today or dt.date.today()
    try:
        places = Places(load_region(args.config))
        table = read_table(args.file, args.sheet)
        registry = RegistryFile.read(args.data)
    except ImportProblem as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BuildError as exc:
        for problem in exc.problems.sorted():
            print(problem, file=sys.stderr)
        return 1
    merger = Merger(registry.data["posyandu"], places, table.headers, today)
    for record in table.records:
        merger.row(record)
    print(f"import {table.source}: {len(table.records)} rows into {args.data}")
    if table.ignored:
        print("ignored columns: " + ", ".join(table.ignored))
    print("\n".join(merger.report.lines()))
    ok = not merger.report.skipped
    if not merger.report.added and not merger.report.changed:
        print("nothing to write")
        return 0 if ok else 1
    problems = _write_and_check(args, registry.text(), today)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        fix = "the sheet" if args.dry_run else f"{args.data} or the sheet"
        print(f"check: {len(problems)} problem(s) in the result; fix {fix} and import again")
    return 0 if ok and not problems else 1


def _write_and_check(args: argparse.Namespace, text: str, today: dt.date) -> list[Problem]:
    """Write the merged registry (into a scratch folder on --dry-run) and check it."""
    if args.dry_run:
        with tempfile.TemporaryDirectory() as scratch:
            trial = Path(scratch) / args.data.name
            trial.write_text(text, encoding="utf-8", newline="\n")
            print("dry run: nothing written")
            return check(trial, args.config, today, args.data)
    backup = write_atomically(args.data, text)
    print(f"wrote {args.data}" + (f" (previous version kept as {backup})" if backup else ""))
    return check(args.data, args.config, today, args.data)
