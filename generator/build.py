"""The build, as a short list of steps: load, validate, plan, render, write, export, index, check."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from . import calendar, finder, links, map_pages, offline, opendata, pdf, pool, search, validate
from .cache import EntryCache, PickleStore, code_digest
from .i18n import DEFAULT, _
from .load import load_yaml
from .lock import cache_lock, output_lock
from .maps import Boundaries, kabupaten_codes, load_boundaries
from .models import Registry
from .outdir import open_staging
from .output import check_output
from .plan import Page, directory_pages, posyandu_url, training_pages
from .policy import CSP, headers_file
from .problems import BuildError, Problems
from .progress import Progress
from .qr import QrCache
from .render import Environments
from .training import MEDIA, Training, load_training
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
    region = validate.region(load_yaml(region_path, problems), str(region_path), problems,
                             settings.kabupaten)
    if region is None or problems:
        raise BuildError(problems)
    checker = validate.RegistryValidator(region, problems, today or dt.date.today())
    registry = Registry(settings, region)
    salt = code_digest() + hashlib.sha256(region_path.read_bytes()).hexdigest()
    caches = [EntryCache(opts.cache, str(path.absolute()), salt) for path in opts.data]
    for path, cache in zip(opts.data, caches, strict=True):
        registry.posyandu.extend(checker.source(path, cache))
    training = load_training(opts.content, problems) if opts.content else None
    boundaries = (load_boundaries(Path(os.path.normpath(opts.config.parent / settings.batas)),
                                  kabupaten_codes(region), region.label, problems)
                  if settings.batas else None)
    if problems:
        raise BuildError(problems)
    for cache in caches:
        cache.save()
    return Inputs(registry, training, boundaries)


def plan(inputs: Inputs, qr: QrCache) -> list[Page]:
    """Every page of the site."""
    reg = inputs.registry
    pages = map_pages.attach(directory_pages(reg, qr), reg.region, reg.posyandu, inputs.boundaries)
    if inputs.training:
        pages += training_pages(inputs.training,
                                directory=frozenset(p.id for p in inputs.registry.posyandu))
    return pages


def build(opts: Options, inputs: Inputs | None = None) -> Result:
    """Build the site into ``opts.out``; the previous output survives any failure."""
    started = time.perf_counter()
    with exclusive(opts):
        inputs = inputs or load(opts)
        pages = _build(opts, inputs)
    return Result(pages, len(inputs.registry.posyandu), time.perf_counter() - started)


def _build(opts: Options, inputs: Inputs) -> int:
    """Build the site of ``inputs``, the output locked; returns the number of pages."""
    registry = inputs.registry
    qr = QrCache(opts.cache / "qr.json" if opts.cache else None)
    pages = plan(inputs, qr)
    base_path = urlsplit(registry.settings.base_url).path or "/"
    site = {"settings": registry.settings, "region": registry.region, "base_path": base_path,
            "training": inputs.training is not None or opts.training_above, "csp": CSP,
            "parents": opts.parents, "up": opts.parents[0][1] if opts.parents else "",
            "open_data": True}
    salt = _salt(opts.templates, site)
    absent = ("../",) if opts.parents else ()
    _publish(opts, pages, site, salt, inputs.training, absent, qr,
             lambda staging: write_open_data(staging, registry, salt), search.TRAINING_GLOB)
    qr.save()
    return len(pages)


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


def publish(opts: Options, pages: list[Page], site: dict[str, Any], salt: str,
            training: Training | None, absent: tuple[str, ...], qr: QrCache,
            extra: Callable[[Staging], None], search_glob: str | None = None,
            sitemaps_below: tuple[str, ...] = ()) -> None:
    """Render ``pages`` and the files every site has (assets, search index, handbook, sitemap)
    into a staging folder, ``extra`` adds its own files; check every link, then swap the
    staging folder in. Raises BuildError, leaving the previous output as it was.

    Pagefind indexes the pages matching ``search_glob`` (all pages by default). A kabupaten
    indexes only its training section: the directory has its own finder index (finder.py), so
    Pagefind runs only where full text is needed, and not at all without training pages."""
    with exclusive(opts):
        _publish(opts, pages, site, salt, training, absent, qr, extra, search_glob,
                 sitemaps_below)


def _check_output(opts: Options) -> None:
    """Refuse an output that would replace an input or a folder this generator did not make."""
    data_folders = [p for p in opts.data if p.is_dir()]
    folders = [opts.templates, *data_folders, *([opts.content] if opts.content else []),
               *([opts.cache] if opts.cache else [])]
    inputs = [opts.config, opts.config.parent, *opts.data]
    legacy = bool(opts.cache and Staging.manifest_path(opts.out, opts.cache).exists())
    check_output(opts.out, inputs, folders, str(opts.out), legacy)


def _publish(opts: Options, pages: list[Page], site: dict[str, Any], salt: str,
             training: Training | None, absent: tuple[str, ...], qr: QrCache,
             extra: Callable[[Staging], None], search_glob: str | None,
             sitemaps_below: tuple[str, ...] = ()) -> None:
    staging = open_staging(opts.out, opts.cache)
    progress = Progress(opts.lang)
    base_url = site["settings"].base_url
    known = PickleStore(opts.cache / "links.pickle" if opts.cache else None, salt)
    try:
        job = pool.Job(pages, site, salt, staging, opts.templates, qr)
        problems = pool.render_pages(job, opts.jobs, progress, known.data, opts.start_method,
                                     opts.environments)
        if problems:
            raise BuildError(problems)
        staging.copy_tree(opts.templates / "assets", "assets")
        for name, path in (training.images.items() if training else ()):
            staging.write(f"pelatihan/{MEDIA}/{name}", path.read_bytes())
        staging.write("sitemap.xml", _sitemap(base_url, pages))
        staging.write("_headers", headers_file())
        staging.write("robots.txt", robots([base_url + "sitemap.xml"] + [
            base_url + path + "sitemap.xml" for path in sitemaps_below]))
        extra(staging)
        staging.prune()  # every file made from the inputs is written: the rest read the folder
        indexing = None
        full_text = opts.search and (training is not None or search_glob is None)
        indexed = search.selector(search_glob)
        if full_text and not (staging.unchanged(indexed) and staging.reuse_tree("pagefind")):
            progress.update(_("indexing for search"), 0, 1)
            indexing = search.start(staging.dir, glob=search_glob)
        try:
            if training:
                handbook = pdf.handbook_pdf(staging.dir, base_url, opts.cache, problems)
                if handbook:
                    staging.write(pdf.HANDBOOK_PDF, handbook)
                staging.write(f"{offline.SCOPE}sw.js", offline.service_worker(staging.dir))
        finally:
            if indexing:
                search.finish(indexing, staging.dir, problems)
        absent += () if full_text else ("pagefind/",)
        links.check_links(staging.dir, site["base_path"], problems, opts.out.name, absent,
                          known.data, links.Built(staging.files(), staging.digests))
        if problems:
            raise BuildError(problems)
        staging.commit()
        known.save(set(staging.digests.values()))
    except BaseException:
        staging.discard()
        raise
    finally:
        progress.done()


def write_open_data(staging: Staging, registry: Registry, salt: str) -> None:
    """The registry as open data (the files of opendata.exports), one .ics per Posyandu and
    the finder's index. Files made from the same inputs as in the previous build are reused,
    not made again."""
    key = hashlib.sha256((salt + repr(registry)).encode()).hexdigest()
    exports = [((finder.INDEX_PATH,), lambda: {finder.INDEX_PATH: finder.index(registry)}),
               *opendata.exports(registry)]
    for rels, make in exports:
        if not all(staging.reuse(rel, key) for rel in rels):
            for rel, text in make().items():
                staging.write(rel, text, key)
    staging.write(offline.PROFILE_WORKER_PATH, offline.PROFILE_WORKER)
    settings = registry.settings
    kecamatan = {k.kode: k.nama for k in registry.region.kecamatan}
    for p in registry.posyandu:
        rel = posyandu_url(p) + calendar.file_name(p)
        entry_key = hashlib.sha256((salt + repr(p)).encode()).hexdigest()
        if p.jadwal and not staging.reuse(rel, entry_key):
            staging.write(rel, calendar.ics(p, settings, settings.base_url + posyandu_url(p),
                                            settings.zona_waktu, kecamatan[p.desa.kecamatan_kode]),
                          entry_key)


def _salt(templates: Path, site: dict) -> str:
    """What every page depends on: the generator's code, the templates and the site's data."""
    digest = hashlib.sha256(code_digest().encode() + repr(sorted(site.items())).encode())
    for path in sorted(templates.rglob("*.html")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def robots(sitemaps: list[str]) -> str:
    """robots.txt: everything may be crawled; where the sitemaps are."""
    return "User-agent: *\nAllow: /\n\n" + "".join(f"Sitemap: {url}\n" for url in sitemaps)


def _sitemap(base_url: str, pages: list[Page]) -> str:
    urls = "".join(f"<url><loc>{escape(base_url + p.url)}</loc></url>\n"
                   for p in sorted(pages, key=lambda p: p.url) if p.kind != "404")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + urls + "</urlset>\n")

