"""The build of one kabupaten's site, as a short sequence of named steps.

``build``: the handbook's printer started when the build will most likely print it
(pdf.early_printer: it imports WeasyPrint meanwhile), load the inputs (``load``: read and
validate every input), ``plan`` every page, then ``publish`` them: the handbook PDF started
(pdf.start: printed in a child process unless cached), ``render_pages`` (by worker processes,
while this one does ``copy_assets`` and ``write_open_data``), ``write_site_files`` (sitemap,
robots.txt, _headers), what the staging folder held before and
this build did not make pruned (write.py: the spare), ``start_search_index`` (Pagefind, in the
background), ``write_training_files`` (handbook PDF, service worker), the search index
finished, ``check_links``, and the staging folder committed in place of the output
(write.py). The top of a national site (national/) publishes its own pages through the same
``publish``.
"""
from __future__ import annotations

import datetime as dt
import functools
import gc
import hashlib
import os
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from html import escape
from pathlib import Path

from . import (
    links,
    map_pages,
    offline,
    opendata,
    pdf,
    pool,
    search,
    urls,
    validate,
)
from .cache import CacheDir, EntryCache, ShardedStore, code_digest, kept
from .context import SiteContext
from .i18n import DEFAULT, _
from .load import load_yaml
from .lock import cache_lock, output_lock
from .maps import Boundaries, kabupaten_codes, load_boundaries
from .models import Region, Registry
from .outdir import open_staging
from .output import check_output
from .plan import Page, directory_pages, training_pages
from .policy import headers_file
from .problems import BuildError, Problems
from .progress import Progress
from .qr import QrCache
from .registry_file import read_registry
from .render import Environments
from .training import Training, cached_training
from .write import Staging


@dataclass
class Options:
    """Where the inputs are and where the site goes."""

    config: Path = Path("config.yaml")
    data: tuple[Path, ...] = (Path("data/posyandu.yaml"),)
    content: Path | None = Path("content")  # None: no training section
    templates: Path = Path("templates")
    out: Path = Path("site")
    base_url: str | None = None
    search: bool = True
    cache: Path | None = Path(".cache")  # kept between builds; None: no cache
    # In a site of many kabupaten: the levels above this one as (label, URL relative to this
    # kabupaten's root), e.g. (("Indonesia", "../../"), ("Jawa Barat", "../")); links there are
    # checked when the site is assembled.
    parents: tuple[tuple[str, str], ...] = ()
    training_above: bool = False  # the training section is at the top of the national site
    jobs: int = os.cpu_count() or 1  # processes that render pages
    # The output lies inside a site whose build already holds the lock (a kabupaten of a
    # national build): this build takes no lock of its own.
    locked_by_caller: bool = False
    start_method: str = "fork"  # how page workers start; "spawn" proves nothing is inherited
    lang: str = DEFAULT  # the language of what the build prints (generator/i18n.py)
    # template environments kept between builds of one process (the preview); None: made anew
    environments: Environments | None = None

    @property
    def cache_dir(self) -> CacheDir:
        """The cache folder's files (cache.py)."""
        return CacheDir(self.cache)


@dataclass
class Result:
    """What a build produced."""

    pages: int
    posyandu: int
    seconds: float


@dataclass
class Inputs:
    """The validated inputs of one build."""

    registry: Registry
    training: Training | None
    boundaries: Boundaries | None = None  # for the maps; None: no maps


def load(opts: Options, today: dt.date | None = None) -> Inputs:
    """Load and validate every input; raises BuildError with all problems found."""
    problems = Problems()
    settings = validate.settings(load_yaml(opts.config, problems), str(opts.config), problems,
                                 opts.base_url)
    if settings is None or problems:
        raise BuildError(problems)
    region_path = Path(os.path.normpath(opts.config.parent / settings.wilayah))
    region_digest = hashlib.sha256(_read_bytes(region_path)).hexdigest()
    region = kept(opts.cache_dir.region(), opts.cache_dir.key(
        "region", str(region_path), region_digest, settings.kabupaten), lambda: validate.region(
            load_yaml(region_path, problems), str(region_path), problems, settings.kabupaten),
                  problems)
    if region is None or problems:
        raise BuildError(problems)
    checker = validate.RegistryValidator(region, problems, today or dt.date.today())
    salt = code_digest() + region_digest
    caches = [EntryCache(opts.cache_dir.entries(path), salt) for path in opts.data]
    registry = Registry(settings, region, [
        p for path, cache in zip(opts.data, caches, strict=True)
        for p in read_registry(path, checker, cache, opts.jobs)])
    training = cached_training(opts.content, problems, opts.cache_dir) if opts.content else None
    boundaries = _boundaries(Path(os.path.normpath(opts.config.parent / settings.batas)),
                             region, region_digest, opts.cache_dir, problems) \
        if settings.batas else None
    if problems:
        raise BuildError(problems)
    for cache in caches:
        cache.save()
    return Inputs(registry, training, boundaries)


def _read_bytes(path: Path) -> bytes:
    """The bytes of ``path``; none when it cannot be read (load_yaml reports why)."""
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _boundaries(path: Path, region: Region, region_digest: str, cache: CacheDir,
                problems: Problems) -> Boundaries | None:
    """The kabupaten's boundary file read and checked against its ``region`` table
    (maps.load_boundaries), kept in ``cache`` by the digest of both files: reading and checking
    the polygons is the longest part of loading a small registry."""
    key = cache.key("boundaries", str(path), _read_bytes(path), region_digest)
    return kept(cache.boundaries(), key, lambda: load_boundaries(
        path, kabupaten_codes(region), region.label, problems), problems)


def plan(inputs: Inputs, qr: QrCache) -> list[Page]:
    """Every page of the site (the data of most made only if they are rendered)."""
    reg = inputs.registry
    locators = functools.partial(map_pages.Locator, inputs.boundaries) if inputs.boundaries \
        else None
    pages = map_pages.attach(directory_pages(reg, qr, locators), reg.region, reg.posyandu,
                             inputs.boundaries)
    if inputs.training:
        pages += training_pages(inputs.training,
                                directory=frozenset(p.id for p in inputs.registry.posyandu))
    return pages


@dataclass(frozen=True)
class Publication:
    """What one site publishes: a kabupaten's, or the top of a national site."""

    site: SiteContext
    pages: list[Page]
    training: Training | None
    registry: Registry | None  # published as open data; None: no open data (a national top)
    search_glob: str | None  # the pages Pagefind indexes (None: all of them)
    # Folders of the final site that this build does not make (the levels above a kabupaten,
    # the kabupaten below a national top): links into them are checked when the site is whole.
    outside: tuple[str, ...]
    sitemaps_below: tuple[str, ...] = ()  # sites below this one with their own sitemap.xml


def build(opts: Options, inputs: Inputs | None = None) -> Result:
    """Build one kabupaten's site into ``opts.out``; the previous output survives any failure."""
    started = time.perf_counter()
    with exclusive(opts), collector_paused(), pdf.early_printer(
            opts.content, opts.cache_dir, opts.start_method) as printer:
        inputs = inputs or load(opts)
        qr = QrCache(opts.cache_dir.qr(), opts.cache_dir.key("qr"))
        site = SiteContext.kabupaten(inputs.registry.settings, inputs.registry.region,
                                     inputs.training is not None or opts.training_above,
                                     opts.parents)
        pages = plan(inputs, qr)
        publish(opts, Publication(site, pages, inputs.training, inputs.registry,
                                  search.TRAINING_GLOB, ("../",) if opts.parents else ()), qr,
                printer)
        qr.save()
    return Result(len(pages), len(inputs.registry.posyandu), time.perf_counter() - started)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a build runs (and as it was after): nearly everything
    a build makes stays alive until it ends, and each full collection walked all of it (a third
    of a one-entry rebuild of 10,000 Posyandu). What the build made is then counted as old
    (frozen and unfrozen: moved to the oldest generation), as if the collector had run all
    along: else it would all be young, and the first collection after it would walk all of it
    (0.15 s at 10,000). The few cycles it leaves are collected with the old objects, by the
    next full collection (a process that goes on, like the preview)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


@contextmanager
def exclusive(opts: Options) -> Iterator[None]:
    """Hold the locks of the output and of the cache, and refuse an output that would replace
    an input or a folder this generator did not make."""
    with ExitStack() as held:
        if not opts.locked_by_caller:
            held.enter_context(output_lock(opts.out, str(opts.out)))
        held.enter_context(cache_lock(opts.cache, opts.lang))
        _check_output(opts)
        yield


def _check_output(opts: Options) -> None:
    """Refuse an output that would replace an input or a folder this generator did not make."""
    data_folders = [p for p in opts.data if p.is_dir()]
    folders = [opts.templates, *data_folders, *([opts.content] if opts.content else []),
               *([opts.cache] if opts.cache else [])]
    inputs = [opts.config, opts.config.parent, *opts.data]
    manifest = Staging.manifest_path(opts.out, opts.cache_dir)
    check_output(opts.out, inputs, folders, str(opts.out), bool(manifest and manifest.exists()))


def publish(opts: Options, pub: Publication, qr: QrCache,
            printer: pdf.Printer | None = None) -> None:
    """Make every file of ``pub`` in a staging folder, check every link, then swap the staging
    folder in; the caller holds the locks (``exclusive``) and may have started the handbook's
    ``printer``. Raises BuildError, leaving the previous output as it was. The steps, in order:"""
    salt = page_salt(opts.templates, pub.site)
    staging = open_staging(opts.out, opts.cache)
    progress = Progress(opts.lang)
    handbook: pdf.Printing | None = None
    try:  # from here on, the staging folder is given up on any failure or interruption
        # the links of each page by its digest: a rebuild reads and writes the few files of
        # the pages it changed
        known = ShardedStore(opts.cache_dir.links(), salt, digits=2)
        problems = Problems()
        # The handbook is printed in a child process while everything else is made.
        compiled = opts.cache_dir.compiled_templates()  # Jinja's compiled templates (render.py)
        handbook = pdf.start(pub.pages, pub.site, opts.templates, compiled,
                             pub.training.images if pub.training else {}, opts.cache_dir,
                             opts.start_method, printer)

        def own_work() -> None:  # done here while the page workers render
            copy_assets(opts.templates, pub.training, staging)
            if pub.registry:
                write_open_data(staging, pub.registry, opts.cache_dir)

        render_pages(opts, pub, salt, qr, staging, progress, known, own_work, compiled,
                     printing=bool(handbook and handbook.printing))
        write_site_files(pub, staging)
        staging.prune()  # every file made from the inputs is written: the rest read the folder
        indexing = start_search_index(opts, pub, staging, progress)
        try:
            write_training_files(handbook, pub, staging, problems)
        finally:
            if indexing:
                search.finish(indexing, staging.dir, problems)
        check_links(opts, pub, staging, known, problems)
        staging.commit()
        known.save(set(staging.digests.values()))
    except BaseException as exc:
        staging.discard(recorded=isinstance(exc, BuildError))
        raise
    finally:
        if handbook:
            handbook.stop()
        progress.done()


def render_pages(opts: Options, pub: Publication, salt: str, qr: QrCache, staging: Staging,
                 progress: Progress, known: ShardedStore,
                 meanwhile: Callable[[], None], compiled: tuple[Path, str] | None,
                 *, printing: bool) -> None:
    """Render every page (reusing those whose inputs did not change) while this process does
    ``meanwhile``, the templates' code kept in ``compiled``, the page workers yielding the CPU
    to the handbook's printer while it is ``printing``; raises BuildError."""
    job = pool.Job(pub.pages, pub.site, salt, staging, opts.templates, qr, compiled,
                   yield_cpu=printing, link_scope=(pub.site.base_path, _absent(opts, pub)))
    problems = pool.render_pages(job, opts.jobs, progress, known, meanwhile, opts.start_method,
                                 opts.environments)
    if problems:
        raise BuildError(problems)


def copy_assets(templates: Path, training: Training | None, staging: Staging) -> None:
    """The style sheets, scripts and vendored libraries, and the modules' images."""
    staging.copy_tree(templates / "assets", "assets")
    for name, path in (training.images.items() if training else ()):
        staging.write(urls.MEDIA + name, path.read_bytes())


def _full_text(opts: Options, pub: Publication) -> bool:
    """Whether the site gets a Pagefind index: a kabupaten only for its training pages."""
    return opts.search and (pub.training is not None or pub.search_glob is None)


def start_search_index(opts: Options, pub: Publication, staging: Staging,
                       progress: Progress) -> subprocess.Popen | None:
    """Start Pagefind over the pages that need full-text search, in the background; None when
    there are none or none of them changed (the previous index is kept)."""
    indexed = search.selector(pub.search_glob)
    if not _full_text(opts, pub) or (staging.unchanged(indexed)
                                      and staging.reuse_tree("pagefind")):
        return None
    progress.update(_("indexing for search"), 0, 1)
    return search.start(staging.dir, glob=pub.search_glob)


def write_training_files(handbook: pdf.Printing | None, pub: Publication, staging: Staging,
                         problems: Problems) -> None:
    """The handbook printed to PDF (``handbook``: started by ``publish``) and the training
    section's service worker."""
    if not pub.training:
        return
    data = handbook.result(problems) if handbook else None
    if data:
        staging.write(pdf.HANDBOOK_PDF, data)
    staging.write(f"{offline.SCOPE}sw.js", offline.service_worker(staging.dir))


def write_site_files(pub: Publication, staging: Staging) -> None:
    """sitemap.xml, robots.txt (naming the sitemaps of the sites below) and _headers."""
    base_url = pub.site.settings.base_url
    staging.write("sitemap.xml", _sitemap(base_url, pub.pages))
    staging.write("_headers", headers_file())
    staging.write("robots.txt", robots([base_url + "sitemap.xml"] + [
        base_url + path + "sitemap.xml" for path in pub.sitemaps_below]))


def check_links(opts: Options, pub: Publication, staging: Staging, known: ShardedStore,
                problems: Problems) -> None:
    """Every link and anchor of every page resolves inside the staged site; raises BuildError
    with every broken one. The pages of the previous output the check found whole and nothing
    changed under are not checked again (links.check_links); the check is recorded with the
    output's manifest for the next build."""
    outside = _absent(opts, pub)
    built = links.Built(staging.files(), staging.digests,
                        links.previous_site(staging.previous, staging.previous_checked))
    checked = links.check_links(staging.dir, pub.site.base_path, problems, opts.out.name,
                                outside, known, built)
    if problems:
        raise BuildError(problems)
    staging.checked = links.checked_record(built, pub.site.base_path, outside, checked)


def _absent(opts: Options, pub: Publication) -> tuple[str, ...]:
    """The prefixes of the links the check leaves out: the levels above a kabupaten of a
    national site, and the search bundle when none is built."""
    return pub.outside + (() if _full_text(opts, pub) else ("pagefind/",))


def write_open_data(staging: Staging, registry: Registry, cache: CacheDir) -> None:
    """The registry as open data (opendata.write: its files, the finder's index, one .ics per
    Posyandu; each entry serialized once and kept in ``cache``) and the profiles' service
    worker."""
    opendata.write(staging, registry, cache)
    staging.write(offline.PROFILE_WORKER_PATH, offline.PROFILE_WORKER)


def page_salt(templates: Path, site: SiteContext) -> str:
    """What every page depends on: the generator's code, the templates and the site's data."""
    digest = hashlib.sha256(code_digest().encode() + repr(site).encode())
    for path in sorted(templates.rglob("*.html")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def robots(sitemaps: list[str]) -> str:
    """robots.txt: everything may be crawled; where the sitemaps are."""
    return "User-agent: *\nAllow: /\n\n" + "".join(f"Sitemap: {url}\n" for url in sitemaps)


def _sitemap(base_url: str, pages: list[Page]) -> str:
    urls = "".join(f"<url><loc>{escape(base_url + p.url, quote=False)}</loc></url>\n"
                   for p in sorted(pages, key=lambda p: p.url) if p.kind != "404")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + urls + "</urlset>\n")

