"""Builds that cannot half-succeed, are reproducible, and publish nothing unsafe."""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import BASE_URL, ROOT, digests, html_pages, options, soup

from generator import svg
from generator.build import build, load
from generator.opendata import records
from generator.problems import BuildError

HOSTILE = """"><script>alert('x')</script><img src=x onerror=alert(1)> '&amp; </title></script>"""


def run_build(out: Path, env: dict[str, str] | None = None, **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "generator", "build", "--out", str(out),
                             "--base-url", BASE_URL,
                             "--cache", str(out.parent / f"cache-{out.name}")],
                            cwd=ROOT, env={**os.environ, **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen)


@pytest.mark.slow
def test_two_builds_are_byte_identical_whatever_the_environment(tmp_path: Path):
    first = run_build(tmp_path / "a", {"PYTHONHASHSEED": "1", "TZ": "UTC", "LC_ALL": "C"})
    second = run_build(tmp_path / "b", {"PYTHONHASHSEED": "4242", "TZ": "Asia/Makassar",
                                        "LC_ALL": "C.UTF-8", "LANG": "id_ID.UTF-8"})
    for build_ in (first, second):
        assert build_.wait() == 0, build_.stderr.read().decode()
    a, b = digests(tmp_path / "a"), digests(tmp_path / "b")
    assert len(a) > 1000 and any(k.startswith("pagefind/filter/") for k in a)
    assert a == b


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["rendering", "indexing"])
def test_killed_build_leaves_the_previous_site_intact(tmp_path: Path, sample_site: Path, stage):
    out = tmp_path / "site"
    shutil.copytree(sample_site, out)
    before = digests(out)
    proc = run_build(out, start_new_session=True)
    deadline = time.monotonic() + 60
    staging = None
    while time.monotonic() < deadline and proc.poll() is None:
        found = list(tmp_path.glob(".site.staging-*"))
        if found:
            staging = found[0]
            if stage == "rendering" and len(list(staging.rglob("*.html"))) > 200:
                break
            if stage == "indexing" and (staging / "pagefind").exists():
                break
        time.sleep(0.005)
    assert proc.poll() is None, "the build finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert staging is not None
    assert digests(out) == before
    again = run_build(out)
    assert again.wait() == 0
    assert not list(tmp_path.glob(".site.*")), "stale staging folders are cleaned up"
    assert digests(out) == before, "the rebuild of the same input gives the same site"


def test_undefined_template_variable_fails_with_template_and_line(tmp_path: Path):
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    page = templates / "posyandu.html"
    lines = page.read_text(encoding="utf-8").split("\n")
    lines.insert(20, "<p>{{ p.nomor_telepon_kader }}</p>")
    page.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        build(options(tmp_path / "site", templates=templates, search=False))
    messages = {str(p).split("\n")[0].split(" (while")[0] for p in caught.value.problems.sorted()}
    assert messages == {f"{page}:21: (template): 'generator.models.Posyandu object' has no "
                        "attribute 'nomor_telepon_kader'"}
    assert not (tmp_path / "site").exists()


def hostile_registry(tmp_path: Path) -> Path:
    text = f"""posyandu:
  - id: hostile-1
    nama: {json.dumps(HOSTILE)}
    kode_wilayah: "64.02.13.1012"
    alamat: {json.dumps(HOSTILE)}
    koordinat: {{lat: -1.03, lon: 117.05}}
    jadwal: {{hari: selasa, minggu_ke: 2, jam: "08.00-11.00"}}
    registrasi: {{status: terdaftar, nomor: {json.dumps(HOSTILE[:50])}, tanggal: 2025-01-02}}
    spm:
      kesehatan: {{berjalan: true, kegiatan: [{json.dumps(HOSTILE)}]}}
    prestasi: [{json.dumps(HOSTILE)}]
    diperbarui: 2025-02-03
  - id: hostile-2
    nama: "=HYPERLINK(\\"http://evil.example\\",\\"klik\\")"
    kode_wilayah: "64.02.13.1012"
    registrasi: {{status: belum terdaftar}}
    spm: {{}}
    prestasi: ["+1+1", "-2", "@SUM(A1)"]
    diperbarui: 2025-02-03
"""
    path = tmp_path / "posyandu.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_hostile_text_stays_inert_everywhere(tmp_path: Path):
    out = tmp_path / "site"
    build(options(out, data=(hostile_registry(tmp_path),), search=False,
                  content=tmp_path / "no-content"))
    allowed_scripts = {None} | {f"{up}{name}" for up in ("", "../", "../../", "../../../")
                                for name in ("pagefind/pagefind-ui.js", "assets/cari.js",
                                             "assets/cari-teks.js", "assets/profil.js",
                                             "assets/vendor/minisearch.js",
                                             "assets/jadwal.js", "assets/hasil.js",
                                             "assets/pelatihan.js",
                                             "assets/kualitas.js")}
    for path in html_pages(out):
        page = soup(path)
        for script in page.find_all("script"):
            assert script.get("src") in allowed_scripts, (path, script)
            assert script.get("src") or script.get("type") == "application/ld+json", (path, script)
        for tag in page.find_all(True):
            assert not [a for a in tag.attrs if a.lower().startswith("on")], (path, tag)
        assert not page.find("img", src="x")
    profile = soup(out / "posyandu" / "hostile-1" / "index.html")
    assert profile.h1.get_text() == HOSTILE
    assert profile.title.get_text().startswith(HOSTILE)
    data = json.loads(profile.find("script", type="application/ld+json").string)
    assert data["name"] == HOSTILE and data["address"]["streetAddress"] == HOSTILE
    raw = (out / "posyandu" / "hostile-1" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in raw and "</title></script>" not in raw
    doc = json.loads((out / "data" / "posyandu.json").read_text(encoding="utf-8"))
    assert {r["nama"] for r in doc["posyandu"]} >= {HOSTILE}
    with (out / "data" / "posyandu.csv").open(encoding="utf-8", newline="") as f:
        rows = {r["id"]: r for r in csv.DictReader(f)}
    assert rows["hostile-2"]["nama"].startswith("'=HYPERLINK(")
    assert rows["hostile-2"]["prestasi"].startswith("'+1+1")
    for row in rows.values():  # only numbers (a latitude south of the equator) may start with "-"
        assert not any(v.startswith(("=", "+", "-", "@")) and not _is_number(v)
                       for v in row.values())


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_csv_numbers_are_numbers_negative_latitudes_included(tmp_path: Path):
    registry = load(options(tmp_path / "site", content=None)).registry
    rows = list(csv.DictReader(io.StringIO(records.to_csv(registry).decode())))
    assert len(rows) == len(registry.posyandu) == 827
    latitudes = [float(r["lat"]) for r in rows if r["lat"]]  # raises on '-0.48294
    assert sorted(latitudes) == sorted(p.lat for p in registry.posyandu if p.lat is not None)
    assert sum(lat < 0 for lat in latitudes) > 100  # Kukar lies mostly south of the equator
    assert all(_is_number(r[k]) for r in rows for k in ("lon", "jumlah_kader_aktif",
                                                       "kelengkapan_persen") if r[k])
    assert all(r["nama"] and not _is_number(r["nama"]) for r in rows)


def test_shipped_svg_is_accepted_and_a_scripted_one_refused_with_its_line():
    shipped = (ROOT / "content" / "modul" / "alur-registrasi.svg").read_bytes()
    assert svg.problems(shipped) == []
    scripted = shipped.replace(b"<defs>", b'<defs>\n<script href="x.js"/>', 1)
    line = scripted[: scripted.index(b"<script")].count(b"\n") + 1
    assert [(n, str(message)) for n, message in svg.problems(scripted)] == [
        (line, "the element <script> is not allowed in an SVG image"),
        (line, '<script>: href="x.js" links to another file or runs a script; only links to an '
               "id in the same file (#name) are allowed")]


ENTRY = """posyandu:
  - id: contoh-satu
    nama: "Posyandu{character}Melati"
    kode_wilayah: "64.02.13.1012"
    alamat: "Jl. Mawar {joint} Melati"
    koordinat: {{lat: -.5, lon: 117.05}}
    registrasi: {{status: belum terdaftar}}
    spm: {{}}
    diperbarui: 2025-02-03
"""


@pytest.mark.parametrize("character, name", [
    ("\x0b", "vertical tab"), ("\x00", "NUL"), ("\x1b", "escape"), ("\x85", "next line"),
    ("\u2028", "line separator"), ("\u2029", "paragraph separator")])
def test_a_value_reads_alike_on_the_fast_and_the_precise_path(tmp_path: Path, character: str,
                                                              name: str):
    """An '&' sends an entry down the precise path: what is found must not depend on it."""
    found = {}
    for joint in ("dan", "&"):
        path = tmp_path / "posyandu.yaml"
        path.write_text(ENTRY.format(character=character, joint=joint), encoding="utf-8")
        with pytest.raises(BuildError) as caught:
            load(options(tmp_path / "site", data=(path,), content=None))
        found[joint] = [str(p).split("\n")[0] for p in caught.value.problems.sorted()]
    assert found["dan"] == found["&"] == [
        f"{path}:3: (character): the invisible character U+{ord(character):04X} ({name}) "
        "is not allowed",
        f"{path}:6: posyandu[0].koordinat.lat: expected a number, found the text '-.5'"]


def test_headers_file_sends_the_same_policy_as_the_pages(sample_site: Path, sample_pages):
    headers = (sample_site / "_headers").read_text(encoding="utf-8")
    policy = sample_pages["index.html"].find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert f"Content-Security-Policy: {policy}; frame-ancestors 'none'" in headers
    assert "script-src 'self' 'wasm-unsafe-eval'" in policy and "default-src 'self'" in policy
    for _rel, page in sample_pages.items():
        assert page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"] == policy


@pytest.mark.slow
def test_every_page_is_valid_html(sample_site: Path):
    jar = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    assert jar.exists(), "run: npm ci (the Nu HTML Checker comes from the vnu-jar package)"
    pages = [str(p) for p in html_pages(sample_site)]
    result = subprocess.run(["java", "-jar", str(jar), "--errors-only", "--format", "gnu", *pages],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[:3000]
    assert len(pages) > 1000


@pytest.mark.slow
def test_two_builds_sharing_one_cache_at_once_both_succeed(tmp_path: Path):
    cache = ["--cache", str(tmp_path / "shared-cache")]
    runs = [subprocess.Popen([sys.executable, "-m", "generator", "build", "--out",
                              str(tmp_path / name), "--no-search", *cache], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for name in ("a", "b")]
    for run in runs:
        assert run.wait() == 0, run.stderr.read().decode()
    assert digests(tmp_path / "a") == digests(tmp_path / "b")
