"""A resident searches the site in a real headless Chromium, served under a sub-path."""
from __future__ import annotations

import datetime as dt
import io

import pytest
import yaml
import zxingcpp
from helpers import ROOT, expected_next
from PIL import Image
from playwright.sync_api import Page, expect

CARDS = "#hasil li:not(.more)"


def test_home_search_box_leads_to_results(page: Page, site_url: str):
    page.goto(site_url)
    page.get_by_label("Cari Posyandu menurut nama").fill("Giri Agung")
    page.get_by_role("button", name="Cari", exact=True).click()
    expect(page.locator(CARDS).first).to_contain_text("Desa Giri Agung")
    assert page.url == site_url + "cari/?q=Giri+Agung"


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
    page.clock.set_fixed_time(dt.datetime(2026, 11, 22, 1, 0, tzinfo=dt.UTC))
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


NARROW_PAGES = ["", "cari/?q=Melati", "kecamatan/samboja-640213/", "desa/handil-baru-6402131012/",
                "posyandu/samboja-handil-baru-melati/",
                "posyandu/samboja-handil-baru-melati/poster/", "spm/", "pelatihan/",
                "pelatihan/istilah/", "pelatihan/cetak/", "pelatihan/cari/", "404.html"]


EVERY_KIND = [*NARROW_PAGES, "posyandu/samboja-handil-baru-melati/kunjungan/",
              "kecamatan/samboja-640213/urutan-kunjungan/", "data-terbuka/", "kualitas/",
              "kualitas/kecamatan/samboja-640213/", "pelatihan/tes-awal/", "pelatihan/tes-akhir/",
              "pelatihan/hasil-belajar/", "pelatihan/tim-pembina-posyandu/"]


@pytest.mark.browser
def test_no_page_of_any_kind_scrolls_sideways_at_320_px(browser, site_url: str):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    try:
        wide = {}
        for path in EVERY_KIND:
            assert page.goto(site_url + path).status == 200, path
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 320:
                wide[path] = width
        assert wide == {}
    finally:
        context.close()


@pytest.mark.browser
def test_no_page_scrolls_sideways_at_320_px_and_targets_are_big_enough(browser, site_url: str):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    try:
        for path in NARROW_PAGES:
            page.goto(site_url + path)
            if path.startswith("cari/"):
                expect(page.locator(CARDS).first).to_be_visible()
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 320, (path, width)
            small = page.evaluate("""() => [...document.querySelectorAll(
                    'header a, .crumbs a, table a, .cards a, .az a, button, .button, select, input')]
                .filter((el) => el.offsetParent !== null)
                .map((el) => [el.textContent.trim() || el.name, el.getBoundingClientRect()])
                .filter(([, r]) => r.width < 24 || r.height < 24)
                .map(([name, r]) => name + " " + Math.round(r.width) + "x" + Math.round(r.height))""")
            assert small == [], (path, small)
            primary = page.evaluate("""() => [...document.querySelectorAll(
                    'button, .button, .card-title, .top nav a')]
                .filter((el) => el.offsetParent !== null)
                .map((el) => [el.textContent.trim(), el.getBoundingClientRect()])
                .filter(([, r]) => r.height < 44)
                .map(([name, r]) => name + " " + Math.round(r.height))""")
            assert primary == [], (path, primary)
    finally:
        context.close()
