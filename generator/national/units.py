"""The kabupaten folders of ``--units DIR`` and the national config.yaml above them."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

from ..build import Options, load
from ..cache import code_digest
from ..i18n import _
from ..load import load_yaml
from ..models import NationalSettings
from ..problems import BuildError, Problems
from ..validate import national_settings


@dataclass(frozen=True)
class Unit:
    """The inputs of one kabupaten."""

    kode: str
    config: Path
    data: tuple[Path, ...]


def find_units(root: Path, only: str, problems: Problems) -> list[Unit]:
    """Every kabupaten folder under ``root`` whose code starts with ``only``."""
    units = []
    for config in sorted(root.glob("*/config.yaml")) + sorted(root.glob("*/*/config.yaml")):
        data = load_yaml(config, problems)
        kode = data.get("kabupaten") if isinstance(data, dict) else None
        if not isinstance(kode, str):
            continue  # validated, with its line, when the kabupaten is built
        if kode.startswith(only) and (only == kode or len(only) < len(kode)):
            folder = config.parent
            registry = folder / "posyandu"
            files = (tuple(sorted(registry.rglob("*.yaml"))) if registry.is_dir()
                     else (folder / "posyandu.yaml",))
            units.append(Unit(kode, config, files))
    if not units:
        problems.add(str(root), 1, "(units)",
                     _("no kabupaten folder for {code} here").format(code=only) if only
                     else _("no kabupaten folder here"),
                     _("give a folder with one sub-folder per kabupaten, each with its "
                       "config.yaml, region table and posyandu.yaml"))
    return units


def check_units(root: Path, opts: Options) -> tuple[int, int]:
    """Validate every kabupaten of ``root`` as ``check`` does one; returns the number of
    kabupaten and of Posyandu, or raises BuildError with the problems of all of them."""
    problems = Problems()
    read_settings(root, opts, problems)
    units = find_units(root, "", problems)
    posyandu = 0
    for unit in units:
        try:
            inputs = load(replace(opts, config=unit.config, data=unit.data, content=None,
                                  cache=None))
        except BuildError as exc:
            problems.extend(exc.problems)
        else:
            posyandu += len(inputs.registry.posyandu)
    if problems:
        raise BuildError(problems)
    return len(units), posyandu


def inputs_digest(unit: Unit, opts: Options) -> str:
    """A digest of everything a kabupaten's site is made from."""
    digest = hashlib.sha256(repr((code_digest(), opts.base_url, opts.search,
                                  opts.training_above)).encode())
    region = load_yaml(unit.config, Problems())
    files = [unit.config, *unit.data]
    for key in ("wilayah", "batas"):
        if isinstance(region, dict) and isinstance(region.get(key), str):
            files.append(unit.config.parent / region[key])
    files += sorted(p for p in opts.templates.rglob("*") if p.is_file())
    for path in files:
        digest.update(str(path).encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"(missing)")
    return digest.hexdigest()


def read_settings(root: Path, opts: Options, problems: Problems) -> NationalSettings:
    """The national config.yaml of ``root`` (its base_url overridden by --base-url)."""
    config = root / "config.yaml"
    return national_settings(load_yaml(config, problems), str(config), problems, opts.base_url)
