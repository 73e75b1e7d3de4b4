"""The SVG maps: their numbers equal the tables' numbers, every shape is a link to a built page
with an accessible name, the boundary file is checked, and a kabupaten without one has no map.
Their sizes are measured by bench/map_sizes.py."""
from __future__ import annotations

import dataclasses
import json
import posixpath
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from helpers import ROOT, axe_violations, built_once, html_pages, options, serve

from generator import map_pages, pagedata
from generator.build import build, load, plan
from generator.load import load_yaml
from generator.maps import Frame, kabupaten_codes, load_boundaries, path_data, progress_class
from generator.problems import Problems
from generator.qr import QrCache
from generator.validate import region

MAP_TITLE = re.compile(r"Kecamatan (.+): (\d+) dari (\d+) Posyandu terdaftar \(([\d,]+)%\)")


def parsed(site: Path, rel: str) -> BeautifulSoup:
    """A built page parsed the way a browser does with inline SVG (html.parser keeps <title>
    inside the <svg> where it is)."""
    return BeautifulSoup((site / rel).read_text(encoding="utf-8"), "html.parser")


def map_links(page: BeautifulSoup) -> list[tuple[str, str, Tag]]:
    """(href, accessible name, drawn element) of every link of every map on the page."""
    found = []
    for svg in page.select("svg.peta-svg"):
        for a in svg.find_all("a"):
            title = a.find("title")
            found.append((a["href"], title.get_text() if title else "", a))
    return found


@pytest.fixture(scope="module")
def with_maps(sample_site: Path) -> dict[str, BeautifulSoup]:
    """Every built page that has a map, parsed, by path relative to the site."""
    return {p.relative_to(sample_site).as_posix(): parsed(sample_site,
                                                          p.relative_to(sample_site).as_posix())
            for p in html_pages(sample_site) if "peta-svg" in p.read_text(encoding="utf-8")}


def number(text: str) -> int:
    """The whole number a table cell starts with ("1.234", "13 (61,9%)")."""
    return int(text.split()[0].replace(".", ""))


def columns(table: Tag, *headings: str) -> dict[str, list[Tag]]:
    """The cells of each row of ``table`` under the given column headings, by the row's
    heading."""
    names = [th.get_text(strip=True) for th in table.thead.find_all("th")]
    at = [names.index(h) for h in headings]
    rows = {}
    for row in table.tbody.find_all("tr"):
        cells = row.find_all(["th", "td"])
        rows[row.th.get_text(strip=True)] = [cells[i] for i in at]
    return rows


def test_home_map_shows_the_numbers_of_the_home_table(sample_site: Path):
    home = parsed(sample_site, "index.html")
    table = {name: (number(registered.get_text()), number(total.get_text()))
             for name, (registered, total) in columns(
                 home.select_one("section[aria-labelledby=kecamatan] table"),
                 "Terdaftar", "Posyandu").items()}
    shown = {}
    for _href, name, a in map_links(home):
        m = MAP_TITLE.fullmatch(name)
        assert m, name
        registered, total = int(m.group(2)), int(m.group(3))
        assert float(m.group(4).replace(",", ".")) == round(100 * registered / total, 1)
        assert a.path["class"] == [progress_class(registered, total)]
        shown[m.group(1)] = (registered, total)
    assert len(table) == 20 and shown == table
    legend = [li.get_text(" ", strip=True) for li in home.select("ul.legenda li")]
    assert legend[:5] == ["0–19%", "20–39%", "40–59%", "60–79%", "80–100%"]


def test_kecamatan_map_shows_its_desa_table_and_every_posyandu(sample_site: Path):
    records = json.loads((sample_site / "data/posyandu.json").read_text(encoding="utf-8"))
    records = records["posyandu"]
    checked = 0
    for path in sorted((sample_site / "kecamatan").glob("*/index.html")):
        page = parsed(sample_site, path.relative_to(sample_site).as_posix())
        table = {name: number(total.get_text()) for name, (total,) in
                 columns(page.select_one("section.desa table"), "Posyandu").items()}
        links = map_links(page)
        desa = {name.rsplit(": ", 1)[0]: int(name.rsplit(": ", 1)[1].split()[0])
                for href, name, a in links if a.path}
        assert desa == table
        dots = [a.circle for _, _, a in links if a.circle]
        assert len(dots) == sum(table.values())
        kode = path.parent.name.rsplit("-", 1)[1]
        kode = f"{kode[:2]}.{kode[2:4]}.{kode[4:]}"
        mine = [r for r in records if r["kode_wilayah"].startswith(kode + ".")]
        without = sum(1 for r in mine if r.get("lat") is None)
        assert sum(1 for c in dots if c["class"] == ["titik-perkiraan"]) == without
        legend = page.select("ul.legenda li")[-1].get_text(" ", strip=True)
        assert legend.endswith(f": {without}")
        checked += 1
    assert checked == 20


def test_maps_are_on_the_home_kecamatan_and_profile_pages(with_maps: dict[str, BeautifulSoup]):
    kinds = {rel.split("/")[0] if "/" in rel else rel for rel in with_maps}
    assert kinds == {"index.html", "kecamatan", "posyandu"}
    assert sum(rel.startswith("posyandu/") for rel in with_maps) == 827
    assert sum(rel.startswith("kecamatan/") for rel in with_maps) == 20


def test_every_map_link_leads_to_the_page_it_names(sample_site: Path,
                                                  with_maps: dict[str, BeautifulSoup]):
    headings: dict[str, str] = {}
    for rel, page in with_maps.items():
        for href, name, _ in map_links(page):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), href))
            if target not in headings:
                assert (sample_site / target / "index.html").is_file(), (rel, href)
                headings[target] = parsed(sample_site, target + "/index.html").h1.get_text(
                    " ", strip=True)
            h1 = headings[target]
            assert name == h1 or name.startswith((h1 + ":", h1 + ",")), (rel, href, name)
    assert len(headings) == 20 + 237 + 827


def test_every_map_shape_has_an_accessible_name_and_every_dot_shows(with_maps: dict[str, BeautifulSoup]):
    for rel, page in with_maps.items():
        for svg in page.select("svg.peta-svg"):
            assert svg.get("aria-label")
            for shape in svg.find_all(["path", "circle"]):
                if shape.find_parent("pattern") or shape.get("aria-hidden") == "true":
                    continue
                a = shape.find_parent("a")
                assert a is not None and a.find("title").get_text().strip(), (rel, shape)
        for svg in page.select("svg.peta-svg"):
            _, _, width, height = map(int, svg["viewbox"].split())
            for dot in svg.find_all("circle"):
                assert 0 <= int(dot["cx"]) <= width and 0 <= int(dot["cy"]) <= height, rel
        if rel.startswith("posyandu/"):
            here = page.select_one("figure.lokator svg path.desa-ini").find_parent("a")["href"]
            assert here == page.select_one("p.where a")["href"]


def test_boundaries_are_checked_against_the_region_table(tmp_path: Path):
    problems = Problems()
    table = region(load_yaml(ROOT / "data/wilayah.yaml", problems), "wilayah.yaml", problems,
                   "64.02")
    data = json.loads((ROOT / "data/batas-kukar.json").read_text(encoding="utf-8"))
    data["kecamatan"]["64.02.99"] = data["kecamatan"].pop("64.02.20")
    data["desa"]["64.02.01.2001"] = [[[116.0, -0.5, 116.1]]]
    del data["lisensi"]
    bad = tmp_path / "batas.json"
    bad.write_text(json.dumps(data).replace('"64.02.99"', '\n"64.02.99"'), encoding="utf-8")
    load_boundaries(bad, kabupaten_codes(table), table.label, problems)
    shown = [str(p) for p in problems.sorted()]
    assert [s.split("\n")[0] for s in shown] == [
        f"{bad}:1: lisensi: missing: say where the polygons come from and under which licence",
        f"{bad}:2: desa.64.02.01.2001: expected a list of polygons, each a list of rings "
        "[lon, lat, lon, lat, ...] of at least 3 points",
        f"{bad}:2: kecamatan.64.02.99: '64.02.99' is not a kecamatan of Kabupaten Kutai "
        "Kartanegara",
    ]
    assert all("hint:" in s for s in shown)


def test_check_reports_a_wrong_boundary_code_without_traceback(tmp_path: Path):
    for name in ("config.yaml", "data/wilayah.yaml", "data/posyandu.yaml"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    text = (ROOT / "data/batas-kukar.json").read_text(encoding="utf-8")
    (tmp_path / "data/batas-kukar.json").write_text(text.replace('"64.02.13.1012"',
                                                                 '"64.02.13.9012"'))
    run = subprocess.run([sys.executable, "-m", "generator", "check", "--lang", "en", "--config",
                          str(tmp_path / "config.yaml"), "--data",
                          str(tmp_path / "data/posyandu.yaml"), "--content", str(ROOT / "content")],
                         capture_output=True, text=True, cwd=ROOT)
    out = run.stdout + run.stderr
    assert run.returncode == 1 and "Traceback" not in out
    assert re.search(r"batas-kukar\.json:\d+: desa\.64\.02\.13\.9012: '64\.02\.13\.9012' is not "
                     r"a desa of Kabupaten Kutai Kartanegara", out), out


def test_a_kabupaten_without_boundaries_builds_without_maps(tmp_path: Path):
    config = tmp_path / "config.yaml"
    text = (ROOT / "config.yaml").read_text(encoding="utf-8")
    config.write_text(re.sub(r"\nbatas: .*", "", text).replace("data/wilayah.yaml",
                                                              str(ROOT / "data/wilayah.yaml")))
    out = tmp_path / "site"
    build(options(out, config=config, content=None, search=False))
    for rel in ("index.html", "kecamatan/samboja-640213/index.html",
                "posyandu/samboja-handil-baru-melati/index.html"):
        page = parsed(out, rel)
        assert page.h1 and not page.select("svg.peta-svg"), rel


def test_paths_are_whole_units_drawn_relative_and_closed():
    square: tuple = (((0.0, -0.5, 1.0, -0.5, 1.0, 0.5, 0.0, 0.5),),)
    frame = Frame.fit([square], 104, margin=2)
    assert (frame.width, frame.height) == (104, 104)
    assert frame.xy(0.0, 0.5) == (2, 2) and frame.xy(1.0, -0.5) == (102, 102)
    assert path_data(square, frame) == "M2 102l100 0 0-100-100 0z"
    tiny: tuple = (((0.0, 0.0, 0.001, 0.0, 0.001, 0.001),),)
    assert path_data(tiny, frame) == ""  # rounds onto one point: not drawn


@pytest.mark.parametrize("registered,total,css", [(0, 0, "kosong"), (0, 5, "k0"), (1, 5, "k1"),
                                                  (79, 100, "k3"), (4, 5, "k4"), (5, 5, "k4")])
def test_progress_classes(registered: int, total: int, css: str):
    assert progress_class(registered, total) == css


def units_with_boundaries(tmp: Path, national: str) -> Path:
    """A copy of the two-kabupaten national fixture whose top config.yaml names ``national``
    (a file in ``tmp`` or in data/) as its boundaries, and Kukar's names data/batas-kukar.json."""
    units = tmp / "units"
    shutil.copytree(ROOT / "tests/fixtures/nasional", units)
    with (units / "config.yaml").open("a", encoding="utf-8") as f:
        f.write(f"batas: {national}\n")
    kukar = units / "64.02" / "config.yaml"
    kukar.write_text(kukar.read_text(encoding="utf-8").replace("../../../../", str(ROOT) + "/")
                     + f"batas: {ROOT / 'data/batas-kukar.json'}\n", encoding="utf-8")
    return units


def build_units(units: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", "build", "--units", str(units),
                           "--out", str(out), "--no-cache", "--no-search"],
                          capture_output=True, text=True, cwd=ROOT)


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two-kabupaten national fixture with boundaries, built in one go without search."""
    def make(tmp: Path) -> Path:
        units = units_with_boundaries(tmp, str(ROOT / "data/batas-indonesia.json"))
        assert build_units(units, tmp / "site").returncode == 0
        return tmp / "site"
    return built_once(tmp_path_factory, "national-maps", make)


@pytest.mark.parametrize("rel,level", [("index.html", "provinsi"),
                                       ("kalimantan-timur-64/index.html", "kabupaten"),
                                       ("jawa-barat-32/index.html", "kabupaten")])
def test_national_and_provinsi_maps_show_the_numbers_of_their_tables(national: Path, rel: str,
                                                                     level: str):
    page = parsed(national, rel)
    table = {name: (number(registered.get_text()),
                    re.search(r"([\d,]+)%$", bar.svg["aria-label"]).group(1))
             for name, (registered, bar) in columns(page.select_one("table.progress"),
                                                     "Terdaftar", "Dari target").items()}
    shown = {}
    for href, name, a in map_links(page):
        m = re.fullmatch(r"(.+): (\d+) dari target (\d+) Posyandu terdaftar \(([\d,]+)%\)", name)
        assert m, name
        shown[m.group(1)] = (int(m.group(2)), m.group(4))
        assert a.path["class"] == [progress_class(int(m.group(2)), int(m.group(3)))]
        target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), href))
        assert m.group(1) in parsed(national, target + "/index.html").h1.get_text(" ", strip=True)
    assert shown == table and len(shown) >= 1
    svg = page.select_one("svg.peta-svg")
    background = svg.select("path.luar")
    assert len(background) == 1 and background[0]["aria-hidden"] == "true"
    assert all(shape.find_parent("a").find("title") for shape in svg.select("a path"))
    legend = [li.get_text(" ", strip=True) for li in page.select("ul.legenda li")]
    assert legend[-1] == "Belum ada dalam direktori"
    boundaries = json.loads((ROOT / "data/batas-indonesia.json").read_text(encoding="utf-8"))
    assert len(boundaries["provinsi"]) == 37 and len(boundaries[level]) > len(shown)


def test_a_wrong_national_boundary_code_is_reported(tmp_path: Path):
    text = (ROOT / "data/batas-indonesia.json").read_text(encoding="utf-8")
    (tmp_path / "batas.json").write_text(text.replace('"64.02":', '"64.2":', 1), encoding="utf-8")
    run = build_units(units_with_boundaries(tmp_path, str(tmp_path / "batas.json")),
                      tmp_path / "site")
    out = run.stdout + run.stderr
    assert run.returncode == 1 and "Traceback" not in out
    assert re.search(r"batas\.json:\d+: kabupaten\.64\.2: '64\.2' bukan kabupaten di "
                     r"Indonesia", out), out  # in Bahasa Indonesia, the default


@pytest.mark.browser
@pytest.mark.slow
def test_national_and_provinsi_maps_pass_axe(page, national: Path, tmp_path: Path):
    server, url = serve(national, tmp_path, "/posyandu-nasional/")
    try:
        found = {}
        for rel in ("", "kalimantan-timur-64/", "jawa-barat-32/"):
            page.goto(url + rel)
            assert page.locator("svg.peta-svg a").count() >= 1
            violations = axe_violations(page)
            if violations:
                found[rel] = violations
        assert found == {}
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.browser
def test_map_links_work_without_javascript_by_pointer_and_keyboard(browser, site_url: str):
    context = browser.new_context(viewport={"width": 320, "height": 640},
                                  java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url)
        assert page.locator("svg.peta-svg").bounding_box()["width"] <= 320
        page.locator("svg.peta-svg a", has=page.locator("title", has_text="Kecamatan Samboja:")
                     ).first.click()
        assert page.url.endswith("/kecamatan/samboja-640213/")
        assert page.locator("h1").inner_text() == "Kecamatan Samboja"
        first = page.locator("svg.peta-svg a").first
        first.focus()
        name = first.locator("title").text_content().split(":")[0]
        page.keyboard.press("Enter")
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == name
    finally:
        context.close()


def test_a_kecamatan_map_is_drawn_when_its_page_renders_and_follows_its_posyandu(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    inputs = load(options(tmp_path / "site", content=None))

    def fingerprints(posyandu: list) -> dict[str, str]:
        reg = dataclasses.replace(inputs.registry, posyandu=posyandu)
        pages = plan(dataclasses.replace(inputs, registry=reg), QrCache(None))
        return {p.url: p.fingerprint("salt", {}) for p in pages if p.kind == "kecamatan"}

    def not_now(*args: object) -> None:
        raise AssertionError("a map drawn while planning")

    with monkeypatch.context() as m:
        for name in ("kecamatan_map", "kabupaten_map"):
            m.setattr(map_pages, name, not_now)
        before = fingerprints(inputs.registry.posyandu)
    first = next(p for p in inputs.registry.posyandu if p.lat is not None)
    moved = [dataclasses.replace(p, lat=p.lat + 0.01) if p is first else p
             for p in inputs.registry.posyandu]
    after = fingerprints(moved)
    changed = {url for url in before if before[url] != after[url]}
    assert len(before) == 20 and len(changed) == 1 and first.desa.kecamatan_kode.replace(
        ".", "") in changed.pop()
    pages = plan(dataclasses.replace(inputs, registry=dataclasses.replace(
        inputs.registry, posyandu=moved)), QrCache(None))
    home = next(p for p in pages if p.kind == "beranda").context()
    assert isinstance(home, pagedata.Home) and home.peta and "per kecamatan" in home.peta.map.name
    drawn = [p.context() for p in pages if p.kind == "kecamatan"]
    dots = sum(len(d.peta.map.dots) for d in drawn if isinstance(d, pagedata.KecamatanPage)
               and d.peta)
    assert dots == len(moved)
