"""The training section keeps working offline after one visit, and so does a Posyandu profile
once visited, saying that it shows a saved copy (service workers)."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from helpers import cached_training, options
from playwright.sync_api import expect
from training_content import make_content

from generator.build import build


def test_module_is_served_with_the_network_cut(tmp_path: Path, browser):
    out = tmp_path / "site"
    build(options(out, content=make_content(tmp_path), search=False, cache=None))
    worker = (out / "pelatihan" / "sw.js").read_text(encoding="utf-8")
    assert '"dua/"' in worker and '"../assets/situs.css"' in worker and '"media/bagan.svg"' in worker
    with cached_training(browser, out, tmp_path, "pelatihan/", 6) as (context, page, url):
        context.set_offline(True)
        page.goto(url + "pelatihan/dua/")
        expect(page.locator("h1")).to_have_text("Modul Dua")
        assert page.evaluate("() => getComputedStyle(document.body).maxWidth") != "none"
        page.goto(url + "pelatihan/istilah/#kader")
        expect(page.locator("#kader")).to_have_text("Kader")


def test_handbook_pdf_holds_every_module(tmp_path: Path):
    out = tmp_path / "site"
    build(options(out, content=make_content(tmp_path), search=False, cache=tmp_path / "cache"))
    data = (out / "pelatihan" / "buku-pegangan-pelatihan.pdf").read_bytes()
    assert data.startswith(b"%PDF-")
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout
    text = text.decode("utf-8")
    assert "Modul 1. Modul Satu" in text and "Modul 2. Modul Dua" in text and "Jawaban:" in text
    cached = list((tmp_path / "cache").glob("handbook-*.pdf"))
    assert len(cached) == 1 and cached[0].read_bytes() == data


@pytest.mark.browser
def test_visited_profile_opens_offline_with_its_notice(browser, site_url: str):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    url = site_url + "posyandu/samboja-handil-baru-melati/"
    try:
        page.goto(url)
        expect(page.locator("[data-salinan]")).to_be_hidden()
        page.wait_for_function("""async (url) => {
            const reg = await navigator.serviceWorker.getRegistration(url);
            if (!reg || !reg.active) return false;
            const cache = await caches.open("posyandu-profil-1");
            return !!(await cache.match(url)) && !!(await cache.match(new URL("../../assets/situs.css", url).href));
        }""", arg=url)
        context.set_offline(True)
        page.reload()
        expect(page.locator("h1")).to_have_text("Posyandu Melati")
        expect(page.locator("[data-salinan]")).to_contain_text("menampilkan salinan tersimpan dari")
        assert page.evaluate("getComputedStyle(document.body).maxWidth") != "none"  # CSS kept too
    finally:
        context.close()
