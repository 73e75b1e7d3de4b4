"""Typed records that flow through the pipeline: settings, regions, Posyandu, modules."""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
from dataclasses import dataclass, field

# The six SPM fields of PP 2/2018 that Permendagri 13/2024 assigns to the Posyandu, in fixed order:
# (key in the registry, name on the site).
SPM_FIELDS: tuple[tuple[str, str], ...] = (
    ("pendidikan", "Pendidikan"),
    ("kesehatan", "Kesehatan"),
    ("pekerjaan_umum", "Pekerjaan Umum"),
    ("perumahan_rakyat", "Perumahan Rakyat dan Kawasan Permukiman"),
    ("trantibumlinmas", "Ketenteraman dan Ketertiban Umum serta Pelindungan Masyarakat"),
    ("sosial", "Sosial"),
)
SPM_LABELS = dict(SPM_FIELDS)
REGISTRATION_STATUSES = ("terdaftar", "dalam verifikasi", "belum terdaftar")
WEEKDAYS = ("senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu")
# Indonesia's time zones: the IANA name and the hours ahead of UTC (no daylight saving)
TIME_ZONES = {"WIB": ("Asia/Jakarta", 7), "WITA": ("Asia/Makassar", 8), "WIT": ("Asia/Jayapura", 9)}
ZONE_OFFSETS = {zone: hours for zone, (_, hours) in TIME_ZONES.items()}
ORDINALS = ("pertama", "kedua", "ketiga", "keempat")  # minggu_ke 1-4 in words


@dataclass(frozen=True)
class License:
    """The licence of the open data: its SPDX identifier, its name and where its text is."""

    kode: str
    nama: str
    url: str


# Licences that config.yaml may name by their SPDX identifier alone (lisensi: CC-BY-4.0).
LICENSES = {lic.kode: lic for lic in (
    License("CC-BY-4.0", "Creative Commons Atribusi 4.0 Internasional (CC BY 4.0)",
            "https://creativecommons.org/licenses/by/4.0/"),
    License("CC-BY-SA-4.0", "Creative Commons Atribusi-BerbagiSerupa 4.0 Internasional "
            "(CC BY-SA 4.0)", "https://creativecommons.org/licenses/by-sa/4.0/"),
    License("CC0-1.0", "CC0 1.0 Universal (domain publik)",
            "https://creativecommons.org/publicdomain/zero/1.0/"),
    License("ODbL-1.0", "Open Data Commons Open Database License (ODbL) 1.0",
            "https://opendatacommons.org/licenses/odbl/1-0/"),
)}
DEFAULT_LICENSE = LICENSES["CC-BY-4.0"]


@dataclass(frozen=True)
class Settings:
    """The site's settings (config.yaml)."""

    judul: str
    base_url: str
    kabupaten: str
    target_registrasi: int
    zona_waktu: str
    koreksi: str  # mailto: or form URL for correction requests; {id} is replaced by the id
    data_contoh: bool
    deskripsi: str
    wilayah: str  # path of the region table, relative to the config file
    lisensi: License = DEFAULT_LICENSE  # of every open-data file the site publishes
    batas: str = ""  # optional boundary file for the maps, relative to the config file


@dataclass(frozen=True)
class NationalSettings:
    """The settings of a site of many kabupaten (the config.yaml at the top of --units)."""

    judul: str
    deskripsi: str
    base_url: str
    data_contoh: bool
    batas: str = ""  # optional boundary file (provinsi and kabupaten), relative to the config


@dataclass(frozen=True)
class Desa:
    """A desa or kelurahan, keyed by its Kemendagri code."""

    kode: str
    nama: str
    jenis: str  # "desa" or "kelurahan"
    lat: float
    lon: float
    kecamatan_kode: str

    @property
    def label(self) -> str:
        """Name with its kind, e.g. "Kelurahan Handil Baru"."""
        return f"{self.jenis.capitalize()} {self.nama}"


@dataclass(frozen=True)
class Kecamatan:
    """A kecamatan with its villages."""

    kode: str
    nama: str
    lat: float
    lon: float
    desa: tuple[Desa, ...]


def kabupaten_label(nama: str) -> str:
    """A region table's kabupaten name as people write it: "Kabupaten X" or "Kota X"."""
    return nama if nama.startswith("Kota ") else f"Kabupaten {nama}"


@dataclass(frozen=True)
class Region:
    """The region table of one kabupaten."""

    kode: str
    nama: str
    provinsi_kode: str
    provinsi: str
    kecamatan: tuple[Kecamatan, ...]
    bbox: tuple[float, float, float, float]  # south, west, north, east

    @property
    def label(self) -> str:
        """"Kabupaten Kutai Kartanegara", or the name itself for a kota ("Kota Balikpapan")."""
        return kabupaten_label(self.nama)

    def kecamatan_names(self) -> dict[str, str]:
        """Kecamatan names by code."""
        return {k.kode: k.nama for k in self.kecamatan}

    def desa_by_code(self) -> dict[str, Desa]:
        """Every village by its code."""
        return {d.kode: d for k in self.kecamatan for d in k.desa}


@dataclass(frozen=True)
class Schedule:
    """When a Posyandu opens: a day of the month, or a weekday (every week or the n-th)."""

    tanggal: int | None
    hari: str | None
    minggu_ke: int | None
    jam_mulai: str
    jam_selesai: str

    @property
    def weekday_number(self) -> int:
        """The weekday as JavaScript numbers it: Sunday (minggu) 0, Monday (senin) 1, ..."""
        return (WEEKDAYS.index(self.hari) + 1) % 7

    def words(self, zona: str) -> str:
        """The schedule in plain Indonesian, e.g. "Jumat kedua setiap bulan, pukul 08.00–11.00
        WITA" or "Setiap tanggal 19, pukul ..."."""
        day = (self.hari or "").capitalize()
        if self.tanggal is not None:
            when = f"Setiap tanggal {self.tanggal}"
        elif self.minggu_ke is None:
            when = f"Setiap hari {day}"
        elif self.minggu_ke == -1:
            when = f"{day} terakhir setiap bulan"
        else:
            when = f"{day} {ORDINALS[self.minggu_ke - 1]} setiap bulan"
        return f"{when}, pukul {self.jam_mulai}–{self.jam_selesai} {zona}"


@dataclass(frozen=True)
class SpmService:
    """One SPM field at one Posyandu."""

    key: str
    berjalan: bool
    kegiatan: tuple[str, ...]

    @property
    def label(self) -> str:
        """The field's full name."""
        return SPM_LABELS[self.key]


@dataclass(frozen=True)
class Registration:
    """A Posyandu's registration with Kemendagri."""

    status: str
    nomor: str | None
    tanggal: dt.date | None


@dataclass(frozen=True)
class Verification:
    """When the entry was last checked, and by whom (a Tim Pembina Posyandu)."""

    tanggal: dt.date
    oleh: str


def derived_digest(kind: str, *inputs: str) -> str:
    """The ``content_digest`` of a value that code makes from ``inputs`` alone (their digests,
    dates and codes): a page's fingerprint takes it instead of digesting all the value holds
    (a visit sheet holds its Posyandu, the quality report every entry). Whatever else the
    code reads comes from the page's salt (the code, the templates, the site's settings and
    region)."""
    return hashlib.sha256("\0".join((kind, *inputs)).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Posyandu:
    """The public record of one Posyandu. Private fields are never copied in here."""

    id: str
    nama: str
    desa: Desa
    alamat: str | None
    lat: float | None
    lon: float | None
    jadwal: Schedule | None
    telepon: str | None
    email: str | None
    jumlah_kader: int | None
    registrasi: Registration
    spm: tuple[SpmService, ...]
    lokus_stunting: bool
    lokus_kemiskinan: bool
    percontohan: bool
    prestasi: tuple[str, ...]
    diperbarui: dt.date
    verifikasi: Verification | None
    # The digest of this record (of its repr), made once when the entry is read and kept with
    # it in the entry cache: a page's fingerprint uses it instead of digesting the record again,
    # and the cache keeps what is made of one entry by it (its open-data pieces).
    content_digest: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "content_digest",
                           hashlib.sha256(repr(self).encode("utf-8")).hexdigest())

    @property
    def completeness(self) -> int:
        """How complete the public record is, in percent of the optional facts given."""
        facts = (self.alamat, self.lat, self.jadwal, self.telepon or self.email, self.jumlah_kader,
                 self.verifikasi, any(s.berjalan for s in self.spm))
        return round(100 * sum(f is not None and f is not False for f in facts) / len(facts))

    @property
    def spm_running(self) -> tuple[SpmService, ...]:
        """The SPM fields this Posyandu runs."""
        return tuple(s for s in self.spm if s.berjalan)


def place_order(p: Posyandu) -> tuple[str, str, str]:
    """The order of Posyandu in lists and exports: by desa code, name and id."""
    return p.desa.kode, p.nama, p.id


@dataclass
class Registry:
    """Everything the directory is built from, whole when made: what it derives from all its
    Posyandu (``by_place``, ``newest_update``) is made once, when first asked for (each is a
    pass over every entry, asked for by several steps)."""

    settings: Settings
    region: Region
    posyandu: list[Posyandu] = field(default_factory=list)

    @functools.cached_property
    def by_place(self) -> tuple[Posyandu, ...]:
        """The Posyandu in the order of every list and export: by desa code, name and id."""
        return tuple(sorted(self.posyandu, key=place_order))

    @functools.cached_property
    def newest_update(self) -> dt.date | None:
        """The newest ``diperbarui`` of its Posyandu (None without any)."""
        return max((p.diperbarui for p in self.posyandu), default=None)
