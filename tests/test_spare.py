"""Double buffering: the site a build replaces is kept in the cache as the spare, and the next
build brings it up to date in place. Each build still equals a cold build; a spare that cannot
be trusted is not used; nothing of it is ever published."""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT, digests, options
from registry_edits import edit_entry, remove_entry, small_registry
from training_content import make_content

from generator import spare as spare_module
from generator import write
from generator.build import build
from generator.cache import read_pickle, write_pickle
from generator.output import MARKER
from generator.problems import BuildError


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Templates, 30 Posyandu and two training modules to edit."""
    folder = tmp_path / "project"
    shutil.copytree(ROOT / "templates", folder / "templates")
    (folder / "posyandu.yaml").write_text(small_registry(), encoding="utf-8")
    make_content(folder)
    return folder


def build_in(project: Path, out: Path, cache: Path | None) -> dict[str, str]:
    build(options(out, cache=cache, data=(project / "posyandu.yaml",),
                  templates=project / "templates", content=project / "content", search=False))
    return digests(out)


def cold(project: Path, tmp_path: Path) -> dict[str, str]:
    shutil.rmtree(tmp_path / "cold", ignore_errors=True)
    return build_in(project, tmp_path / "cold", None)


def spares(cache: Path) -> list[str]:
    return sorted(p.name for p in cache.glob("spare-*"))


def test_the_replaced_site_is_kept_as_the_spare_and_updated_in_place(project: Path,
                                                                     tmp_path: Path):
    site, cache = tmp_path / "site", tmp_path / "cache"
    first = build_in(project, site, cache)
    assert spares(cache) == []  # nothing was replaced
    build_in(project, site, cache)
    spare = next(cache.glob("spare-*/"))
    assert digests(spare) == first, "the replaced site is the spare"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "project", "site"]
    inode = (spare / "index.html").stat().st_ino
    edit_entry(project)
    assert build_in(project, site, cache) == cold(project, tmp_path)
    assert (site / "index.html").stat().st_ino == inode, "the spare became the site"


def test_the_spare_of_an_output_that_is_gone_is_removed(project: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    for out in ("a", "b", "a", "b"):
        build_in(project, tmp_path / out, cache)
    assert len(spares(cache)) == 4  # a folder and a manifest for each output
    shutil.rmtree(tmp_path / "a")
    build_in(project, tmp_path / "b", cache)
    kept = read_pickle(next(cache.glob("spare-*.pickle")), spare_module.MANIFEST)
    assert len(spares(cache)) == 2 and kept["out"] == str((tmp_path / "b").resolve())


@pytest.mark.parametrize("damage", ["manifest", "marker", "no-manifest"])
def test_a_spare_that_cannot_be_trusted_is_not_used(project: Path, tmp_path: Path, damage: str):
    site, cache = tmp_path / "site", tmp_path / "cache"
    for _ in range(2):
        build_in(project, site, cache)
    spare = next(cache.glob("spare-*/"))
    manifest = spare.with_name(spare.name + ".pickle")
    page = next(p for p in sorted(spare.rglob("index.html")) if "posyandu/" in p.as_posix())
    page.unlink()  # a file of the spare that its manifest names is gone
    if damage == "manifest":
        doc = read_pickle(manifest, spare_module.MANIFEST)
        write_pickle(manifest, spare_module.MANIFEST, {**doc, "id": "0" * 64})
    elif damage == "marker":
        (spare / MARKER).write_text("another build\n", encoding="utf-8")
    else:
        manifest.unlink()
    edit_entry(project)
    assert build_in(project, site, cache) == cold(project, tmp_path)


def test_builds_that_undo_each_other_equal_cold_builds(project: Path, tmp_path: Path):
    """The spare is two builds old: what changed in either of the last two builds is made
    right (an edit, its revert, a removed entry, its return)."""
    site, cache = tmp_path / "site", tmp_path / "cache"
    original = (project / "posyandu.yaml").read_text(encoding="utf-8")
    build_in(project, site, cache)
    for change in (edit_entry, None, remove_entry, None, remove_entry, edit_entry):
        if change:
            change(project)
        else:
            (project / "posyandu.yaml").write_text(original, encoding="utf-8")
        assert build_in(project, site, cache) == cold(project, tmp_path), change
        assert not [p for p in site.rglob("*") if p.is_dir() and not any(p.iterdir())], \
            "no empty folder is left by a removed page"


def test_a_failed_build_leaves_the_site_and_the_next_build_equals_a_cold_one(project: Path,
                                                                             tmp_path: Path):
    site, cache = tmp_path / "site", tmp_path / "cache"
    for _ in range(2):
        before = build_in(project, site, cache)
    template = project / "templates" / "posyandu.html"
    good = template.read_text(encoding="utf-8")
    template.write_text(good.replace("</h1>", "{{ 1 / 0 }}</h1>", 1), encoding="utf-8")
    with pytest.raises(BuildError):
        build_in(project, site, cache)
    assert digests(site) == before
    spare = next(cache.glob("spare-*/"))
    inode = (spare / "index.html").stat().st_ino
    template.write_text(good, encoding="utf-8")
    edit_entry(project)
    assert build_in(project, site, cache) == cold(project, tmp_path)
    assert (site / "index.html").stat().st_ino == inode, "the failed build's folder was the spare"


def test_a_spare_is_never_written_through(project: Path, tmp_path: Path, monkeypatch):
    """The spare's unchanged files are the live site's files (hard links): a changed file is
    replaced in the spare, and the live site keeps its bytes until the exchange."""
    site, cache = tmp_path / "site", tmp_path / "cache"
    for _ in range(2):
        build_in(project, site, cache)
    before = digests(site)
    seen = {}

    def exchange(a: Path, b: Path) -> bool:
        seen["live"] = digests(b)
        return real(a, b)

    real = write._exchange
    monkeypatch.setattr(write, "_exchange", exchange)
    edit_entry(project)
    build_in(project, site, cache)
    assert seen["live"] == before


@pytest.mark.slow
def test_a_kabupaten_of_a_national_site_keeps_its_spare_in_its_cache(tmp_path: Path):
    out, cache = tmp_path / "site", tmp_path / "cache"
    for _ in range(3):
        (cache / "32.01" / "built.json").unlink(missing_ok=True)  # build it again
        subprocess.run([sys.executable, "-m", "generator", "build", "--units",
                        ROOT / "tests" / "fixtures" / "nasional", "--only", "32.01", "--out", out,
                        "--cache", cache, "--no-search"], cwd=ROOT, check=True,
                       capture_output=True)
    assert spares(cache / "32.01"), "the kabupaten's replaced site is its spare"
    hidden = sorted(p.relative_to(out).as_posix() for p in out.rglob(".*") if p.name != MARKER)
    assert hidden == [], "nothing but marker files is hidden in the published site"


def test_a_file_of_the_spare_where_a_folder_is_needed_and_the_other_way_round(tmp_path: Path):
    """The spare is two builds old: a path that was a file there may have to be a folder now,
    or the other way round."""
    out, cache = tmp_path / "site", tmp_path / "cache"
    builds = [{"a/b": "file"}, {"a/c": "other"}, {"a/b/index.html": "folder"}, {"a/c": "other"},
              {"a/b": "file again"}]
    for files in builds:
        staging = write.Staging(out, cache)
        for rel, text in files.items():
            staging.write(rel, text)
        staging.commit()
        assert {k: v for k, v in digests(out).items() if k != MARKER} == {
            rel: hashlib.sha256(text.encode()).hexdigest() for rel, text in files.items()}
    assert spares(cache), "the spare was used"
