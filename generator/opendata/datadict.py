"""The data dictionary of the open data: every published file and every field of the CSV, as the
"Data terbuka" page, the Frictionless Data Package and the DCAT catalogue describe them."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..calendar import ANCHOR
from ..models import REGISTRATION_STATUSES, SPM_FIELDS, Registry


@dataclass(frozen=True)
class Field:
    """One column of data/posyandu.csv (and key of each record in data/posyandu.json)."""

    name: str
    type: str  # Table Schema type: string, number, integer, boolean, date
    description: str  # in Indonesian
    required: bool = False
    enum: tuple[str, ...] = ()


@dataclass(frozen=True)
class DataFile:
    """One file of open data, relative to the site root."""

    path: str
    title: str
    format: str
    media_type: str
    description: str
    standard: str = ""  # the address of the standard it follows


_YA = "ya/tidak"
CSV_FIELDS: tuple[Field, ...] = (
    Field("data_contoh", "boolean", f"{_YA}: ya bila entri ini data contoh (rekaan).", True),
    Field("id", "string", "ID tetap Posyandu di registri (huruf kecil, angka, tanda hubung).",
          True),
    Field("nama", "string", "Nama Posyandu.", True),
    Field("url", "string", "Alamat halaman profil Posyandu di situs ini.", True),
    Field("kode_wilayah", "string", "Kode Kemendagri desa/kelurahan tempat Posyandu "
          "(Kepmendagri Nomor 300.2.2-2430 Tahun 2025).", True),
    Field("desa", "string", "Nama desa/kelurahan.", True),
    Field("jenis_wilayah", "string", "desa atau kelurahan.", True, ("desa", "kelurahan")),
    Field("kode_kecamatan", "string", "Kode Kemendagri kecamatan.", True),
    Field("kecamatan", "string", "Nama kecamatan.", True),
    Field("kabupaten", "string", "Nama kabupaten/kota.", True),
    Field("provinsi", "string", "Nama provinsi.", True),
    Field("alamat", "string", "Alamat tempat Posyandu buka; kosong bila belum tercatat."),
    Field("lat", "number", "Lintang (WGS 84, derajat desimal); kosong bila belum tercatat."),
    Field("lon", "number", "Bujur (WGS 84, derajat desimal); kosong bila belum tercatat."),
    Field("jadwal", "string", "Jadwal buka dalam kalimat, dengan zona waktu."),
    Field("telepon", "string", "Telepon publik Posyandu (bukan nomor pribadi kader)."),
    Field("email", "string", "E-mail publik Posyandu."),
    Field("jumlah_kader_aktif", "integer", "Jumlah kader aktif."),
    Field("status_registrasi", "string", "Status registrasi Posyandu di Kemendagri.", True,
          REGISTRATION_STATUSES),
    Field("nomor_registrasi", "string", "Nomor registrasi Kemendagri (bila terdaftar)."),
    Field("tanggal_registrasi", "date", "Tanggal registrasi, atau tanggal pengajuan bila masih "
          "dalam verifikasi (YYYY-MM-DD)."),
    Field("lokus_stunting", "boolean", f"{_YA}: desa/kelurahan lokus stunting.", True),
    Field("lokus_kemiskinan", "boolean", f"{_YA}: desa/kelurahan lokus kemiskinan.", True),
    Field("percontohan_6spm", "boolean", f"{_YA}: Posyandu percontohan enam bidang SPM.", True),
    Field("prestasi", "string", "Prestasi Posyandu, dipisah titik koma."),
    Field("diperbarui", "date", "Tanggal entri terakhir diperbarui (YYYY-MM-DD).", True),
    Field("diverifikasi", "date", "Tanggal verifikasi terakhir oleh Tim Pembina Posyandu."),
    Field("diverifikasi_oleh", "string", "Tim Pembina Posyandu yang memverifikasi."),
    Field("kelengkapan_persen", "integer", "Kelengkapan data profil, dalam persen.", True),
    *(Field(f"spm_{key}", "string", f"Kegiatan bidang {label}, dipisah titik koma; kosong bila "
            "bidang ini belum berjalan.") for key, label in SPM_FIELDS),
)

JSON = "data/posyandu.json"
CSV = "data/posyandu.csv"
GEOJSON = "data/posyandu.geojson"
HSDS_FILES = ("organizations.json", "locations.json", "services.json")
FEED = "feed.xml"
SUMMARY = "data/ringkasan.json"
DATA_PACKAGE = "data/datapackage.json"
CATALOG = "data/data.json"
_HSDS = "https://docs.openreferral.org/en/latest/hsds/overview.html"
_HSDS_WHAT = ("organisasi (satu per Posyandu)", "lokasi tempat Posyandu buka",
              "layanan (satu per bidang SPM yang berjalan di satu Posyandu)")

# Every open-data file of a kabupaten site, in the order the "Data terbuka" page lists them.
FILES: tuple[DataFile, ...] = (
    DataFile(CSV, "Daftar Posyandu (CSV)", "CSV", "text/csv",
             "Satu baris per Posyandu dengan semua kolom publik; terbuka di aplikasi lembar kerja. "
             "Kolomnya dijelaskan di bawah dan di data/datapackage.json.",
             "https://specs.frictionlessdata.io/tabular-data-package/"),
    DataFile(JSON, "Daftar Posyandu (JSON)", "JSON", "application/json",
             "Kolom yang sama dengan CSV; bidang SPM sebagai objek {berjalan, kegiatan} dan "
             "prestasi sebagai daftar."),
    DataFile(GEOJSON, "Peta Posyandu (GeoJSON)", "GeoJSON", "application/geo+json",
             "Satu titik per Posyandu yang koordinatnya tercatat, dengan kolom yang sama sebagai "
             "properti.", "https://www.rfc-editor.org/rfc/rfc7946"),
    *(DataFile(f"data/hsds/{name}", f"Open Referral HSDS: {name}", "JSON", "application/json",
               f"Daftar {what} menurut Human Services Data Specification 3 (Open Referral).",
               _HSDS) for name, what in zip(HSDS_FILES, _HSDS_WHAT, strict=True)),
    DataFile(FEED, "Umpan pembaruan (Atom)", "Atom", "application/atom+xml",
             "Lima puluh Posyandu yang datanya terakhir diperbarui, terbaru lebih dulu.",
             "https://www.rfc-editor.org/rfc/rfc4287"),
    DataFile(SUMMARY, "Ringkasan angka kabupaten (JSON)", "JSON", "application/json",
             "Jumlah Posyandu per status registrasi dan target registrasi kabupaten."),
    DataFile(DATA_PACKAGE, "Frictionless Data Package", "JSON", "application/json",
             "Uraian berkas-berkas ini, dengan Table Schema untuk CSV.",
             "https://specs.frictionlessdata.io/data-package/"),
    DataFile(CATALOG, "Katalog DCAT (data.json)", "JSON", "application/json",
             "Katalog yang dipanen portal data berbasis CKAN (seperti portal Satu Data), dalam "
             "format DCAT-US / Project Open Data 1.1.", "https://project-open-data.cio.gov/v1.1/schema"),
)


def latest_update(reg: Registry) -> dt.date:
    """The date the data was last changed: the newest ``diperbarui`` of the registry. It is the
    "today" of everything the build derives from dates, so that builds are reproducible."""
    return reg.newest_update or ANCHOR
