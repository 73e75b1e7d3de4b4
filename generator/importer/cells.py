"""A row's cells as registry values: names, hours, schedules, dates, SPM fields."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import partial
from typing import Any

from ..i18n import NO_HINT, Message, _
from ..models import REGISTRATION_STATUSES, WEEKDAYS
from ..problems import Problem
from ..validate import SPM_KEYS
from .sheet import RUNNING, Cell, Record, Table, text

FieldPath = tuple[str, ...]  # a field of an entry, e.g. ("jadwal", "jam")

# Messages (one place, for translation); {value} is the cell as written.
NOT_WHOLE = _("'{value}' is not a whole number")
NOT_DEGREES = _("'{value}' is not a number of degrees such as -0.5123")
NOT_STATUS = _("'{value}' is not one of 'terdaftar', 'dalam verifikasi', 'belum terdaftar'")
NOT_DATE = _("'{value}' is not a date such as 2025-03-14 or 14/03/2025")
NOT_HOURS = _("'{value}' is not a range of hours such as 08.00-11.00")
NOT_DAY = _("'{value}' is not a weekday or a day of the month")
NOT_DAY_HINT = _("e.g. 'Selasa', 'Selasa minggu ke-2', 'Rabu terakhir' or 'tanggal 13'")
AMBIGUOUS_SUNDAY = _("'{value}' is a week of the month without its weekday, or a Sunday")
AMBIGUOUS_SUNDAY_HINT = _("write the weekday and the week, e.g. 'Selasa minggu ke-2', or "
                          "'Minggu, minggu ke-2' for the second Sunday")
NOT_WEEK = _("'{value}' is not a week of the month")
NOT_WEEK_HINT = _("1, 2, 3, 4, or 'terakhir' for the last week")
NOT_DAY_OF_MONTH = _("'{value}' is not a day of the month")
NOT_DAY_OF_MONTH_HINT = _("a whole number from 1 to 31")
WEEK_WITHOUT_DAY = _("'{value}' is given without a weekday")
WEEK_WITHOUT_DAY_HINT = _("fill in the weekday too, e.g. Selasa")
DAY_AND_DATE = _("'{value}' is given together with a day of the month")
DAY_AND_DATE_HINT = _("keep one: 'Selasa' with week 2 opens on the second Tuesday, "
                      "'tanggal 13' on the 13th of each month")
NOT_YES_NO = _("'{value}' is not 'ya' or 'tidak'")
NOT_RUNNING_BUT_LISTED = _("'{value}', but activities are listed for the field")
NOT_RUNNING_BUT_LISTED_HINT = _("empty the activities, or choose 'ya'")
HALF_COORDINATES = _("'{value}' is given without the other coordinate")
HALF_COORDINATES_HINT = _("give both latitude and longitude, or neither")

YES, NO = "ya", "tidak"  # an SPM field's 'berjalan' column
LAST_WEEK = "terakhir"  # minggu_ke: -1
_NOT_RUNNING = {"-", "tidak", "tidak ada", "tidak berjalan", "belum", "belum berjalan"}
_STATUS_WORDS = {"sudah terdaftar": "terdaftar", "sudah": "terdaftar",
                 "verifikasi": "dalam verifikasi", "proses verifikasi": "dalam verifikasi",
                 "belum": "belum terdaftar"}
_MONTHS = dict(zip(("jan", "feb", "mar", "apr", "mei", "jun", "jul", "agu", "sep", "okt", "nov",
                    "des"), range(1, 13), strict=True))
_HOURS = re.compile(r"(?:pukul|jam)?\s*(\d{1,2})(?:[.:]([0-5]\d))?"
                    r"\s*(?:-|\u2013|s\.?\s*/?\s*d\.?|sampai)\s*"
                    r"(\d{1,2})(?:[.:]([0-5]\d))?\s*(?:wib|wita|wit)?")
_DAY_OF_MONTH = re.compile(r"(?:(?:setiap|tiap)\s+)?(?:tanggal|tgl\.?)?\s*(\d{1,2})")
_WEEKDAY = "(" + "|".join(WEEKDAYS) + ")"
_WEEK = r"(?:(?:minggu|pekan)\s*)?(?:ke\s*-?\s*([1-4])|(terakhir))"
_DAY = re.compile(rf"(?:(?:setiap|tiap)\s+)?(?:hari\s+)?{_WEEKDAY}(?:\s*,?\s*{_WEEK})?")
_DAY_AFTER_WEEK = re.compile(rf"{_WEEK}\s*,?\s*(?:hari\s+)?{_WEEKDAY}")
_ROMAN_NUMERAL = re.compile(r"x{0,3}(?:ix|iv|v?i{0,3})|\d\w*", re.IGNORECASE)
NAME_PREFIX = "Posyandu"


class BadCell(ValueError):
    """A cell that cannot be read; ``message`` and ``hint`` take the cell's text as {value}."""

    def __init__(self, message: Message, hint: Message = NO_HINT) -> None:
        super().__init__(str(message))
        self.message, self.hint = message, hint


def stored_name(value: Cell) -> str:
    """A Posyandu's name as the registry writes it: 'Posyandu' and the name, spaces collapsed;
    a name typed all in capitals or all in small letters gets capitals at the start of each word
    (roman numerals and words with digits in capitals): "DAHLIA II" → "Posyandu Dahlia II"."""
    name = re.sub(rf"(?i)^{NAME_PREFIX}\b\s*", "", text(value))
    if name.isupper() or name.islower():
        name = " ".join(word.upper() if _ROMAN_NUMERAL.fullmatch(word) else word.capitalize()
                        for word in name.split())
    return f"{NAME_PREFIX} {name}" if name else NAME_PREFIX


def _at(path: FieldPath, convert: Callable[[Cell], Any]) -> Callable[[Cell], dict[FieldPath, Any]]:
    return lambda cell: {path: convert(cell)}


def _count(cell: Cell) -> int:
    value = text(cell)
    if not value.isdigit():
        raise BadCell(NOT_WHOLE)
    return int(value)


def _degrees(cell: Cell) -> float:
    try:
        return round(float(text(cell).replace(",", ".")), 6)
    except ValueError:
        raise BadCell(NOT_DEGREES) from None


def _phone(cell: Cell) -> str:
    """Phone numbers typed as numbers lose their leading 0 (or +) in Excel: put it back."""
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        digits = text(cell)
        return "+" + digits if digits.startswith("62") else "0" + digits
    return text(cell)


def _status(cell: Cell) -> str:
    words = " ".join(re.findall(r"[a-z]+", text(cell).lower()))
    status = words if words in REGISTRATION_STATUSES else _STATUS_WORDS.get(words)
    if status is None:
        raise BadCell(NOT_STATUS)
    return status


def _date(cell: Cell) -> dt.date:
    """A date cell, or text such as 2025-03-14, 14/03/2025 or 14 Maret 2025."""
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    value = text(cell).lower()
    for form in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(value, form).date()
        except ValueError:
            pass
    match = re.fullmatch(r"(\d{1,2}) ([a-z]+) (\d{4})", value)
    if match and match[2][:3] in _MONTHS:
        try:
            return dt.date(int(match[3]), _MONTHS[match[2][:3]], int(match[1]))
        except ValueError:
            pass
    raise BadCell(NOT_DATE)


def _hours(cell: Cell) -> str:
    """Opening hours as the registry writes them: "08.00-11.00"."""
    match = _HOURS.fullmatch(text(cell).lower())
    if not match or int(match[1]) > 23 or int(match[3]) > 23:
        raise BadCell(NOT_HOURS)
    return f"{int(match[1]):02d}.{match[2] or '00'}-{int(match[3]):02d}.{match[4] or '00'}"


def _words(cell: Cell) -> str:
    return " ".join(text(cell).lower().replace("'", "").replace("\u2019", "").split())


def day_of_month(cell: Cell) -> int:
    """'13', 'tanggal 13', 'setiap tgl. 13'."""
    match = _DAY_OF_MONTH.fullmatch(_words(cell))
    if not match or not 1 <= int(match[1]) <= 31:
        raise BadCell(NOT_DAY_OF_MONTH, NOT_DAY_OF_MONTH_HINT)
    return int(match[1])


def week_of_month(cell: Cell) -> int:
    """'2', 'ke-2', 'minggu ke-2' → 2; 'terakhir' → -1."""
    value = _words(cell)
    match = re.fullmatch(_WEEK, value) or re.fullmatch(r"()(-1)", value) \
        or re.fullmatch(r"([1-4])()", value)
    if not match:
        raise BadCell(NOT_WEEK, NOT_WEEK_HINT)
    return -1 if match[2] else int(match[1])


def weekday(cell: Cell) -> tuple[str, int | None] | int:
    """The day a Posyandu opens: ('selasa', None) every Tuesday, ('selasa', 2) on the second,
    ('rabu', -1) on the last Wednesday of the month, or 13 (the 13th of each month)."""
    value = _words(cell)
    if _DAY_OF_MONTH.fullmatch(value):
        return day_of_month(cell)
    match = _DAY.fullmatch(value)
    if match and match[1] == "minggu" and re.match(r"[\s,]*(?:ke|terakhir)", value[match.end(1):]):
        raise BadCell(AMBIGUOUS_SUNDAY, AMBIGUOUS_SUNDAY_HINT)  # "Minggu ke-2", "Minggu terakhir"
    if match:
        day, week, last = match[1], match[2], match[3]
    elif match := _DAY_AFTER_WEEK.fullmatch(value):
        week, last, day = match[1], match[2], match[3]
    else:
        raise BadCell(NOT_DAY, NOT_DAY_HINT)
    return day, -1 if last else int(week) if week else None


def schedule(hari: Cell | None, minggu: Cell | None,
             tanggal: Cell | None) -> dict[FieldPath, Any]:
    """'jadwal' from the Hari cell (any form) refined by the Minggu ke- cell, or from the day of
    the month; raises BadCell with the field of the cell at fault."""
    day = weekday(hari) if hari is not None else None
    if tanggal is not None:
        if day is not None:
            raise _At("hari", BadCell(DAY_AND_DATE, DAY_AND_DATE_HINT))
        day = _in("tanggal_jadwal", day_of_month, tanggal)
    if isinstance(day, int):
        if minggu is not None:
            raise _At("minggu_ke", BadCell(DAY_AND_DATE, DAY_AND_DATE_HINT))
        return {("jadwal", "tanggal"): day, ("jadwal", "hari"): REMOVE,
                ("jadwal", "minggu_ke"): REMOVE}
    if day is None:
        raise _At("minggu_ke", BadCell(WEEK_WITHOUT_DAY, WEEK_WITHOUT_DAY_HINT))
    name, week = day
    if minggu is not None:
        week = _in("minggu_ke", week_of_month, minggu)
    return {("jadwal", "tanggal"): REMOVE, ("jadwal", "hari"): name,
            ("jadwal", "minggu_ke"): REMOVE if week is None else week}


def spm(key: str, running: Cell | None, listed: Cell | None) -> dict[FieldPath, Any]:
    """One SPM field from its yes/no cell and its activities (separated by ';' or line breaks;
    '-' or 'tidak' alone: not running)."""
    items = [" ".join(part.split()) for part in re.split(r"[;\n]", str(listed or ""))]
    items = [item for item in items if item]
    if items and " ".join(items).lower() in _NOT_RUNNING:
        items, running = [], running if running is not None else NO
    yes = None if running is None else _in(f"{RUNNING}.{key}", _yes, running)
    if yes is False and items:
        raise _At(f"{RUNNING}.{key}", BadCell(NOT_RUNNING_BUT_LISTED, NOT_RUNNING_BUT_LISTED_HINT))
    path = ("spm", key)
    if yes is False or (yes is None and not items):
        return {(*path, "berjalan"): False, (*path, "kegiatan"): REMOVE}
    return {(*path, "berjalan"): True, **({(*path, "kegiatan"): items} if items else {})}


def _yes(cell: Cell) -> bool:
    value = _words(cell)
    if value in (YES, "y", "true", "1", "berjalan"):
        return True
    if value in (NO, "t", "n", "false", "0") or value in _NOT_RUNNING:
        return False
    raise BadCell(NOT_YES_NO)


class _Remove:
    """Marks a field that the sheet's value leaves out (e.g. 'minggu_ke' of a day of the month)."""


REMOVE = _Remove()


class _At(Exception):
    """A BadCell of the cell of field ``name`` (when one value is read from several cells)."""

    def __init__(self, name: str, error: BadCell) -> None:
        super().__init__(error.message)
        self.name, self.error = name, error


def _in(name: str, convert: Callable[[Cell], Any], cell: Cell) -> Any:
    try:
        return convert(cell)
    except BadCell as exc:
        raise _At(name, exc) from None


_CONVERT: dict[str, Callable[[Cell], dict[FieldPath, Any]]] = {
    "nama": _at(("nama",), stored_name),
    "alamat": _at(("alamat",), text),
    "jam": _at(("jadwal", "jam"), _hours),
    "jumlah_kader": _at(("jumlah_kader_aktif",), _count),
    "status": _at(("registrasi", "status"), _status),
    "nomor": _at(("registrasi", "nomor"), text),
    "tanggal": _at(("registrasi", "tanggal"), _date),
    "telepon": _at(("kontak", "telepon"), _phone),
    "email": _at(("kontak", "email"), text),
    "lat": _at(("koordinat", "lat"), _degrees),
    "lon": _at(("koordinat", "lon"), _degrees),
}
_SCHEDULE = ("hari", "minggu_ke", "tanggal_jadwal")


def row_values(record: Record, table: Table) -> tuple[dict[FieldPath, Any], list[Problem]]:
    """The registry fields a row gives, and a problem for every cell that cannot be read."""
    cells = record.cells
    values: dict[FieldPath, Any] = {}
    problems: list[Problem] = []
    reads: list[tuple[str, Callable[[], dict[FieldPath, Any]]]] = [
        (name, partial(_CONVERT[name], cell)) for name, cell in cells.items() if name in _CONVERT]
    if any(name in cells for name in _SCHEDULE):
        reads.append(("hari", partial(schedule, *(cells.get(name) for name in _SCHEDULE))))
    reads += [(f"spm.{key}", partial(spm, key, cells.get(f"{RUNNING}.{key}"),
                                     cells.get(f"spm.{key}")))
              for key in SPM_KEYS if f"spm.{key}" in cells or f"{RUNNING}.{key}" in cells]
    for name, read in reads:
        try:
            values.update(read())
        except (BadCell, _At) as exc:
            at, error = (exc.name, exc.error) if isinstance(exc, _At) else (name, exc)
            value = text(cells[at]) if at in cells else ""
            problems.append(table.problem(record.row, at, error.message.format(value=value),
                                          error.hint.format(value=value)))
    for one, other in (("lat", "lon"), ("lon", "lat")):
        if one in cells and other not in cells:
            problems.append(table.problem(record.row, one, HALF_COORDINATES.format(
                value=text(cells[one])), HALF_COORDINATES_HINT))
    return values, problems

# The columns a registry field comes from, the likeliest first (a longer path before its
# parent), to place the validator's problems with a row's result at a cell of that row.
COLUMN_OF: dict[FieldPath, tuple[str, ...]] = {
    ("nama",): ("nama",), ("kode_wilayah",): ("desa", "kode_wilayah", "kecamatan"),
    ("alamat",): ("alamat",), ("koordinat", "lon"): ("lon",), ("koordinat",): ("lat", "lon"),
    ("jadwal", "tanggal"): ("tanggal_jadwal", "hari"), ("jadwal", "minggu_ke"): ("minggu_ke", "hari"),
    ("jadwal", "jam"): ("jam",), ("jadwal",): ("hari", "tanggal_jadwal", "minggu_ke", "jam"),
    ("kontak", "email"): ("email",), ("kontak",): ("telepon", "email"),
    ("jumlah_kader_aktif",): ("jumlah_kader",), ("registrasi", "nomor"): ("nomor",),
    ("registrasi", "tanggal"): ("tanggal",), ("registrasi",): ("status", "nomor", "tanggal"),
    **{("spm", key): (f"spm.{key}", f"{RUNNING}.{key}") for key in SPM_KEYS},
}
