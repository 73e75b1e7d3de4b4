"""The national site's provinsi-wide lookup by name: a generated provinsi of five kabupaten,
built with --units; its manifest and shards read back, and the page driven in Chromium."""
from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, axe_violations, built_once, served, soup
from playwright.sync_api import Page, expect

from generator import urls
from generator.cache import CacheDir
from generator.national import provinsi_finder
from generator.national.shards import summaries
from generator.plan import national_areas

sys.path.insert(0, str(ROOT / "bench"))
import synth  # noqa: E402

BASE_PATH = "/posyandu-nasional/"
PROVINSI = "daerah-istimewa-yogyakarta-34/"
HOSTILE = 'Posyandu <img src=x onerror="window.pwned=1"> Ünik'


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 invented Posyandu over the desa of Daerah Istimewa Yogyakarta (five kabupaten/kota),
    built as a national site."""
    def make(tmp: Path) -> Path:
        synth.national_dataset(tmp / "units", 300, only="34")
        registry = tmp / "units" / "34.71" / "posyandu.yaml"  # one name that must stay text
        text = registry.read_text(encoding="utf-8")
        first = text.index('nama: "') + len('nama: "')
        end = text.index('"', first)
        registry.write_text(text[:first] + HOSTILE.replace('"', '\\"') + text[end:],
                            encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "generator", "build", "--units",
                               tmp / "units", "--out", tmp / "site", "--no-cache", "--base-url",
                               "https://example.org" + BASE_PATH],
                              cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return tmp / "site"
    return built_once(tmp_path_factory, "provinsi-finder", make)


def read(folder: Path) -> tuple[dict[str, Any], dict[int, dict[str, Any]]]:
    """A provinsi's manifest and its shard files by number."""
    manifest = json.loads((folder / "indeks.json").read_text(encoding="utf-8"))
    shards = {int(p.stem): json.loads(p.read_text(encoding="utf-8"))
              for p in folder.glob("[0-9]*.json")}
    return manifest, shards


def members(shards: dict[int, dict[str, Any]], kabupaten: list[list[Any]]
            ) -> dict[tuple[str, str], set[int]]:
    """(kabupaten folder, id) of every Posyandu in the shards, with the files holding it."""
    found: dict[tuple[str, str], set[int]] = {}
    for n, doc in shards.items():
        for p in doc["posyandu"]:
            kab = kabupaten[doc["kecamatan"][doc["desa"][p[2]][1]][1]][1]
            found.setdefault((kab, p[0]), set()).add(n)
    return found


def page_candidates(manifest: dict[str, Any], query: str) -> set[int]:
    """The files the page may fetch for a complete query (the rule of cari-provinsi.js)."""
    ws = [w for w in provinsi_finder.words(query) if w != "posyandu"]
    rare = [w for w in ws if provinsi_finder.is_key(w) and w not in manifest["umum"]]
    files = set()
    for i, w in enumerate(ws):
        if not provinsi_finder.is_key(w):
            continue
        keys = ([f"{w}+{v[0]}" for j, v in enumerate(ws) if j != i and (not rare or v in rare)]
                if w in manifest["umum"] else [w[:manifest["awalan"]]])
        files.update(manifest["kunci"][k] for k in keys if k in manifest["kunci"])
    return files


def registry(site: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """Every Posyandu of the provinsi from its kabupaten's open data, by (folder, id)."""
    found = {}
    for data in sorted((site / PROVINSI).glob("*/data/posyandu.json")):
        kab = data.parents[1].relative_to(site).as_posix() + "/"
        for r in json.loads(data.read_text(encoding="utf-8"))["posyandu"]:
            found[(kab, r["id"])] = r
    return found


def variants(site: Path) -> dict[str, list[str]]:
    """Spelling variants of every desa and kecamatan name, from the kabupaten finder indexes."""
    found: dict[str, list[str]] = {}
    for data in (site / PROVINSI).glob("*/cari/indeks.json"):
        index = json.loads(data.read_text(encoding="utf-8"))
        found.update((d[0].split(" ", 1)[1], d[5]) for d in index["desa"])
        found.update((k[0], k[2]) for k in index["kecamatan"])
    return found


def possible_keys(r: dict[str, Any], spellings: dict[str, list[str]]) -> set[str]:
    """Every key a Posyandu's words could give: three-letter starts, and pairs of words."""
    def keywords(*names: str) -> list[str]:
        text = " ".join([*names, *(v for n in names for v in spellings.get(n, []))])
        return [w for w in provinsi_finder.words(text) if provinsi_finder.is_key(w)]
    own = keywords(r["nama"], r["desa"])
    others = own + keywords(r["kecamatan"])
    return {w[:3] for w in own} | {f"{w}+{o[0]}" for w in own for o in others}


@pytest.mark.slow  # the national site takes 20-30 s to build
@pytest.mark.parametrize("common_above, size", [(provinsi_finder.COMMON_ABOVE,
                                                 provinsi_finder.PACK), (4, 12)])
def test_every_posyandu_is_in_exactly_the_shards_its_words_map_to(national: Path,
                                                                   common_above: int, size: int,
                                                                   tmp_path: Path):
    folder = national / PROVINSI / provinsi_finder.FOLDER
    if (common_above, size) != (provinsi_finder.COMMON_ABOVE, provinsi_finder.PACK):
        area = national_areas(summaries(national), urls.provinsi)[0]
        for name, data in provinsi_finder.build(*provinsi_finder.records_of(area, national),
                                                common_above, size).items():
            (tmp_path / name).write_bytes(data)
        folder = tmp_path
    manifest, shards = read(folder)
    expected = registry(national)
    spellings = variants(national)
    held = members(shards, manifest["kabupaten"])
    assert sorted(held) == sorted(expected)
    assert manifest["posyandu"] == len(expected) == 300
    assert bool(manifest["umum"]) == (common_above == 4)
    for key, r in expected.items():
        query = f"{r['nama']} {r['desa']}"
        fetched = page_candidates(manifest, query)
        assert fetched and fetched <= held[key], (query, fetched, held[key])
        allowed = {n for k, n in manifest["kunci"].items() if k in possible_keys(r, spellings)}
        assert held[key] <= allowed, (query, held[key], allowed)
    for n, doc in shards.items():
        keys = [k for k, f in manifest["kunci"].items() if f == n]
        assert len(doc["posyandu"]) == manifest["berkas"][n]
        assert len(doc["posyandu"]) <= size or len(keys) == 1, (n, keys)
    raw = (folder / "indeks.json").read_bytes()
    assert len(gzip.compress(raw)) < 2048


@pytest.mark.slow  # the national site takes 20-30 s to build
def test_lookup_is_byte_identical_for_identical_input(national: Path):
    area = national_areas(summaries(national), urls.provinsi)[0]
    first = provinsi_finder.build(*provinsi_finder.records_of(area, national))
    second = provinsi_finder.build(*provinsi_finder.records_of(area, national))
    built = {p.name: p.read_bytes() for p in (national / PROVINSI / "cari-indeks").iterdir()}
    assert first == second == built


@pytest.mark.slow  # the national site takes 20-30 s to build
def test_rewrite_keeps_an_unchanged_lookup_and_removes_stale_ones(national: Path, tmp_path: Path):
    site = tmp_path / "site"
    shutil.copytree(national, site)
    for stale in (site / PROVINSI / "pagefind", site / "gone-99" / "cari-indeks"):
        stale.mkdir(parents=True)
        (stale / "0.json").write_text("{}")
    areas = national_areas(summaries(site), urls.provinsi)
    cache = CacheDir(tmp_path / "cache")
    provinsi_finder.write(site, areas, cache)
    lookup = site / PROVINSI / "cari-indeks" / "indeks.json"
    inode = lookup.stat().st_ino
    provinsi_finder.write(site, areas, cache)  # unchanged: kept as it is
    assert lookup.stat().st_ino == inode
    assert not (site / PROVINSI / "pagefind").exists() and not (site / "gone-99" / "cari-indeks").exists()
    built = sorted(p.relative_to(site) for p in site.glob("*/cari-indeks/*"))
    assert built == sorted(p.relative_to(national) for p in national.glob("*/cari-indeks/*"))
    assert all((site / p).read_bytes() == (national / p).read_bytes() for p in built)


@pytest.mark.slow  # the national site takes 20-30 s to build
def test_without_javascript_the_form_leads_to_the_kabupaten_list(national: Path):
    page = soup(national / PROVINSI / "index.html")
    form = page.select_one("form[data-provinsi-finder]")
    assert form["action"] == "../" + PROVINSI + "#kabupaten"
    assert page.select_one("#kabupaten") is not None
    assert page.select_one("noscript a")["href"] == "#kabupaten"
    kabupaten = [a["href"] for a in page.select("table.progress th a")]
    assert len(kabupaten) == 5


@pytest.fixture(scope="module")
def national_url(national: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served(national, tmp_path_factory.mktemp("serve-provinsi"), BASE_PATH) as url:
        yield url


def misspelt(name: str) -> str:
    """A Posyandu name with its longest word's second-last letter dropped."""
    words = name.removeprefix("Posyandu ").split(" ")
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    words[longest] = words[longest][:-2] + words[longest][-1]
    return " ".join(words)


@pytest.mark.slow  # the national site takes 20-30 s to build
@pytest.mark.parametrize("which", [0, -1])
def test_misspelt_name_finds_its_posyandu_in_any_kabupaten(page: Page, national: Path,
                                                           national_url: str, which: int):
    expected = registry(national)
    kab, pid = sorted(expected)[which]  # one of the first and one of the last kabupaten
    r = expected[(kab, pid)]
    fetched: list[str] = []
    page.on("request", lambda req: fetched.append(req.url.split(BASE_PATH, 1)[1]))
    page.goto(national_url + PROVINSI)
    page.get_by_label(re.compile("Cari Posyandu di Provinsi")).press_sequentially(
        f"{misspelt(r['nama'])} {r['desa']}", delay=20)
    top = page.locator("#hasil li a.card-title").first
    expect(top).to_have_attribute("href", re.compile(re.escape(f"/{kab}posyandu/{pid}/") + "$"))
    card = page.locator("#hasil li").first
    expect(card).to_contain_text(re.compile(f"{r['desa']}, Kecamatan {r['kecamatan']}, "
                                            f"(Kabupaten|Kota) {r['kabupaten']}"))
    expect(page.locator("#cari-status")).to_contain_text("Posyandu ditemukan")
    assert axe_violations(page) == []
    shards = [u for u in fetched if "cari-indeks/" in u]
    assert shards[0] == PROVINSI + "cari-indeks/indeks.json"
    assert all(u.startswith(PROVINSI) for u in shards) and len(shards) <= 4, shards
    top.click()
    expect(page.locator("h1")).to_have_text(r["nama"])
    expect(page.locator("nav.crumbs")).to_contain_text(r["kabupaten"])


@pytest.mark.slow  # the national site takes 20-30 s to build
def test_national_search_page_keeps_query_and_provinsi_in_the_address(page: Page,
                                                                      national: Path,
                                                                      national_url: str):
    r = registry(national)
    kab, pid = sorted(r)[0]
    page.goto(national_url + f"cari/?wilayah=34&q={r[(kab, pid)]['desa']}")
    expect(page.locator("#wilayah")).to_have_value("34")
    found = page.locator(f"#hasil li a.card-title[href$='/{kab}posyandu/{pid}/']")
    expect(found).to_have_count(1)
    assert axe_violations(page) == []
    page.locator("#q").fill("zzzqx")
    expect(page.locator("#cari-status")).to_contain_text("Tidak ada Posyandu yang cocok")
    assert "q=zzzqx" in page.url and "wilayah=34" in page.url


@pytest.mark.slow  # the national site takes 20-30 s to build
def test_pressing_cari_on_a_provinsi_page_opens_the_search_page(page: Page, national: Path,
                                                                national_url: str):
    kab, pid = sorted(registry(national))[1]
    desa = registry(national)[(kab, pid)]["desa"]
    page.goto(national_url + PROVINSI)
    page.locator("#q").fill(desa)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/cari/\?wilayah=34&q="))
    expect(page.locator("#wilayah")).to_have_value("34")
    expect(page.locator(f"#hasil li a.card-title[href$='/{kab}posyandu/{pid}/']")).to_have_count(1)


@pytest.mark.slow  # the national site takes 20-30 s to build
def test_names_are_shown_as_text(page: Page, national: Path, national_url: str):
    kab, pid = next(k for k, r in registry(national).items() if r["nama"] == HOSTILE)
    page.goto(national_url + PROVINSI)
    page.get_by_label(re.compile("Cari Posyandu di Provinsi")).press_sequentially("unik onerror")
    title = page.locator(f"#hasil li a.card-title[href$='/{kab}posyandu/{pid}/']")
    expect(title).to_have_text(HOSTILE)
    assert page.locator("#hasil img").count() == 0
    assert page.evaluate("window.pwned") is None


TRICKY = ["Sanga-Sanga Dalam", "Ampara'an", "Nusa Indah II", "Sumber\u00a0Rejo", "Kota (Lama)",
          "Tanjung/Batu", "Dahlia\u2013Kidul", "Éngkol Ünik", "RW 05.", "  Melati   ", "Ngo\u2019"]


def test_words_split_as_the_page_splits_them():
    """generator/national/provinsi_finder.words and the page's fold() (hasil.js) and words()
    (cari-provinsi.js), run in Node, agree."""
    assets = ROOT / "templates" / "assets"
    functions = [re.search(rf"\n  function {name}\(text\) {{\n.*?\n  }}\n",
                           (assets / script).read_text(encoding="utf-8"), re.S)
                 for script, name in (("hasil.js", "fold"), ("cari-provinsi.js", "words"))]
    assert all(functions)
    program = "".join(f.group(0) for f in functions if f) + (
        "process.stdout.write(JSON.stringify(JSON.parse(process.argv[1]).map(words)));")
    done = subprocess.run(["node", "-e", program, json.dumps(TRICKY)], capture_output=True,
                          text=True, check=True)
    page = json.loads(done.stdout)
    assert page == [[w for w in provinsi_finder.words(t) if w != "posyandu"] for t in TRICKY]
    assert page[0] == ["sanga", "sanga", "dalam"] and page[7] == ["engkol", "unik"]


@pytest.mark.slow  # the national site takes 20-30 s to build
def test_a_kabupaten_name_offers_its_directory(page: Page, national: Path, national_url: str):
    page.goto(national_url + PROVINSI)
    page.locator("#q").press_sequentially("Gunungkidul")
    link = page.get_by_role("link", name="Direktori Kabupaten Gunungkidul")
    expect(link).to_have_attribute("href", re.compile(f"/{PROVINSI}gunungkidul-3403/$"))
    link.click()
    expect(page.locator("h1")).to_contain_text("Gunungkidul")
