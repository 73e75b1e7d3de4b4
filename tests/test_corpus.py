"""The corpus of bad inputs (tests/corpus/): each ends in its exact problems, exit status 1,
no traceback, and the previous site untouched."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from generator.output import MARKER, MARKER_TEXT
from generator.__main__ import main

CORPUS = ROOT / "tests" / "corpus"


def cases() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    current = None
    for line in (CORPUS / "EXPECTED").read_text(encoding="utf-8").splitlines():
        if line.startswith("== "):
            current = line[3:]
            found[current] = []
        elif current and line and not line.startswith("#"):
            found[current].append(line)
    return found


CASES = cases()


def test_corpus_is_complete():
    files = sorted(p.relative_to(CORPUS).as_posix() for p in CORPUS.glob("*/*.yaml"))
    assert sorted(CASES) == files
    assert len(CASES) >= 60 and all(CASES.values())


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_gives_its_exact_problems(case: str, tmp_path: Path, capsys, monkeypatch):
    monkeypatch.chdir(CORPUS)
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("previous", encoding="utf-8")
    (out / MARKER).write_text(MARKER_TEXT, encoding="utf-8")  # a site this generator made
    option = "--config" if case.startswith("config/") else "--data"
    status = main(["build", option, case, "--out", str(out), "--no-search",
                   *(["--config", str(ROOT / "config.yaml")] if option == "--data" else [])])
    err = capsys.readouterr().err
    assert status == 1
    lines = err.splitlines()
    problems = [l for l in lines if not l.startswith("    hint: ") and "problem(s) found" not in l]
    expected = [e.replace("data/wilayah.yaml", os.path.relpath(ROOT / "data" / "wilayah.yaml"))
                for e in CASES[case]]
    assert problems == expected
    hints = [l for l in lines if l.startswith("    hint: ")]
    assert len(hints) == len(problems) and all(len(h) > 15 for h in hints)
    assert lines[-1] == f"{len(problems)} problem(s) found; nothing was written to {out}/"
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "index.html"]
    assert (out / "index.html").read_text(encoding="utf-8") == "previous"


def test_a_file_of_hundreds_of_megabytes_is_refused_before_it_is_read(tmp_path: Path):
    huge = tmp_path / "posyandu.yaml"
    with huge.open("wb") as f:
        f.truncate(300 * 1024 * 1024)  # sparse: takes no disk space
    result = subprocess.run([sys.executable, "-m", "generator", "check", "--data", str(huge)],
                            cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert result.stderr.startswith(f"{huge}:1: (file): is 300 MB, over the limit of 64 MB\n"
                                    "    hint: split the registry")
    assert "Traceback" not in result.stderr


def test_subprocess_run_prints_no_traceback():
    result = subprocess.run([sys.executable, "-m", "generator", "check", "--data",
                             str(CORPUS / "registry" / "billion-laughs.yaml")],
                            cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "anchors and aliases" in result.stderr
