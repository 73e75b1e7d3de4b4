"""The top of the national site: home, a page per provinsi, search, SPM, training."""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from .. import search, urls
from ..build import Options, Publication, exclusive, publish
from ..cache import CacheDir, write_atomically
from ..context import SiteContext
from ..map_pages import attach_national
from ..maps import NATIONAL_CODES, load_boundaries
from ..opendata import datadict
from ..output import MARKER, MARKER_TEXT, check_output
from ..plan import national_areas, national_pages
from ..problems import BuildError, Problems
from ..qr import QrCache
from ..training import cached_training
from . import provinsi_finder
from .folders import swap_folder
from .shards import summaries
from .units import read_settings


def build_top(root: Path, opts: Options) -> int:
    """Write the top of the national site into ``opts.out`` from the kabupaten found there;
    returns the number of pages. The top is staged in the cache (or a folder beside the
    output) and copied in file by file, so that the kabupaten folders are never touched."""
    problems = Problems()
    settings = read_settings(root, opts, problems)
    training = cached_training(opts.content, problems, opts.cache_dir) if opts.content else None
    if problems:
        raise BuildError(problems)
    kabupaten = summaries(opts.out)
    settings = replace(settings, data_contoh=settings.data_contoh
                       or any(k.data_contoh for k in kabupaten))
    provinsi = national_areas(kabupaten, urls.provinsi)
    boundaries = (load_boundaries(Path(os.path.normpath(root / settings.batas)), NATIONAL_CODES,
                                  "Indonesia", problems) if settings.batas else None)
    if problems:
        raise BuildError(problems)
    pages = attach_national(national_pages(settings, provinsi, training), boundaries)
    site = SiteContext.national(settings, training is not None)
    cache = opts.cache_dir if opts.cache else CacheDir(Path(tempfile.mkdtemp(prefix="posyandu-top-")))
    top, top_cache = cache.top() or (Path(), Path())  # a folder either way
    top_opts = replace(opts, out=top, cache=top_cache)
    shards = tuple(k.path for k in kabupaten)
    try:
        with exclusive(top_opts):
            publish(top_opts, Publication(site, pages, training, None, search.TRAINING_GLOB, shards,
                                          shards),
                    QrCache(None))
        _copy_top(top, opts.out, cache)
        provinsi_finder.write(opts.out, provinsi, cache)
    finally:
        if not opts.cache and cache.folder:
            shutil.rmtree(cache.folder, ignore_errors=True)
    return len(pages)


def _copy_top(top: Path, out: Path, cache: CacheDir) -> None:
    """Copy the staged top files into the site; the search bundle is swapped as one folder,
    and top files of the previous build that are gone are removed."""
    listing = cache.top_files()
    assert listing, "the top is staged in a cache folder"
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
        swap_folder(fresh, out / "pagefind")
    write_atomically(listing, json.dumps(now).encode())


def check_national_output(root: Path, opts: Options) -> None:
    """Refuse an output that would replace the units folder, the content, templates or cache,
    or a folder that is not a national site (a site of an older version is one: it has
    kabupaten summaries)."""
    folders = [root, opts.templates, *(p for p in (opts.content, opts.cache) if p)]
    legacy = any(opts.out.glob(f"*/*/{datadict.SUMMARY}"))
    check_output(opts.out, [Path.cwd()], folders, str(opts.out), legacy)
    opts.out.mkdir(parents=True, exist_ok=True)
    (opts.out / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
