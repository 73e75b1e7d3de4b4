"""A site of many kabupaten: shards built apart (--only), assembled, searched from one box."""
from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import ROOT, built_once, html_pages, served, soup
from playwright.sync_api import Page, expect

from generator import links
from generator.problems import Problems

UNITS = ROOT / "tests" / "fixtures" / "nasional"
BASE_PATH = "/posyandu-nasional/"
KUKAR = "kalimantan-timur-64/kutai-kartanegara-6402/"
BOGOR = "jawa-barat-32/bogor-3201/"
RESULT_LINK = "#hasil li a.card-title"


def generator(*args: object) -> subprocess.CompletedProcess:
    """Run the generator's command line from the project folder; fails the test on an error."""
    done = subprocess.run([sys.executable, "-m", "generator", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def assembled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two shards (Kalimantan Timur, Jawa Barat) built apart, then assembled."""
    def make(tmp: Path) -> Path:
        for code in ("64", "32"):
            generator("build", "--units", UNITS, "--only", code, "--out", tmp / f"shard-{code}",
                      "--cache", tmp / f"cache-{code}")
        generator("assemble", "--units", UNITS, "--out", tmp / "site", "--cache",
                  tmp / "cache-top", tmp / "shard-64", tmp / "shard-32")
        return tmp / "site"
    return built_once(tmp_path_factory, "national", make)


def test_shards_hold_only_their_provinsi(assembled: Path):
    shard = assembled.parent / "shard-32"
    assert (shard / BOGOR / "index.html").is_file()
    assert not (shard / "kalimantan-timur-64").exists()
    assert not (shard / "index.html").exists()  # the top is made when assembling


def test_every_link_of_the_assembled_site_resolves(assembled: Path):
    problems = Problems()
    checked = links.check_links(assembled, BASE_PATH, problems).links
    assert checked > 1000 and not problems, problems.sorted()[:5]


def test_levels_provinsi_and_kabupaten(assembled: Path):
    home = soup(assembled / "index.html")
    provinsi = [a.get_text() for a in home.select("table.progress th a")]
    assert provinsi == ["Jawa Barat", "Kalimantan Timur"]
    jabar = soup(assembled / "jawa-barat-32" / "index.html")
    assert [a["href"] for a in jabar.select("table.progress th a")] == ["../" + BOGOR]
    profile = soup(assembled / BOGOR / "posyandu" / "cibinong-pondok-rajeg-kenanga-biru"
                   / "index.html")
    crumbs = [li.get_text(strip=True) for li in profile.select("nav.crumbs li")]
    assert crumbs == ["Indonesia", "Provinsi Jawa Barat", "Kabupaten Bogor", "Kecamatan Cibinong",
                      "Kelurahan Pondok Rajeg", "Posyandu Kenanga Biru, Kelurahan Pondok Rajeg"]
    up = profile.select("nav.crumbs a")[0]["href"]
    assert (assembled / BOGOR / "posyandu" / "x" / up / "index.html").resolve() == \
        (assembled / "index.html").resolve()


def test_every_page_says_sample_data(assembled: Path):
    pages = html_pages(assembled)
    assert len(pages) > 250
    missing = [p for p in pages if "Data contoh" not in p.read_text(encoding="utf-8")]
    assert not missing, missing[:3]


def test_one_build_equals_shards_assembled(assembled: Path, tmp_path: Path):
    """``build --units`` in one go gives the same site as shards built apart and assembled."""
    generator("build", "--units", UNITS, "--out", tmp_path / "site", "--cache", tmp_path / "c")
    assert_same_tree(assembled, tmp_path / "site")


@pytest.mark.slow
def test_changed_entry_rebuilds_only_its_kabupaten(tmp_path: Path):
    units = tmp_path / "units"
    shutil.copytree(UNITS, units)
    (units / "64.02" / "config.yaml").write_text(
        (UNITS / "64.02" / "config.yaml").read_text().replace("../../../../", str(ROOT) + "/"))
    out, cache = tmp_path / "site", tmp_path / "cache"
    generator("build", "--units", units, "--out", out, "--cache", cache)
    kukar_before = (out / KUKAR / "index.html").stat().st_ino
    registry = units / "32.01" / "posyandu.yaml"
    registry.write_text(registry.read_text().replace("Kenanga Biru", "Kenanga Ungu"))
    generator("build", "--units", units, "--out", out, "--cache", cache)
    assert (out / KUKAR / "index.html").stat().st_ino == kukar_before  # not rebuilt
    profile = out / BOGOR / "posyandu" / "cibinong-pondok-rajeg-kenanga-biru" / "index.html"
    assert "Posyandu Kenanga Ungu" in profile.read_text(encoding="utf-8")
    generator("build", "--units", units, "--out", tmp_path / "cold", "--no-cache")
    assert_same_tree(out, tmp_path / "cold")


def assert_same_tree(a: Path, b: Path) -> None:
    """Both folders hold the same files with the same bytes."""
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    _, mismatch, errors = filecmp.cmpfiles(a, b, [str(f) for f in files], shallow=False)
    assert not mismatch and not errors, (mismatch[:5], errors[:5])


@pytest.fixture(scope="module")
def national_url(assembled: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served(assembled, tmp_path_factory.mktemp("serve-national"), BASE_PATH) as url:
        yield url


@pytest.mark.parametrize("name, kabupaten", [("Anggrek Kencana", "Kutai Kartanegara"),
                                             ("Kenanga Biru", "Bogor")])
def test_one_search_box_finds_a_posyandu_of_each_shard(page: Page, national_url: str, name: str,
                                                       kabupaten: str):
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(national_url)
    page.get_by_label("Cari Posyandu menurut nama").fill(name)
    page.get_by_role("button", name="Cari", exact=True).click()
    expect(page.locator("#wilayah")).to_have_value("")  # the whole country
    found = page.locator(RESULT_LINK, has_text=f"Posyandu {name}").first
    expect(found).to_be_visible()
    titles = page.locator(RESULT_LINK).all_inner_texts()
    assert any(t.startswith(f"Posyandu {name}") for t in titles[:3]), titles
    manifests = {u.split(BASE_PATH, 1)[1] for u in requested if u.endswith("cari-indeks/indeks.json")}
    assert manifests == {"jawa-barat-32/cari-indeks/indeks.json",
                         "kalimantan-timur-64/cari-indeks/indeks.json"}  # one per provinsi
    found.click()
    expect(page.locator("h1")).to_have_text(f"Posyandu {name}")
    expect(page.locator("nav.crumbs")).to_contain_text(kabupaten)


def test_search_in_one_provinsi_loads_only_its_lookup(page: Page, national_url: str):
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(national_url + "cari/?wilayah=32&q=Kenanga")
    expect(page.locator("#wilayah")).to_have_value("32")
    expect(page.locator(RESULT_LINK).first).to_contain_text("Posyandu Kenanga Biru")
    assert any("/jawa-barat-32/cari-indeks/" in u for u in requested)
    assert not any("/kalimantan-timur-64/" in u for u in requested), requested


def test_check_units_reports_every_kabupaten_problem(tmp_path: Path):
    ok = subprocess.run([sys.executable, "-m", "generator", "check", "--units",
                         str(ROOT / "tests" / "fixtures" / "nasional")], cwd=ROOT,
                        capture_output=True, text=True)
    assert ok.returncode == 0 and ok.stdout.startswith("ok: 2 kabupaten/kota"), ok.stderr
    units = tmp_path / "tests" / "fixtures" / "nasional"  # 64.02 uses ../../../../data/
    shutil.copytree(ROOT / "tests" / "fixtures" / "nasional", units)
    shutil.copytree(ROOT / "data", tmp_path / "data")
    expected = []
    for kode, old in (("32.01", "status: dalam verifikasi"), ("64.02", "status: belum terdaftar")):
        path = units / kode / "posyandu.yaml"
        text = path.read_text(encoding="utf-8")
        line = text[:text.index(old)].count("\n") + 1
        path.write_text(text.replace(old, "status: terdaftr", 1), encoding="utf-8")
        expected.append(f"{path}:{line}: ")
    bad = subprocess.run([sys.executable, "-m", "generator", "check", "--units", str(units)],
                         cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    located = [line for line in bad.stderr.splitlines()
               if "'terdaftr' bukan salah satu dari" in line]  # the default language
    assert [line[:len(e)] for line, e in zip(located, expected, strict=False)] == expected, bad.stderr


def test_robots_names_the_national_sitemap_and_every_kabupaten_sitemap(assembled: Path):
    robots = (assembled / "robots.txt").read_text(encoding="utf-8").splitlines()
    sitemaps = [line.removeprefix("Sitemap: ") for line in robots if line.startswith("Sitemap: ")]
    kabupaten = sorted(p.parent.relative_to(assembled).as_posix() + "/"
                       for p in assembled.glob("*/*/sitemap.xml"))
    assert len(kabupaten) == 2
    base = sitemaps[0].removesuffix("sitemap.xml")
    assert sitemaps == [base + "sitemap.xml"] + [base + k + "sitemap.xml" for k in kabupaten]
