"""A build runs with Python's cycle collector paused (build.collector_paused) and leaves it as
it found it, whether the build succeeds or fails: the preview and a national worker build
again and again in one process."""
from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import ROOT, options
from registry_edits import small_registry

from generator import build as build_module
from generator.build import build
from generator.problems import BuildError


@pytest.fixture
def collector_states(monkeypatch) -> Iterator[list[bool]]:
    """Whether the collector was on when each build planned its pages."""
    seen: list[bool] = []
    real = build_module.plan

    def plan(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(build_module, "plan", plan)
    was = gc.isenabled()
    yield seen
    gc.enable() if was else gc.disable()


def registry(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "posyandu.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("enabled", [True, False])
def test_a_build_pauses_the_collector_and_restores_it(tmp_path: Path, collector_states,
                                                     enabled: bool):
    gc.enable() if enabled else gc.disable()
    build(options(tmp_path / "site", data=(registry(tmp_path, small_registry()),),
                  templates=ROOT / "templates", content=None, search=False))
    assert collector_states == [False]
    assert gc.isenabled() is enabled


def test_a_failed_build_restores_the_collector(tmp_path: Path, collector_states):
    gc.enable()
    broken = small_registry().replace('nama: "Posyandu', "nama: [", 1)
    with pytest.raises(BuildError):
        build(options(tmp_path / "site", data=(registry(tmp_path, broken),),
                      templates=ROOT / "templates", content=None, search=False))
    assert gc.isenabled()


def test_what_a_build_made_is_old_when_the_collector_runs_again(tmp_path: Path):
    """Not left young (the collector off, nothing moved on): the first collection after the
    build would walk all of it."""
    gc.enable()
    build(options(tmp_path / "site", data=(registry(tmp_path, small_registry()),),
                  templates=ROOT / "templates", content=None, search=False))
    young = [len(gc.get_objects(generation)) for generation in (0, 1)]
    assert sum(young) < 1000 < len(gc.get_objects(generation=2)), young
