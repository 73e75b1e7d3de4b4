"""Pure checks: raw YAML values in, typed models and every problem out."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from .fields import Fields, closest, suggest
from .i18n import Message, Number, _
from .load import (
    INVALID,
    YamlList,
    line_of,
)
from .models import (
    DEFAULT_LICENSE,
    LICENSES,
    REGISTRATION_STATUSES,
    SPM_FIELDS,
    TIME_ZONES,
    WEEKDAYS,
    Desa,
    Kecamatan,
    License,
    NationalSettings,
    Posyandu,
    Region,
    Registration,
    Schedule,
    Settings,
    SpmService,
    Verification,
)
from .problems import Problems, shorten

ID_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
DESA_CODE = r"\d{2}\.\d{2}\.\d{2}\.\d{4}"
KECAMATAN_CODE = r"\d{2}\.\d{2}\.\d{2}"
_TIME = r"([01]?\d|2[0-3])[.:]([0-5]\d)"
_HOURS = re.compile(rf"{_TIME}\s*[-–]\s*{_TIME}")
# Margin around the villages' centre points when checking a Posyandu's coordinates (degrees,
# about 33 km): centre points are polygon centroids, so a real location may lie well beyond them.
BBOX_MARGIN = 0.3
POSYANDU_FIELDS = (
    "id", "nama", "kode_wilayah", "alamat", "koordinat", "jadwal", "kontak", "jumlah_kader_aktif",
    "registrasi", "spm", "lokus_stunting", "lokus_kemiskinan", "percontohan_6spm", "prestasi",
    "diperbarui", "verifikasi", "privat",
)
SPM_KEYS = [key for key, _ in SPM_FIELDS]
# Limits beyond which a value cannot be real: an id is part of page addresses; the largest
# Posyandu have a few dozen kader.
MAX_ID, MAX_NAME, MAX_NUMBER, MAX_KADER = 100, 200, 100, 1000


def settings(data: Any, path: str, problems: Problems, base_url: str | None) -> Settings | None:
    """Validate config.yaml."""
    f = Fields(data, path, "", problems)
    f.reject_unknown(["judul", "deskripsi", "base_url", "kabupaten", "target_registrasi",
                      "zona_waktu", "data_contoh", "wilayah", "koreksi", "lisensi", "batas"])
    result = Settings(
        judul=f.text("judul", required=True) or "",
        deskripsi=f.text("deskripsi") or "",
        base_url=_base_url(f, base_url),
        kabupaten=f.text("kabupaten", required=True, pattern=r"\d{2}\.\d{2}",
                         hint=_('the kabupaten code in quotes, e.g. "64.02"')) or "",
        target_registrasi=f.number("target_registrasi", low=0, required=True) or 0,
        zona_waktu=f.choice("zona_waktu", list(TIME_ZONES), required=True) or "",
        koreksi=f.text("koreksi", pattern=r"(mailto:[^@\s]+@[^@\s]+|https://\S+)",
                       hint=_("an e-mail link such as mailto:dpmd@example.go.id or a form address "
                              "https://...; {id} is replaced by the Posyandu's id")) or "",
        data_contoh=f.flag("data_contoh"),
        wilayah=f.text("wilayah", required=True, hint=_("the region table, e.g. data/wilayah.yaml"))
        or "",
        lisensi=_license(f),
        batas=f.text("batas") or "",
    )
    _exists(f, "wilayah", result.wilayah, _("the region table"), "data/wilayah.yaml")
    _exists(f, "batas", result.batas, _("the boundary file"), "data/batas-kukar.json")
    return result


def _license(f: Fields) -> License:
    """The open data's licence: an SPDX identifier from LICENSES, or {kode, nama, url} for
    another one; CC BY 4.0 when not given."""
    value = f.data.get("lisensi")
    if isinstance(value, str):
        if value.strip() in LICENSES:
            return LICENSES[value.strip()]
        close, names = closest(value, LICENSES), ", ".join(LICENSES)
        f.error("lisensi", _("'{value}' is not a licence known by its SPDX id alone").format(
                    value=value),
                (_("did you mean '{name}'? known: {names}; write another one as "
                   "{{kode: <SPDX id>, nama: <name>, url: <its text>}}").format(name=close,
                                                                                 names=names)
                 if close else
                 _("known: {names}; write another one as "
                   "{{kode: <SPDX id>, nama: <name>, url: <its text>}}").format(names=names)))
        return DEFAULT_LICENSE
    if value is None or value is INVALID:
        return DEFAULT_LICENSE
    sub = f.sub("lisensi")
    if not sub.ok:
        return DEFAULT_LICENSE
    sub.reject_unknown(["kode", "nama", "url"])
    kode = sub.text("kode", required=True, pattern=r"[A-Za-z0-9.+-]+",
                    hint=_("the licence's SPDX identifier, e.g. CC-BY-4.0 (spdx.org/licenses)"))
    nama = sub.text("nama", required=True, hint=_("the licence's full name"))
    url = sub.text("url", required=True, pattern=r"https?://\S+",
                   hint=_("the address of the licence's text, e.g. "
                          "https://creativecommons.org/licenses/by/4.0/"))
    return License(kode, nama, url) if kode and nama and url else DEFAULT_LICENSE


def national_settings(data: Any, path: str, problems: Problems,
                      base_url: str | None) -> NationalSettings:
    """Validate the config.yaml of a site of many kabupaten (--units)."""
    f = Fields(data, path, "", problems)
    f.reject_unknown(["judul", "deskripsi", "base_url", "data_contoh", "batas"])
    result = NationalSettings(judul=f.text("judul", required=True) or "",
                              deskripsi=f.text("deskripsi") or "",
                              base_url=_base_url(f, base_url),
                              data_contoh=f.flag("data_contoh"),
                              batas=f.text("batas") or "")
    _exists(f, "batas", result.batas, _("the boundary file"), "data/batas-indonesia.json")
    return result


def _exists(f: Fields, key: str, value: str, what: Message, example: str) -> None:
    """A problem when the file ``value`` named by setting ``key`` does not exist."""
    if value and not (Path(f.path).parent / value).is_file():
        f.error(key, _("{what} '{value}' does not exist").format(what=what, value=value),
                _("give its path relative to this file, e.g. {example}").format(example=example))


def _base_url(f: Fields, override: str | None) -> str:
    """The site's public address (``override`` from --base-url wins), ending in a slash."""
    url = override or f.text("base_url", required=True, pattern=r"https?://\S+",
                             hint=_("a full address such as https://example.org/posyandu/")) or ""
    return url if not url or url.endswith("/") else url + "/"


def region(data: Any, path: str, problems: Problems, kabupaten: str) -> Region | None:
    """Validate the region table (data/wilayah.yaml) of one kabupaten."""
    f = Fields(data, path, "", problems)
    f.reject_unknown(["kabupaten", "provinsi", "kecamatan"])
    kab, prov = f.sub("kabupaten", required=True), f.sub("provinsi", required=True)
    kode = kab.text("kode", required=True, pattern=r"\d{2}\.\d{2}")
    if kode and kabupaten and kode != kabupaten:
        kab.error("kode", _("the region table is for {kode}, but the settings name {other}").format(
                      kode=kode, other=kabupaten),
                  _("point the setting 'wilayah' at the table of the right kabupaten"))
    kecamatan: list[Kecamatan] = []
    items = f.get("kecamatan", list, required=True) or []
    for i, item in enumerate(items):
        k = Fields(item, path, f"kecamatan[{i}]", problems, line_of(items, i))
        kec_kode = k.text("kode", required=True, pattern=KECAMATAN_CODE)
        if kec_kode and kode and not kec_kode.startswith(kode + "."):
            k.error("kode", _("the kecamatan code {code} does not lie in kabupaten {kode}").format(
                        code=kec_kode, kode=kode),
                    _("the codes of its kecamatan start with {kode}.").format(kode=kode))
        lat, lon = _point(k)
        villages = []
        desa_items = k.get("desa", list, required=True) or []
        for j, d_item in enumerate(desa_items):
            d = Fields(d_item, path, f"kecamatan[{i}].desa[{j}]", problems, line_of(desa_items, j))
            d.reject_unknown(["kode", "nama", "jenis", "pusat"])
            d_kode = d.text("kode", required=True, pattern=DESA_CODE)
            if d_kode and kec_kode and not d_kode.startswith(kec_kode + "."):
                d.error("kode", _("the desa/kelurahan {code} is filed under kecamatan {kecamatan}, "
                                  "but its code is of kecamatan {other}").format(
                            code=d_kode, kecamatan=kec_kode, other=d_kode[:8]),
                        _("move it to the kecamatan its code starts with, or correct the code"))
            d_lat, d_lon = _point(d)
            villages.append(Desa(d_kode or "", d.text("nama", required=True) or "",
                                 d.choice("jenis", ["desa", "kelurahan"], required=True) or "desa",
                                 d_lat, d_lon, kec_kode or ""))
        kecamatan.append(Kecamatan(kec_kode or "", k.text("nama", required=True) or "", lat, lon,
                                   tuple(villages)))
    points = [(d.lat, d.lon) for k in kecamatan for d in k.desa] or [(0.0, 0.0)]
    bbox = (min(p[0] for p in points) - BBOX_MARGIN, min(p[1] for p in points) - BBOX_MARGIN,
            max(p[0] for p in points) + BBOX_MARGIN, max(p[1] for p in points) + BBOX_MARGIN)
    return Region(kode or "", kab.text("nama", required=True) or "",
                  prov.text("kode", required=True) or "", prov.text("nama", required=True) or "",
                  tuple(kecamatan), bbox)


def _point(f: Fields) -> tuple[float, float]:
    pusat = f.get("pusat", list, required=True)
    if pusat is None or len(pusat) != 2 or not all(isinstance(v, (int, float)) for v in pusat):
        if pusat is not None:
            f.error("pusat", _("expected [latitude, longitude]"), _("e.g. pusat: [-0.52, 116.41]"))
        return 0.0, 0.0
    return float(pusat[0]), float(pusat[1])


class RegistryValidator:
    """Validates the Posyandu entries of one or more registry files against a region table."""

    def __init__(self, region_: Region, problems: Problems, today: dt.date) -> None:
        self.region, self.problems, self.today = region_, problems, today
        self.desa = region_.desa_by_code()
        self.kecamatan = {k.kode: k for k in region_.kecamatan}
        self.ids: dict[str, tuple[str, int]] = {}

    def retract(self, mark: int, new_id: str | None) -> None:
        """Forget the problems recorded after the first ``mark`` and the claim of ``new_id``
        (an entry that is checked again)."""
        del self.problems.items[mark:]
        if new_id is not None:
            self.ids.pop(new_id, None)

    def claim(self, pid: str, path: str, line: int, field: str) -> bool:
        """Record that ``pid`` is used at path:line; a second use is a problem."""
        if pid in self.ids:
            first_path, first_line = self.ids[pid]
            self.problems.add(path, line, field,
                              _("duplicate id '{id}' (also used at {path}:{line})").format(
                                  id=pid, path=first_path, line=first_line),
                              _("every Posyandu needs its own id: change one of them"))
            return False
        self.ids[pid] = (path, line)
        return True

    def file(self, data: Any, path: str) -> list[Posyandu]:
        """Validate one registry file: a mapping with a 'posyandu' list."""
        f = Fields(data, path, "", self.problems)
        if data is INVALID:
            return []
        if data is None:
            self.problems.add(path, 1, "posyandu", _("the registry file is empty"),
                              _("start the file with 'posyandu:' followed by the entries"))
            return []
        f.reject_unknown(["posyandu"])
        entries = f.get("posyandu", list, required=True) or YamlList()
        result = []
        for i, entry in enumerate(entries):
            posyandu = self.entry(Fields(entry, path, f"posyandu[{i}]", self.problems,
                                         line_of(entries, i)))
            if posyandu:
                result.append(posyandu)
        return result

    def entry(self, f: Fields) -> Posyandu | None:
        """Validate one Posyandu; None when it has problems."""
        before = len(self.problems.items)
        f.reject_unknown(POSYANDU_FIELDS)
        pid = f.text("id", required=True, pattern=ID_PATTERN, limit=MAX_ID,
                     hint=_("lowercase letters, digits and single hyphens, "
                             "e.g. samboja-handil-baru-melati"))
        if pid:
            self.claim(pid, f.path, f.line_of("id"), f.name("id"))
        nama = f.text("nama", required=True, limit=MAX_NAME)
        desa = self.desa_code(f)
        lat, lon = self.coordinates(f.sub("koordinat"))
        kontak = f.sub("kontak")
        kontak.reject_unknown(["telepon", "email"])
        telepon = kontak.text("telepon", pattern=r"\+?[0-9][0-9 ()-]{5,20}",
                              hint=_("digits, spaces and hyphens, e.g. 0541-661234; quote it"))
        email = kontak.text("email", pattern=r"[^@\s]+@[^@\s]+\.[^@\s]+",
                            hint=_("an address such as posyandu.melati@example.org"))
        jumlah = f.number("jumlah_kader_aktif", low=0, high=MAX_KADER)
        registrasi = self.registration(f.sub("registrasi", required=True))
        spm = self.spm(f.sub("spm", required=True))
        diperbarui = self.past_date(f, "diperbarui", required=True)
        privat = f.data.get("privat")
        if privat is not None and privat is not INVALID and not isinstance(privat, dict):
            f.error("privat", _("expected a mapping of private fields"),
                    _("put private data (kader phone numbers, NIK, notes) as fields under "
                      "'privat:'"))
        result = Posyandu(
            id=pid or "", nama=nama or "", desa=desa,  # type: ignore[arg-type]
            alamat=f.text("alamat"), lat=lat, lon=lon, jadwal=self.schedule(f.sub("jadwal")),
            telepon=telepon, email=email, jumlah_kader=jumlah, registrasi=registrasi,  # type: ignore[arg-type]
            spm=spm, lokus_stunting=f.flag("lokus_stunting"),
            lokus_kemiskinan=f.flag("lokus_kemiskinan"), percontohan=f.flag("percontohan_6spm"),
            prestasi=f.texts("prestasi"), diperbarui=diperbarui,  # type: ignore[arg-type]
            verifikasi=self.verification(f.sub("verifikasi")),
        )
        return result if len(self.problems.items) == before else None

    def desa_code(self, f: Fields) -> Desa | None:
        """The desa/kelurahan named by 'kode_wilayah'."""
        code = f.get("kode_wilayah", str, required=True,
                     hint=_('the desa/kelurahan code in quotes, e.g. "64.02.13.1012"'))
        if code is None:
            return None
        code = code.strip()
        if code in self.desa:
            return self.desa[code]
        if re.fullmatch(KECAMATAN_CODE, code):
            kec = self.kecamatan.get(code)
            f.error("kode_wilayah", (_("'{code}' is the code of Kecamatan {name}, not of a "
                                       "desa/kelurahan").format(code=code, name=kec.nama) if kec
                                     else _("'{code}' is the code of a kecamatan, not of a "
                                            "desa/kelurahan").format(code=code)),
                    _("give the 10-digit code of the desa/kelurahan the Posyandu serves, "
                      "e.g. 64.02.13.1012"))
        elif not re.fullmatch(DESA_CODE, code):
            f.error("kode_wilayah", _("'{code}' is not a desa/kelurahan code").format(code=code),
                    _("the form is PP.KK.CC.VVVV, e.g. 64.02.13.1012"))
        elif not code.startswith(self.region.kode + "."):
            f.error("kode_wilayah", _("'{code}' lies outside {region} ({kode})").format(
                        code=code, region=self.region.label, kode=self.region.kode),
                    _("codes in this registry start with {kode}.").format(kode=self.region.kode))
        else:
            kec = self.kecamatan.get(code[:8])
            if kec is None:
                f.error("kode_wilayah", _("'{code}' names a kecamatan ({kecamatan}) that does not "
                                          "exist").format(code=code, kecamatan=code[:8]),
                        suggest(code[:8], self.kecamatan)
                        or _("see data/wilayah.yaml for the codes"))
            else:
                names = [f"{d.kode} {d.nama}" for d in kec.desa]
                close = suggest(code, [d.kode for d in kec.desa])
                f.error("kode_wilayah", _("'{code}' is not a desa/kelurahan of Kecamatan "
                                          "{name}").format(code=code, name=kec.nama),
                        close or _("its codes: {codes}").format(
                            codes=", ".join(names[:6]) + ("…" if len(names) > 6 else "")))
        return None

    def coordinates(self, f: Fields) -> tuple[float | None, float | None]:
        """Latitude and longitude, checked to lie in the kabupaten."""
        if not f.ok:
            return None, None
        f.reject_unknown(["lat", "lon"])
        lat, lon = f.get("lat", float, required=True), f.get("lon", float, required=True)
        if lat is None or lon is None:
            return None, None
        south, west, north, east = self.region.bbox
        if south <= lat <= north and west <= lon <= east:
            return lat, lon
        if south <= lon <= north and west <= lat <= east:
            f.error("lat", _("({lat}, {lon}) has latitude and longitude swapped").format(
                        lat=str(lat), lon=str(lon)),
                    _("write lat: {lon}, lon: {lat}").format(lat=str(lat), lon=str(lon)))
        elif not (-90 <= lat <= 90 and -180 <= lon <= 180):
            f.error("lat", _("({lat}, {lon}) is not a point on Earth").format(
                        lat=str(lat), lon=str(lon)),
                    _("latitude runs from -90 to 90, longitude from -180 to 180"))
        else:
            f.error("lat", _("({lat}, {lon}) lies outside {region}").format(
                        lat=str(lat), lon=str(lon), region=self.region.label),
                    _("{region} lies within lat {south} to {north}, lon {west} to {east}").format(
                        region=self.region.label, south=Number(south), north=Number(north),
                        west=Number(west), east=Number(east)))
        return None, None

    def schedule(self, f: Fields) -> Schedule | None:
        """Opening schedule: 'tanggal' (day of month), or 'hari' with optional 'minggu_ke'."""
        if not f.ok:
            return None
        f.reject_unknown(["tanggal", "hari", "minggu_ke", "jam"])
        tanggal = f.number("tanggal", low=1, high=31)
        hari = f.choice("hari", WEEKDAYS)
        minggu_ke = f.get("minggu_ke", int)
        if minggu_ke is not None and minggu_ke not in (1, 2, 3, 4, -1):
            f.error("minggu_ke", _("{week} is not a week of the month").format(week=minggu_ke),
                    _("1, 2, 3 or 4, or -1 for the last week"))
            minggu_ke = None
        if f.has("tanggal") == f.has("hari"):
            f.problems.add(f.path, f.line, f.where, _("give either 'tanggal' or 'hari', not both")
                           if f.has("tanggal") else _("give either 'tanggal' or 'hari'"),
                           _("tanggal: 10 opens on the 10th of each month; hari: selasa with "
                             "minggu_ke: 2 opens on the second Tuesday"))
        if f.has("minggu_ke") and not f.has("hari"):
            f.error("minggu_ke", _("is given without 'hari'"), _("add the weekday, e.g. hari: selasa"))
        jam_raw = f.data.get("jam")
        if isinstance(jam_raw, int) and not isinstance(jam_raw, bool):
            f.error("jam", _("was read as the number {value}").format(value=str(jam_raw)),
                    _('write the hours in quotes, e.g. jam: "08.00-11.00"'))
            return None
        jam = f.text("jam", required=True, hint=_('opening hours, e.g. jam: "08.00-11.00"'))
        match = _HOURS.fullmatch(jam) if jam else None
        if jam and not match:
            f.error("jam", _("'{value}' is not a range of hours").format(value=jam),
                    _('the form is "08.00-11.00"'))
        if not match or (tanggal is None and hari is None):
            return None
        start, end = f"{int(match[1]):02d}.{match[2]}", f"{int(match[3]):02d}.{match[4]}"
        if end <= start:
            f.error("jam", _("closes ({end}) before it opens ({start})").format(end=end, start=start),
                    _("check the two times"))
            return None
        return Schedule(tanggal, hari, minggu_ke if hari else None, start, end)

    def registration(self, f: Fields) -> Registration | None:
        """Registration with Kemendagri: status, number and date must agree."""
        f.reject_unknown(["status", "nomor", "tanggal"])
        status = f.choice("status", REGISTRATION_STATUSES, required=True)
        nomor = f.get("nomor", str, hint=_("write the registration number in quotes"))
        if isinstance(nomor, str):
            nomor = nomor.strip() or None
        if nomor and len(nomor) > MAX_NUMBER:
            f.error("nomor", _("'{value}' is longer than a registration number ({limit} "
                               "characters)").format(value=shorten(nomor), limit=MAX_NUMBER),
                    _("copy the number exactly as Kemendagri gave it"))
            nomor = None
        tanggal = self.past_date(f, "tanggal")
        if status == "terdaftar":
            if nomor is None and not f.has("nomor"):
                f.problems.add(f.path, f.line, f.name("nomor"),
                               _("a registered Posyandu needs its registration number"),
                               _("add 'nomor:' with the number from Kemendagri, "
                                 "or set the status to 'dalam verifikasi'"))
            if tanggal is None and not f.has("tanggal"):
                f.problems.add(f.path, f.line, f.name("tanggal"),
                               _("a registered Posyandu needs the date of registration"),
                               _("add 'tanggal: YYYY-MM-DD'"))
        elif status and nomor is not None:
            f.error("nomor", _("a Posyandu with status '{status}' cannot have a registration "
                               "number").format(status=status),
                    _("set the status to 'terdaftar' or remove the number"))
        if status is None:
            return None
        return Registration(status, nomor, tanggal)

    def spm(self, f: Fields) -> tuple[SpmService, ...]:
        """The six SPM fields, in fixed order; a field left out does not run."""
        for key in f.data:
            if key not in SPM_KEYS:
                close, names = closest(key, SPM_KEYS), ", ".join(SPM_KEYS)
                f.error(key, _("'{key}' is not one of the six SPM fields").format(key=key),
                        _("did you mean '{name}'? Permendagri 13/2024 names six: {names}").format(
                            name=close, names=names) if close else
                        _("Permendagri 13/2024 names six: {names}").format(names=names))
        services = []
        for key in SPM_KEYS:
            sub = f.sub(key)
            if not sub.ok:
                services.append(SpmService(key, False, ()))
                continue
            sub.reject_unknown(["berjalan", "kegiatan"])
            berjalan = sub.get("berjalan", bool, required=True)
            kegiatan = sub.texts("kegiatan")
            if berjalan and not kegiatan:
                sub.problems.add(sub.path, sub.line, sub.name("kegiatan"),
                                 _("a field that runs needs at least one activity"),
                                 _("list the activities, e.g. kegiatan: [Kelas PAUD]"))
            if berjalan is False and kegiatan:
                sub.error("kegiatan", _("lists activities, but 'berjalan' is false"),
                          _("set berjalan: true, or remove the activities"))
            services.append(SpmService(key, bool(berjalan), kegiatan))
        return tuple(services)

    def verification(self, f: Fields) -> Verification | None:
        """The last check of the entry: a date and the Tim Pembina that did it."""
        if not f.ok:
            return None
        f.reject_unknown(["tanggal", "oleh"])
        tanggal = self.past_date(f, "tanggal", required=True)
        oleh = f.text("oleh", required=True,
                      hint=_("the team that checked it, e.g. Tim Pembina Posyandu Kecamatan "
                             "Samboja"))
        return Verification(tanggal, oleh) if tanggal and oleh else None

    def past_date(self, f: Fields, key: str, required: bool = False) -> dt.date | None:
        """A date that is not in the future."""
        value = f.get(key, dt.date, required)
        if value is not None and value > self.today:
            f.error(key, _("{date} is in the future").format(date=value.isoformat()),
                    _("check the year and month"))
            return None
        return value
