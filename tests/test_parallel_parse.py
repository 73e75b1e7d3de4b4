"""Registry entries parsed by worker processes (a large registry without a cache) give the same
Posyandu and the same problems, on the same lines, as entries parsed in the build's process."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import options
from registry_edits import small_registry

from generator import registry_file
from generator.build import load
from generator.problems import BuildError

SMALL = small_registry()
CHANGES = {
    "valid": SMALL,
    # wrong values (found after the fast path: read again precisely for their lines), a value
    # only the precise reader takes (an anchor), and an entry with fields missing
    "problems": SMALL.replace("diperbarui: 2026-", "diperbarui: 2026/", 2)
                     .replace('alamat: "', 'alamat: &a "', 1)
                     .replace("\n  - id: ", "\n  - id: dobel\n    x: 1\n  - id: ", 1),
}


def _loaded(path: Path, jobs: int) -> tuple[object, list[str]]:
    try:
        inputs = load(options(path.parent / "site", data=(path,), content=None, jobs=jobs))
    except BuildError as exc:
        return None, [str(p) for p in exc.problems.sorted()]
    return repr(inputs.registry.posyandu), []


@pytest.mark.parametrize("name", CHANGES)
def test_entries_parsed_by_workers_equal_those_parsed_here(tmp_path: Path, monkeypatch,
                                                           name: str):
    path = tmp_path / "posyandu.yaml"
    path.write_text(CHANGES[name], encoding="utf-8")
    here = _loaded(path, jobs=1)
    pools: list[int] = []
    real = registry_file.workers

    @contextlib.contextmanager
    def counted(jobs: int) -> Iterator[object]:
        pools.append(jobs)
        with real(jobs) as pool:
            yield pool

    monkeypatch.setattr(registry_file, "workers", counted)
    monkeypatch.setattr(registry_file, "PARALLEL_PARSE", 1)
    monkeypatch.setattr(registry_file, "PARSE_CHUNK", 4)
    assert _loaded(path, jobs=2) == here
    assert pools == [2]
    assert (here[0] is None) == (name == "problems") and here != (None, [])
