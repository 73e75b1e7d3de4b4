"""A rebuild after one entry changed serializes that entry's open data alone and joins the
other entries' pieces from the cache; the files equal those of a cold build, byte for byte."""
from __future__ import annotations

import pickle
import shutil
import uuid
from pathlib import Path

import pytest
from helpers import ROOT, digests, options
from registry_edits import add_entry, edit_entry, edit_template, remove_entry, small_registry

from generator.build import build
from generator.cache import CacheDir
from generator.models import Posyandu
from generator.opendata import hsds, pieces


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(ROOT / "templates", project / "templates")
    (project / "posyandu.yaml").write_text(small_registry(), encoding="utf-8")
    return project


def _cached_digests(cache: Path) -> set[str]:
    found: set[str] = set()
    stem = CacheDir(cache).opendata_pieces()
    assert stem
    for path in cache.glob(f"{stem.name}-*.pickle"):
        _salt, data = pickle.loads(path.read_bytes())
        found.update(data)
    return found


@pytest.mark.parametrize("change, serialized", [(edit_entry, 1), (add_entry, 1),
                                                (remove_entry, 0), (edit_template, 0), (None, 0)],
                         ids=lambda c: getattr(c, "__name__", str(c)))
def test_a_rebuild_serializes_only_the_changed_entries(tmp_path: Path, monkeypatch, change,
                                                       serialized: int):
    project = _project(tmp_path)
    made: list[str] = []
    real = pieces.make

    def counted(p: Posyandu, *args) -> pieces.Pieces:
        made.append(p.id)
        return real(p, *args)

    monkeypatch.setattr(pieces, "make", counted)
    cache = tmp_path / "cache"
    opts = dict(data=(project / "posyandu.yaml",), templates=project / "templates", content=None,
                search=False)
    build(options(tmp_path / "warm", cache=cache, **opts))
    entries = len(made)
    assert entries > 1 and len(_cached_digests(cache)) == entries
    before = _cached_digests(cache)
    if change:
        change(project)
    made.clear()
    build(options(tmp_path / "warm", cache=cache, **opts))
    assert len(made) == serialized
    after = _cached_digests(cache)
    assert len(after - before) == serialized  # the changed entry's pieces were added
    assert len(after) == entries + (change is add_entry) - (change is remove_entry)
    build(options(tmp_path / "cold", cache=None, **opts))
    assert digests(tmp_path / "warm") == digests(tmp_path / "cold")


def test_hsds_identifiers_are_the_uuid5_of_the_standard_library(tmp_path: Path):
    for name in ("64.02/a", "64.02/posyandu-é/location", "", "x" * 200):
        assert hsds.uuid5(name) == str(uuid.uuid5(hsds.NAMESPACE, name))
