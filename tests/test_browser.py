"""A resident searches the site in a real headless Chromium, served under a sub-path."""
from __future__ import annotations

import calendar
import datetime as dt

import io

import yaml
import zxingcpp
from PIL import Image

from playwright.sync_api import Page, expect

from conftest import ROOT

RESULT = ".pagefind-ui__result"
RESULT_LINK = ".pagefind-ui__result-link:not(.pagefind-ui__result-nested *)"


def search(page: Page, site_url: str, query: str) -> None:
    page.goto(site_url + "cari/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    page.get_by_placeholder("Cari").fill(query)
    expect(page.locator(RESULT_LINK).first).to_be_visible()


def test_search_for_a_desa_finds_its_page_and_posyandu(page: Page, site_url: str):
    search(page, site_url, "Handil Baru")
    titles = page.locator(RESULT_LINK).all_inner_texts()
    assert titles[0] == "Kelurahan Handil Baru", titles
    assert any("Handil Baru" in t and t.startswith("Posyandu") for t in titles[:6]), titles


def test_search_for_a_name_filter_by_kecamatan_and_open_the_profile(page: Page, site_url: str):
    search(page, site_url, "Posyandu Melati")
    expect(page.locator(".pagefind-ui__message")).to_contain_text("hasil untuk Posyandu Melati")
    first = page.locator(RESULT_LINK).first.inner_text()
    assert first.startswith("Posyandu Melati"), first
    page.locator(".pagefind-ui__filter-name", has_text="kecamatan").click()
    page.locator("input.pagefind-ui__filter-checkbox[value='Samboja']").check()
    expect(page.locator(".pagefind-ui__message")).to_contain_text("hasil untuk Posyandu Melati")
    page.wait_for_timeout(300)
    titles = page.locator(RESULT_LINK).all_inner_texts()
    assert titles and all("Samboja" in t for t in titles), titles
    assert not any("Kec. Samboja Barat" in t for t in titles), titles
    page.locator(RESULT_LINK, has_text="Kelurahan Handil Baru").first.click()
    expect(page.locator("h1")).to_have_text("Posyandu Melati")
    expect(page.locator("p.where")).to_contain_text("Kelurahan Handil Baru")
    assert page.url.startswith(site_url + "posyandu/samboja-handil-baru-melati")


def test_home_search_box_leads_to_results(page: Page, site_url: str):
    page.goto(site_url)
    page.get_by_label("Cari Posyandu menurut nama").fill("Giri Agung")
    page.get_by_role("button", name="Cari").click()
    expect(page.locator(RESULT_LINK).first).to_have_text("Desa Giri Agung")
    assert page.url == site_url + "cari/?q=Giri+Agung"


def test_search_by_spm_field_filter(page: Page, site_url: str):
    search(page, site_url, "Posyandu")
    page.locator(".pagefind-ui__filter-name", has_text="bidang").click()
    page.locator("input.pagefind-ui__filter-checkbox[value^='Perumahan Rakyat']").check()
    page.wait_for_timeout(300)
    page.locator(RESULT_LINK).first.click()
    expect(page.locator("ul.spm > li.on h3", has_text="Perumahan Rakyat")).to_be_visible()


def expected_next(jadwal: dict, today: dt.date) -> dt.date:
    """The next opening on or after ``today``, worked out independently of the site's script."""
    days = ["senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu"]
    for offset in range(400):
        day = today + dt.timedelta(days=offset)
        if "tanggal" in jadwal:
            if day.day == jadwal["tanggal"]:
                return day
            continue
        if day.weekday() != days.index(jadwal["hari"]):
            continue
        week = jadwal.get("minggu_ke")
        last = calendar.monthrange(day.year, day.month)[1]
        if week is None or (week == -1 and day.day + 7 > last) or (week > 0 and (day.day - 1) // 7 + 1 == week):
            return day
    raise AssertionError(jadwal)


def test_profile_shows_the_next_opening_day(page: Page, site_url: str):
    registry = yaml.safe_load((ROOT / "data" / "posyandu.yaml").read_text(encoding="utf-8"))["posyandu"]
    kinds = {}
    for entry in registry:
        j = entry["jadwal"]
        kind = "tanggal" if "tanggal" in j else f"minggu_ke={j.get('minggu_ke')}"
        kinds.setdefault(kind, entry)
    assert {"tanggal", "minggu_ke=None", "minggu_ke=-1", "minggu_ke=2"} <= set(kinds)
    months = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
              "September", "Oktober", "November", "Desember"]
    today = dt.date(2026, 11, 22)
    page.clock.set_fixed_time(dt.datetime(2026, 11, 22, 1, 0, tzinfo=dt.timezone.utc))
    for entry in kinds.values():
        page.goto(site_url + f"posyandu/{entry['id']}/")
        due = expected_next(entry["jadwal"], today)
        when = page.locator(".next-open [data-next]")
        expect(when).to_have_attribute("data-date", due.isoformat())
        assert f"{due.day} {months[due.month - 1]} {due.year}" in when.inner_text()


def test_poster_qr_code_as_printed_opens_the_profile(page: Page, site_url: str):
    """The QR code, as the browser draws it, decodes to the profile's public address."""
    pid = "muara-muntai-perian-teratai"
    page.goto(site_url + f"posyandu/{pid}/poster/")
    shot = page.locator(".poster-qr svg").screenshot()
    found = [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)))]
    assert found == [f"https://example.org/posyandu-kukar/posyandu/{pid}/"]
