"""Render and write pages on every core.

The pages are rendered in chunks by worker processes. Each worker is handed the job once, when
it starts (the pool's initializer: inherited under ``fork``, pickled under ``spawn``), writes its
files into the staging folder itself and sends back what the parent must remember: each file's
digest and key, problems, the links of each page (for the link check) and the QR codes it drew
(for the cache). Nothing is shared while rendering; the parent merges the results in one place.
"""
from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment

from . import links
from .cache import ShardedStore
from .children import worker_start
from .context import SiteContext
from .i18n import _
from .plan import Page
from .problems import Problem, Problems
from .progress import Progress
from .qr import QrCache
from .render import Environments, environment, render
from .write import Staging

CHUNK = 250  # pages per task
PARALLEL_FROM = 1000  # fewer pages are rendered in this process: a pool costs more than it saves
# A rebuild renders here while at most this share of a chunk's pages changed (a pool of fresh
# workers, each compiling the templates again, costs more than a few pages), and hands the
# chunks left to the pool once more did.
PARALLEL_SHARE = 0.2
# How much lower the workers' CPU priority is while the handbook prints beside them (os.nice):
# the printer, one process, is the longest step of a cold build with training modules, and the
# workers left it part of a core (the project's sample, cold, on 2 cores: the build waited
# 3.5-4.9 s for the PDF after everything else, 0.3-2.9 s with the workers at 5).
YIELD_NICENESS = 5


@dataclass
class Job:
    """What every worker needs: the pages, where the templates are, the site's data."""

    pages: list[Page]
    site: SiteContext
    salt: str
    staging: Staging
    templates: Path
    qr: QrCache
    compiled: tuple[Path, str] | None = None  # where compiled templates are kept (render.py)
    yield_cpu: bool = False  # the workers run at a lower priority (the handbook is printing)
    # what the links of the pages are resolved with (links.resolved_links): the site's base
    # path and the prefixes the link check leaves out
    link_scope: tuple[str, tuple[str, ...]] = ("/", ())


@dataclass
class Done:
    """What a chunk of pages gave."""

    files: list[tuple[str, str, str]] = field(default_factory=list)  # (path, digest, key)
    problems: list[Problem] = field(default_factory=list)
    links: dict[str, tuple] = field(default_factory=dict)  # digest -> links.resolved_links
    qr: dict[str, str] = field(default_factory=dict)
    rendered: int = 0  # pages rendered, not reused


@dataclass
class _Worker:
    """A worker's own copy of the job, the template environment it made from it, and the
    digests of the shared context values of its pages (Page.fingerprint), kept from chunk to
    chunk: the job holds those values until the worker ends."""

    job: Job
    env: Environment
    seen: dict[int, str] = field(default_factory=dict)


_worker: _Worker | None = None  # in a worker process only: set once by ``_start``


def _start(job: Job) -> None:
    """The pool's initializer: leave Ctrl+C to the parent, die with it, keep the job, and
    yield the CPU to the handbook's printer while it prints."""
    global _worker
    worker_start()
    if job.yield_cpu:
        os.nice(YIELD_NICENESS)
    # lives for one build
    _worker = _Worker(job, environment(job.templates, reload=False, compiled=job.compiled))


@contextmanager
def workers(jobs: int, method: str = "fork", initializer: Callable[..., None] = worker_start,
            initargs: tuple[Any, ...] = ()) -> Iterator[ProcessPoolExecutor]:
    """Worker processes that leave Ctrl+C to this one and die with it
    (``children.worker_start``): on any exception here (such as KeyboardInterrupt) the tasks
    not yet started are cancelled and the workers stopped, also those forked by a first task
    that was interrupted before the pool knew them (it would wait for them at exit)."""
    others = set(multiprocessing.active_children())
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(method),
                               initializer=initializer, initargs=initargs)
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        for child in set(multiprocessing.active_children()) - others:
            child.kill()
            child.join()


def render_pages(job: Job, jobs: int, progress: Progress, known: ShardedStore,
                 meanwhile: Callable[[], None], method: str = "fork",
                 kept: Environments | None = None) -> Problems:
    """Render every page of ``job`` into its staging folder, ``jobs`` processes at once
    (started by ``method``: fork, or spawn), and do ``meanwhile`` here while the workers
    render; returns the problems. ``known`` (digest -> links of a page) gains the pages
    rendered; pages rendered in this process (a small site, a rebuild's first chunks: before
    ``meanwhile``) use the template environment ``kept`` between builds, if given. The workers
    are started and stopped in this one frame, so that an interruption anywhere (Ctrl+C, the
    preview's stop) stops them too."""
    chunks = [range(i, min(i + CHUNK, len(job.pages))) for i in range(0, len(job.pages), CHUNK)]
    problems = Problems()
    merged = 0
    parallel = jobs > 1 and len(job.pages) >= PARALLEL_FROM
    if not parallel or job.staging.previous:  # a small site, or a rebuild: here first
        env = kept.get(job.templates) if kept else environment(job.templates,
                                                               compiled=job.compiled)
        seen: dict[int, str] = {}
        while chunks:
            done = render_chunk(job, env, chunks.pop(0), seen)
            merged = _merge([done], job, problems, progress, known, merged)
            if parallel and done.rendered > PARALLEL_SHARE * CHUNK:
                break
    if not chunks:
        meanwhile()
        return problems
    with workers(jobs, method, _start, (job,)) as pool:
        results = pool.map(_chunk, chunks)  # every chunk handed out now, taken in below
        meanwhile()
        _merge(results, job, problems, progress, known, merged)
    return problems


def _merge(results: Iterable[Done], job: Job, problems: Problems, progress: Progress,
           known: ShardedStore, done_pages: int = 0) -> int:
    """Take in what chunks gave; returns the number of pages done (``done_pages`` before)."""
    for done in results:
        job.staging.record(done.files)
        problems.items.extend(done.problems)
        for digest, found in done.links.items():
            known.put(digest, found)
        job.qr.absorb(done.qr)
        done_pages += len(done.files) + len(done.problems)
        progress.update(_("rendering"), min(done_pages, len(job.pages)), len(job.pages))
    return done_pages


def _chunk(indices: range) -> Done:
    """In a worker: render the pages at ``indices`` of the job it was started with."""
    assert _worker is not None, "called in a process the pool did not start"
    return render_chunk(_worker.job, _worker.env, indices, _worker.seen)


def render_chunk(job: Job, env: Environment, indices: range, seen: dict[int, str]) -> Done:
    """Render (or reuse) the pages at ``indices`` of ``job``; ``seen`` keeps the digests of
    shared context values (job.pages holds them) from chunk to chunk."""
    done, problems = Done(), Problems()
    job.qr.made = {}
    for i in indices:
        page = job.pages[i]
        key = page.fingerprint(job.salt, seen)
        if not job.staging.reuse(page.output, key):
            html = render(env, page, job.site, problems, job.templates)
            if html is None:
                continue
            job.staging.write(page.output, html, key)
            done.links[job.staging.digests[page.output]] = links.resolved_links(
                html, page.output, *job.link_scope)
            done.rendered += 1
        done.files.append((page.output, job.staging.digests[page.output], key))
    done.problems, done.qr = problems.items, job.qr.made
    return done
