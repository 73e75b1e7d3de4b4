"""Render and write pages on every core.

The pages are rendered in chunks by forked worker processes, which inherit the page plan, the
templates and the staging folder, write their files themselves and send back what the parent
must remember: each file's digest and key, problems, the links of each page (for the link
check) and QR codes they drew (for the cache).
"""
from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment

from . import links
from .children import worker_start
from .i18n import _
from .plan import Page
from .problems import Problem, Problems
from .progress import Progress
from .qr import QrCache
from .render import render
from .write import Staging

CHUNK = 250  # pages per task
PARALLEL_FROM = 1000  # fewer pages are rendered in this process: a pool costs more than it saves


@dataclass
class Job:
    """What every worker needs, inherited through fork."""

    pages: list[Page]
    env: Environment
    site: dict[str, Any]
    salt: str
    staging: Staging
    templates: Path
    qr: QrCache


@dataclass
class Done:
    """What a chunk of pages gave."""

    files: list[tuple[str, str, str]] = field(default_factory=list)  # (path, digest, key)
    problems: list[Problem] = field(default_factory=list)
    links: dict[str, tuple] = field(default_factory=dict)  # digest -> links.page_links
    qr: dict[str, str] = field(default_factory=dict)


_job: Job | None = None


@contextmanager
def workers(jobs: int) -> Iterator[ProcessPoolExecutor]:
    """Forked worker processes that leave Ctrl+C to this one and die with it
    (``children.worker_start``): on any exception here (such as KeyboardInterrupt) the tasks
    not yet started are cancelled and the workers stopped."""
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"),
                               initializer=worker_start)
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def render_pages(job: Job, jobs: int, progress: Progress, known: dict[str, tuple]) -> Problems:
    """Render every page of ``job`` into its staging folder, ``jobs`` processes at once;
    ``known`` (digest -> links of a page) gains the pages rendered. Returns the problems."""
    global _job
    _job = job
    chunks = [range(i, min(i + CHUNK, len(job.pages))) for i in range(0, len(job.pages), CHUNK)]
    problems = Problems()
    try:
        if jobs > 1 and len(job.pages) >= PARALLEL_FROM:
            with workers(jobs) as pool:
                _merge(pool.map(_chunk, chunks), job, problems, progress, known)
        else:
            _merge(map(_chunk, chunks), job, problems, progress, known)
    finally:
        _job = None
    return problems


def _merge(results: Any, job: Job, problems: Problems, progress: Progress,
           known: dict[str, tuple]) -> None:
    done_pages = 0
    for done in results:
        for rel, digest, key in done.files:
            job.staging.digests[rel], job.staging.keys[rel] = digest, key
        problems.items.extend(done.problems)
        known.update(done.links)
        job.qr.absorb(done.qr)
        done_pages += len(done.files) + len(done.problems)
        progress.update(_("rendering"), min(done_pages, len(job.pages)), len(job.pages))


def _chunk(indices: range) -> Done:
    """Render (or reuse) the pages at ``indices`` of the inherited job."""
    assert _job is not None
    job, done, problems = _job, Done(), Problems()
    job.qr.made = {}
    for i in indices:
        page = job.pages[i]
        key = page.fingerprint(job.salt)
        if not job.staging.reuse(page.output, key):
            html = render(job.env, page, job.site, problems, job.templates)
            if html is None:
                continue
            job.staging.write(page.output, html, key)
            done.links[job.staging.digests[page.output]] = links.page_links(html)
        done.files.append((page.output, job.staging.digests[page.output], key))
    done.problems, done.qr = problems.items, job.qr.made
    return done
