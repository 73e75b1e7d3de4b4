"""Each kabupaten built as a complete site of its own, in parallel, into its folder of the
national site; shards built elsewhere are put in by ``assemble``."""
from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

from .. import urls
from ..build import Options, collector_paused, load
from ..build import build as build_kabupaten
from ..cache import write_atomically
from ..i18n import _
from ..opendata import datadict
from ..plan import KabupatenSummary
from ..pool import workers
from ..problems import BuildError, Problem, Problems
from .folders import link_or_copy, swap_folder
from .units import Unit, find_units, inputs_digest

ONLY = re.compile(r"\d{2}(\.\d{2})?")


@dataclass(frozen=True)
class Outcome:
    """What building one kabupaten gave: its folder in the site, or its problems."""

    path: str
    pages: int
    posyandu: int
    problems: tuple[Problem, ...]


def build_shards(root: Path, only: str, opts: Options, jobs: int) -> list[Outcome]:
    """Build every kabupaten of ``root`` (or those whose code starts with ``only``) into
    ``opts.out``, ``jobs`` at a time; raises BuildError with every kabupaten's problems."""
    problems = Problems()
    if only and not ONLY.fullmatch(only):
        problems.add("--only", 1, "(only)",
                     _("'{code}' is not a provinsi or kabupaten code").format(code=only),
                     _("give e.g. 64 (a provinsi) or 64.02 (a kabupaten)"))
        raise BuildError(problems)
    units = find_units(root, only, problems)
    if problems:
        raise BuildError(problems)
    with workers(max(1, jobs)) as pool:
        outcomes = list(pool.map(_build_unit, units, [opts] * len(units), chunksize=1))
    for outcome in outcomes:
        problems.items.extend(outcome.problems)
    if problems:
        raise BuildError(problems)
    return outcomes


def _build_unit(unit: Unit, opts: Options) -> Outcome:
    """Build one kabupaten into its folder of ``opts.out`` unless its inputs are as at its
    last successful build (a worker process)."""
    cache = opts.cache_dir.unit(unit.kode)
    kab_opts = replace(opts, config=unit.config, data=unit.data, content=None, cache=cache.folder,
                       training_above=bool(opts.content and opts.content.is_dir()), jobs=1,
                       locked_by_caller=True)
    stamp = inputs_digest(unit, kab_opts)
    done = cache.built()
    if done and done.exists():
        last = json.loads(done.read_text(encoding="utf-8"))
        if last["digest"] == stamp and (opts.out / last["path"] / datadict.SUMMARY).exists():
            return Outcome(last["path"], last["pages"], last["posyandu"], ())
    try:
        with collector_paused():  # the unit's inputs are read as its pages are built
            inputs = load(kab_opts)
            region = inputs.registry.region
            path = urls.kabupaten(region)
            settings = inputs.registry.settings
            inputs.registry.settings = replace(settings, base_url=(opts.base_url or "") + path)
            parents = (("Indonesia", "../../"), (f"Provinsi {region.provinsi}", "../"))
            result = build_kabupaten(replace(kab_opts, out=opts.out / path, parents=parents),
                                     inputs)
    except BuildError as exc:
        return Outcome("", 0, 0, tuple(exc.problems.sorted()))
    if done:
        write_atomically(done, json.dumps({"digest": stamp, "path": path, "pages": result.pages,
                                           "posyandu": result.posyandu}).encode())
    return Outcome(path, result.pages, result.posyandu, ())


def assemble(shards: list[Path], out: Path) -> None:
    """Put the kabupaten folders of shard outputs into ``out`` (hard links where possible);
    a kabupaten already there is replaced. Raises BuildError for a folder with no kabupaten."""
    problems = Problems()
    for shard in shards:
        if not any(shard.glob(f"*/*/{datadict.SUMMARY}")):
            problems.add(str(shard), 1, "(shard)", _("no kabupaten built here"),
                         _("give folders made by: {command}").format(
                             command="python -m generator build --units DIR --only CODE"))
    if problems:
        raise BuildError(problems)
    for shard in shards:
        for summary in sorted(shard.glob(f"*/*/{datadict.SUMMARY}")):
            folder = summary.parents[1]
            rel = folder.relative_to(shard)
            target = out / rel
            tmp = target.parent / f".{target.name}.assembling"
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(folder, tmp, copy_function=link_or_copy)
            swap_folder(tmp, target)


def summaries(out: Path) -> list[KabupatenSummary]:
    """Every kabupaten in ``out``, from its data/ringkasan.json, in code order."""
    found = [KabupatenSummary.read(json.loads(summary.read_text(encoding="utf-8")),
                                   summary.parents[1].relative_to(out).as_posix() + "/")
             for summary in out.glob(f"*/*/{datadict.SUMMARY}")]
    return sorted(found, key=lambda k: k.kode)
