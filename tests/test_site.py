"""The built directory, read as a visitor or another program would read it."""
from __future__ import annotations

import csv
import gzip
import json
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml
from helpers import BASE_PATH, BASE_URL, ROOT, html_pages, scalars, soup

SPM_ORDER = ["Pendidikan", "Kesehatan", "Pekerjaan Umum", "Perumahan Rakyat dan Kawasan Permukiman",
             "Ketenteraman dan Ketertiban Umum serta Pelindungan Masyarakat", "Sosial"]


@pytest.fixture(scope="module")
def registry() -> list[dict]:
    return yaml.safe_load((ROOT / "data" / "posyandu.yaml").read_text(encoding="utf-8"))["posyandu"]


def test_every_posyandu_has_exactly_one_profile_and_one_record(sample_site: Path, registry):
    ids = [p["id"] for p in registry]
    profiles = sorted(p.parent.name for p in (sample_site / "posyandu").glob("*/index.html"))
    assert profiles == sorted(ids)
    doc = json.loads((sample_site / "data" / "posyandu.json").read_text(encoding="utf-8"))
    assert sorted(r["id"] for r in doc["posyandu"]) == sorted(ids)
    assert doc["jumlah"] == len(ids)
    with (sample_site / "data" / "posyandu.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert sorted(r["id"] for r in rows) == sorted(ids)
    for record in doc["posyandu"]:
        assert record["url"] == f"{BASE_URL}posyandu/{record['id']}/"


def test_profile_shows_every_public_field(sample_site: Path, registry):
    entry = next(p for p in registry if p["kode_wilayah"] == "64.02.13.1012")
    page = soup(sample_site / "posyandu" / entry["id"] / "index.html")
    assert page.h1.get_text() == entry["nama"] == "Posyandu Melati"
    text = page.main.get_text(" ", strip=True)
    assert "Kelurahan Handil Baru" in text and "Kecamatan Samboja" in text
    assert entry["alamat"] in text
    assert entry["registrasi"]["nomor"] in text
    assert "Peserta lomba Posyandu tingkat nasional" in text
    assert f"{entry['jumlah_kader_aktif']} orang" in text
    assert "WITA" in text and entry["jadwal"]["jam"].replace("-", "–") in text
    headings = [h.get_text() for h in page.select("ul.spm > li > h3")]
    assert headings == SPM_ORDER
    for li, key in zip(page.select("ul.spm > li"), ["pendidikan", "kesehatan", "pekerjaan_umum",
                                                   "perumahan_rakyat", "trantibumlinmas", "sosial"], strict=False):
        field = entry["spm"].get(key, {"berjalan": False})
        if field["berjalan"]:
            assert [x.get_text() for x in li.select("ul li")] == field["kegiatan"]
        else:
            assert "Belum berjalan" in li.get_text()
    crumbs = [a.get_text() for a in page.select("nav.crumbs a")]
    assert crumbs == ["Beranda", "Kecamatan Samboja", "Kelurahan Handil Baru"]
    trust = page.select_one("section.trust").get_text(" ", strip=True)
    if "verifikasi" in entry:
        assert entry["verifikasi"]["oleh"] in trust
    else:
        assert "Belum diverifikasi" in trust
    assert re.search(r"Kelengkapan data \d+% dari data publik terisi", trust)
    link = page.select_one("section.trust a.button")["href"]
    assert link == f"mailto:dpmd.posyandu@example.go.id?subject=Koreksi%20data%20Posyandu%20{entry['id']}"
    data = json.loads(page.find("script", type="application/ld+json").string)
    assert data["@type"] == "CivicStructure" and data["name"] == "Posyandu Melati"
    assert data["address"]["addressLocality"] == "Kelurahan Handil Baru"


def test_map_link_only_with_coordinates(sample_site: Path, registry):
    with_coords = next(p for p in registry if "koordinat" in p)
    without = next(p for p in registry if "koordinat" not in p)
    link = soup(sample_site / "posyandu" / with_coords["id"] / "index.html").find(
        "a", href=re.compile("openstreetmap"))
    lat, lon = with_coords["koordinat"]["lat"], with_coords["koordinat"]["lon"]
    assert link["href"] == f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
    other = soup(sample_site / "posyandu" / without["id"] / "index.html")
    assert other.find("a", href=re.compile("openstreetmap")) is None
    assert "Koordinat belum tercatat" in other.main.get_text()


def test_same_name_in_different_desa_gets_different_urls(sample_site: Path, registry):
    melati = [p for p in registry if p["nama"] == "Posyandu Melati"]
    desa = {p["kode_wilayah"] for p in melati}
    assert {"64.02.13.1012", "64.02.07.2009"} <= desa
    urls = {p["id"] for p in melati}
    assert len(urls) == len(melati)
    for p in melati:
        assert re.fullmatch(r"[a-z0-9-]+", p["id"])
        assert (sample_site / "posyandu" / p["id"] / "index.html").exists()


def test_every_internal_link_and_anchor_resolves(sample_site: Path, sample_pages):
    files = {p.relative_to(sample_site).as_posix() for p in sample_site.rglob("*") if p.is_file()}
    ids: dict[str, set[str]] = {}
    links = []
    for rel, page in sample_pages.items():
        ids[rel] = {tag["id"] for tag in page.find_all(id=True)}
        for tag in page.find_all(["a", "link", "script", "img"]):
            target = tag.get("href") or tag.get("src")
            if target:
                links.append((rel, target))
    assert len(links) > 10 * len(sample_pages) // 2
    checked = 0
    for rel, target in links:
        url = urljoin("http://h" + BASE_PATH + rel, target)
        parts = urlsplit(url)
        if parts.scheme != "http" or parts.netloc != "h":
            continue
        assert parts.path.startswith(BASE_PATH), (rel, target)
        file = unquote(parts.path[len(BASE_PATH):])
        if file == "" or file.endswith("/"):
            file += "index.html"
        assert file in files, (rel, target)
        if parts.fragment:
            assert parts.fragment in ids[file], (rel, target)
        checked += 1
    assert checked > 5000


def find_leaks(site: Path, values: set[str]) -> list[str]:
    """The values that occur in any file under ``site`` (gzip files are read decompressed)."""
    files = [p for p in site.rglob("*") if p.is_file()]
    assert any("pagefind" in p.parts for p in files)
    blobs = []
    for path in files:
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":  # Pagefind's index and fragments are gzip-compressed
            data = gzip.decompress(data)
        blobs.append(data.decode("utf-8", "replace"))
    blob = "\0".join(blobs)
    words = set(re.findall(r"\w+", blob))
    # A value can only occur if each of its words does: the word set rules most out at once.
    return sorted(v for v in values if set(re.findall(r"\w+", v)) <= words and v in blob)


def test_no_private_value_reaches_any_file(sample_site: Path, registry):
    private = {s for p in registry for s in scalars(p.get("privat", {}))}
    assert len(private) > 1000  # names, phone numbers, NIK and notes of the sample data
    assert find_leaks(sample_site, private) == []
    public = {p["nama"] for p in registry} | {p["alamat"] for p in registry if "alamat" in p}
    assert find_leaks(sample_site, public) == sorted(public)  # the search does find what is there


def test_every_page_says_the_data_is_sample(sample_site: Path, sample_pages):
    for path, page in sample_pages.items():
        notice = page.select_one("p.contoh")
        assert notice is not None and "Data contoh" in notice.get_text(), path
    doc = json.loads((sample_site / "data" / "posyandu.json").read_text(encoding="utf-8"))
    assert doc["data_contoh"] is True


def test_home_shows_registration_progress_and_every_kecamatan(sample_site: Path, registry):
    page = soup(sample_site / "index.html")
    registered = sum(p["registrasi"]["status"] == "terdaftar" for p in registry)
    big = page.select_one("p.big").get_text(" ", strip=True)
    percent = f"{100 * registered / 827:.1f}".replace(".", ",")
    assert big == f"{registered} dari target 827 Posyandu sudah terdaftar ({percent}%)."
    rows = page.select("table.progress tbody tr")
    assert len(rows) == 20
    total = 0
    for row in rows:
        assert row.find("a")["href"].startswith("kecamatan/")
        bar = row.find("svg")
        assert bar["role"] == "img" and "%" in bar["aria-label"]
        total += int(row.select("td.num")[0].get_text().replace(".", ""))
    assert total == len(registry)
    assert page.find("form", attrs={"role": "search"})["action"] == "cari/"


def test_kecamatan_and_desa_pages_list_their_posyandu(sample_site: Path, registry):
    samboja = next((sample_site / "kecamatan").glob("samboja-640213"))
    page = soup(samboja / "index.html")
    counts = sum(int(r.select("td.num")[0].get_text()) for r in page.select("section.desa table tbody tr"))
    assert counts == sum(p["kode_wilayah"].startswith("64.02.13.") for p in registry)
    assert len(page.select("section.cakupan table tbody tr")) == 6
    desa = soup(sample_site / "desa" / "handil-baru-6402131012" / "index.html")
    listed = {a["href"] for a in desa.select("ul.cards h3 a")}
    expected = {f"../../posyandu/{p['id']}/" for p in registry if p["kode_wilayah"] == "64.02.13.1012"}
    assert listed == expected and len(expected) >= 2


def test_sitemap_robots_and_404(sample_site: Path):
    tree = ET.parse(sample_site / "sitemap.xml")
    locs = [e.text for e in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert BASE_URL in locs and all(loc.startswith(BASE_URL) for loc in locs)
    assert len(locs) == len(set(locs)) == len(html_pages(sample_site)) - 1  # all but 404.html
    assert f"Sitemap: {BASE_URL}sitemap.xml" in (sample_site / "robots.txt").read_text()
    page = soup(sample_site / "404.html")
    hrefs = [a["href"] for a in page.select("main a")]
    assert hrefs == [BASE_PATH + "cari/", BASE_PATH]


def test_pages_load_nothing_from_other_hosts(sample_site: Path, sample_pages):
    assert (sample_site / "assets" / "situs.css").stat().st_size < 8000
    for path, page in sample_pages.items():
        for tag in page.find_all(["link", "script", "img"]):
            src = tag.get("href") or tag.get("src") or ""
            assert not src.startswith(("http:", "https:", "//")) or tag.name == "link" \
                and tag.get("rel") == ["canonical"], (path, src)


def test_poster_holds_name_schedule_services_and_a_qr_code(sample_site: Path, registry):
    entry = next(p for p in registry if p["kode_wilayah"] == "64.02.13.1012")
    page = soup(sample_site / "posyandu" / entry["id"] / "poster" / "index.html")
    poster = page.select_one("article.poster")
    assert poster.h1.get_text() == entry["nama"]
    assert "WITA" in poster.select_one(".poster-when").get_text()
    running = [k for k, v in entry["spm"].items() if v["berjalan"]]
    assert len(poster.select(".poster-spm li")) == len(running)
    qr = poster.select_one(".poster-qr svg")
    assert qr["role"] == "img" and qr.title.get_text() == f"Kode QR ke halaman {entry['nama']}"
    assert qr.path["d"].startswith("M")
    url = f"{BASE_URL}posyandu/{entry['id']}/"
    assert poster.select_one(".poster-url").get_text() == url
    assert "DATA CONTOH" in poster.get_text()
    profile = soup(sample_site / "posyandu" / entry["id"] / "index.html")
    assert profile.find("a", href="poster/")
    ics = profile.find("a", href=re.compile(r"\.ics$"))
    assert ics["href"].startswith(entry["nama"].lower().replace(" ", "-") + "-")  # named after it
    assert (sample_site / "posyandu" / entry["id"] / ics["href"]).exists()


def test_poster_prints_on_one_a4_page(page, site_url: str, registry):
    entry = next(p for p in registry if p["kode_wilayah"] == "64.02.13.1012")
    page.goto(site_url + f"posyandu/{entry['id']}/poster/")
    info = subprocess.run(["pdfinfo", "-"], input=page.pdf(format="A4"), capture_output=True,
                          check=True).stdout.decode()
    assert re.search(r"^Pages:\s+1$", info, re.M), info
