"""The data-quality report for DPMD and the Tim Pembina: per kecamatan and per desa, how many
Posyandu, their registration status and the gaps in their entries, each number with the entries
behind it. Public fields only, so the same report is a page of the site.

Dates are measured from ``today``: the build passes the registry's newest ``diperbarui`` (so that
the page is the same in every build), ``check --report`` the real date.
"""
from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from .models import REGISTRATION_STATUSES, Kecamatan, Posyandu, Registry, derived_digest

STALE_MONTHS = 12  # an entry last verified longer ago than this needs a new verification
WAITING_DAYS = 90  # a registration "dalam verifikasi" longer than this needs following up


Check = Callable[[Posyandu, dt.date], "Note | None"]  # a Posyandu as of a day -> counted?


@dataclass(frozen=True)
class Measure:
    """One column of the report: what it counts, and the check that says whether (and with
    which note) it counts a Posyandu."""

    key: str
    label: str
    explanation: str  # what is counted, in Indonesian
    check: Check = field(repr=False, compare=False)


@dataclass(frozen=True)
class Note:
    """What a number says about one Posyandu: a text, then optionally a date and a number of
    days (the template writes the date in Indonesian)."""

    text: str = ""
    tanggal: dt.date | None = None
    hari: int | None = None


class Entry(NamedTuple):
    """One Posyandu behind a number, with its note (a tuple: a report makes one for nearly
    every Posyandu under each measure, and a frozen dataclass took three times as long)."""

    url: str  # the Posyandu's page, relative to the site root
    nama: str
    desa: str
    catatan: Note


@dataclass(frozen=True)
class Row:
    """One kecamatan or desa: for each measure, the entries it counts."""

    kode: str
    nama: str
    kecamatan: str  # the kecamatan's code (for a kecamatan row: its own)
    kecamatan_nama: str
    cells: tuple[tuple[Entry, ...], ...]  # in the order of MEASURES

    def count(self, key: str) -> int:
        """The number under one measure."""
        return len(self.cells[[m.key for m in MEASURES].index(key)])


@dataclass(frozen=True)
class Report:
    """The whole report: the kabupaten total, its kecamatan and its desa."""

    today: dt.date
    total: Row
    kecamatan: tuple[Row, ...]
    desa: tuple[Row, ...]
    # made of the date, the page function and the digests of the entries it counts
    # (models.derived_digest); ``parts``: that of each kecamatan's part, by its code
    content_digest: str = field(repr=False, compare=False)
    parts: dict[str, str] = field(repr=False, compare=False)

    @property
    def measures(self) -> tuple[Measure, ...]:
        """The columns, in order."""
        return MEASURES

    def part(self, kecamatan: Row) -> Report:
        """The report of one kecamatan: its row as the total, its desa."""
        return Report(self.today, kecamatan, (kecamatan,),
                      tuple(d for d in self.desa if d.kecamatan == kecamatan.kode),
                      self.parts[kecamatan.kode], {})


_COUNTED = Note()


@functools.lru_cache(maxsize=16)  # asked with the same day for every entry of a report
def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months earlier (the month's last day when that one is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _status(status: str) -> Check:
    def check(p: Posyandu, today: dt.date) -> Note | None:
        return _COUNTED if p.registrasi.status == status else None
    return check


def _no_coordinates(p: Posyandu, today: dt.date) -> Note | None:
    return _COUNTED if p.lat is None else None


def _no_contact(p: Posyandu, today: dt.date) -> Note | None:
    return _COUNTED if not (p.telepon or p.email) else None


def _no_schedule(p: Posyandu, today: dt.date) -> Note | None:
    return _COUNTED if p.jadwal is None else None


def _fields_without_activities(p: Posyandu, today: dt.date) -> Note | None:
    empty = [s.key.replace("_", " ") for s in p.spm if not s.kegiatan]
    return Note(", ".join(empty)) if empty else None


def verification_stale(p: Posyandu, today: dt.date) -> bool:
    """Whether ``p`` was never verified, or last verified more than STALE_MONTHS before
    ``today``: the one rule of the report, the visit sheets and the visit order."""
    return p.verifikasi is None or p.verifikasi.tanggal < months_before(today, STALE_MONTHS)


def _not_verified(p: Posyandu, today: dt.date) -> Note | None:
    if p.verifikasi is None:
        return Note("belum pernah diverifikasi")
    if verification_stale(p, today):
        return Note("terakhir diverifikasi", p.verifikasi.tanggal)
    return None


def _waiting(p: Posyandu, today: dt.date) -> Note | None:
    if p.registrasi.status != "dalam verifikasi":
        return None
    if p.registrasi.tanggal is None:
        return Note("tanggal pengajuan belum tercatat")
    days = (today - p.registrasi.tanggal).days
    return Note("diajukan", p.registrasi.tanggal, days) if days > WAITING_DAYS else None


MEASURES: tuple[Measure, ...] = (
    Measure("posyandu", "Posyandu", "Posyandu dalam direktori.", lambda p, today: _COUNTED),
    *(Measure(s.replace(" ", "_"), s.capitalize(), f"Status registrasi Kemendagri: {s}.",
              _status(s)) for s in REGISTRATION_STATUSES),
    Measure("tanpa_koordinat", "Tanpa koordinat", "Titik lokasi belum tercatat: Posyandu tidak "
            "tampil di peta.", _no_coordinates),
    Measure("tanpa_kontak", "Tanpa kontak", "Tidak ada telepon maupun e-mail publik.",
            _no_contact),
    Measure("tanpa_jadwal", "Tanpa jadwal", "Jadwal buka belum tercatat.", _no_schedule),
    Measure("bidang_tanpa_kegiatan", "Bidang SPM tanpa kegiatan", "Ada bidang SPM yang tidak "
            "mencantumkan kegiatan, yaitu belum berjalan; daftarnya menyebut bidang itu. "
            "(Bidang yang ditandai berjalan wajib punya kegiatan: pemeriksaan data menolak yang "
            "kosong.)", _fields_without_activities),
    Measure("verifikasi_lama", f"Verifikasi > {STALE_MONTHS} bulan", "Belum pernah "
            f"diverifikasi Tim Pembina Posyandu, atau verifikasi terakhir lebih dari "
            f"{STALE_MONTHS} bulan lalu.", _not_verified),
    Measure("menunggu_lama", f"Dalam verifikasi > {WAITING_DAYS} hari", "Registrasi "
            f"berstatus dalam verifikasi sejak lebih dari {WAITING_DAYS} hari (dihitung dari "
            "tanggal pengajuan), atau tanggal pengajuannya belum tercatat.", _waiting),
)


Cells = tuple[Entry | None, ...]  # one Posyandu under each measure (None: not counted)


def _cells(p: Posyandu, today: dt.date, url: Callable[[Posyandu], str]) -> Cells:
    """Where ``p`` counts, as of ``today``: its entry under each measure, or None. Made once
    per Posyandu and shared by the rows of its desa, its kecamatan and the total."""
    link, nama, desa = url(p), p.nama, p.desa.label
    notes = [measure.check(p, today) for measure in MEASURES]
    return tuple([None if note is None else Entry(link, nama, desa, note) for note in notes])


def _row(kode: str, nama: str, kecamatan: Kecamatan | None,
         members: list[tuple[Posyandu, Cells]]) -> Row:
    columns = list(zip(*(cells for _, cells in members), strict=True)) or [()] * len(MEASURES)
    return Row(kode, nama, kecamatan.kode if kecamatan else "",
               kecamatan.nama if kecamatan else "",
               tuple(tuple(filter(None, column)) for column in columns))


def report(reg: Registry, today: dt.date, url: Callable[[Posyandu], str]) -> Report:
    """The report of a registry as of ``today``; ``url`` gives a Posyandu's page. Entries are
    in the order of the exports."""
    by_desa: dict[str, list[tuple[Posyandu, Cells]]] = {}
    for p in reg.by_place:
        by_desa.setdefault(p.desa.kode, []).append((p, _cells(p, today, url)))
    made_of = (today.isoformat(), url.__module__, url.__qualname__)
    kecamatan, desa, parts = [], [], {}
    for k in reg.region.kecamatan:
        members = [m for d in k.desa for m in by_desa.get(d.kode, [])]
        kecamatan.append(_row(k.kode, k.nama, k, members))
        desa += [_row(d.kode, d.label, k, by_desa.get(d.kode, [])) for d in k.desa]
        parts[k.kode] = derived_digest("quality report part", *made_of, k.kode,
                                       *(p.content_digest for p, _ in members))
    everyone = [m for d in sorted(by_desa) for m in by_desa[d]]
    return Report(today, _row(reg.region.kode, reg.region.label, None, everyone),
                  tuple(kecamatan), tuple(desa), derived_digest(
                      "quality report", *made_of, *(p.content_digest for p, _ in everyone)),
                  parts)
