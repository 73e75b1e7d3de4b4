"""The workbook of ``python -m generator export-xlsx``: the registry as an .xlsx file with exactly
the columns ``import`` reads, so that DPMD staff can edit it in Excel or LibreOffice and import
it back.

Sheets: "Petunjuk" (the columns explained, in Indonesian), "Posyandu" (one row per Posyandu,
frozen header, dropdowns, only the ID column locked) and "Wilayah" (the region table behind the
desa and kecamatan dropdowns). ``privat`` is never read. The file is byte-identical for an
identical registry: its dates come from the newest ``diperbarui``, not from the clock."""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..models import REGISTRATION_STATUSES, SPM_FIELDS, WEEKDAYS
from ..validate import SPM_KEYS
from .cells import LAST_WEEK, NO, YES
from .places import Places
from .sheet import RUNNING, SHEET_COLUMNS

# The workbook's text, in Indonesian (it is for DPMD staff, whatever the language of the run).
GUIDE, SHEET, REGION = "Petunjuk", "Posyandu", "Wilayah"
GUIDE_TITLE = "Daftar Posyandu {wilayah}: ekspor registri"
GUIDE_TEXT = (
    ("Lembar 'Posyandu' memuat satu baris per Posyandu. Ubah sel yang perlu diubah, lalu "
     "impor kembali dengan: python -m generator import {out}"),
    ("Sel kosong tidak mengubah apa pun. Baris baru (tanpa ID) menjadi Posyandu baru; ID-nya "
     "dibuat dari kecamatan, desa dan nama."),
    ("Kolom ID dan baris judul kolom dikunci (proteksi lembar tanpa sandi): ID tidak boleh "
     "berubah, dan kolom yang judulnya diubah tidak terbaca."),
    "Pilihan desa/kelurahan dan kecamatan diambil dari lembar 'Wilayah' (kode Kemendagri).",
    ("Data pribadi (bagian 'privat' registri: nomor HP kader, NIK, catatan) tidak pernah "
     "diekspor; jangan menambahkannya ke berkas ini."),
)
GUIDE_HEAD = ("Kolom", "Isi", "Contoh")
RUNNING_HELP = "Bidang {label} berjalan: ya atau tidak."
ACTIVITIES_HELP = "Kegiatan bidang {label}, dipisah titik koma (;)."
COLUMN_HELP: dict[str, tuple[str, str]] = {
    "id": ("Pengenal tetap Posyandu (dikunci). Kosongkan untuk Posyandu baru.",
           "samboja-handil-baru-melati"),
    "nama": ("Nama Posyandu; disimpan sebagai 'Posyandu' + nama.", "Posyandu Melati"),
    "desa": ("Desa/kelurahan yang dilayani (pilih dari daftar).", "Handil Baru"),
    "kecamatan": ("Kecamatan desa/kelurahan itu (pilih dari daftar).", "Samboja"),
    "alamat": ("Alamat tempat kegiatan.", "Jl. Poros RT 05"),
    "hari": ("Hari buka (pilih dari daftar); kosong bila buka pada tanggal tertentu.", "Selasa"),
    "minggu_ke": ("Minggu ke berapa dalam bulan: 1-4 atau 'terakhir'; kosong: setiap minggu.",
                  "2"),
    "tanggal_jadwal": ("Tanggal buka setiap bulan (1-31), sebagai ganti Hari.", "13"),
    "jam": ("Jam buka, waktu setempat.", "08.00-11.00"),
    "jumlah_kader": ("Jumlah kader aktif.", "12"),
    "status": ("Status registrasi di Kemendagri (pilih dari daftar).", "terdaftar"),
    "nomor": ("Nomor registrasi; wajib bila terdaftar.", "REG-2025-0001"),
    "tanggal": ("Tanggal registrasi (atau pengajuan).", "2025-03-14"),
    "telepon": ("Telepon Posyandu yang boleh diumumkan (bukan HP pribadi kader).", "0541-661234"),
    "email": ("Surel Posyandu.", "posyandu.melati@contoh.desa.id"),
    "lat": ("Lintang (derajat desimal).", "-1.0312"),
    "lon": ("Bujur (derajat desimal).", "117.0521"),
}
REGION_HEAD = ("Kode Wilayah", "Desa/Kelurahan", "Kecamatan", "", "Kode Kecamatan", "Kecamatan")
CHOOSE_TITLE, CHOOSE = "Pilih dari daftar", "Pilih salah satu nilai dari daftar."
DAY_OF_MONTH = "Isi tanggal 1 sampai 31."

_SPARE_ROWS = 500  # rows below the entries where dropdowns also apply (new Posyandu)
_EPOCH = dt.datetime(1980, 1, 1)  # the earliest date a zip file can carry
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_OPEN = Protection(locked=False)
_WIDTHS = {"id": 34, "nama": 26, "desa": 20, "kecamatan": 18, "alamat": 28, "email": 30}


def workbook_bytes(entries: list[Any], places: Places, name: str) -> bytes:
    """The workbook of valid registry ``entries`` as the bytes of an .xlsx file, the same for
    the same entries."""
    stamp = max((e["diperbarui"] for e in entries
                 if isinstance(e.get("diperbarui"), dt.date)), default=_EPOCH.date())
    moment = max(dt.datetime(stamp.year, stamp.month, stamp.day), _EPOCH)
    book = Workbook()
    book.properties.created = book.properties.modified = moment
    book.properties.creator = book.properties.lastModifiedBy = "python -m generator export-xlsx"
    _guide(book.worksheets[0], places, name)
    region_rows = _region(book.create_sheet(REGION), places)
    _entries(book.create_sheet(SHEET, 1), entries, places, region_rows)
    raw = io.BytesIO()
    book.save(raw)
    return _fixed_times(raw.getvalue(), moment)


def _fixed_times(data: bytes, moment: dt.datetime) -> bytes:
    """The zip ``data`` with every member dated ``moment`` (openpyxl stamps the clock's time on
    the members and on docProps/core.xml's 'modified')."""
    out = io.BytesIO()
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            member = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                member = _core_dates(member, stamp)
            fixed = zipfile.ZipInfo(info.filename, date_time=moment.timetuple()[:6])
            fixed.compress_type, fixed.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            zout.writestr(fixed, member)
    return out.getvalue()


def _core_dates(xml: bytes, stamp: bytes) -> bytes:
    """docProps/core.xml with 'created' and 'modified' set to ``stamp``."""
    for tag in (b"dcterms:created", b"dcterms:modified"):
        start = xml.index(b">", xml.index(b"<" + tag)) + 1
        xml = xml[:start] + stamp + xml[xml.index(b"</" + tag, start):]
    return xml


def _header(sheet: Worksheet, values: tuple[str, ...] | list[str]) -> None:
    sheet.append(list(values))
    for cell in sheet[1]:
        cell.font, cell.fill = Font(bold=True), _HEADER_FILL


def _guide(sheet: Worksheet, places: Places, name: str) -> None:
    """The first sheet: what the workbook is and what each column holds."""
    sheet.title = GUIDE
    sheet.append([GUIDE_TITLE.format(wilayah=places.region.label)])
    sheet["A1"].font = Font(bold=True, size=14)
    for paragraph in GUIDE_TEXT:
        sheet.append([paragraph.format(out=name)])
    sheet.append([])
    start = sheet.max_row + 1
    sheet.append(list(GUIDE_HEAD))
    for cell in sheet[start]:
        cell.font, cell.fill = Font(bold=True), _HEADER_FILL
    for field, header in SHEET_COLUMNS:
        sheet.append([header, *_column_help(field)])
    for letter, width in (("A", 34), ("B", 80), ("C", 30)):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2, max_col=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _column_help(field: str) -> tuple[str, str | None]:
    if field in COLUMN_HELP:
        return COLUMN_HELP[field]
    kind, key = field.split(".")
    label = dict(SPM_FIELDS)[key]
    return (RUNNING_HELP.format(label=label), YES) if kind == RUNNING else \
        (ACTIVITIES_HELP.format(label=label), None)


def _region(sheet: Worksheet, places: Places) -> tuple[int, int]:
    """The region table behind the dropdowns; the last rows of its desa and kecamatan lists."""
    _header(sheet, REGION_HEAD)
    desa = sorted(places.desa.values(), key=lambda d: (d.nama, d.kode))
    kecamatan = sorted(places.kecamatan.values(), key=lambda k: (k.nama, k.kode))
    for row, item in enumerate(desa, start=2):
        for column, value in enumerate((item.kode, item.nama, places.kecamatan_of(item).nama), 1):
            sheet.cell(row, column, value)
    for row, kec in enumerate(kecamatan, start=2):
        sheet.cell(row, 5, kec.kode)
        sheet.cell(row, 6, kec.nama)
    for letter, width in zip("ABCDEF", (16, 28, 24, 4, 16, 24), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    return len(desa) + 1, len(kecamatan) + 1


def _entries(sheet: Worksheet, entries: list[Any], places: Places,
             region_rows: tuple[int, int]) -> None:
    """One row per Posyandu; every cell but the ID open to editing."""
    _header(sheet, [header for _, header in SHEET_COLUMNS])
    fields = [field for field, _ in SHEET_COLUMNS]
    for number, entry in enumerate(entries, start=2):
        for column, value in enumerate(row(entry, places), start=1):
            cell = sheet.cell(number, column, value)
            if isinstance(value, str):
                cell.data_type = "s"  # text that starts with '=' stays text, not a formula
            if fields[column - 1] != "id":
                cell.protection = _OPEN
    last = sheet.max_row + _SPARE_ROWS
    for index, field in enumerate(fields, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = _WIDTHS.get(field, 14)
        if field != "id":
            sheet.column_dimensions[letter].protection = _OPEN
    for validation, columns in _validations(region_rows):
        for name in columns:
            letter = get_column_letter(fields.index(name) + 1)
            validation.add(f"{letter}2:{letter}{last}")
        sheet.add_data_validation(validation)
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(fields))}{sheet.max_row}"
    protection = sheet.protection
    protection.sheet = True
    protection.formatColumns = protection.formatRows = protection.insertRows = False
    protection.autoFilter = protection.sort = False


def _validations(region_rows: tuple[int, int]) -> Iterator[tuple[DataValidation, list[str]]]:
    """The dropdowns, with the columns each applies to."""
    def choose(formula: str) -> DataValidation:
        return DataValidation(type="list", formula1=formula, allow_blank=True,
                              showErrorMessage=True, errorTitle=CHOOSE_TITLE, error=CHOOSE)

    def listed(values: list[str]) -> DataValidation:
        return choose('"' + ",".join(values) + '"')

    desa, kecamatan = region_rows
    yield listed(list(REGISTRATION_STATUSES)), ["status"]
    yield listed([day.capitalize() for day in WEEKDAYS]), ["hari"]
    yield listed(["1", "2", "3", "4", LAST_WEEK]), ["minggu_ke"]
    yield listed([YES, NO]), [f"{RUNNING}.{key}" for key in SPM_KEYS]
    yield choose(f"{REGION}!$B$2:$B${desa}"), ["desa"]
    yield choose(f"{REGION}!$F$2:$F${kecamatan}"), ["kecamatan"]
    yield DataValidation(type="whole", operator="between", formula1="1", formula2="31",
                         allow_blank=True, showErrorMessage=True, errorTitle=CHOOSE_TITLE,
                         error=DAY_OF_MONTH), ["tanggal_jadwal"]


def row(entry: dict[str, Any], places: Places) -> list[Any]:
    """An entry's cells, in the order of SHEET_COLUMNS (None where it has no value)."""
    desa = places.desa[str(entry["kode_wilayah"])]
    jadwal, kontak = entry.get("jadwal") or {}, entry.get("kontak") or {}
    koordinat, registrasi = entry.get("koordinat") or {}, entry.get("registrasi") or {}
    spm = entry.get("spm") or {}
    week = jadwal.get("minggu_ke")
    values: dict[str, Any] = {
        "id": entry["id"], "nama": entry["nama"], "desa": desa.nama,
        "kecamatan": places.kecamatan_of(desa).nama, "alamat": entry.get("alamat"),
        "hari": str(jadwal["hari"]).capitalize() if "hari" in jadwal else None,
        "minggu_ke": None if week is None else LAST_WEEK if week == -1 else str(week),
        "tanggal_jadwal": jadwal.get("tanggal"), "jam": jadwal.get("jam"),
        "jumlah_kader": entry.get("jumlah_kader_aktif"), "status": registrasi.get("status"),
        "nomor": registrasi.get("nomor"), "tanggal": registrasi.get("tanggal"),
        "telepon": kontak.get("telepon"), "email": kontak.get("email"),
        "lat": koordinat.get("lat"), "lon": koordinat.get("lon"),
    }
    for key in SPM_KEYS:
        service = spm.get(key) or {}
        values[f"{RUNNING}.{key}"] = YES if service.get("berjalan") else NO
        values[f"spm.{key}"] = "; ".join(str(item) for item in service.get("kegiatan") or ()) \
            or None
    return [_plain(values[field]) for field, _ in SHEET_COLUMNS]


def _plain(value: Any) -> Any:
    """A round-trip YAML value as a plain cell value: text, whole number, number or date."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    for kind in (int, float):
        if isinstance(value, kind):
            return kind(value)
    return str(value)
