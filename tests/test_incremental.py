"""Warm builds (cache, linked unchanged files, reused search index) give exactly the site a
cold build gives, byte for byte, after changing, adding or removing an entry, a template or a
module."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from helpers import ROOT, digests, options
from jinja2 import Environment
from registry_edits import add_entry, edit_entry, edit_template, remove_entry, small_registry
from training_content import make_content

from generator import pool
from generator.build import build
from generator.render import Environments


def edit_module(project: Path) -> None:
    path = project / "content" / "modul" / "02-dua.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nParagraf tambahan.\n", encoding="utf-8")


@pytest.mark.parametrize("change", [None, edit_entry, add_entry, remove_entry, edit_template,
                                    edit_module], ids=lambda c: c.__name__ if c else "nothing")
def test_warm_build_equals_cold_build(tmp_path: Path, change, monkeypatch):
    monkeypatch.setattr(pool, "PARALLEL_FROM", 1)  # the worker pool, as for a large site
    # a rebuild renders its first chunk here and hands the others to the pool
    monkeypatch.setattr(pool, "CHUNK", 10)
    monkeypatch.setattr(pool, "PARALLEL_SHARE", 0.0)
    project = tmp_path / "project"
    shutil.copytree(ROOT / "templates", project / "templates")
    (project / "posyandu.yaml").write_text(small_registry(), encoding="utf-8")
    content = make_content(project)
    warm, cold, cache = tmp_path / "warm", tmp_path / "cold", tmp_path / "cache"
    opts = dict(data=(project / "posyandu.yaml",), templates=project / "templates",
                content=content, environments=Environments())  # as the preview keeps them
    build(options(warm, cache=cache, **opts))
    build(options(warm, cache=cache, **opts))  # keeps the first site as the spare
    if change:
        change(project)
    before = digests(warm)
    build(options(warm, cache=cache, **opts))
    build(options(cold, cache=None, **opts))
    after, expected = digests(warm), digests(cold)
    assert after == expected
    changed = {k for k in after if before.get(k) != after[k]}
    if change is None:
        assert changed == set()
    else:
        assert changed and len(changed) < len(after)


@pytest.mark.slow
@pytest.mark.parametrize("jobs, method", [(1, "fork"), (2, "spawn")])
def test_one_process_and_a_pool_give_the_same_site(sample_site: Path, tmp_path: Path, jobs: int,
                                                   method: str):
    """Pages rendered in this process (jobs=1), or by workers that inherit nothing (spawn),
    equal pages rendered by the forked worker pool of the sample site."""
    build(options(tmp_path / "site", jobs=jobs, start_method=method))
    assert digests(tmp_path / "site") == digests(sample_site)


def file_states(folder: Path) -> dict[str, tuple[str, int, int]]:
    """Every file of ``folder``: (digest, inode, mtime in ns)."""
    states = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            stat = p.stat()
            states[p.relative_to(folder).as_posix()] = (
                hashlib.sha256(p.read_bytes()).hexdigest(), stat.st_ino, stat.st_mtime_ns)
    return states


@pytest.mark.slow
def test_a_one_entry_rebuild_touches_only_the_files_whose_content_changed(tmp_path: Path,
                                                                          monkeypatch):
    """After one entry changed, every file of the site whose bytes are the same is the very
    file of the previous build (same inode, same modification time), search index included."""
    monkeypatch.setattr(pool, "PARALLEL_FROM", 1)  # pages written by the worker pool
    project = tmp_path / "project"
    shutil.copytree(ROOT / "templates", project / "templates")
    (project / "posyandu.yaml").write_text(small_registry(), encoding="utf-8")
    site, cache = tmp_path / "site", tmp_path / "cache"
    opts = options(site, cache=cache, data=(project / "posyandu.yaml",),
                   templates=project / "templates", content=make_content(project))
    build(opts)
    build(opts)  # the next build brings the first site (kept as the spare) up to date
    before = file_states(site)
    edit_entry(project)
    build(opts)
    after = file_states(site)
    changed = {rel for rel, (digest, _, _) in after.items()
               if rel not in before or before[rel][0] != digest}
    edited = next(rel for rel in changed if rel.startswith("posyandu/")
                  and rel.endswith("/index.html"))
    assert "Posyandu Baru" in (site / edited).read_text(encoding="utf-8")
    assert any(rel.startswith("pagefind/") for rel in after), "the search index is built"
    same = {rel: state for rel, state in after.items() if rel not in changed}
    assert len(same) > len(changed), (len(same), sorted(changed))
    touched = sorted(rel for rel, state in same.items() if state != before[rel])
    assert touched == [], "unchanged files keep their inode and modification time"


def test_a_rebuild_loads_the_compiled_templates_and_compiles_a_changed_one(tmp_path: Path,
                                                                           monkeypatch):
    """Jinja's compiled templates are kept in the cache: a rebuild after an entry changed
    compiles no template; after a template changed it compiles that one again, and its page
    shows the change."""
    compiled: list[str] = []
    compile_ = Environment.compile

    def counted(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return compile_(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(Environment, "compile", counted)
    project = tmp_path / "project"
    shutil.copytree(ROOT / "templates", project / "templates")
    (project / "posyandu.yaml").write_text(small_registry(), encoding="utf-8")
    site, cache = tmp_path / "site", tmp_path / "cache"
    opts = options(site, cache=cache, data=(project / "posyandu.yaml",), jobs=1, search=False,
                   templates=project / "templates", content=None)
    build(opts)
    assert "posyandu.html" in compiled
    compiled.clear()
    edit_entry(project)
    build(opts)
    assert compiled == []
    edit_template(project)
    build(opts)
    assert compiled == ["posyandu.html"]
    profile = next(site.glob("posyandu/*/index.html")).read_text(encoding="utf-8")
    assert "Kapan dan di mana Posyandu buka" in profile
