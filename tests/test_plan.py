"""generator.plan: the pages of a tiny registry (one kecamatan, two desa, three Posyandu) and of
a tiny curriculum, by URL, kind and crumbs; fingerprints, statistics and the national areas."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path

import pytest
from markupsafe import Markup
from training_content import make_content

from generator import pagedata, plan, quality
from generator.models import (
    SPM_FIELDS,
    Desa,
    Kecamatan,
    Posyandu,
    Region,
    Registration,
    Registry,
    Schedule,
    Settings,
    SpmService,
)
from generator.plan import (
    KabupatenSummary,
    Page,
    Stats,
    digest_of,
    directory_pages,
    json_ld,
    national_areas,
    prefix_ids,
    training_pages,
)
from generator.problems import Problems
from generator.qr import QrCache
from generator.training import load_training
from generator.urls import posyandu as posyandu_url
from generator.visit import visit_sheet

HANDIL = Desa("64.02.13.1012", "Handil Baru", "kelurahan", -1.03, 117.05, "64.02.13")
TANI = Desa("64.02.13.2001", "Tani Bhakti", "desa", -1.2, 117.2, "64.02.13")
SAMBOJA = Kecamatan("64.02.13", "Samboja", -1.0, 117.0, (HANDIL, TANI))
REGION = Region("64.02", "Kutai Kartanegara", "64", "Kalimantan Timur", (SAMBOJA,),
                (-1.5, 116.7, -0.7, 117.5))
SETTINGS = Settings(judul="Direktori", base_url="https://example.org/p/", kabupaten="64.02",
                    target_registrasi=10, zona_waktu="WITA", koreksi="", data_contoh=True,
                    deskripsi="", wilayah="wilayah.yaml")


def posyandu(pid: str, nama: str, status: str = "belum terdaftar", running: str = "") -> Posyandu:
    return Posyandu(
        id=pid, nama=nama, desa=HANDIL, alamat=None, lat=None, lon=None,
        jadwal=Schedule(None, "selasa", 2, "08.00", "11.00"), telepon=None, email=None,
        jumlah_kader=5, registrasi=Registration(status, "P-1" if status == "terdaftar" else None,
                                                dt.date(2025, 1, 2) if status == "terdaftar" else None),
        spm=tuple(SpmService(key, key == running, ("Kegiatan",) if key == running else ())
                  for key, _ in SPM_FIELDS),
        lokus_stunting=False, lokus_kemiskinan=False, percontohan=False, prestasi=(),
        diperbarui=dt.date(2025, 6, 1), verifikasi=None)


# Listed out of order: the directory orders them by desa, name and id.
REGISTRY = Registry(SETTINGS, REGION, [
    posyandu("samboja-handil-baru-melati-2", "Posyandu Melati"),
    posyandu("samboja-handil-baru-anggrek", "Posyandu Anggrek", "terdaftar", "kesehatan"),
    posyandu("samboja-handil-baru-melati", "Posyandu Melati", "terdaftar"),
])


@pytest.fixture(scope="module")
def pages() -> list[Page]:
    return directory_pages(REGISTRY, QrCache(None), None)


def test_the_directory_of_a_tiny_registry(pages: list[Page]):
    profiles = [("posyandu/{pid}/", "posyandu"), ("posyandu/{pid}/poster/", "poster"),
                ("posyandu/{pid}/kunjungan/", "kunjungan")]
    assert [(p.url, p.kind) for p in pages] == [
        ("", "beranda"), ("spm/", "info"), ("cari/", "cari"), ("404.html", "404"),
        ("kecamatan/samboja-640213/", "kecamatan"),
        ("kecamatan/samboja-640213/urutan-kunjungan/", "urutan-kunjungan"),
        ("desa/handil-baru-6402131012/", "desa"),
        *[(url.format(pid=pid), kind) for pid in (
            "samboja-handil-baru-anggrek", "samboja-handil-baru-melati",
            "samboja-handil-baru-melati-2") for url, kind in profiles],
        ("desa/tani-bhakti-6402132001/", "desa"),
        ("data-terbuka/", "info"), ("kualitas/", "kualitas"),
        ("kualitas/kecamatan/samboja-640213/", "kualitas"),
    ]
    assert len({p.output for p in pages}) == len(pages)


def test_titles_crumbs_and_context_of_a_profile(pages: list[Page]):
    by_url = {p.url: p for p in pages}
    profile = by_url["posyandu/samboja-handil-baru-melati-2/"]
    assert profile.title == "Posyandu Melati, Kelurahan Handil Baru"
    assert profile.crumbs == [("Beranda", ""), ("Kecamatan Samboja", "kecamatan/samboja-640213/"),
                              ("Kelurahan Handil Baru", "desa/handil-baru-6402131012/")]
    made = profile.context()
    assert profile.template == "posyandu.html" and isinstance(made, pagedata.Profile)
    assert made.p is REGISTRY.posyandu[0] and made.peta is None
    poster = by_url["posyandu/samboja-handil-baru-melati-2/poster/"].context()
    assert isinstance(poster, pagedata.Poster) and poster.profile == "https://example.org/p/posyandu/samboja-handil-baru-melati-2/"
    desa = by_url["desa/handil-baru-6402131012/"]
    assert [p.id for p in desa.data.posyandu] == [
        "samboja-handil-baru-anggrek", "samboja-handil-baru-melati", "samboja-handil-baru-melati-2"]
    assert by_url["desa/tani-bhakti-6402132001/"].data.posyandu == []


def test_statistics_of_home_kecamatan_and_desa(pages: list[Page]):
    by_url = {p.url: p for p in pages}
    home = by_url[""].data.stats
    assert (home.total, home.registered, dict(home.spm)) == (3, 2, {"kesehatan": 1})
    assert home.percent(home.registered) == 66.7
    assert by_url["kecamatan/samboja-640213/"].data.stats.total == 3
    assert by_url["kecamatan/samboja-640213/"].data.desa_stats[TANI.kode].total == 0
    assert Stats().percent(0) == 0.0


def test_the_profile_describes_the_posyandu_as_json_ld(pages: list[Page]):
    made = {p.url: p for p in pages}["posyandu/samboja-handil-baru-anggrek/"].context()
    assert isinstance(made, pagedata.Profile)
    data = json.loads(str(made.jsonld))
    assert data["@type"] == "CivicStructure" and data["identifier"] == "samboja-handil-baru-anggrek"
    assert data["address"]["addressRegion"] == ("Kecamatan Samboja, Kabupaten Kutai Kartanegara, "
                                                "Kalimantan Timur")
    schedule = data["event"]["eventSchedule"]
    assert (schedule["repeatFrequency"], schedule["byMonthWeek"], schedule["startTime"],
            schedule["scheduleTimezone"]) == ("P1M", 2, "08:00:00", "Asia/Makassar")
    assert "geo" not in data  # no coordinates given


def test_output_file_and_way_back_to_the_root():
    assert (Page("", "t", "x").output, Page("", "t", "x").root) == ("index.html", "")
    assert Page("posyandu/a/", "t", "x").output == "posyandu/a/index.html"
    assert Page("posyandu/a/", "t", "x").root == "../../"
    assert (Page("404.html", "t", "x").output, Page("404.html", "t", "x").root) == ("404.html", "")


@dataclasses.dataclass(frozen=True)
class Numbers(pagedata.PageData):
    n: list[int]


def test_fingerprint_changes_with_every_input_of_the_page():
    page = Page("a/", "t.html", "Judul", data=Numbers([1, 2]), crumbs=[("Beranda", "")])
    same = Page("a/", "t.html", "Judul", data=Numbers([1, 2]), crumbs=[("Beranda", "")])
    assert page.fingerprint("salt") == same.fingerprint("salt") == page.fingerprint("salt", {})
    others = [page.fingerprint("other salt"),
              dataclasses.replace(page, title="Lain").fingerprint("salt"),
              dataclasses.replace(page, data=Numbers([1, 3])).fingerprint("salt"),
              dataclasses.replace(page, crumbs=[]).fingerprint("salt"),
              dataclasses.replace(page, template="u.html").fingerprint("salt")]
    others.append(Page("a/", "t.html", "Judul").fingerprint("salt"))  # no variables at all
    assert len({page.fingerprint("salt"), *others}) == 7


def test_a_value_digest_follows_its_content_not_its_identity():
    """Records, lists of them and sheets that hold one digest by content (two equal copies alike,
    whether or not their parts were digested before), and change with any field of a record
    they hold, however deep."""
    melati = posyandu("samboja-handil-baru-melati", "Posyandu Melati")
    again = posyandu("samboja-handil-baru-melati", "Posyandu Melati")
    renamed = dataclasses.replace(melati, nama="Posyandu Mawar")
    moved = dataclasses.replace(melati, jadwal=Schedule(None, "rabu", 2, "08.00", "11.00"))
    assert melati is not again and melati.content_digest == again.content_digest
    assert len({melati.content_digest, renamed.content_digest, moved.content_digest}) == 3
    day = dt.date(2025, 6, 1)
    values = [melati, [melati, again], (melati,), visit_sheet(melati, day), ["a", "b"]]
    fresh = [digest_of(v, {}) for v in values]
    shared: dict[int, str] = {}
    assert [digest_of(v, shared) for v in reversed(values)][::-1] == fresh  # order-free
    assert fresh == [digest_of(v, {}) for v in
                     [again, [again, melati], (again,), visit_sheet(again, day), ["a", "b"]]]
    changed = [digest_of(v, {}) for v in
               [moved, [melati, moved], [melati], visit_sheet(moved, day), ["a", "c"]]]
    assert all(a != b for a, b in zip(fresh, changed, strict=True))
    assert digest_of([melati], {}) != digest_of((melati,), {})
    assert len({digest_of("<b>", {}), digest_of(Markup("<b>"), {}), digest_of("<i>", {})}) == 3
    assert digest_of(visit_sheet(melati, day), {}) != digest_of(
        visit_sheet(melati, dt.date(2027, 1, 1)), {})


def test_values_written_out_in_a_fingerprint_stay_apart():
    """Short texts stand for themselves in a fingerprint (digest_of): no two different values
    read the same, however their items are cut, and a long or NUL-holding text is hashed."""
    values = [("a", "=b"), ("a,=b",), [("a", "b"), ("c",)], [("a", "b", "c")], [("a,", "b")],
              [("a",), (",b",)], "a", ["a"], ("a",), "x" * 201, "a\0b", "a\x00b\x00"]
    digests = [digest_of(v, {}) for v in values]
    assert len(set(digests)) == len(values)
    assert digest_of("../../", {}) == "=str:../../"
    assert all(re.fullmatch("[0-9a-f]{64}", digest_of(v, {})) for v in ("x" * 201, "a\0b"))


def test_the_quality_report_digest_follows_every_entry_and_the_date():
    """The report's digest is made of what the report is made of: every entry (one changed,
    added), the date and the page function change it, the registry's order does not (the
    report is the same); each kecamatan's part follows the entries of that kecamatan only."""
    day = dt.date(2025, 6, 1)
    jawa = Desa("64.02.14.2001", "Muara Jawa Ulu", "desa", -0.8, 117.2, "64.02.14")
    muara = Kecamatan("64.02.14", "Muara Jawa", -0.8, 117.2, (jawa,))
    region = dataclasses.replace(REGION, kecamatan=(SAMBOJA, muara))
    there = dataclasses.replace(posyandu("muara-jawa-ulu-mawar", "Posyandu Mawar"), desa=jawa)
    entries = [*REGISTRY.posyandu, there]

    def report(entries: list[Posyandu], today: dt.date = day, url=posyandu_url):
        return quality.report(Registry(SETTINGS, region, entries), today, url)

    first = report(entries)
    assert first.content_digest == report([dataclasses.replace(p) for p in entries]).content_digest
    renamed = dataclasses.replace(there, nama="Posyandu Kenanga")
    others = [report(entries[:3] + [renamed]), report(entries[:3]),
              report(entries, dt.date(2026, 1, 1)), report(entries, url=lambda p: p.id)]
    assert len({first.content_digest, *(r.content_digest for r in others)}) == 5
    reordered = report(entries[::-1])
    assert reordered == first and reordered.content_digest == first.content_digest
    samboja, muara_row = first.kecamatan
    assert first.part(samboja).content_digest != first.part(muara_row).content_digest
    assert others[0].part(others[0].kecamatan[0]).content_digest == \
        first.part(samboja).content_digest  # an entry of another kecamatan changed
    assert others[0].part(others[0].kecamatan[1]).content_digest != \
        first.part(muara_row).content_digest
    assert digest_of(first, {}) == first.content_digest


def test_json_ld_cannot_close_its_script_element():
    text = str(json_ld({"name": "</script><b>&"}))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"name": "</script><b>&"}


def test_prefix_ids_prefixes_ids_and_in_page_links_only():
    html = '<h2 id="a">A</h2><a href="#a">x</a><a href="lain/#a">y</a>'
    assert str(prefix_ids(html, "m1-")) == (
        '<h2 id="m1-a">A</h2><a href="#m1-a">x</a><a href="lain/#a">y</a>')


def test_the_pages_of_a_tiny_curriculum(tmp_path: Path):
    problems = Problems()
    training = load_training(make_content(tmp_path), problems)
    assert not problems
    pages = training_pages(training)
    assert [(p.url, p.kind) for p in pages] == [
        ("pelatihan/", "pelatihan"), ("pelatihan/satu/", "modul"), ("pelatihan/dua/", "modul"),
        ("pelatihan/cari/", "cari-pelatihan"), ("pelatihan/istilah/", "istilah"),
        ("pelatihan/tes-awal/", "tes"), ("pelatihan/tes-akhir/", "tes"),
        ("pelatihan/hasil-belajar/", "hasil"), ("pelatihan/cetak/", "cetak")]
    first, second = pages[1], pages[2]
    assert (first.data.prev, first.data.next) == (None, second.data.m)
    assert first.crumbs == [("Beranda", ""), ("Pelatihan", "pelatihan/")]
    assert 'id="m1-bagian-pertama"' in str(pages[-1].data.modules[0][1])


def summary(kode: str, nama: str, provinsi: tuple[str, str], posyandu: int, terdaftar: int,
            target: int) -> KabupatenSummary:
    """A kabupaten's data/ringkasan.json as national_areas reads it."""
    return KabupatenSummary.read({"kabupaten": {"kode": kode, "nama": nama},
                                  "provinsi": {"kode": provinsi[0], "nama": provinsi[1]},
                                  "posyandu": posyandu, "status_registrasi": {"terdaftar": terdaftar},
                                  "target_registrasi": target, "data_contoh": True}, f"{kode}/")


def test_national_areas_group_kabupaten_by_provinsi_in_code_order():
    kaltim, jabar = ("64", "Kalimantan Timur"), ("32", "Jawa Barat")
    areas = national_areas([summary("64.02", "Kutai Kartanegara", kaltim, 10, 4, 8),
                            summary("32.71", "Kota Bogor", jabar, 3, 3, 0),
                            summary("64.71", "Kota Balikpapan", kaltim, 5, 1, 2)],
                           lambda nama, kode: f"{nama.lower().replace(' ', '-')}-{kode}/")
    assert [(a.kode, a.path, a.posyandu, a.terdaftar, a.target) for a in areas] == [
        ("32", "jawa-barat-32/", 3, 3, 0), ("64", "kalimantan-timur-64/", 15, 5, 10)]
    assert [k.nama for k in areas[1].parts] == ["Kabupaten Kutai Kartanegara", "Kota Balikpapan"]
    assert areas[0].parts[0].nama == "Kota Bogor"
    assert (areas[1].percent(), areas[0].percent()) == (50.0, 0.0)


def _fingerprints(reg: Registry) -> dict[str, str]:
    """Every page's fingerprint by its URL."""
    seen: dict[int, str] = {}
    return {p.url: p.fingerprint("salt", seen)
            for p in directory_pages(reg, QrCache(None), None)}


def test_a_posyandu_pages_are_fingerprinted_without_making_their_data(
        monkeypatch: pytest.MonkeyPatch):
    before = _fingerprints(REGISTRY)
    for made_late in ("_posyandu_ld", "visit_sheet"):  # only when a page renders
        monkeypatch.setattr(plan, made_late, None)
    assert _fingerprints(REGISTRY) == before
    monkeypatch.undo()
    first = REGISTRY.posyandu[0]
    renamed = Registry(SETTINGS, REGION, [dataclasses.replace(first, nama="Posyandu Baru"),
                                          *REGISTRY.posyandu[1:]])
    after = _fingerprints(renamed)
    changed = {url for url in before if before[url] != after.get(url)}
    own = {f"posyandu/{first.id}/{part}" for part in ("", "poster/", "kunjungan/")}
    assert changed == own | {"desa/handil-baru-6402131012/",  # it lists the name
                             "kecamatan/samboja-640213/urutan-kunjungan/",
                             "kualitas/", "kualitas/kecamatan/samboja-640213/"}
    moved = _fingerprints(Registry(dataclasses.replace(SETTINGS, base_url="https://example.net/"),
                                   REGION, REGISTRY.posyandu))
    assert {url for url in before if before[url] != moved[url]} == {  # JSON-LD and QR codes
        f"posyandu/{p.id}/{part}" for p in REGISTRY.posyandu for part in ("", "poster/")}


def test_a_deferred_page_fingerprint_follows_its_function_and_each_argument():
    page = Page("a/", "t.html", "Judul", data=plan.Deferred(Numbers, ([1, 2],)))
    assert page.context() == Numbers([1, 2])
    assert page.fingerprint("salt") == Page("a/", "t.html", "Judul", data=plan.Deferred(
        Numbers, ([1, 2],))).fingerprint("salt")
    others = {dataclasses.replace(page, data=plan.Deferred(Numbers, ([1, 3],))).fingerprint("s"),
              dataclasses.replace(page, data=plan.Deferred(pagedata.Poster, ([1, 2],)))
              .fingerprint("salt"),
              dataclasses.replace(page, data=Numbers([1, 2])).fingerprint("salt")}
    assert len(others | {page.fingerprint("salt")}) == 4
