"""Reading a spreadsheet (.xlsx or .csv): the header row, its columns mapped to registry fields,
and the data rows below it, each cell with its place in the sheet (``Posyandu!F12``)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook

from ..i18n import NO_HINT, Message, _
from ..models import SPM_FIELDS
from ..problems import Problem

Cell = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta
HEADER_ROWS = 10  # the header row is looked for in these first rows

# Messages (one place, for translation).
NOT_A_SHEET = _("expected a .xlsx or .csv file")
NOT_A_SHEET_HINT = _("save the list in Excel as .xlsx, or as 'CSV UTF-8 (Comma delimited)'")
UNREADABLE = _("cannot be read ({error})")
UNREADABLE_HINT = _("check the path, and that the file is not open in another program")
NOT_UTF8 = _("byte {byte} is not UTF-8")
NOT_UTF8_HINT = _("in Excel save it as 'CSV UTF-8 (Comma delimited)'")
NO_SHEET = _("no sheet '{name}'")
NO_SHEET_HINT = _("its sheets: {sheets}")
NO_HEADER = _("no header row with a 'Nama Posyandu' or 'ID' column and another known column in "
              "the first {rows} rows")
NO_HEADER_HINT = _("the known columns are listed in README.md, 'Importing a spreadsheet'")
REPEATED = _("'{header}' (repeated)")
IN_SHEET = _("{path}, sheet '{sheet}'")

# Columns by field: headers in lowercase ASCII without spaces ("Desa/Kelurahan" → desakelurahan).
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "idposyandu"),
    "nama": ("nama", "namaposyandu", "posyandu"),
    "desa": ("desa", "kelurahan", "desakelurahan", "kelurahandesa", "desakel", "namadesa"),
    "kecamatan": ("kecamatan", "kec", "namakecamatan"),
    "kode_wilayah": ("kodewilayah", "kodedesa", "kodedesakelurahan", "kodekemendagri"),
    "alamat": ("alamat", "alamatposyandu", "lokasi"),
    "hari": ("hari", "jadwal", "harijadwal", "jadwalhari", "haribuka", "jadwalbuka",
             "haripelaksanaan"),
    "minggu_ke": ("mingguke", "pekanke"),
    "tanggal_jadwal": ("tanggalsetiapbulan", "tanggalbuka", "tanggaljadwal", "tanggalpelaksanaan"),
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
# An SPM column's header starts with one of these (after words like "SPM", "Bidang", "Kegiatan");
# one ending in "berjalan" says yes/no, the others list the activities.
_SPM_PREFIXES: dict[str, tuple[str, ...]] = {
    key: (re.sub(r"[^a-z]", "", key), label.split()[0].lower()) for key, label in SPM_FIELDS}
_SPM_PREFIXES["trantibumlinmas"] += ("trantib", "ketentraman")
_SPM_PREFIX_WORDS = re.compile(r"^(?:spm|bidang|kegiatan|layanan)+")
RUNNING = "berjalan"  # the header word of an SPM field's yes/no column

# The columns an export writes, in this order: (field, header); import reads every one.
SHEET_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "ID"), ("nama", "Nama Posyandu"), ("desa", "Desa/Kelurahan"),
    ("kecamatan", "Kecamatan"), ("alamat", "Alamat"), ("hari", "Hari"),
    ("minggu_ke", "Minggu ke-"), ("tanggal_jadwal", "Tanggal (setiap bulan)"), ("jam", "Jam"),
    ("jumlah_kader", "Jumlah Kader Aktif"), ("status", "Status Registrasi"),
    ("nomor", "Nomor Registrasi"), ("tanggal", "Tanggal Registrasi"), ("telepon", "Telepon"),
    ("email", "Email"), ("lat", "Lintang"), ("lon", "Bujur"),
    *((column, header) for key, label in SPM_FIELDS
      for column, header in ((f"{RUNNING}.{key}", f"{label} {RUNNING}"), (f"spm.{key}", label))),
)


class SheetError(Exception):
    """The sheet cannot be imported at all (unreadable file, no header row)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class Record:
    """One data row: its row number in the sheet and its non-empty cells by field."""

    row: int
    cells: dict[str, Cell]


@dataclass
class Table:
    """The rows of a sheet, with its columns mapped to fields."""

    path: str  # the file as named on the command line
    sheet: str | None  # None for a .csv file
    columns: dict[str, int]  # field → column index
    headers: dict[str, str]  # field → the header as written in the sheet
    ignored: list[str | Message]
    records: list[Record]

    @property
    def source(self) -> str | Message:
        """The file and sheet, as the report names them."""
        return self.path if self.sheet is None else IN_SHEET.format(path=self.path, sheet=self.sheet)

    def where(self, row: int, name: str | None) -> str:
        """A cell's reference: 'Posyandu!F12' (or 'F12' in a .csv); the row's first cell when the
        sheet has no column for ``name``."""
        from openpyxl.utils import get_column_letter  # openpyxl: not imported by every build

        column = get_column_letter(self.columns.get(name or "", min(self.columns.values())) + 1)
        return f"{column}{row}" if self.sheet is None else f"{self.sheet}!{column}{row}"

    def problem(self, row: int, name: str | None, message: Message, hint: Message = NO_HINT,
                field: str | None = None) -> Problem:
        """A problem at the cell of field ``name`` in ``row``, named by its header."""
        return Problem(self.path, row, field or self.headers.get(name or "", name or "(row)"),
                       message, hint, cell=self.where(row, name))


def read_table(path: Path, sheet: str | None = None) -> Table:
    """Read an .xlsx sheet (``sheet``, else the first one with a header row) or a .csv file."""
    shown = str(path)
    if path.suffix.lower() not in (".xlsx", ".csv"):
        raise SheetError(Problem(shown, 1, "(file)", NOT_A_SHEET, NOT_A_SHEET_HINT))
    try:
        if path.suffix.lower() == ".csv":
            return _table(shown, None, _csv_rows(path))
        return _xlsx_table(path, sheet)
    except (OSError, CalamineError) as exc:
        raise SheetError(Problem(shown, 1, "(file)", UNREADABLE.format(error=exc),
                                 UNREADABLE_HINT)) from None


def _csv_rows(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SheetError(Problem(str(path), data[:exc.start].count(b"\n") + 1, "(file)",
                                 NOT_UTF8.format(byte=exc.start), NOT_UTF8_HINT)) from None
    head = "\n".join(text.splitlines()[:5])
    delimiter = ";" if head.count(";") > head.count(",") else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _xlsx_table(path: Path, sheet: str | None) -> Table:
    workbook = CalamineWorkbook.from_path(str(path))
    names = workbook.sheet_names
    if sheet is not None and sheet not in names:
        raise SheetError(Problem(str(path), 1, "--sheet", NO_SHEET.format(name=sheet),
                                 NO_SHEET_HINT.format(sheets=", ".join(f"'{n}'" for n in names))))
    first: SheetError | None = None
    for name in [sheet] if sheet else names:
        rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        try:
            return _table(str(path), name, rows)
        except SheetError as exc:
            first = first or exc
    raise first or SheetError(Problem(str(path), 1, "(file)", UNREADABLE.format(error=_("no sheet")),
                                      UNREADABLE_HINT))


def _table(path: str, sheet: str | None, rows: Sequence[Sequence[Cell]]) -> Table:
    """The records below the header row, with the header's columns mapped to fields."""
    index = _header_row(path, sheet, rows)
    header = rows[index]
    columns, ignored = map_columns(header)
    records = []
    for number, row in enumerate(rows[index + 1:], start=index + 2):
        cells = {name: row[i] for name, i in columns.items() if i < len(row) and not blank(row[i])}
        if cells:
            records.append(Record(number, cells))
    return Table(path, sheet, columns, {name: text(header[i]) for name, i in columns.items()},
                 ignored, records)


def _header_row(path: str, sheet: str | None, rows: Sequence[Sequence[Cell]]) -> int:
    """The first row naming 'Nama' or 'ID' and another known column (titles may come before
    it)."""
    for index, row in enumerate(rows[:HEADER_ROWS]):
        columns, _ignored = map_columns(row)
        if ("nama" in columns or "id" in columns) and len(columns) > 1:
            return index
    raise SheetError(Problem(path, 1, "(header)", NO_HEADER.format(rows=HEADER_ROWS),
                             NO_HEADER_HINT, cell="" if sheet is None else f"{sheet}!A1"))


def map_columns(header: Sequence[Cell]) -> tuple[dict[str, int], list[str | Message]]:
    """Known fields → column index, and the headers of the columns that are ignored."""
    columns: dict[str, int] = {}
    ignored: list[str | Message] = []
    for index, cell in enumerate(header):
        written = text(cell)
        name = column_field(written)
        if name is None or name in columns:
            if written:
                ignored.append(REPEATED.format(header=written) if name else f"'{written}'")
        else:
            columns[name] = index
    return columns, ignored


def column_field(header: str) -> str | None:
    """The field a column header names, forgiving case, spaces and punctuation; None if unknown."""
    key = re.sub(r"[^a-z0-9]", "", ascii_text(header).lower())
    if not key:
        return None
    if key in _ALIASES:
        return _ALIASES[key]
    key = _SPM_PREFIX_WORDS.sub("", key)
    kind = RUNNING if key.endswith(RUNNING) else "spm"
    return next((f"{kind}.{spm}" for spm, prefixes in _SPM_PREFIXES.items()
                 if key.startswith(prefixes)), None)


def ascii_text(value: str) -> str:
    """``value`` without accents and other non-ASCII letters."""
    return unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")


def blank(cell: Cell | None) -> bool:
    """Whether a cell is empty (or only spaces)."""
    return cell is None or (isinstance(cell, str) and not cell.strip())


def text(cell: Cell) -> str:
    """A cell as one line of text: whole numbers without '.0', dates as YYYY-MM-DD."""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    elif isinstance(cell, dt.datetime):
        cell = cell.date()
    elif isinstance(cell, dt.time):
        cell = cell.strftime("%H.%M")
    return " ".join(str(cell).split())
