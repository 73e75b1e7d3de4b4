"""A site of many kabupaten, built the way large static sites are: as shards.

Each kabupaten is a complete site of its own (pages, open data, its own Pagefind index) built
into ``<provinsi>/<kabupaten>/`` of the output; kabupaten are built in parallel, and one whose
inputs did not change since its last build is not built again. The top of the site (national
home, one page per provinsi, training, and a search page) is made from each kabupaten's
``data/ringkasan.json``, and each provinsi's lookup by name (provinsi_finder.py) from its
kabupaten's finder indexes, so shards built on different machines (``--only 64``) can be assembled
later (``assemble``).

Layout of ``--units DIR``: ``DIR/config.yaml`` (judul, deskripsi, base_url, data_contoh) and one
folder per kabupaten holding its config.yaml, region table and registry (``posyandu.yaml``, or a
``posyandu/`` folder of YAML files).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import export, provinsi_finder
from .build import Options, Result, _salt, load, publish
from .build import build as build_kabupaten
from .cache import code_digest, write_atomically
from .i18n import _
from .load import load_yaml
from .map_pages import attach_national
from .maps import NATIONAL_CODES, load_boundaries
from .models import NationalSettings, Region
from .output import MARKER, MARKER_TEXT, check_output
from .plan import national_areas, national_pages
from .policy import CSP
from .pool import workers
from .problems import BuildError, Problem, Problems
from .qr import QrCache
from .slugs import code_slug
from .training import load_training
from .validate import national_settings
from .write import replace_folder

ONLY = re.compile(r"\d{2}(\.\d{2})?")


@dataclass(frozen=True)
class Unit:
    """The inputs of one kabupaten."""

    kode: str
    config: Path
    data: tuple[Path, ...]


@dataclass(frozen=True)
class Outcome:
    """What building one kabupaten gave: its folder in the site, or its problems."""

    path: str
    pages: int
    posyandu: int
    problems: tuple[Problem, ...]


def kabupaten_path(region: Region) -> str:
    """Where a kabupaten's site lives in the national site, e.g. "kalimantan-timur-64/
    kutai-kartanegara-6402/" (names for people, codes so that no two folders collide)."""
    return f"{provinsi_path(region.provinsi, region.provinsi_kode)}{code_slug(region.nama, region.kode)}/"


def provinsi_path(nama: str, kode: str) -> str:
    """The folder of a provinsi page."""
    return f"{code_slug(nama, kode)}/"


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


def check_units(root: Path, opts: Options) -> tuple[int, int]:
    """Validate every kabupaten of ``root`` as ``check`` does one; returns the number of
    kabupaten and of Posyandu, or raises BuildError with the problems of all of them."""
    problems = Problems()
    _settings(root, opts, problems)
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


def _build_unit(unit: Unit, opts: Options) -> Outcome:
    """Build one kabupaten into its folder of ``opts.out`` unless its inputs are as at its
    last successful build (a worker process)."""
    cache = opts.cache / unit.kode if opts.cache else None
    kab_opts = replace(opts, config=unit.config, data=unit.data, content=None, cache=cache,
                       training_above=bool(opts.content and opts.content.is_dir()), jobs=1,
                       locked_by_caller=True)
    stamp = _inputs_digest(unit, kab_opts)
    done = cache / "built.json" if cache else None
    if done and done.exists():
        last = json.loads(done.read_text(encoding="utf-8"))
        if last["digest"] == stamp and (opts.out / last["path"] / export.SUMMARY).exists():
            return Outcome(last["path"], last["pages"], last["posyandu"], ())
    try:
        inputs = load(kab_opts)
        region = inputs.registry.region
        path = kabupaten_path(region)
        settings = inputs.registry.settings
        inputs.registry.settings = replace(settings, base_url=(opts.base_url or "") + path)
        parents = (("Indonesia", "../../"), (f"Provinsi {region.provinsi}", "../"))
        result = build_kabupaten(replace(kab_opts, out=opts.out / path, parents=parents), inputs)
    except BuildError as exc:
        return Outcome("", 0, 0, tuple(exc.problems.sorted()))
    if done:
        write_atomically(done, json.dumps({"digest": stamp, "path": path, "pages": result.pages,
                                           "posyandu": result.posyandu}).encode())
    return Outcome(path, result.pages, result.posyandu, ())


def _inputs_digest(unit: Unit, opts: Options) -> str:
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


def assemble(shards: list[Path], out: Path) -> None:
    """Put the kabupaten folders of shard outputs into ``out`` (hard links where possible);
    a kabupaten already there is replaced. Raises BuildError for a folder with no kabupaten."""
    problems = Problems()
    for shard in shards:
        if not any(shard.glob(f"*/*/{export.SUMMARY}")):
            problems.add(str(shard), 1, "(shard)", _("no kabupaten built here"),
                         _("give folders made by: {command}").format(
                             command="python -m generator build --units DIR --only CODE"))
    if problems:
        raise BuildError(problems)
    for shard in shards:
        for summary in sorted(shard.glob(f"*/*/{export.SUMMARY}")):
            folder = summary.parents[1]
            rel = folder.relative_to(shard)
            target = out / rel
            tmp = target.parent / f".{target.name}.assembling"
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(folder, tmp, copy_function=_link_or_copy)
            _swap(tmp, target)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def summaries(out: Path) -> list[dict[str, Any]]:
    """Every kabupaten in ``out``, from its data/ringkasan.json, with its folder as ``path``,
    in code order."""
    found = []
    for summary in out.glob(f"*/*/{export.SUMMARY}"):
        doc = json.loads(summary.read_text(encoding="utf-8"))
        doc["path"] = summary.parents[1].relative_to(out).as_posix() + "/"
        found.append(doc)
    return sorted(found, key=lambda d: d["kabupaten"]["kode"])


def build_top(root: Path, opts: Options) -> int:
    """Write the top of the national site into ``opts.out`` from the kabupaten found there;
    returns the number of pages. The top is staged in the cache (or a folder beside the
    output) and copied in file by file, so that the kabupaten folders are never touched."""
    problems = Problems()
    settings = _settings(root, opts, problems)
    training = load_training(opts.content, problems) if opts.content else None
    if problems:
        raise BuildError(problems)
    kabupaten = summaries(opts.out)
    settings = replace(settings, data_contoh=settings.data_contoh
                       or any(k["data_contoh"] for k in kabupaten))
    provinsi = national_areas(kabupaten, provinsi_path)
    boundaries = (load_boundaries(Path(os.path.normpath(root / settings.batas)), NATIONAL_CODES,
                                  "Indonesia", problems) if settings.batas else None)
    if problems:
        raise BuildError(problems)
    pages = attach_national(national_pages(settings, provinsi, training), boundaries)
    site = {"settings": settings, "region": {"nama": "Indonesia"}, "parents": (), "up": "",
            "base_path": urlsplit(settings.base_url).path or "/", "training": training is not None,
            "csp": CSP, "open_data": False}
    work = opts.cache or Path(tempfile.mkdtemp(prefix="posyandu-top-"))
    top_opts = replace(opts, out=work / "top", cache=work / "top-cache")
    shards = tuple(k["path"] for k in kabupaten)
    try:
        publish(top_opts, pages, site, _salt(opts.templates, site), training, shards, QrCache(None),
                lambda staging: None, sitemaps_below=shards)
        _copy_top(work / "top", opts.out, work)
        provinsi_finder.write(opts.out, provinsi, work)
    finally:
        if not opts.cache:
            shutil.rmtree(work, ignore_errors=True)
    return len(pages)


def _copy_top(top: Path, out: Path, work: Path) -> None:
    """Copy the staged top files into the site; the search bundle is swapped as one folder,
    and top files of the previous build that are gone are removed."""
    listing = work / "top-files.json"
    before = set(json.loads(listing.read_text())) if listing.exists() else set()
    now = sorted(p.relative_to(top).as_posix() for p in top.rglob("*")
                 if p.is_file() and not p.relative_to(top).as_posix().startswith("pagefind/"))
    for rel in now:
        source, target = top / rel, out / rel
        if not target.exists() or target.read_bytes() != source.read_bytes():
            write_atomically(target, source.read_bytes())
    for rel in sorted(before - set(now)):
        (out / rel).unlink(missing_ok=True)
    if (top / "pagefind").is_dir():
        fresh = out / ".pagefind.new"
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.copytree(top / "pagefind", fresh)
        _swap(fresh, out / "pagefind")
    write_atomically(listing, json.dumps(now).encode())


def _swap(source: Path, target: Path) -> None:
    """Put the folder ``source`` in place of ``target`` in one step (the old one removed)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.stat().st_dev != target.parent.stat().st_dev:  # e.g. a cache on another disk
        incoming = target.parent / f".{target.name}.incoming"
        shutil.rmtree(incoming, ignore_errors=True)
        shutil.copytree(source, incoming)
        source = incoming
    replace_folder(source, target)


def check_national_output(root: Path, opts: Options) -> None:
    """Refuse an output that would replace the units folder, the content, templates or cache,
    or a folder that is not a national site (a site of an older version is one: it has
    kabupaten summaries)."""
    folders = [root, opts.templates, *(p for p in (opts.content, opts.cache) if p)]
    legacy = any(opts.out.glob(f"*/*/{export.SUMMARY}"))
    check_output(opts.out, [Path.cwd()], folders, str(opts.out), legacy)
    opts.out.mkdir(parents=True, exist_ok=True)
    (opts.out / MARKER).write_text(MARKER_TEXT, encoding="utf-8")


def _settings(root: Path, opts: Options, problems: Problems) -> NationalSettings:
    """The national config.yaml of ``root`` (its base_url overridden by --base-url)."""
    config = root / "config.yaml"
    return national_settings(load_yaml(config, problems), str(config), problems, opts.base_url)


def build_national(root: Path, only: str, opts: Options, jobs: int) -> Result:
    """Build the kabupaten of ``root`` into ``opts.out``; without ``only`` also the top of the
    site, and kabupaten folders of earlier builds that are no longer in ``root`` are removed."""
    started = time.perf_counter()
    problems = Problems()
    settings = _settings(root, opts, problems)
    if problems:
        raise BuildError(problems)
    outcomes = build_shards(root, only, replace(opts, base_url=settings.base_url), jobs)
    pages = sum(o.pages for o in outcomes)
    if not only:
        built = {o.path for o in outcomes}
        for k in summaries(opts.out):
            if k["path"] not in built:
                shutil.rmtree(opts.out / k["path"])
        pages += build_top(root, opts)
    return Result(pages, sum(o.posyandu for o in outcomes), time.perf_counter() - started)
