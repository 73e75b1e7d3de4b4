"""generator.write: the staging folder writes each file once, links what did not change from
the previous output, becomes the output in one step on commit and leaves it alone on discard."""
from __future__ import annotations

from pathlib import Path

import pytest

from generator.output import MARKER
from generator.write import Staging, replace_folder


def committed(out: Path, cache: Path | None, files: dict[str, str], key: str = "k") -> None:
    """One build of ``out`` that writes ``files`` (each made from inputs ``key``)."""
    staging = Staging(out, cache)
    for rel, text in files.items():
        staging.write(rel, text, key)
    staging.commit()


def test_staging_writes_one_path_once(tmp_path: Path):
    staging = Staging(tmp_path / "site")
    try:
        staging.write("robots.txt", "User-agent: *\n")
        with pytest.raises(ValueError, match="robots.txt was already written by this build"):
            staging.write("robots.txt", "User-agent: *\nDisallow: /\n")
    finally:
        staging.discard()


def test_commit_swaps_the_staging_folder_in_and_leaves_nothing_beside_it(tmp_path: Path):
    out = tmp_path / "site"
    committed(out, None, {"index.html": "satu", "a/b/c.html": "dua", "lama.html": "tiga"})
    committed(out, None, {"index.html": "satu baru", "a/b/c.html": "dua"})
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        MARKER, "a/b/c.html", "index.html"]
    assert (out / "index.html").read_text(encoding="utf-8") == "satu baru"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_discard_leaves_the_previous_output_as_it_was(tmp_path: Path):
    out = tmp_path / "site"
    committed(out, None, {"index.html": "lama"})
    staging = Staging(out)
    staging.write("index.html", "baru")
    staging.discard()
    assert (out / "index.html").read_text(encoding="utf-8") == "lama"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_reuse_links_the_previous_file_when_its_inputs_are_the_same(tmp_path: Path):
    out, cache = tmp_path / "site", tmp_path / "cache"
    committed(out, cache, {"p/index.html": "profil"}, key="v1")
    before = (out / "p/index.html").stat().st_ino
    staging = Staging(out, cache)
    assert not staging.reuse("p/index.html", "v2")  # other inputs: render again
    assert not staging.reuse("q/index.html", "v1")  # not in the previous output
    assert staging.reuse("p/index.html", "v1")
    staging.commit()
    assert (out / "p/index.html").stat().st_ino == before
    assert (out / "p/index.html").read_text(encoding="utf-8") == "profil"


def test_unchanged_bytes_are_linked_and_changed_bytes_written(tmp_path: Path):
    out, cache = tmp_path / "site", tmp_path / "cache"
    committed(out, cache, {"same.html": "sama", "other.html": "lama"})
    same, other = (out / "same.html").stat().st_ino, (out / "other.html").stat().st_ino
    staging = Staging(out, cache)
    staging.write("same.html", "sama")
    staging.write("other.html", "baru")
    assert (out / "other.html").read_text(encoding="utf-8") == "lama"  # until the commit
    staging.commit()
    assert (out / "same.html").stat().st_ino == same
    assert (out / "other.html").stat().st_ino != other
    assert (out / "other.html").read_text(encoding="utf-8") == "baru"


def test_a_file_of_the_spare_that_went_missing_is_made_anew(tmp_path: Path):
    """The spare's manifest names a file that is not there (removed by hand): a write, or a
    link from the output whose file is gone as well, makes it anew instead of failing."""
    out, cache = tmp_path / "site", tmp_path / "cache"
    committed(out, cache, {"a.html": "satu", "b.html": "satu"}, key="v1")
    committed(out, cache, {"a.html": "dua", "b.html": "dua"}, key="v2")  # the first: the spare
    staging = Staging(out, cache)
    assert sorted(staging.present) == ["a.html", "b.html"]
    (staging.dir / "a.html").unlink()
    (staging.dir / "b.html").unlink()
    (out / "b.html").unlink()
    staging.write("a.html", "tiga")
    assert not staging.reuse("b.html", "v2")
    staging.write("b.html", "tiga")
    staging.commit()
    assert [(out / name).read_text(encoding="utf-8") for name in ("a.html", "b.html")] == [
        "tiga", "tiga"]


def test_without_a_cache_or_with_a_foreign_marker_nothing_is_linked(tmp_path: Path):
    out, cache = tmp_path / "site", tmp_path / "cache"
    committed(out, cache, {"index.html": "sama"})
    assert not Staging(out).reuse("index.html", "k")  # no cache folder: no manifest
    (out / MARKER).write_text("some other build\n", encoding="utf-8")
    staging = Staging(out, cache)
    assert not staging.reuse("index.html", "k")
    staging.write("index.html", "sama")
    assert (staging.dir / "index.html").stat().st_ino != (out / "index.html").stat().st_ino
    staging.discard()


def test_unchanged_compares_the_selected_files_with_the_previous_build(tmp_path: Path):
    out, cache = tmp_path / "site", tmp_path / "cache"
    committed(out, cache, {"a.html": "1", "b.html": "2", "x.js": "3"})
    staging = Staging(out, cache)
    staging.write("a.html", "1")
    staging.write("x.js", "berubah")
    html = staging.unchanged(lambda rel: rel.endswith(".html"))
    assert not html  # b.html is missing
    staging.write("b.html", "2")
    assert staging.unchanged(lambda rel: rel.endswith(".html"))
    assert not staging.unchanged(lambda rel: rel.endswith(".js"))
    assert not staging.unchanged(lambda rel: rel.endswith(".css"))  # nothing selected
    staging.discard()


def test_copy_tree_and_reuse_tree(tmp_path: Path):
    source = tmp_path / "assets"
    (source / "img").mkdir(parents=True)
    (source / "app.css").write_text("body{}", encoding="utf-8")
    (source / "img" / "a.svg").write_text("<svg/>", encoding="utf-8")
    out = tmp_path / "site"
    staging = Staging(out)
    staging.copy_tree(source, "aset")
    assert sorted(staging.digests) == ["aset/app.css", "aset/img/a.svg"]
    staging.commit()
    staging = Staging(out)
    assert staging.reuse_tree("aset") and not staging.reuse_tree("tidak-ada")
    assert (staging.dir / "aset/img/a.svg").stat().st_ino == (out / "aset/img/a.svg").stat().st_ino
    staging.write("aset/img/a.svg", "<svg>baru</svg>")  # over a file linked from the live site
    assert (out / "aset/img/a.svg").read_text(encoding="utf-8") == "<svg/>"
    assert (staging.dir / "aset/img/a.svg").read_text(encoding="utf-8") == "<svg>baru</svg>"
    staging.discard()


def test_a_new_staging_undoes_what_a_killed_build_left(tmp_path: Path):
    out = tmp_path / "site"
    committed(out, None, {"index.html": "lama"})
    out.rename(tmp_path / ".site.old-999")  # killed between the two renames of replace_folder
    (tmp_path / ".site.staging-998").mkdir()
    staging = Staging(out)
    assert (out / "index.html").read_text(encoding="utf-8") == "lama"
    assert sorted(p.name for p in tmp_path.iterdir()) == [staging.dir.name, "site"]
    staging.discard()


def test_replace_folder_puts_the_source_in_place_and_removes_the_old(tmp_path: Path):
    new, target = tmp_path / "baru", tmp_path / "target"
    new.mkdir()
    (new / "f").write_text("baru", encoding="utf-8")
    replace_folder(new, target)  # no target yet: a rename
    assert (target / "f").read_text(encoding="utf-8") == "baru" and not new.exists()
    new.mkdir()
    (new / "g").write_text("lagi", encoding="utf-8")
    replace_folder(new, target)
    assert [p.name for p in target.iterdir()] == ["g"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["target"]
