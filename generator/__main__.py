"""Command line: ``python -m generator [--lang id|en] build|check|serve|import|shards|assemble``."""
from __future__ import annotations

import argparse
import atexit
import datetime as dt
import json
import os
import sys
import threading
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import NoReturn, TextIO

from . import national
from .build import Options, build, load, plan
from .i18n import LANGUAGES, SOURCE, Message, Number, _, choose, ngettext
from .importer import commands as spreadsheet
from .lock import output_lock
from .models import Registry
from .problems import BuildError, Problems
from .qr import QrCache
from .qualityfile import DEFAULT_FILE, report_file


def _lang_option(lang: str) -> argparse.ArgumentParser:
    """``--lang``: an option of every command, given before or after the command's name."""
    option = argparse.ArgumentParser(prog="python -m generator", add_help=False,
                                     allow_abbrev=False)
    option.add_argument("--lang", choices=LANGUAGES, help=_(
        "language of the messages: id (Bahasa Indonesia) or en (English); default: from "
        "LANGUAGE, LC_ALL, LC_MESSAGES or LANG (en... gives English), else id").render(lang))
    return option


def _parser(lang: str) -> argparse.ArgumentParser:
    def say(message: Message) -> str:
        return message.render(lang)

    common = [_lang_option(lang)]
    parser = argparse.ArgumentParser(prog="python -m generator", parents=common,
                                     description=say(_("Build the Posyandu directory site.")))
    sub = parser.add_subparsers(dest="command", required=True)
    spreadsheet.add_parsers(sub, common, lang)
    for name, text in (("build", _("build the site into --out")),
                       ("check", _("validate the input without building")),
                       ("serve", _("preview on 127.0.0.1, rebuilding on every save"))):
        cmd = sub.add_parser(name, help=say(text), parents=common)
        cmd.add_argument("--config", type=Path, default=Path("config.yaml"),
                         help=say(_("site settings (default: config.yaml)")))
        cmd.add_argument("--data", type=Path, action="append",
                         help=say(_("registry YAML file, or a folder of them (e.g. one per "
                                    "kecamatan); repeat for several (default: data/posyandu.yaml)")))
        cmd.add_argument("--content", type=Path, default=Path("content"),
                         help=say(_("training modules (default: content)")))
        cmd.add_argument("--templates", type=Path, default=Path("templates"),
                         help=say(_("Jinja2 templates (default: templates)")))
        cmd.add_argument("--out", type=Path, default=None if name == "check" else Path("site"),
                         help=say(_("report file (default: {file})").format(file=DEFAULT_FILE))
                         if name == "check" else say(_("output (default: site)")))
        cmd.add_argument("--base-url", help=say(_("public address of the site, e.g. "
                                                  "https://x.github.io/repo/")))
        cmd.add_argument("--cache", type=Path, default=Path(".cache"),
                         help=say(_("folder kept between runs to make them faster "
                                    "(default: .cache)")))
        cmd.add_argument("--no-cache", action="store_true",
                         help=say(_("neither read nor write a cache")))
        if name in ("build", "serve"):
            cmd.add_argument("--no-search", action="store_true",
                             help=say(_("skip the search index")))
        if name in ("build", "check"):
            _national_options(cmd, say)
        if name == "build":
            cmd.add_argument("--only", default="", metavar="CODE",
                             help=say(_("with --units: build only this provinsi (64) or "
                                        "kabupaten (64.02), as a shard to assemble later")))
        if name == "serve":
            cmd.add_argument("--port", type=int, default=8000,
                             help=say(_("port (default: 8000)")))
        if name == "check":
            cmd.add_argument("--report", action="store_true", help=say(_(
                "also write the data-quality report, as of today, to --out (default: {file})")
                .format(file=DEFAULT_FILE)))
    listing = sub.add_parser("shards", parents=common, help=say(_(
        "print the provinsi codes of --units as a JSON list (a CI matrix: one job per provinsi)")))
    _national_options(listing, say)
    assemble = sub.add_parser("assemble", parents=common, help=say(_(
        "put shards built with --only together into one site, with its national and provinsi "
        "pages")))
    assemble.add_argument("shards", nargs="+", type=Path,
                          help=say(_("folders built with --only")))
    _national_options(assemble, say)
    for flag, default, text in (("--content", "content", _("training modules (default: content)")),
                                ("--templates", "templates",
                                 _("Jinja2 templates (default: templates)")),
                                ("--out", "site", _("output (default: site)")),
                                ("--cache", ".cache", _("cache folder (default: .cache)"))):
        assemble.add_argument(flag, type=Path, default=Path(default), help=say(text))
    assemble.add_argument("--base-url", help=say(_("public address of the site")))
    assemble.add_argument("--no-search", action="store_true", help=say(_("skip the search index")))
    return parser


def _national_options(cmd: argparse.ArgumentParser, say: Callable[[Message], str]) -> None:
    cmd.add_argument("--units", type=Path, metavar="DIR", help=say(_(
        "a site of many kabupaten: DIR/config.yaml and one folder per kabupaten (its "
        "config.yaml, region table, posyandu.yaml)")))
    cmd.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help=say(_(
        "processes at once: pages, or with --units kabupaten (default: one per core)")))


def registry_files(paths: list[Path]) -> tuple[Path, ...]:
    """The registry files named on the command line; a folder stands for its *.yaml files (an
    empty folder for itself, so that it is reported)."""
    return tuple(f for p in paths
                 for f in ((sorted(p.rglob("*.yaml")) or [p]) if p.is_dir() else [p]))


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit status (0 ok, 1 problems in the input)."""
    argv = sys.argv[1:] if argv is None else argv
    known, argv = _lang_option(SOURCE).parse_known_args(argv)
    lang = choose(known.lang, os.environ)
    args = _parser(lang).parse_args(argv)
    if args.command in spreadsheet.COMMANDS:
        return spreadsheet.run(args, lang)
    if args.command in ("assemble", "shards") or getattr(args, "units", None):
        return _run_national(args, lang)
    opts = Options(config=args.config, data=registry_files(args.data or [Path("data/posyandu.yaml")]),
                   content=args.content, templates=args.templates, out=args.out or Path("site"),
                   base_url=args.base_url, search=not getattr(args, "no_search", False),
                   cache=None if args.no_cache else args.cache,
                   jobs=getattr(args, "jobs", None) or os.cpu_count() or 1, lang=lang)
    if args.command == "serve":
        if args.out == Path("site"):
            opts = replace(opts, out=Path(".preview"))  # the published site/ stays untouched
        from .preview import run_serve  # http.server: only for this command

        return run_serve(opts, args.port)
    try:
        if args.command == "check":
            inputs = load(opts)
            pages = plan(inputs, QrCache(None))
            modules = len(inputs.training.modules) if inputs.training else 0
            _say(_("ok: {posyandu} Posyandu, {modules} training modules, {pages} pages planned")
                 .format(posyandu=len(inputs.registry.posyandu), modules=modules, pages=len(pages)),
                 lang)
            return _write_report(inputs.registry, opts.templates, args.out, lang) if args.report else 0
        result = build(opts)
    except BuildError as exc:
        return _report(exc, lang, _("{count} problem(s) found") if args.command == "check" else
                       _("{count} problem(s) found; nothing was written to {out}/"), opts.out)
    except KeyboardInterrupt:
        _say(_("stopped; nothing was written to {out}/").format(out=opts.out), lang, sys.stderr)
        return 130
    _say(_("built {pages} pages ({posyandu} Posyandu) into {out}/ in {seconds} s").format(
        pages=result.pages, posyandu=result.posyandu, out=opts.out, seconds=Number(result.seconds)),
        lang)
    return 0


def _write_report(registry: Registry, templates: Path, out: Path | None, lang: str) -> int:
    """check --report: the data-quality report as of today, into one HTML file."""
    today = dt.date.today()
    target = out or DEFAULT_FILE
    try:
        target.write_text(report_file(registry, templates, today), encoding="utf-8")
    except OSError as exc:
        _say(_("{file}: cannot write the report: {reason}").format(file=target,
                                                                    reason=exc.strerror),
             lang, sys.stderr)
        return 1
    _say(_("quality report as of {date} (today) written to {file}").format(
        date=today.isoformat(), file=target), lang)
    return 0


def _say(message: Message, lang: str, stream: TextIO | None = None) -> None:
    print(message.render(lang), file=stream)


def _report(exc: BuildError, lang: str, summary: Message, out: Path) -> int:
    """Print every problem and the ``summary`` line (``{count}``, ``{out}``); the exit status
    for input problems."""
    problems = exc.problems.sorted()
    for problem in problems:
        print(problem.render(lang), file=sys.stderr)
    _say(summary.format(count=len(problems), out=out), lang, sys.stderr)
    return 1


def _run_national(args: argparse.Namespace, lang: str) -> int:
    """build --units [--only] and assemble: a site of many kabupaten."""
    if not args.units:
        _say(_("assemble needs --units DIR (the national config.yaml is read from it)"), lang,
             sys.stderr)
        return 2
    opts = Options(content=getattr(args, "content", None),
                   templates=getattr(args, "templates", Path("templates")),
                   out=getattr(args, "out", None) or Path("site"),
                   base_url=getattr(args, "base_url", None),
                   search=not getattr(args, "no_search", False),
                   cache=None if getattr(args, "no_cache", False) else getattr(args, "cache", None),
                   lang=lang)
    try:
        with ExitStack() as held:
            if args.command not in ("shards", "check"):
                held.enter_context(output_lock(opts.out, str(opts.out)))
                national.check_national_output(args.units, opts)
            return _national_command(args, opts)
    except BuildError as exc:
        return _report(exc, lang, _("{count} problem(s) found; kabupaten with problems were not "
                                    "changed in {out}/") if args.command == "build"
                       else _("{count} problem(s) found"), opts.out)
    except KeyboardInterrupt:
        _say(_("stopped; the previous site is as it was"), lang, sys.stderr)
        return 130


def _national_command(args: argparse.Namespace, opts: Options) -> int:
    """shards, check --units, assemble or build --units, once the output is locked."""
    if args.command == "check":
        kabupaten, posyandu = national.check_units(args.units, opts)
        _say(_("ok: {kabupaten} kabupaten/kota, {posyandu} Posyandu").format(
            kabupaten=kabupaten, posyandu=posyandu), opts.lang)
        return 0
    if args.command == "shards":
        problems = Problems()
        units = national.find_units(args.units, "", problems)
        if problems:
            raise BuildError(problems)
        print(json.dumps(sorted({u.kode[:2] for u in units})))
        return 0
    if args.command == "assemble":
        national.assemble(args.shards, args.out)
        pages = national.build_top(args.units, opts)
        _say(ngettext("assembled {count} shard into {out}/ ({pages} national pages)",
                      "assembled {count} shards into {out}/ ({pages} national pages)",
                      len(args.shards)).format(count=len(args.shards), out=args.out, pages=pages),
             opts.lang)
        return 0
    result = national.build_national(args.units, args.only, opts, args.jobs)
    _say(_("built {pages} pages ({posyandu} Posyandu) into {out}/ in {seconds} s").format(
        pages=result.pages, posyandu=result.posyandu, out=args.out, seconds=Number(result.seconds)),
        opts.lang)
    return 0


def exit_now(status: int) -> NoReturn:
    """End the process with ``status`` once the exit handlers have run (multiprocessing's,
    tempfile's, logging's) and the output is flushed, but without the interpreter's teardown,
    which frees every object a build made one by one: 30-40 ms after a Kukar build, about 0.08 s
    at 10,000 Posyandu, spent after the work is done. While another thread runs, the ordinary
    exit, which waits for it."""
    if threading.active_count() > 1:
        sys.exit(status)
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a closed pipe: the status Python's own exit gives
        status = status or 120
    os._exit(status)


if __name__ == "__main__":
    exit_now(main())
