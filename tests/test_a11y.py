"""Accessibility: axe-core finds no WCAG 2.1 A/AA violation on any kind of page; search results
are announced; the site works by keyboard; a profile page stays light."""
from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from helpers import AXE, axe_violations
from playwright.sync_api import Page, expect


def kinds_of_page(site: Path) -> list[str]:
    """One page of every kind the site has."""
    pages = ["", "kecamatan/samboja-640213/", "desa/handil-baru-6402131012/",
             "posyandu/samboja-handil-baru-melati/", "posyandu/samboja-handil-baru-melati/poster/",
             "posyandu/samboja-handil-baru-melati/kunjungan/",
             "kecamatan/samboja-640213/urutan-kunjungan/",
             "spm/", "cari/?q=Handil+Baru", "404.html", "data-terbuka/", "kualitas/",
             "kualitas/kecamatan/samboja-640213/"]
    if (site / "pelatihan").exists():
        module = sorted(p.parent.name for p in (site / "pelatihan").glob("*/index.html")
                        if p.parent.name not in ("istilah", "cetak", "tes-awal", "tes-akhir",
                                                 "hasil-belajar", "cari"))[0]
        pages += ["pelatihan/", f"pelatihan/{module}/", "pelatihan/istilah/", "pelatihan/cetak/",
                  "pelatihan/tes-awal/", "pelatihan/hasil-belajar/", "pelatihan/cari/?q=posyandu"]
    return pages


def test_no_wcag_violation_on_any_kind_of_page(page: Page, site_url: str, sample_site: Path):
    assert AXE.exists(), "run: npm ci"
    found = {}
    for path in kinds_of_page(sample_site):
        page.goto(site_url + path)
        if path.startswith("cari/"):
            expect(page.locator("#hasil li").first).to_be_visible()
        elif "cari/" in path:
            expect(page.locator(".pagefind-ui__result").first).to_be_visible()
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    assert found == {}


def test_search_results_are_announced(page: Page, site_url: str):
    page.goto(site_url + "cari/")
    page.get_by_label("Cari Posyandu menurut nama").fill("Giri Agung")
    status = page.locator("[role=status][aria-live=polite]")
    expect(status).to_have_count(1)
    expect(status).to_have_text(re.compile(r"\d+ Posyandu ditemukan untuk “Giri Agung”"))


def test_everything_works_by_keyboard(page: Page, site_url: str):
    page.goto(site_url)
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_text("Langsung ke isi")
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    assert page.url.endswith("#isi")
    page.locator("#q").focus()
    page.keyboard.type("Handil Baru")
    page.keyboard.press("Enter")
    expect(page.locator("#hasil .card-title").first).to_be_visible()
    page.locator("#q").focus()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('card-title')"):
            break
    else:
        pytest.fail("no search result could be reached with Tab")
    target = page.evaluate("() => document.activeElement.getAttribute('href')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(target.rstrip("/"))))


def test_profile_page_is_light(sample_site: Path):
    html = (sample_site / "posyandu" / "samboja-handil-baru-melati" / "index.html").read_bytes()
    css = (sample_site / "assets" / "situs.css").read_bytes()
    js = (sample_site / "assets" / "jadwal.js").read_bytes()
    total = len(gzip.compress(html, 9)) + len(gzip.compress(css, 9))
    assert total < 20 * 1024, total
    assert len(gzip.compress(js, 9)) < 2 * 1024
