"""A rebuild after one entry changed serializes that entry's open data alone and joins the
other entries' pieces from the cache; the files equal those of a cold build, byte for byte."""
from __future__ import annotations

import dataclasses
import pickle
import random
import shutil
import uuid
from pathlib import Path

import pytest
from helpers import ROOT, digests, options
from registry_edits import (
    add_entry,
    edit_entry,
    edit_template,
    remove_entry,
    reverse_entries,
    small_registry,
)

from generator import finder
from generator.build import Options, build, load
from generator.cache import CacheDir
from generator.models import Posyandu, Registry, place_order
from generator.opendata import hsds, pieces, records


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(ROOT / "templates", project / "templates")
    (project / "posyandu.yaml").write_text(small_registry(), encoding="utf-8")
    return project


def _sample(tmp_path: Path) -> Registry:
    """The sample registry."""
    return load(Options(config=ROOT / "config.yaml", data=(ROOT / "data" / "posyandu.yaml",),
                        content=None, out=tmp_path / "site", cache=None)).registry


def _cached_digests(cache: Path) -> set[str]:
    found: set[str] = set()
    files = CacheDir(cache).opendata_pieces()
    assert files
    stem = files[0]
    for path in cache.glob(f"{stem.name}-*.pickle"):
        _salt, data = pickle.loads(path.read_bytes())
        found.update(data)
    return found


@pytest.mark.parametrize("change, serialized", [(edit_entry, 1), (add_entry, 1),
                                                (remove_entry, 0), (reverse_entries, 0),
                                                (edit_template, 0), (None, 0)],
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


@pytest.mark.parametrize("key", [place_order, finder.order], ids=["place", "name"])
@pytest.mark.parametrize("changes", [0, 1, 3, 40, 400])
def test_an_order_made_from_the_previous_one_is_the_sorted_order(tmp_path: Path, key,
                                                                 changes: int):
    """Entries renamed (moved elsewhere in both orders), removed and added since the previous
    order was made, in any order of the registry: the order is what sorting them all gives."""
    registry = _sample(tmp_path)
    rng = random.Random(changes)
    before = {p.content_digest: p for p in registry.posyandu}
    previous = sorted(before, key=lambda d: key(before[d]))
    now = list(registry.posyandu)
    rng.shuffle(now)
    for i in rng.sample(range(len(now)), changes):
        now[i] = dataclasses.replace(now[i], nama=rng.choice(["A", "Posyandu Z", now[i].nama + "!"]))
    del now[:changes]
    now += [dataclasses.replace(p, id=p.id + "-baru") for p in rng.sample(now, changes)]
    entries = {p.content_digest: p for p in now}
    expected = sorted(entries, key=lambda d: key(entries[d]))
    assert pieces.order(entries, previous, key) == expected
    assert pieces.order(entries, [], key) == expected
    assert pieces.order(entries, expected, key) == expected


@pytest.mark.parametrize("values", [[], [1], ["é", {"a": None}, [2, 3]]], ids=len)
def test_files_joined_from_pieces_are_the_json_of_their_values(values: list):
    texts = [records.compact(v).encode() for v in values]
    assert records.array(texts) == records.dump(values).encode()
    head = {"judul": "ä", "jumlah": len(values)}
    assert records.document(head, "posyandu", texts) == records.dump(
        head | {"posyandu": values}).encode()
