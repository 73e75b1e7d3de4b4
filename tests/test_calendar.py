"""The .ics files and the pure-Python schedule: parsed with icalendar, checked against dateutil."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from itertools import islice, pairwise
from pathlib import Path

import icalendar
import pytest
import yaml
from dateutil import rrule as dateutil_rrule
from helpers import ROOT, scalars

from generator.build import Options, load
from generator.calendar import ANCHOR, file_name, fold, ics, occurrences, rrule
from generator.models import WEEKDAYS, Posyandu, Registry, Schedule
from generator.urls import posyandu as posyandu_url

HOSTILE = 'Posyandu "A, B; C\\D"\nbaris dua\r\nbaris tiga <script>alert(1)</script> é–ü'


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Registry:
    """The sample registry (an empty content folder: modules are not needed here)."""
    tmp = tmp_path_factory.mktemp("calendar")
    return load(Options(config=ROOT / "config.yaml", data=(ROOT / "data" / "posyandu.yaml",),
                        content=tmp / "no-content", templates=ROOT / "templates", out=tmp / "site",
                        cache=None)).registry


def _kecamatan(reg: Registry, p: Posyandu) -> str:
    return next(k.nama for k in reg.region.kecamatan if k.kode == p.desa.kecamatan_kode)


def _ics(reg: Registry, p: Posyandu, tz: str | None = None) -> str:
    return ics(p, reg.settings, reg.settings.base_url + posyandu_url(p),
               tz or reg.settings.zona_waktu, _kecamatan(reg, p))


def _event(text: str):
    events = icalendar.Calendar.from_ical(text).walk("VEVENT")
    assert len(events) == 1
    return events[0]


def _rule(event):
    """The event's recurrence, as dateutil reads its RRULE from its DTSTART."""
    return dateutil_rrule.rrulestr(event["RRULE"].to_ical().decode(), dtstart=event["DTSTART"].dt)


def _next(event, after: dt.datetime, count: int) -> list[dt.date]:
    return [d.date() for d in islice(_rule(event).xafter(after, inc=True), count)]


def _with(p: Posyandu, **schedule) -> Posyandu:
    fields = {"tanggal": None, "hari": None, "minggu_ke": None, "jam_mulai": "08.00",
              "jam_selesai": "11.00", **schedule}
    return dataclasses.replace(p, jadwal=Schedule(**fields))


def _unfold(text: str) -> str:
    return text.replace("\r\n ", "")


@pytest.mark.parametrize(("schedule", "expected"), [
    (Schedule(None, "selasa", 2, "08.00", "11.00"), "FREQ=MONTHLY;BYDAY=2TU"),
    (Schedule(None, "jumat", -1, "08.00", "11.00"), "FREQ=MONTHLY;BYDAY=-1FR"),
    (Schedule(10, None, None, "08.00", "11.00"), "FREQ=MONTHLY;BYMONTHDAY=10"),
    (Schedule(None, "selasa", None, "08.00", "11.00"), "FREQ=WEEKLY;BYDAY=TU"),
    (Schedule(None, "minggu", 1, "08.00", "11.00"), "FREQ=MONTHLY;BYDAY=1SU"),
])
def test_rrule(schedule: Schedule, expected: str):
    assert rrule(schedule) == expected


@pytest.mark.parametrize(("schedule", "start", "expected"), [
    (Schedule(None, "selasa", 2, "08.00", "11.00"), dt.date(2026, 12, 1), dt.date(2026, 12, 8)),
    (Schedule(None, "jumat", -1, "08.00", "11.00"), dt.date(2026, 11, 1), dt.date(2026, 11, 27)),
    (Schedule(None, "jumat", -1, "08.00", "11.00"), dt.date(2026, 11, 28), dt.date(2026, 12, 25)),
    (Schedule(10, None, None, "08.00", "11.00"), dt.date(2026, 12, 10), dt.date(2026, 12, 10)),
    (Schedule(31, None, None, "08.00", "11.00"), dt.date(2027, 2, 1), dt.date(2027, 3, 31)),
    (Schedule(None, "rabu", None, "08.00", "11.00"), dt.date(2026, 12, 3), dt.date(2026, 12, 9)),
])
def test_occurrences_known_dates(schedule: Schedule, start: dt.date, expected: dt.date):
    assert occurrences(schedule, start, 1) == [expected]


def _all_schedules() -> list[Schedule]:
    weekdays = [Schedule(None, h, n, "08.00", "11.00")
                for h in WEEKDAYS for n in (None, 1, 2, 3, 4, -1)]
    return weekdays + [Schedule(t, None, None, "08.00", "11.00") for t in range(1, 32)]


@pytest.mark.parametrize("start", [dt.date(2025, 1, 1), dt.date(2026, 2, 28), dt.date(2027, 12, 31),
                                   dt.date(2028, 2, 29)])
def test_occurrences_agree_with_dateutil(start: dt.date):
    midnight = dt.datetime.combine(start, dt.time())
    for s in _all_schedules():
        rule = dateutil_rrule.rrulestr(rrule(s), dtstart=dt.datetime(2024, 1, 1))
        expected = [d.date() for d in islice(rule.xafter(midnight, inc=True), 40)]
        assert occurrences(s, start, 40) == expected, rrule(s)


def test_every_sample_ics_parses_and_gives_the_right_dates(registry: Registry):
    with_schedule = [p for p in registry.posyandu if p.jadwal]
    assert len(with_schedule) > 800
    for p in with_schedule:
        text = _ics(registry, p)
        event = _event(text)
        start = event["DTSTART"].dt
        assert start.utcoffset() == dt.timedelta(hours=8)
        assert start.date() == occurrences(p.jadwal, ANCHOR, 1)[0]
        assert f"{start:%H.%M}" == p.jadwal.jam_mulai
        assert f"{event['DTEND'].dt:%H.%M}" == p.jadwal.jam_selesai
        after = dt.datetime(2026, 12, 1, tzinfo=start.tzinfo)
        assert _next(event, after, 12) == occurrences(p.jadwal, dt.date(2026, 12, 1), 12), p.id
        assert str(event["SUMMARY"]) == p.nama
        assert p.desa.label in str(event["LOCATION"])
        assert str(event["UID"]) == f"{p.id}@dpmd.example.go.id"
        assert str(event["URL"]) == registry.settings.base_url + posyandu_url(p)
        description = str(event["DESCRIPTION"])
        assert all(s.label in description for s in p.spm_running)
        assert str(event["URL"]) in description and "Data contoh" in description


def test_given_days_give_the_right_next_dates(registry: Registry):
    base = registry.posyandu[0]
    cases = [({"hari": "selasa", "minggu_ke": 2}, dt.date(2026, 12, 1), dt.date(2026, 12, 8)),
             ({"hari": "selasa", "minggu_ke": 2}, dt.date(2026, 11, 11), dt.date(2026, 12, 8)),
             ({"hari": "jumat", "minggu_ke": -1}, dt.date(2026, 11, 1), dt.date(2026, 11, 27)),
             ({"tanggal": 10}, dt.date(2026, 11, 11), dt.date(2026, 12, 10)),
             ({"hari": "selasa"}, dt.date(2026, 11, 1), dt.date(2026, 11, 3))]
    for schedule, day, expected in cases:
        event = _event(_ics(registry, _with(base, **schedule)))
        after = dt.datetime.combine(day, dt.time(), event["DTSTART"].dt.tzinfo)
        assert _next(event, after, 1) == [expected], schedule


def test_vtimezone_and_zones(registry: Registry):
    p = registry.posyandu[0]
    for zona, tzid, hours in (("WIB", "Asia/Jakarta", 7), ("WITA", "Asia/Makassar", 8),
                              ("WIT", "Asia/Jayapura", 9)):
        cal = icalendar.Calendar.from_ical(_ics(registry, p, zona))
        (timezone,) = cal.walk("VTIMEZONE")
        assert str(timezone["TZID"]) == tzid
        (standard,) = timezone.walk("STANDARD")
        assert standard["TZOFFSETTO"].td == standard["TZOFFSETFROM"].td == dt.timedelta(hours=hours)
        assert str(standard["TZNAME"]) == zona
        assert not timezone.walk("DAYLIGHT")
        assert cal.walk("VEVENT")[0]["DTSTART"].dt.utcoffset() == dt.timedelta(hours=hours)


def test_lines_are_crlf_and_folded_at_75_octets(registry: Registry):
    p = _with(registry.posyandu[0], hari="kamis", minggu_ke=3)
    p = dataclasses.replace(p, nama="Posyandu " + "Éé–" * 60, alamat="Jl. " + "ü" * 200)
    data = _ics(registry, p).encode("utf-8")
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")[:-1]
    assert max(len(line) for line in lines) == 75
    for line in lines:
        assert len(line) <= 75
        line.decode("utf-8")  # no line splits a character
    assert str(_event(data.decode())["SUMMARY"]) == p.nama


@pytest.mark.parametrize("line", [
    "DESCRIPTION:" + "a" * 63,  # exactly 75 octets: not folded
    "DESCRIPTION:" + "a" * 64,
    "DESCRIPTION:" + "Éé–€😀\u0301漢 " * 40,
    "X:" + "😀" * 100,
])
def test_each_folded_line_is_as_long_as_it_can_be(line: str):
    physical = fold(line).encode("utf-8").split(b"\r\n")
    assert physical[-1] == b""
    physical = physical[:-1]
    assert b"".join([physical[0], *(p[1:] for p in physical[1:])]).decode("utf-8") == line
    assert all(p.startswith(b" ") for p in physical[1:])
    for this, after in pairwise(physical):
        assert len(this) <= 75
        next_char = after[1:].decode("utf-8")[0].encode("utf-8")
        assert len(this) + len(next_char) > 75  # the next character would not have fitted
    assert len(physical[-1]) <= 75


def test_hostile_text_is_escaped(registry: Registry):
    p = dataclasses.replace(registry.posyandu[0], nama=HOSTILE, alamat="RT 1, RW 2; \\ ujung\n")
    text = _ics(registry, p)
    unfolded = _unfold(text)
    assert "SUMMARY:Posyandu \"A\\, B\\; C\\\\D\"\\nbaris dua\\nbaris tiga <script>" in unfolded
    assert unfolded.count("BEGIN:VEVENT") == 1 and "\nbaris" not in unfolded
    event = _event(text)
    assert str(event["SUMMARY"]) == HOSTILE.replace("\r\n", "\n")
    assert str(event["LOCATION"]).startswith("RT 1, RW 2; \\ ujung\n, ")


def test_control_characters_are_dropped(registry: Registry):
    p = dataclasses.replace(registry.posyandu[0], nama="Posyandu\x00 Me\x1blati\x7f")
    assert str(_event(_ics(registry, p))["SUMMARY"]) == "Posyandu Melati"


def test_output_is_identical_between_runs(registry: Registry, tmp_path: Path):
    again = load(Options(config=ROOT / "config.yaml", data=(ROOT / "data" / "posyandu.yaml",),
                         content=tmp_path / "none", templates=ROOT / "templates",
                         out=tmp_path / "site", cache=None)).registry
    first = [_ics(registry, p) for p in registry.posyandu]
    assert first == [_ics(again, p) for p in again.posyandu]
    assert len(set(first)) == len(first)


def test_no_private_value_in_any_ics(registry: Registry):
    entries = yaml.safe_load((ROOT / "data" / "posyandu.yaml").read_text(encoding="utf-8"))
    private = {s for e in entries["posyandu"] for s in scalars(e.get("privat", {}))}
    assert len(private) > 1000
    values = {str(value) for p in registry.posyandu
              for part in icalendar.Calendar.from_ical(_ics(registry, p)).walk()
              for _, value in part.property_items(recursive=False)}
    blob = "\0".join(sorted(values))  # unescaped: a value written "a\, b" is found as "a, b"
    assert [v for v in private if v in blob] == []
    assert all(p.nama in blob and p.desa.label in blob for p in registry.posyandu)


def test_a_posyandu_without_schedule_has_no_ics(registry: Registry):
    with pytest.raises(ValueError, match="no schedule"):
        _ics(registry, dataclasses.replace(registry.posyandu[0], jadwal=None))


def test_every_ics_reminds_the_day_before(registry: Registry):
    for p in registry.posyandu:
        if p.jadwal is None:
            continue
        alarms = _event(_ics(registry, p)).walk("VALARM")
        assert len(alarms) == 1, p.id
        assert alarms[0]["ACTION"] == "DISPLAY"
        assert alarms[0]["TRIGGER"].dt == -dt.timedelta(days=1)
        assert p.nama in str(alarms[0]["DESCRIPTION"])


def test_ics_files_are_named_after_the_posyandu_and_desa(registry: Registry):
    for p in registry.posyandu:
        name = file_name(p)
        assert name.endswith(".ics") and name.startswith(p.nama.lower().replace(" ", "-") + "-")
        words = name.removesuffix(".ics").split("-")
        assert all(w in words for w in re.findall(r"[a-z0-9]+", p.desa.nama.lower())), name


@pytest.mark.parametrize(("schedule", "words"), [
    (Schedule(None, "jumat", 2, "08.00", "11.00"), "Jumat kedua setiap bulan, pukul 08.00–11.00 WITA"),
    (Schedule(None, "selasa", -1, "08.00", "11.00"), "Selasa terakhir setiap bulan, pukul 08.00–11.00 WITA"),
    (Schedule(19, None, None, "09.00", "12.00"), "Setiap tanggal 19, pukul 09.00–12.00 WITA"),
    (Schedule(None, "rabu", None, "08.30", "11.30"), "Setiap hari Rabu, pukul 08.30–11.30 WITA"),
])
def test_schedule_words_are_unambiguous(schedule: Schedule, words: str):
    assert schedule.words("WITA") == words
