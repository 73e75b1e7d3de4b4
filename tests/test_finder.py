"""The directory finder: its index (built output), and a resident using it in a real Chromium."""
from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, expected_next
from playwright.sync_api import Page, expect

from generator.finder import spelling_variants

CARDS = "#hasil li:not(.more)"
WITA = dt.timezone(dt.timedelta(hours=8))


def registry() -> list[dict]:
    return yaml.safe_load((ROOT / "data" / "posyandu.yaml").read_text(encoding="utf-8"))["posyandu"]


def regions() -> dict[str, dict]:
    """Every desa of the region table by code, with its kecamatan's name."""
    table = yaml.safe_load((ROOT / "data" / "wilayah.yaml").read_text(encoding="utf-8"))
    return {d["kode"]: {**d, "kecamatan": k["nama"]} for k in table["kecamatan"] for d in k["desa"]}


def test_index_holds_every_posyandu_once_with_its_region(sample_site: Path):
    index = json.loads((sample_site / "cari" / "indeks.json").read_text(encoding="utf-8"))
    entries = registry()
    desa = regions()
    assert sorted(p[0] for p in index["posyandu"]) == sorted(e["id"] for e in entries)
    by_id = {e["id"]: e for e in entries}
    for pid, nama, d, status, _, lat, lon in index["posyandu"]:
        entry = by_id[pid]
        label, k = index["desa"][d][0], index["desa"][d][1]
        assert nama == entry["nama"]
        assert label.endswith(desa[entry["kode_wilayah"]]["nama"])
        assert index["kecamatan"][k][0] == desa[entry["kode_wilayah"]]["kecamatan"]
        assert index["status"][status] == entry["registrasi"]["status"]
        if "koordinat" in entry:
            assert (lat, lon) == (entry["koordinat"]["lat"], entry["koordinat"]["lon"])
        else:
            assert lat is None and lon is None
        assert (sample_site / "posyandu" / pid / "index.html").exists()
    names = [k[0] for k in index["kecamatan"]]
    assert names == sorted(names)
    for d in index["desa"]:
        assert (sample_site / d[4] / "index.html").exists()


def test_spelling_variants_of_region_names():
    assert "SangaSanga" in spelling_variants("Sanga Sanga")
    assert "SangaSanga" in spelling_variants("Sanga-Sanga Dalam")
    assert "Kota Bangun 2" in spelling_variants("Kota Bangun II")
    assert spelling_variants("Tabang") == []


def finder(page: Page, site_url: str, query: str) -> list[str]:
    """Type ``query`` into the finder; the text of each result card."""
    page.goto(site_url + "cari/")
    page.get_by_label("Cari Posyandu menurut nama").press_sequentially(query)
    expect(page.locator(CARDS).first).to_be_visible()
    return page.locator(CARDS).all_inner_texts()


@pytest.mark.browser
def test_misspelt_desa_finds_its_posyandu(page: Page, site_url: str):
    cards = finder(page, site_url, "Handil Bru")
    desa = regions()
    in_desa = [e for e in registry() if desa[e["kode_wilayah"]]["nama"] == "Handil Baru"]
    assert in_desa and len(cards) >= len(in_desa)
    assert all("Kelurahan Handil Baru" in c for c in cards[:len(in_desa)]), cards
    cards = finder(page, site_url, "posyandu melati handil bru")
    assert cards[0].startswith("Posyandu Melati") and "Kelurahan Handil Baru" in cards[0], cards


@pytest.mark.browser
@pytest.mark.parametrize("query, desa", [("Kuala Samboja", "Samboja Kuala"),
                                         ("Sangasanga Dalam", "Sanga-Sanga Dalam")])
def test_spelling_variants_find_the_desa(page: Page, site_url: str, query: str, desa: str):
    cards = finder(page, site_url, query)
    assert f"Kelurahan {desa}" in cards[0], cards


@pytest.mark.browser
def test_query_and_filter_live_in_the_address_and_survive_back(page: Page, site_url: str):
    finder(page, site_url, "Melati")
    page.get_by_role("button", name="Saring").click()
    page.get_by_label("Kecamatan", exact=True).select_option("Samboja")
    expect(page.locator(CARDS).first).to_contain_text("Kecamatan Samboja")
    assert all("Kecamatan Samboja" in c and "Samboja Barat" not in c
               for c in page.locator(CARDS).all_inner_texts())
    assert "q=Melati" in page.url and "kecamatan=Samboja" in page.url
    page.locator(CARDS).first.locator("a").click()
    expect(page.locator("h1")).to_have_text("Posyandu Melati")
    page.go_back()
    expect(page.get_by_label("Cari Posyandu menurut nama")).to_have_value("Melati")
    expect(page.get_by_label("Kecamatan", exact=True)).to_have_value("Samboja")
    expect(page.locator(CARDS).first).to_contain_text("Kecamatan Samboja")


def haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (independent of the page's script)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371 * math.asin(math.sqrt(a))


@pytest.mark.browser
def test_nearest_ten_equal_an_independent_distance_computation(browser, site_url: str):
    here = (-0.52, 117.10)  # near Samboja, where entries with and without coordinates mix
    context = browser.new_context(viewport={"width": 360, "height": 740},
                                  geolocation={"latitude": here[0], "longitude": here[1]},
                                  permissions=["geolocation"])
    page = context.new_page()
    try:
        page.goto(site_url + "cari/")
        page.get_by_role("button", name="Posyandu terdekat").click()
        expect(page.locator(CARDS)).to_have_count(10)
        desa = regions()
        expected = []
        for e in registry():
            guess = "koordinat" not in e
            lat, lon = desa[e["kode_wilayah"]]["pusat"] if guess else \
                (e["koordinat"]["lat"], e["koordinat"]["lon"])
            expected.append((haversine(*here, lat, lon), e, guess))
        expected.sort(key=lambda x: x[0])
        shown = page.locator(CARDS).all()
        for (distance, e, guess), card in zip(expected[:10], shown, strict=False):
            href = card.locator("a").first.get_attribute("href")
            km = f"{distance:.1f}".replace(".", ",") + " km"
            assert card.locator(".distance").inner_text().startswith(km), (e["id"], km)
            assert ("perkiraan" in card.locator(".distance").inner_text()) == guess
            same = [x for x in expected if abs(x[0] - distance) < 1e-6]
            assert any(href.endswith(f"posyandu/{x[1]['id']}/") for x in same), (href, e["id"])
        expect(page.locator("#cari-status")).to_contain_text("tidak dikirim")
    finally:
        context.close()


@pytest.mark.browser
def test_refused_location_leads_to_choosing_a_desa(browser, site_url: str):
    context = browser.new_context(viewport={"width": 360, "height": 740}, permissions=[])
    page = context.new_page()
    try:
        page.goto(site_url + "cari/")
        page.get_by_role("button", name="Posyandu terdekat").click()
        expect(page.locator("#cari-status")).to_contain_text("Pilih kecamatan")
        page.get_by_label("Kecamatan Anda").select_option(label="Samboja")
        page.locator("#pilih-wilayah").get_by_role("link", name="Kelurahan Handil Baru", exact=True).click()
        expect(page.locator("h1")).to_have_text("Kelurahan Handil Baru")
        expect(page.locator(".cards li").first).to_be_visible()
    finally:
        context.close()


def opening_day(jadwal: dict, after: dt.date) -> dt.date:
    """The first day after ``after`` this weekly or monthly schedule opens (brute force)."""
    return expected_next(jadwal, after + dt.timedelta(days=1))


@pytest.mark.browser
@pytest.mark.parametrize("kind", ["weekly", "monthly"])
def test_open_closed_and_next_at_fixed_clocks(page: Page, site_url: str, kind: str):
    entry = next(e for e in registry() if (kind == "weekly") == (
        "hari" in e["jadwal"] and e["jadwal"].get("minggu_ke") is None) and "tanggal" not in e["jadwal"])
    start, end = (dt.time.fromisoformat(t.replace(".", ":"))
                  for t in entry["jadwal"]["jam"].split("-"))
    day = opening_day(entry["jadwal"], dt.date(2026, 12, 1))
    after = opening_day(entry["jadwal"], day)
    other = day - dt.timedelta(days=1)
    cases = [  # (local time in WITA, state, date shown)
        (dt.datetime.combine(day, start) - dt.timedelta(hours=1), "later", day),
        (dt.datetime.combine(day, start) + dt.timedelta(minutes=30), "open", day),
        (dt.datetime.combine(day, end) - dt.timedelta(minutes=1), "open", day),
        (dt.datetime.combine(day, end) + dt.timedelta(minutes=30), "closed", after),
        (dt.datetime.combine(day, dt.time(23, 30)), "closed", after),
        (dt.datetime.combine(other, dt.time(10, 0)), "closed", day),
    ]
    for local, state, shown in cases:
        page.clock.set_fixed_time(local.replace(tzinfo=WITA))
        page.goto(site_url + f"posyandu/{entry['id']}/")
        when = page.locator(".next-open [data-next]")
        expect(when).to_have_attribute("data-state", state)
        expect(when).to_have_attribute("data-date", shown.isoformat())
        text = when.inner_text()
        if state == "open":
            assert text.startswith("Buka sekarang") and f"tutup pukul {end:%H.%M} WITA" in text
        else:
            assert text.startswith("Tutup sekarang") and f"{start:%H.%M}–{end:%H.%M} WITA" in text
            assert ("hari ini" in text) == (state == "later"), (local, text)
        assert f"{shown.day} " in text and str(shown.year) in text


@pytest.mark.browser
def test_share_falls_back_to_whatsapp_only_on_click(page: Page, site_url: str):
    page.add_init_script("delete Navigator.prototype.share")
    page.goto(site_url + "posyandu/samboja-handil-baru-melati/")
    assert page.locator("a[href^='https://wa.me']").count() == 0
    page.get_by_role("button", name="Bagikan").click()
    link = page.get_by_role("link", name="Bagikan lewat WhatsApp")
    assert "samboja-handil-baru-melati" in link.get_attribute("href")


def test_profile_schema_org_gives_the_opening_schedule(sample_pages):
    days = {"senin": "Monday", "selasa": "Tuesday", "rabu": "Wednesday", "kamis": "Thursday",
            "jumat": "Friday", "sabtu": "Saturday", "minggu": "Sunday"}
    seen = set()
    for e in registry():
        page = sample_pages[f"posyandu/{e['id']}/index.html"]
        data = json.loads(page.find("script", type="application/ld+json").string)
        schedule = data["event"]["eventSchedule"]
        j = e["jadwal"]
        start, end = j["jam"].split("-")
        assert data["event"]["@type"] == "Event" and schedule["@type"] == "Schedule"
        assert (schedule["startTime"], schedule["endTime"]) == (
            start.replace(".", ":") + ":00", end.replace(".", ":") + ":00")
        assert schedule["scheduleTimezone"] == "Asia/Makassar"
        if "tanggal" in j:
            assert (schedule["repeatFrequency"], schedule["byMonthDay"]) == ("P1M", j["tanggal"])
        else:
            assert schedule["byDay"] == "https://schema.org/" + days[j["hari"]]
            assert schedule["repeatFrequency"] == ("P1M" if "minggu_ke" in j else "P1W")
            assert schedule.get("byMonthWeek") == j.get("minggu_ke")
        assert data["event"]["startDate"].startswith(schedule["startDate"])
        seen.add(schedule["repeatFrequency"])
    assert seen == {"P1M", "P1W"}


def test_vendored_minisearch_is_the_npm_package_file():
    package = ROOT / "node_modules" / "minisearch"
    assert package.exists(), "run: npm ci"
    pinned = json.loads((ROOT / "package.json").read_text())["devDependencies"]["minisearch"]
    assert json.loads((package / "package.json").read_text())["version"] == pinned
    vendor = ROOT / "templates" / "assets" / "vendor"
    assert (vendor / "minisearch.js").read_bytes() == (package / "dist/umd/index.js").read_bytes()
    assert (vendor / "minisearch-LICENSE.txt").read_bytes() == (package / "LICENSE.txt").read_bytes()


def test_pagefind_indexes_only_the_training_section(sample_site: Path, sample_pages):
    entry = json.loads((sample_site / "pagefind" / "pagefind-entry.json").read_text())
    indexed = sum(language["page_count"] for language in entry["languages"].values())
    marked = [rel for rel, page in sample_pages.items()
              if page.main and page.main.has_attr("data-pagefind-body")]
    training = [rel for rel in marked if rel.startswith("pelatihan/")]
    assert training and len(marked) > len(training)  # the SPM page is marked, not indexed
    assert indexed == len(training)


def test_poster_shows_the_public_phone_and_a_print_button(sample_pages):
    phones = {e["id"]: e.get("kontak", {}).get("telepon") for e in registry()}
    assert any(phones.values()) and not all(phones.values())
    for pid, phone in phones.items():
        poster = sample_pages[f"posyandu/{pid}/poster/index.html"]
        shown = poster.select_one(".poster-phone")
        assert (shown.get_text() == f"Telepon: {phone}") if phone else shown is None, pid
        assert poster.select_one("[data-print] button").get_text() == "Cetak poster"
