"""The coaching visit ("kunjungan pembinaan"): a printable sheet per Posyandu, pre-filled from its
public registry entry with what the entry lacks, and a kecamatan's list of Posyandu in the order
they most need a visit (not registered first, then stale or never verified, then incomplete).

Ages are measured against the registry's own date (the newest ``diperbarui``), never the build
day, so the same registry always gives the same pages.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from .models import Posyandu, derived_digest
from .quality import verification_stale

STATUS_ORDER = {"belum terdaftar": 0, "dalam verifikasi": 1, "terdaftar": 2}

# What the visiting team observes per SPM field (practice recommended in training module 4).
CHECKLIST: dict[str, tuple[str, ...]] = {
    "pendidikan": ("Pendataan anak usia sekolah yang tidak sekolah", "Kegiatan PAUD/BKB berjalan",
                   "Rujukan ke satuan pendidikan tercatat"),
    "kesehatan": ("Penimbangan dan pengukuran balita dicatat", "Imunisasi dan rujukan ke Puskesmas",
                  "Layanan bagi ibu hamil, remaja, dewasa, dan lansia"),
    "pekerjaan_umum": ("Data jamban keluarga dan air bersih", "Penyuluhan sanitasi",
                       "Usulan ke pemerintah desa tercatat"),
    "perumahan_rakyat": ("Data rumah tidak layak huni", "Informasi bantuan perbaikan rumah",
                         "Usulan ke dinas perumahan tercatat"),
    "trantibumlinmas": ("Informasi wilayah rawan bencana", "Simulasi kesiapsiagaan atau linmas",
                        "Data warga rentan untuk evakuasi"),
    "sosial": ("Data lansia, penyandang disabilitas, dan keluarga rentan",
               "Rujukan ke pendamping sosial atau Dinas Sosial", "Bantuan yang diterima tercatat"),
}


@dataclass(frozen=True)
class VisitSheet:
    """What a visiting team needs to know about one Posyandu before it goes."""

    posyandu: Posyandu
    gaps: tuple[str, ...]
    stale: bool  # never verified, or verified more than 12 months before the registry's date
    as_of: dt.date
    # made of its Posyandu's and the date (the gaps and the staleness follow from those)
    content_digest: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "content_digest", derived_digest(
            "visit sheet", self.posyandu.content_digest, self.as_of.isoformat()))

    @property
    def priority(self) -> tuple[int, int, int, str, str]:
        """Sort key: not registered, then stale, then the most gaps first."""
        p = self.posyandu
        return (STATUS_ORDER[p.registrasi.status], 0 if self.stale else 1, -len(self.gaps),
                p.desa.label, p.nama)

    def checklist(self, key: str) -> tuple[str, ...]:
        """The observation points for one SPM field."""
        return CHECKLIST[key]


def visit_sheet(p: Posyandu, as_of: dt.date) -> VisitSheet:
    """The sheet of ``p`` with the gaps of its public entry as of ``as_of``."""
    stale = verification_stale(p, as_of)
    gaps = []
    if p.registrasi.status != "terdaftar":
        gaps.append(f"Status registrasi: {p.registrasi.status}")
    if p.verifikasi is None:
        gaps.append("Belum pernah diverifikasi Tim Pembina")
    elif stale:
        gaps.append("Verifikasi terakhir lebih dari 12 bulan sebelum tanggal data")
    if p.lat is None:
        gaps.append("Koordinat belum tercatat")
    if not (p.telepon or p.email):
        gaps.append("Kontak publik belum ada")
    if p.jadwal is None:
        gaps.append("Jadwal buka belum tercatat")
    if p.jumlah_kader is None:
        gaps.append("Jumlah kader aktif belum tercatat")
    if not p.alamat:
        gaps.append("Alamat belum tercatat")
    gaps += [f"Bidang {s.label} belum berjalan" for s in p.spm if not s.berjalan]
    gaps += [f"Bidang {s.label} berjalan tanpa kegiatan tercatat" for s in p.spm
             if s.berjalan and not s.kegiatan]
    return VisitSheet(p, tuple(gaps), stale, as_of)


def visit_order(sheets: Iterable[VisitSheet]) -> list[VisitSheet]:
    """The ``sheets`` (of one kecamatan) in the order their Posyandu most need a visit."""
    return sorted(sheets, key=lambda s: s.priority)
