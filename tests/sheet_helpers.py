"""Shared by the spreadsheet tests (test_import.py, test_export_xlsx.py): a scratch project and
the real command line."""
from __future__ import annotations

import shutil
from pathlib import Path

from helpers import ROOT

from generator.__main__ import main

FIXTURES = Path(__file__).resolve().parent / "import_fixtures"
SMALL_REGISTRY = (FIXTURES / "posyandu.yaml").read_text(encoding="utf-8")


def project(folder: Path, registry: str = SMALL_REGISTRY) -> Path:
    """``folder`` as a project: config.yaml, the real region table and boundaries, and
    ``registry``."""
    (folder / "data").mkdir(parents=True)
    shutil.copy(ROOT / "config.yaml", folder / "config.yaml")
    for name in ("wilayah.yaml", "batas-kukar.json"):
        shutil.copy(ROOT / "data" / name, folder / "data" / name)
    (folder / "data" / "posyandu.yaml").write_text(registry, encoding="utf-8")
    return folder


def cli(folder: Path, command: str, *args: str) -> int:
    """``python -m generator COMMAND ARGS --data … --config …`` on the project in ``folder``."""
    return main([command, *args, "--data", str(folder / "data" / "posyandu.yaml"),
                 "--config", str(folder / "config.yaml")])
