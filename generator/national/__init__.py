"""A site of many kabupaten, built the way large static sites are: as shards.

Each kabupaten is a complete site of its own (pages, open data, its own Pagefind index) built
into ``<provinsi>/<kabupaten>/`` of the output; kabupaten are built in parallel, and one whose
inputs did not change since its last build is not built again. The top of the site (national
home, one page per provinsi, training, and a search page) is made from each kabupaten's
``data/ringkasan.json``, and each provinsi's lookup by name (national/provinsi_finder.py) from its
kabupaten's finder indexes, so shards built on different machines (``--only 64``) can be assembled
later (``assemble``).

Layout of ``--units DIR``: ``DIR/config.yaml`` (judul, deskripsi, base_url, data_contoh) and one
folder per kabupaten holding its config.yaml, region table and registry (``posyandu.yaml``, or a
``posyandu/`` folder of YAML files).
"""
from __future__ import annotations

import shutil
import time
from dataclasses import replace
from pathlib import Path

from ..build import Options, Result
from ..problems import BuildError, Problems
from .shards import assemble, build_shards, summaries
from .top import build_top, check_national_output
from .units import check_units, find_units, read_settings

__all__ = ["assemble", "build_national", "build_top", "check_national_output", "check_units",
           "find_units"]


def build_national(root: Path, only: str, opts: Options, jobs: int) -> Result:
    """Build the kabupaten of ``root`` into ``opts.out``; without ``only`` also the top of the
    site, and kabupaten folders of earlier builds that are no longer in ``root`` are removed."""
    started = time.perf_counter()
    problems = Problems()
    settings = read_settings(root, opts, problems)
    if problems:
        raise BuildError(problems)
    outcomes = build_shards(root, only, replace(opts, base_url=settings.base_url), jobs)
    pages = sum(o.pages for o in outcomes)
    if not only:
        built = {o.path for o in outcomes}
        for k in summaries(opts.out):
            if k.path not in built:
                shutil.rmtree(opts.out / k.path)
        pages += build_top(root, opts)
    return Result(pages, sum(o.posyandu for o in outcomes), time.perf_counter() - started)
