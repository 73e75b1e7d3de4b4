"""The study section as built from content/: curriculum, modules, glossary, handbook, search."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, html_pages, soup
from playwright.sync_api import Page, expect

RESULT_LINK = ".pagefind-ui__result-link:not(.pagefind-ui__result-nested *)"


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


@pytest.fixture(scope="module")
def modules() -> list[dict]:
    found = []
    for path in sorted((ROOT / "content" / "modul").glob("*.md")):
        data = front_matter(path)
        data["slug"] = re.sub(r"^\d+-", "", path.stem)
        found.append(data)
    return sorted(found, key=lambda m: m["urutan"])


def jpl(m: dict) -> int:
    return m["jpl"]["t"] + m["jpl"]["p"] + m["jpl"]["pl"]


def cells(row, name: str) -> int:
    return int(row.select_one(f"td.{name}").get_text())


def test_curriculum_table_sums_equal_the_modules(sample_pages, modules):
    assert len(modules) >= 8
    page = sample_pages["pelatihan/index.html"]
    table = page.select_one("table.struktur-kurikulum")
    rows = {r["data-modul"]: r for r in table.select("tbody tr[data-modul]")}
    assert sorted(rows) == sorted(m["slug"] for m in modules)  # each module once, not per audience
    for m in modules:
        row = rows[m["slug"]]
        assert [cells(row, k) for k in ("t", "p", "pl", "jumlah")] == [
            m["jpl"]["t"], m["jpl"]["p"], m["jpl"]["pl"], jpl(m)]
        assert row.find_parent("tbody")["data-kelompok"] == m["kelompok"]
        marks = [td.get_text() for td in row.select("td.sasaran")]
        assert marks == [("✓ya" if a in m["sasaran"] else "–tidak")
                         for a in ("kabupaten", "kecamatan", "desa")]
    total = table.select_one("tfoot tr")
    for key in ("t", "p", "pl"):
        assert cells(total, key) == sum(m["jpl"][key] for m in modules)
    assert cells(total, "jumlah") == sum(jpl(m) for m in modules)
    assert f"total {sum(jpl(m) for m in modules)} JPL" in page.select_one("p.big").get_text(
        " ", strip=True)
    audiences = [th["data-sasaran"] for th in table.select("thead th[data-sasaran]")]
    assert audiences == ["kabupaten", "kecamatan", "desa"]


def test_every_module_has_practice_and_at_most_half_recall(modules):
    for m in modules:
        assert len(m["praktik"]) >= 1, m["slug"]
        assert all(p["cara"] and p["jawaban_baik"] and p["produk"] for p in m["praktik"])
        recall = sum(e["jenis"] == "ingatan" for e in m["latihan"])
        assert recall * 2 <= len(m["latihan"]), m["slug"]


def test_module_pages_show_curriculum_fields_and_closed_answers(sample_pages, modules):
    for m in modules:
        page = sample_pages[f"pelatihan/{m['slug']}/index.html"]
        assert page.h1.get_text() == m["judul"]
        assert page.select_one(".meta .jpl").get_text() == f"{jpl(m)} JPL"
        meta = page.select_one(".meta").get_text()
        assert f"T {m['jpl']['t']} · P {m['jpl']['p']} · PL {m['jpl']['pl']}" in meta
        assert page.select_one(".kompetensi").get_text() == f"Kompetensi: {m['kompetensi']}"
        assert page.select_one(".tpu").get_text() == f"Tujuan pembelajaran umum: {m['tpu']}"
        assert [li.get_text() for li in page.select("ul.tpk li")] == m["tpk"]
        assert [li.get_text() for li in page.select("section.sumber li")] == m["referensi"]
        topics = page.select("ol.pokok > li")
        assert [li.contents[0].strip() for li in topics] == [t["judul"] for t in m["pokok_bahasan"]]
        tasks = page.select("section.praktik article.tugas")
        assert [a.h3.get_text() for a in tasks] == [p["judul"] for p in m["praktik"]]
        assert all(not d.has_attr("open") for d in page.select("details.fasilitator"))
        items = page.select("section.latihan > ol > li")
        assert len(items) == len(m["latihan"]) >= 1
        for li, exercise in zip(items, m["latihan"], strict=False):
            details = li.find("details")
            assert details is not None and not details.has_attr("open")
            assert details.summary.get_text() == "Lihat jawaban"
            assert details.find("p").get_text() == exercise["jawaban"]
            assert li.p.get_text() == exercise["soal"]
        appendix = [li.get_text() for li in page.select("section.lampiran-jawaban li")]
        assert appendix == [e["jawaban"] for e in m["latihan"]]
        ids = {tag["id"] for tag in page.find_all(id=True)}
        questions = page.select("section.swauji fieldset.soal")
        assert len(questions) == len(m["swauji"]) >= 1
        for fs, q in zip(questions, m["swauji"], strict=False):
            key = fs.select_one("details.kunci")
            assert not key.has_attr("open")
            assert q["pilihan"][q["benar"] - 1] in key.get_text()
            assert key.a["href"] == f"#{q['bagian']}" and q["bagian"] in ids
        toc = [a["href"] for a in page.select("nav.toc a")]
        assert len(toc) >= 5 and all(h.startswith("#") and h[1:] in ids for h in toc)
        assert page.select(".body .footnote li"), f"{m['slug']} cites no source in its body"
        assert page.main["data-pagefind-filter"] == "jenis:Modul pelatihan"
        audiences = [s.get_text() for s in page.select(".meta [data-pagefind-filter=sasaran]")]
        assert len(audiences) == len(m["sasaran"])


def test_pre_and_post_test_hold_every_self_check_item(sample_pages, modules):
    expected = [(q["soal"], f"../{m['slug']}/#{q['bagian']}") for m in modules for q in m["swauji"]]
    assert len(expected) >= 20
    for key in ("tes-awal", "tes-akhir"):
        page = sample_pages[f"pelatihan/{key}/index.html"]
        form = page.select_one(f"form.kuis[data-kuis={key}]")
        found = [(fs.legend.get_text(), fs.select_one("details.kunci a")["href"])
                 for fs in form.select("fieldset.soal")]
        assert found == expected


def test_previous_next_chain_covers_every_module_once(sample_pages, modules):
    slugs = [m["slug"] for m in modules]
    seen, current = [], slugs[0]
    while current:
        seen.append(current)
        nxt = sample_pages[f"pelatihan/{current}/index.html"].select_one("a[rel=next]")
        current = nxt["href"].split("/")[-2] if nxt else None
    assert seen == slugs
    back, current = [], slugs[-1]
    while current:
        back.append(current)
        prev = sample_pages[f"pelatihan/{current}/index.html"].select_one("a[rel=prev]")
        current = prev["href"].split("/")[-2] if prev else None
    assert back == slugs[::-1]


def test_glossary_terms_have_anchors(sample_pages):
    glossary = front_matter(ROOT / "content" / "istilah.md")
    page = sample_pages["pelatihan/istilah/index.html"]
    terms = {dt.get_text(): dt["id"] for dt in page.select("dl.glossary dt")}
    assert sorted(terms) == sorted(t["istilah"] for t in glossary["istilah"])
    assert all(re.fullmatch(r"[a-z0-9-]+", anchor) for anchor in terms.values())
    for required in ("SPM", "Kemendagri", "DPMD", "Kader", "JPL"):
        assert required in terms


def test_handbook_holds_every_module_with_unique_ids(sample_pages, modules):
    page = sample_pages["pelatihan/cetak/index.html"]
    titles = [h.get_text() for h in page.select("article.chapter > h1")]
    assert titles == [f"Modul {m['urutan']}. {m['judul']}" for m in modules]
    ids = Counter(tag["id"] for tag in page.find_all(id=True))
    assert [i for i, n in ids.items() if n > 1] == []
    answers = page.select("section.lampiran li")
    assert len(answers) == sum(len(m["latihan"]) + len(m["swauji"]) for m in modules)
    assert len(page.select("section.lampiran p.answer strong")) == 2 * sum(
        len(m["latihan"]) for m in modules)
    assert "Ctrl+P" not in page.get_text()


def test_module_prints_answers_and_no_link_paths(sample_site: Path):
    css = (sample_site / "assets" / "situs.css").read_text(encoding="utf-8")
    print_css = css[css.index("@media print"):]
    for hidden in (".top nav", ".crumbs", ".prevnext"):
        assert hidden in print_css
    training = (sample_site / "assets" / "pelatihan.css").read_text(encoding="utf-8")
    printing = training[training.index("@media print"):]
    assert 'main .module a[href]:not([href^="#"]):not([href^="http"])::after' in printing
    assert "content: none" in printing
    assert ".lampiran-jawaban { display: block" in printing


def unique_module_word(site: Path, modules) -> tuple[str, dict]:
    """A long word that occurs in exactly one module's body and on no other indexed page.

    Only the pages Pagefind indexes (``data-pagefind-body``) are parsed: the browser tests run
    alone, and parsing every page of the site there took most of this test's time."""
    indexed = {p.relative_to(site).as_posix(): soup(p) for p in html_pages(site)
               if "data-pagefind-body" in p.read_text(encoding="utf-8")}
    words_by_page = {rel: set(re.findall(r"[a-z]{9,}", page.main.get_text(" ").lower()))
                     for rel, page in indexed.items()
                     if page.main and page.main.has_attr("data-pagefind-body")}
    for m in modules:
        rel = f"pelatihan/{m['slug']}/index.html"
        body = indexed[rel].select_one(".body").get_text(" ").lower()
        others = set().union(*(w for r, w in words_by_page.items() if r != rel))
        unique = sorted(set(re.findall(r"[a-z]{9,}", body)) - others)
        if unique:
            return unique[0], m
    raise AssertionError("no module has a word of its own")


def test_search_for_a_word_of_one_module_finds_that_module(page: Page, site_url: str,
                                                          sample_site: Path, modules):
    word, module = unique_module_word(sample_site, modules)
    page.goto(site_url + "pelatihan/cari/")
    page.get_by_placeholder("Cari").fill(word)
    first = page.locator(RESULT_LINK).first
    expect(first).to_have_text(module["judul"])
    expect(page.locator(".pagefind-ui__message")).to_contain_text("1 hasil")
    nested = page.locator(".pagefind-ui__result-nested .pagefind-ui__result-link").first
    if nested.count():
        href = nested.get_attribute("href")
        assert f"pelatihan/{module['slug']}/#" in href
        nested.click()
        anchor = href.split("#", 1)[1]
        expect(page.locator(f"[id='{anchor}']")).to_be_in_viewport()
    else:
        first.click()
    expect(page.locator("h1")).to_have_text(module["judul"])
