"""The data-quality report: its numbers equal the site's, every number lists exactly the entries
behind it, its dates come from the registry (site) or today (check --report), it sorts and
prints in a real browser."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import ROOT

from generator import quality
from generator.__main__ import main
from generator.build import Options, load
from generator.models import Posyandu, Registration, Registry, Verification
from generator.render import tanggal
from generator.urls import posyandu as posyandu_url

PAGE = "kualitas/index.html"
STATUS_KEYS = {"terdaftar": "terdaftar", "dalam verifikasi": "dalam_verifikasi",
               "belum terdaftar": "belum_terdaftar"}


def _int(text: str) -> int:
    """A number as the site writes it (1.234)."""
    return int(text.split()[0].replace(".", ""))  # "1.234", or "13 (61,9%)"


def _table(page: BeautifulSoup, table_id: str) -> dict[tuple[str, ...], dict[str, int]]:
    """A report table as {row's names: {measure: the number shown}}; the names are the row's
    leading text cells (kecamatan, or kecamatan and desa)."""
    table = page.find("table", id=table_id)
    keys = [th.get("data-ukuran") for th in table.thead.find_all("th")]
    rows = {}
    for tr in table.tbody.find_all("tr"):
        cells = tr.find_all(["th", "td"], recursive=False)
        names = tuple(c.get_text(strip=True) for c, k in zip(cells, keys, strict=False) if k is None)
        rows[names] = {k: _int(c.summary.get_text() if c.summary else c.get_text())
                       for c, k in zip(cells, keys, strict=False) if k is not None}
    return rows


def _counts(ul) -> dict[str, int]:
    """An <ul class="counts"> of the home or kecamatan page: {label: number}."""
    return {li.get_text().split(":")[0].strip().lower(): _int(li.strong.get_text())
            for li in ul.find_all("li")}


@pytest.fixture(scope="module")
def report_page(sample_pages) -> BeautifulSoup:
    return sample_pages[PAGE]


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Registry:
    tmp = tmp_path_factory.mktemp("quality")
    return load(Options(config=ROOT / "config.yaml", data=(ROOT / "data" / "posyandu.yaml",),
                        content=None, templates=ROOT / "templates", out=tmp / "site",
                        cache=None)).registry


def test_numbers_equal_the_home_page(report_page, sample_pages):
    home = sample_pages["index.html"]
    kecamatan = _table(report_page, "tabel-kecamatan")
    shown = {}
    for tr in home.select("#kecamatan ~ table tbody tr"):
        cells = tr.find_all(["th", "td"])
        shown[(cells[0].get_text(strip=True),)] = {"posyandu": _int(cells[1].get_text()),
                                                   "terdaftar": _int(cells[2].get_text())}
    assert len(shown) == len(kecamatan) == 20
    assert {k: {m: v[m] for m in ("posyandu", "terdaftar")} for k, v in kecamatan.items()} == shown
    totals = report_page.find("table", id="tabel-kecamatan").tfoot.find_all("td")
    keys = [th["data-ukuran"] for th in report_page.select("#tabel-kecamatan thead th[data-ukuran]")]
    total = dict(zip(keys, (_int(td.get_text()) for td in totals), strict=False))
    counts = _counts(home.find("ul", class_="counts"))
    assert total["posyandu"] == counts["posyandu dalam direktori"] == 827
    for status, key in STATUS_KEYS.items():
        assert total[key] == counts[status] == sum(row[key] for row in kecamatan.values())


def test_numbers_equal_every_kecamatan_page(report_page, sample_pages):
    kecamatan = _table(report_page, "tabel-kecamatan")
    desa = _table(report_page, "tabel-desa")
    pages = [p for path, p in sample_pages.items()
             if path.startswith("kecamatan/") and path.count("/") == 2]
    assert len(pages) == 20
    for page in pages:
        name = page.h1.get_text(strip=True).removeprefix("Kecamatan").strip()
        counts = _counts(page.select_one("section.registrasi ul.counts"))
        assert {STATUS_KEYS[s]: n for s, n in counts.items()} == {
            k: kecamatan[(name,)][k] for k in STATUS_KEYS.values()}, name
        for tr in page.select("section.desa tbody tr"):
            cells = tr.find_all(["th", "td"])
            row = desa[(name, cells[0].get_text(strip=True))]
            assert (row["posyandu"], row["terdaftar"]) == (_int(cells[1].get_text()),
                                                          _int(cells[2].get_text()))


def _follow(sample_pages, href: str) -> tuple[BeautifulSoup, str]:
    """The kecamatan page and the anchor a number of the overview links to."""
    path, anchor = href.split("#")
    return sample_pages["kualitas/" + path + "index.html"], anchor


def test_every_number_lists_the_entries_the_open_data_gives(report_page, sample_pages,
                                                           sample_site: Path):
    """Follow each number of the overview to its kecamatan page and compare the entries listed
    there with those recomputed from data/posyandu.json, independently of generator/quality.py."""
    doc = json.loads((sample_site / "data" / "posyandu.json").read_text(encoding="utf-8"))
    today = dt.date.fromisoformat(doc["diperbarui"])
    year_ago = today.replace(year=today.year - 1)
    expected = {
        "tanpa_koordinat": lambda r: r["lat"] is None,
        "tanpa_kontak": lambda r: not (r["telepon"] or r["email"]),
        "tanpa_jadwal": lambda r: r["jadwal"] is None,
        "bidang_tanpa_kegiatan": lambda r: any(not s["kegiatan"] for s in r["spm"].values()),
        "verifikasi_lama": lambda r: (r["diverifikasi"] is None
                                      or dt.date.fromisoformat(r["diverifikasi"]) < year_ago),
        "menunggu_lama": lambda r: r["status_registrasi"] == "dalam verifikasi" and (
            (today - dt.date.fromisoformat(r["tanggal_registrasi"])).days > 90),
        "belum_terdaftar": lambda r: r["status_registrasi"] == "belum terdaftar",
        "posyandu": lambda r: True,
    }
    table = report_page.find("table", id="tabel-kecamatan")
    keys = [th.get("data-ukuran") for th in table.thead.find_all("th")]
    seen = 0
    for tr in table.tbody.find_all("tr"):
        name = tr.th.get_text(strip=True)
        records = [r for r in doc["posyandu"] if r["kecamatan"] == name]
        for cell, key in zip(tr.find_all(["th", "td"], recursive=False), keys, strict=False):
            if key is None or not cell.a:
                continue
            page, anchor = _follow(sample_pages, cell.a["href"])
            target = page.find(id=anchor)
            detail = target.find_all("td")[[m.key for m in quality.MEASURES].index(key)]
            assert _int(detail.summary.get_text()) == _int(cell.get_text()), (name, key)
            if key not in expected:
                continue
            links = [a["href"].removeprefix("../../../") for a in detail.select("details li a")]
            want = [r["url"].removeprefix("https://example.org/posyandu-kukar/")
                    for r in records if expected[key](r)]
            assert sorted(links) == sorted(want), (name, key)
            assert all((sample_site / u / "index.html").is_file() for u in want)
            seen += len(links)
    assert seen > 3000


def test_every_desa_number_leads_to_the_same_number_with_its_entries(report_page, sample_pages):
    table = report_page.find("table", id="tabel-desa")
    keys = [th.get("data-ukuran") for th in table.thead.find_all("th")]
    checked = 0
    for tr in table.tbody.find_all("tr"):
        for cell, key in zip(tr.find_all(["th", "td"], recursive=False), keys, strict=False):
            if key is None or not cell.a:
                continue
            page, anchor = _follow(sample_pages, cell.a["href"])
            row = page.find("tr", id=anchor)
            assert row.th.get_text() == tr.th.get_text()
            detail = row.find_all("td")[[m.key for m in quality.MEASURES].index(key)]
            assert len(detail.select("li")) == _int(detail.summary.get_text()) == _int(
                cell.get_text())
            checked += 1
    assert checked > 1000


def test_the_page_is_dated_by_the_newest_update_and_names_its_columns(report_page, registry):
    newest = max(p.diperbarui for p in registry.posyandu)
    assert f"per {tanggal(newest)}" in " ".join(report_page.get_text(" ").split())
    labels = [dt_.get_text() for dt_ in report_page.select("dl.ukuran dt")]
    assert labels == [m.label for m in quality.MEASURES]
    assert report_page.find("link", href="../assets/kualitas.css")
    assert report_page.find("script", src="../assets/kualitas.js")


def test_check_report_writes_one_self_contained_file_dated_today(tmp_path: Path, capsys,
                                                                 report_page):
    out = tmp_path / "laporan.html"
    status = main(["check", "--report", "--out", str(out), "--config", str(ROOT / "config.yaml"),
                   "--data", str(ROOT / "data" / "posyandu.yaml"), "--content",
                   str(ROOT / "content"), "--templates", str(ROOT / "templates"), "--no-cache"])
    today = dt.date.today()
    assert status == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"laporan kualitas per {today.isoformat()} (hari ini) ditulis ke {out}")
    page = BeautifulSoup(out.read_text(encoding="utf-8"), "lxml")
    assert f"per tanggal {tanggal(today)}" in " ".join(page.get_text(" ").split())
    assert page.find("p", class_="contoh")
    assert not page.find("link", rel="stylesheet") and not page.find("script", src=True)
    assert "button.urut" in page.style.get_text() and "data-urut" in page.script.get_text()
    links = [a["href"] for a in page.select("details li a")]
    assert links and all(u.startswith("https://dpmd.example.go.id/posyandu/posyandu/")
                         for u in links)
    site = _table(report_page, "tabel-desa")
    made = _table(page, "tabel-desa")
    undated = ("posyandu", *STATUS_KEYS.values(), "tanpa_koordinat", "tanpa_kontak")
    assert {k: {m: v[m] for m in undated} for k, v in made.items()} == {
        k: {m: v[m] for m in undated} for k, v in site.items()}


def test_check_report_says_when_it_cannot_write(tmp_path: Path, capsys):
    out = tmp_path / "no-such-folder" / "laporan.html"
    status = main(["check", "--report", "--out", str(out), "--config", str(ROOT / "config.yaml"),
                   "--data", str(ROOT / "data" / "posyandu.yaml"), "--content",
                   str(ROOT / "content"), "--templates", str(ROOT / "templates"), "--no-cache"])
    assert status == 1
    assert capsys.readouterr().err == (
        f"{out}: laporan tidak dapat ditulis: No such file or directory\n")  # the system's reason


# The measures at their edges

def _one(registry: Registry, **changes) -> Posyandu:
    return dataclasses.replace(registry.posyandu[0], **changes)


def _counted(registry: Registry, p: Posyandu, today: dt.date, key: str) -> int:
    reg = Registry(registry.settings, registry.region, [p])
    return quality.report(reg, today, posyandu_url).total.count(key)


@pytest.mark.parametrize(("day", "months", "expected"), [
    (dt.date(2026, 3, 31), 1, dt.date(2026, 2, 28)),
    (dt.date(2024, 3, 31), 1, dt.date(2024, 2, 29)),
    (dt.date(2026, 1, 15), 12, dt.date(2025, 1, 15)),
    (dt.date(2024, 2, 29), 12, dt.date(2023, 2, 28)),
])
def test_months_before(day: dt.date, months: int, expected: dt.date):
    assert quality.months_before(day, months) == expected


def test_verification_is_stale_after_twelve_months(registry: Registry):
    today = dt.date(2026, 6, 15)
    for verified, stale in ((dt.date(2025, 6, 15), 0), (dt.date(2025, 6, 14), 1), (None, 1)):
        p = _one(registry, verifikasi=Verification(verified, "Tim") if verified else None)
        assert _counted(registry, p, today, "verifikasi_lama") == stale, verified


def test_a_registration_waits_too_long_after_ninety_days(registry: Registry):
    today = dt.date(2026, 6, 15)
    for days, late in ((90, 0), (91, 1)):
        waiting = Registration("dalam verifikasi", None, today - dt.timedelta(days=days))
        p = _one(registry, registrasi=waiting)
        assert _counted(registry, p, today, "menunggu_lama") == late, days
        entry = quality.report(Registry(registry.settings, registry.region, [p]), today,
                               posyandu_url).total.cells[-1]
        assert [e.catatan.hari for e in entry] == ([91] if late else [])
    undated = _one(registry, registrasi=Registration("dalam verifikasi", None, None))
    assert _counted(registry, undated, today, "menunggu_lama") == 1
    registered = _one(registry, registrasi=Registration("terdaftar", "X-1", dt.date(2020, 1, 1)))
    assert _counted(registry, registered, today, "menunggu_lama") == 0


# In a real browser

@pytest.mark.browser
def test_tables_sort_by_a_column_and_print_without_menus(page, site_url: str):
    page.goto(site_url + "kualitas/")
    table = page.locator("#tabel-desa")
    column = [m.key for m in quality.MEASURES].index("tanpa_kontak") + 2  # after kecamatan, desa

    def values() -> list[int]:
        return [int(v) for v in table.locator(f"tbody tr td:nth-child({column + 1})")
                .evaluate_all("cells => cells.map(c => c.dataset.nilai)")]

    before = values()
    assert before != sorted(before)  # written in region order, not sorted
    header = table.locator("thead th").nth(column)
    header.get_by_role("button").click()
    assert values() == sorted(before) and header.get_attribute("aria-sort") == "ascending"
    header.get_by_role("button").click()
    assert values() == sorted(before, reverse=True)
    assert header.get_attribute("aria-sort") == "descending"
    names = table.locator("thead th").nth(1)
    names.get_by_role("button").click()
    desa = table.locator("tbody tr th").all_inner_texts()
    assert len(desa) == 237
    assert (desa[0], desa[-1]) == (min(desa, key=str.casefold), max(desa, key=str.casefold))
    page.emulate_media(media="print")
    assert page.locator("header.top nav").is_hidden()
    assert page.locator("footer.bottom").is_hidden()
    assert table.is_visible()
