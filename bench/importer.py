"""A DPMD spreadsheet round trip: ``export-xlsx`` of a registry, then ``import`` of that sheet
unchanged, and of the sheet with one cell edited (one entry's Jam). Wall-clock seconds of each
command (the whole process, as staff wait for it), medians of rounds.

Usage:
    python bench/importer.py [--project DIR] [--repeat 3] [--repo REPO]

``--project``: a folder with config.yaml and the registry at data/posyandu.yaml (default: this
repository's sample, 827 Posyandu; ``python bench/synth.py --posyandu 10000 --out DIR`` makes a
larger one, whose registry then has to be moved to DIR/data/posyandu.yaml). ``--repo``: the
checkout whose generator runs (default: this one; another, for a same-round comparison).
Every round works on a fresh copy of the project in a temporary folder.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent


def timed(repo: Path, project: Path, *args: str) -> float:
    """Seconds ``python -m generator ARGS`` takes in ``project`` with ``repo``'s generator."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "generator", *args], cwd=project, check=True,
                   stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(repo)})
    return time.perf_counter() - started


def edited(sheet: Path, out: Path) -> Path:
    """``sheet`` with the first entry's Jam changed."""
    book = openpyxl.load_workbook(sheet)
    rows = book["Posyandu"]
    header = [cell.value for cell in rows[1]]
    rows.cell(2, header.index("Jam") + 1, "06.30-09.30")
    book.save(out)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=ROOT)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--repo", type=Path, default=ROOT)
    args = parser.parse_args()
    figures: dict[str, list[float]] = {"export": [], "import unchanged": [],
                                       "import one edit": []}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeat):
            work = Path(tmp) / "project"
            shutil.rmtree(work, ignore_errors=True)
            (work / "data").mkdir(parents=True)
            shutil.copy(args.project / "config.yaml", work)
            for path in (args.project / "data").iterdir():
                if path.suffix in (".yaml", ".json"):
                    shutil.copy(path, work / "data")
            sheet = work / "daftar.xlsx"
            figures["export"].append(timed(args.repo, work, "export-xlsx", "--out", str(sheet)))
            figures["import unchanged"].append(timed(args.repo, work, "import", str(sheet)))
            figures["import one edit"].append(timed(args.repo, work, "import", str(
                edited(sheet, work / "diubah.xlsx"))))
    for name, seconds in figures.items():
        print(f"{name}: median {statistics.median(seconds):.2f} s "
              f"({', '.join(f'{s:.2f}' for s in seconds)})")


if __name__ == "__main__":
    main()
