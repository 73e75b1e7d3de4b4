"""A resident searches the site in a real headless Chromium, served under a sub-path."""
from __future__ import annotations

from playwright.sync_api import Page, expect

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
