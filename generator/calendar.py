"""A Posyandu's opening schedule as an iCalendar (RFC 5545) file and as a list of dates.

The .ics file is written by hand: CRLF line ends, lines folded at 75 octets, TEXT values escaped.
Its output depends only on the record, never on the build date, so two builds are byte-identical:

* DTSTART is the first opening on or after ``ANCHOR`` (2025-01-01), a fixed date that lies
  before every entry of the registry; the RRULE then carries the series forward.
* DTSTAMP is midnight UTC of the entry's ``diperbarui`` date.

A schedule on ``tanggal`` 29-31 follows RFC 5545: a month without that day has no opening.
Each file is named after its Posyandu and its desa (``posyandu-melati-handil-baru.ics``), so it
is recognisable among a phone's downloads, and reminds its reader the day before each opening.
"""
from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from .models import TIME_ZONES, WEEKDAYS, Posyandu, Schedule, Settings
from .slugs import slugify

ANCHOR = dt.date(2025, 1, 1)
ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # in the order of WEEKDAYS (senin first)

PRODID = "-//DPMD//Direktori Posyandu//ID"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # not allowed in TEXT (RFC 5545 3.3.11)


def file_name(p: Posyandu) -> str:
    """The .ics file's name in the profile's folder: the Posyandu's name and its desa."""
    return f"{slugify(p.nama)}-{slugify(p.desa.nama)}.ics"


def first_opening(s: Schedule) -> dt.date:
    """The series' first opening: the first on or after ``ANCHOR``."""
    return occurrences(s, ANCHOR, 1)[0]


def _weekday(s: Schedule) -> int:
    """The schedule's weekday as ``date.weekday()`` counts: senin 0 ... minggu 6."""
    return WEEKDAYS.index(s.hari)  # only called when hari is set


def rrule(s: Schedule) -> str:
    """The RRULE value of a schedule, e.g. ``FREQ=MONTHLY;BYDAY=2TU``."""
    if s.tanggal is not None:
        return f"FREQ=MONTHLY;BYMONTHDAY={s.tanggal}"
    day = ICAL_DAYS[_weekday(s)]
    if s.minggu_ke is None:
        return f"FREQ=WEEKLY;BYDAY={day}"
    return f"FREQ=MONTHLY;BYDAY={s.minggu_ke}{day}"


def _month_day(s: Schedule, year: int, month: int) -> dt.date | None:
    """The opening day of a monthly schedule in one month, or None if that month has none."""
    first = dt.date(year, month, 1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    if s.tanggal is not None:
        return first.replace(day=s.tanggal) if s.tanggal <= last.day else None
    weekday = _weekday(s)
    if s.minggu_ke == -1:
        return last - dt.timedelta(days=(last.weekday() - weekday) % 7)
    weeks = (s.minggu_ke or 1) - 1  # monthly: minggu_ke is 1-4 here
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7, weeks=weeks)


def occurrences(s: Schedule, start: dt.date, count: int) -> list[dt.date]:
    """The next ``count`` opening days on or after ``start``."""
    if s.tanggal is None and s.minggu_ke is None:
        first = start + dt.timedelta(days=(_weekday(s) - start.weekday()) % 7)
        return [first + dt.timedelta(weeks=n) for n in range(count)]
    found: list[dt.date] = []
    year, month = start.year, start.month
    while len(found) < count:
        day = _month_day(s, year, month)
        if day is not None and day >= start:
            found.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newlines escaped."""
    value = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))


def fold(line: str) -> str:
    """One content line folded into lines of at most 75 octets, each ending in CRLF: each line
    is as long as it can be without splitting a character (cut in its UTF-8 octets, where no
    continuation octet follows; a description is folded some ten times per file)."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line + "\r\n"
    parts: list[bytes] = []
    start, room = 0, 75
    while len(data) - start > room:
        end = start + room
        while data[end] & 0xC0 == 0x80:  # the octet at the cut continues a character
            end -= 1
        parts.append(data[start:end])
        start, room = end, 74  # a continuation line starts with one space
    parts.append(data[start:])
    return b"\r\n ".join(parts).decode("utf-8") + "\r\n"


def _stamp(day: dt.date, hhmm: str) -> str:
    """A local DATE-TIME value from a date and a time written "08.00"."""
    return f"{day:%Y%m%d}T{hhmm.replace('.', '')}00"


def _vtimezone(tzid: str, offset: int, name: str) -> list[str]:
    """A VTIMEZONE for a zone with a fixed offset and no daylight saving."""
    value = f"+{offset:02d}00"
    return ["BEGIN:VTIMEZONE", f"TZID:{tzid}", "BEGIN:STANDARD", "DTSTART:19700101T000000",
            f"TZOFFSETFROM:{value}", f"TZOFFSETTO:{value}", f"TZNAME:{name}", "END:STANDARD",
            "END:VTIMEZONE"]


def _description(p: Posyandu, settings: Settings, url: str, zona: str) -> str:
    """Plain-text description: schedule, the SPM fields it runs with their activities, page."""
    lines = [p.jadwal.words(zona)] if p.jadwal else []
    running = p.spm_running
    if running:
        lines.append("Layanan SPM:")
        lines += [f"- {s.label}: {', '.join(s.kegiatan)}" if s.kegiatan else f"- {s.label}"
                  for s in running]
    lines.append(f"Halaman: {url}")
    if settings.data_contoh:
        lines.append("Data contoh: entri ini rekaan untuk menguji situs.")
    return "\n".join(lines)


def ics(p: Posyandu, settings: Settings, url: str, tz: str, kecamatan: str) -> str:
    """The .ics file of one Posyandu: one VEVENT recurring on its schedule.

    ``url`` is the absolute page URL, ``tz`` the zone code of config.yaml (WIB, WITA or WIT),
    ``kecamatan`` the name of its kecamatan (for LOCATION). Raises ValueError without a schedule.
    """
    if p.jadwal is None:
        raise ValueError(f"{p.id} has no schedule")
    tzid, offset = TIME_ZONES[tz]
    first = first_opening(p.jadwal)
    place = ", ".join(part for part in (p.alamat, p.desa.label, f"Kecamatan {kecamatan}") if part)
    event = [
        "BEGIN:VEVENT",
        f"UID:{p.id}@{urlsplit(settings.base_url).hostname}",
        f"DTSTAMP:{p.diperbarui:%Y%m%d}T000000Z",
        f"DTSTART;TZID={tzid}:{_stamp(first, p.jadwal.jam_mulai)}",
        f"DTEND;TZID={tzid}:{_stamp(first, p.jadwal.jam_selesai)}",
        f"RRULE:{rrule(p.jadwal)}",
        f"SUMMARY:{escape_text(p.nama)}",
        f"LOCATION:{escape_text(place)}",
    ]
    if p.lat is not None:
        event.append(f"GEO:{p.lat:.6f};{p.lon:.6f}")
    reminder = f"Besok {p.nama} buka pukul {p.jadwal.jam_mulai}–{p.jadwal.jam_selesai} {tz}"
    event += [f"DESCRIPTION:{escape_text(_description(p, settings, url, tz))}", f"URL:{url}",
              "BEGIN:VALARM", "ACTION:DISPLAY", f"DESCRIPTION:{escape_text(reminder)}",
              "TRIGGER:-P1D", "END:VALARM", "END:VEVENT"]
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", *_vtimezone(tzid, offset, tz), *event, "END:VCALENDAR"]
    return "".join(fold(line) for line in lines)
