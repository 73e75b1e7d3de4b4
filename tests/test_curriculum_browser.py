"""Self-tests in real Chromium: scored in the browser, kept on the device across a reload and
offline (service worker), cleared on request; the PDF handbook is tagged, bookmarked, precached."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from helpers import axe_violations, built_once, cached_training, options
from playwright.sync_api import expect
from training_content import make_content

from generator.build import build

pypdf = pytest.importorskip("pypdf")


@pytest.fixture(scope="module")
def small_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    def make(base: Path) -> Path:
        build(options(base / "site", content=make_content(base), search=False, cache=None))
        return base / "site"
    return built_once(tmp_path_factory, "curriculum", make)


@pytest.mark.browser
@pytest.mark.slow
def test_self_test_scores_keeps_progress_offline_and_clears(small_site: Path, tmp_path: Path,
                                                            browser):
    with cached_training(browser, small_site, tmp_path, "pelatihan/tes-awal/", 8) as (
            context, page, url):
        questions = page.locator("fieldset.soal")
        expect(questions).to_have_count(2)
        # known answer set: the first right (choice 1), the second wrong (choice 2)
        questions.nth(0).get_by_label("A. Ini").check()
        questions.nth(1).get_by_label("B. Itu").check()
        page.get_by_role("button", name="Periksa jawaban").click()
        expect(page.locator("form.kuis .skor")).to_have_text(
            "Skor: 1 dari 2. Tersimpan di perangkat ini.")
        expect(questions.nth(0).locator(".hasil")).to_have_text("Benar.")
        expect(questions.nth(1).locator("details.kunci")).to_have_attribute("open", "")
        explain = questions.nth(1).locator("details.kunci a")
        assert explain.get_attribute("href") == "../dua/#bagian-kedua"
        assert axe_violations(page) == []  # also in the scored state
        page.reload()
        expect(page.locator("form.kuis .skor")).to_contain_text("Skor terakhir: 1 dari 2")
        page.goto(url + "pelatihan/satu/")
        page.get_by_role("button", name="Tandai modul ini selesai").click()
        context.set_offline(True)
        page.goto(url + "pelatihan/hasil-belajar/")
        expect(page.locator("#luring")).to_contain_text("luring")
        expect(page.locator("tr[data-skor=tes-awal] .skor")).to_have_text("1 dari 2")
        expect(page.locator("tr[data-modul=satu] .selesai")).to_contain_text("selesai")
        expect(page.locator("tr[data-modul=dua] .selesai")).to_have_text("belum")
        page.get_by_role("button", name="Hapus semua hasil di perangkat ini").click()
        expect(page.locator("tr[data-skor=tes-awal] .skor")).to_have_text("belum dikerjakan")
        expect(page.locator("tr[data-modul=satu] .selesai")).to_have_text("belum")
        assert page.evaluate("() => localStorage.getItem('pelatihan-hasil-v1')") is None
        pdf = page.evaluate("async () => { const r = await fetch('../buku-pegangan-pelatihan.pdf');"
                            " return [r.ok, (await r.text()).slice(0, 5)]; }")
        assert pdf == [True, "%PDF-"]


def test_self_test_answers_are_readable_without_javascript(small_site: Path):
    from bs4 import BeautifulSoup
    page = BeautifulSoup((small_site / "pelatihan" / "tes-akhir" / "index.html").read_text(
        encoding="utf-8"), "lxml")
    keys = page.select("fieldset.soal details.kunci")
    assert len(keys) == 2 and not any(d.has_attr("open") for d in keys)
    assert "Jawaban benar: A. Ini" in keys[0].get_text()
    assert page.select_one(".kuis-aksi").has_attr("hidden")  # the button needs JavaScript


def test_handbook_pdf_is_tagged_with_bookmarks_and_page_numbers(small_site: Path):
    data = (small_site / "pelatihan" / "buku-pegangan-pelatihan.pdf").read_bytes()
    reader = pypdf.PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root and root["/Lang"] == "id"
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "Modul 1. Modul Satu" in titles and "Modul 2. Modul Dua" in titles
    pages = len(reader.pages)
    assert reader.page_labels == ["Sampul"] + [str(n) for n in range(2, pages + 1)]
    for number in range(2, pages + 1):
        assert f"Halaman {number} dari {pages}" in reader.pages[number - 1].extract_text()
    assert not [n for n, p in enumerate(reader.pages) if "(../" in p.extract_text()]
    toc = reader.pages[1].extract_text()
    chapter = next(i for i, p in enumerate(reader.pages) if "Modul 2. Modul Dua" in
                   p.extract_text() and i > 1) + 1
    assert any(line.startswith("Modul 2. Modul Dua") and line.rstrip().endswith(str(chapter))
               for line in toc.splitlines()), toc
    worker = (small_site / "pelatihan" / "sw.js").read_text(encoding="utf-8")
    assert '"buku-pegangan-pelatihan.pdf"' in worker


@pytest.mark.browser
def test_table_of_contents_stays_reachable(sample_site: Path, site_url: str, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.goto(site_url + "pelatihan/kader-dan-pengurus/")
        assert page.evaluate("() => getComputedStyle(document.querySelector('nav.toc')).position") == "sticky"
        page.locator("#bagian-sumber").scroll_into_view_if_needed()
        expect(page.locator("nav.toc")).to_be_in_viewport()
        # a note cited twice shows "↩ 2", not "↩↩": the second arrow is drawn as its number
        second = page.locator(".footnote-backref ~ .footnote-backref").first
        drawn = second.evaluate("a => [getComputedStyle(a).fontSize, "
                                "getComputedStyle(a, '::after').content]")
        assert drawn == ["0px", "counter(backref)"]
        page.set_viewport_size({"width": 360, "height": 740})
        headings = page.locator(".module-text h2[id]").count()
        assert headings >= 5
        assert page.locator(".module-text p.toc-link a[href='#daftar-isi']").count() == headings
        page.locator(".module-text p.toc-link a").nth(3).click()
        expect(page.locator("#daftar-isi")).to_be_in_viewport()
    finally:
        context.close()
