"""Command line: ``python -m generator build|check``."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

from . import national
from .build import Options, build, load, plan
from .lock import output_lock
from .models import Registry
from .importer import cli as importer
from .importer import export_xlsx
from .preview import run_serve
from .problems import BuildError, Problems
from .qr import QrCache
from .qualityfile import DEFAULT_FILE, report_file


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m generator",
                                     description="Build the Posyandu directory site.")
    sub = parser.add_subparsers(dest="command", required=True)
    importer.add_parser(sub)
    export_xlsx.add_parser(sub)
    for name, text in (("build", "build the site into --out"),
                       ("check", "validate the input without building"),
                       ("serve", "preview on 127.0.0.1, rebuilding on every save")):
        cmd = sub.add_parser(name, help=text)
        cmd.add_argument("--config", type=Path, default=Path("config.yaml"),
                         help="site settings (default: config.yaml)")
        cmd.add_argument("--data", type=Path, action="append",
                         help="registry YAML file, or a folder of them (e.g. one per kecamatan); "
                              "repeat for several (default: data/posyandu.yaml)")
        cmd.add_argument("--content", type=Path, default=Path("content"),
                         help="training modules (default: content)")
        cmd.add_argument("--templates", type=Path, default=Path("templates"),
                         help="Jinja2 templates (default: templates)")
        cmd.add_argument("--out", type=Path, default=None if name == "check" else Path("site"),
                         help=f"report file (default: {DEFAULT_FILE})" if name == "check"
                         else "output (default: site)")
        cmd.add_argument("--base-url", help="public address of the site, e.g. https://x.github.io/repo/")
        cmd.add_argument("--cache", type=Path, default=Path(".cache"),
                         help="folder kept between runs to make them faster (default: .cache)")
        cmd.add_argument("--no-cache", action="store_true", help="neither read nor write a cache")
        if name in ("build", "serve"):
            cmd.add_argument("--no-search", action="store_true", help="skip the search index")
        if name in ("build", "check"):
            _national_options(cmd)
        if name == "build":
            cmd.add_argument("--only", default="", metavar="CODE",
                             help="with --units: build only this provinsi (64) or kabupaten "
                                  "(64.02), as a shard to assemble later")
        if name == "serve":
            cmd.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
        if name == "check":
            cmd.add_argument("--report", action="store_true",
                             help="also write the data-quality report, as of today, to --out "
                                  f"(default: {DEFAULT_FILE})")
            cmd.set_defaults(out=None)
    listing = sub.add_parser("shards", help="print the provinsi codes of --units as a JSON list "
                                            "(a CI matrix: one job per provinsi)")
    _national_options(listing)
    assemble = sub.add_parser("assemble", help="put shards built with --only together into one "
                                                "site, with its national and provinsi pages")
    assemble.add_argument("shards", nargs="+", type=Path, help="folders built with --only")
    _national_options(assemble)
    for flag, default, text in (("--content", "content", "training modules"),
                                ("--templates", "templates", "Jinja2 templates"),
                                ("--out", "site", "output"), ("--cache", ".cache", "cache folder")):
        assemble.add_argument(flag, type=Path, default=Path(default),
                              help=f"{text} (default: {default})")
    assemble.add_argument("--base-url", help="public address of the site")
    assemble.add_argument("--no-search", action="store_true", help="skip the search index")
    return parser


def _national_options(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--units", type=Path, metavar="DIR",
                     help="a site of many kabupaten: DIR/config.yaml and one folder per "
                          "kabupaten (its config.yaml, region table, posyandu.yaml)")
    cmd.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                     help="processes at once: pages, or with --units kabupaten "
                          "(default: one per core)")


def registry_files(paths: list[Path]) -> tuple[Path, ...]:
    """The registry files named on the command line; a folder stands for its *.yaml files (an
    empty folder for itself, so that it is reported)."""
    return tuple(f for p in paths
                 for f in ((sorted(p.rglob("*.yaml")) or [p]) if p.is_dir() else [p]))


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit status (0 ok, 1 problems in the input)."""
    argv = sys.argv[1:] if argv is None else argv
    args = _parser().parse_args(argv)
    if args.command in ("import", "export-xlsx"):
        return importer.run_import(args) if args.command == "import" else export_xlsx.run(args)
    if args.command in ("assemble", "shards") or getattr(args, "units", None):
        return _run_national(args)
    opts = Options(config=args.config, data=registry_files(args.data or [Path("data/posyandu.yaml")]),
                   content=args.content, templates=args.templates, out=args.out or Path("site"),
                   base_url=args.base_url, search=not getattr(args, "no_search", False),
                   cache=None if args.no_cache else args.cache,
                   jobs=getattr(args, "jobs", None) or os.cpu_count() or 1)
    if args.command == "serve":
        if args.out == Path("site"):
            opts = replace(opts, out=Path(".preview"))  # the published site/ stays untouched
        return run_serve(opts, args.port)
    try:
        if args.command == "check":
            inputs = load(opts)
            pages = plan(inputs, QrCache(None))
            modules = len(inputs.training.modules) if inputs.training else 0
            print(f"ok: {len(inputs.registry.posyandu)} Posyandu, {modules} training modules, "
                  f"{len(pages)} pages planned")
            return _write_report(inputs.registry, opts.templates, args.out) if args.report else 0
        result = build(opts)
    except BuildError as exc:
        return _report(exc, "" if args.command == "check" else f"; nothing was written to {opts.out}/")
    except KeyboardInterrupt:
        print(f"stopped; nothing was written to {opts.out}/", file=sys.stderr)
        return 130
    print(f"built {result.pages} pages ({result.posyandu} Posyandu) into {opts.out}/ "
          f"in {result.seconds:.2f} s")
    return 0


def _write_report(registry: Registry, templates: Path, out: Path | None) -> int:
    """check --report: the data-quality report as of today, into one HTML file."""
    today = dt.date.today()
    target = out or DEFAULT_FILE
    try:
        target.write_text(report_file(registry, templates, today), encoding="utf-8")
    except OSError as exc:
        print(f"{target}: cannot write the report: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"quality report as of {today.isoformat()} (today) written to {target}")
    return 0


def _report(exc: BuildError, written: str) -> int:
    """Print every problem; the exit status for input problems."""
    problems = exc.problems.sorted()
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(problems)} problem(s) found{written}", file=sys.stderr)
    return 1


def _run_national(args: argparse.Namespace) -> int:
    """build --units [--only] and assemble: a site of many kabupaten."""
    if not args.units:
        print("assemble needs --units DIR (the national config.yaml is read from it)",
              file=sys.stderr)
        return 2
    opts = Options(content=getattr(args, "content", None),
                   templates=getattr(args, "templates", Path("templates")),
                   out=getattr(args, "out", None) or Path("site"),
                   base_url=getattr(args, "base_url", None),
                   search=not getattr(args, "no_search", False),
                   cache=None if getattr(args, "no_cache", False) else getattr(args, "cache", None))
    try:
        with ExitStack() as held:
            if args.command not in ("shards", "check"):
                held.enter_context(output_lock(opts.out, str(opts.out)))
                national.check_national_output(args.units, opts)
            return _national_command(args, opts)
    except BuildError as exc:
        return _report(exc, f"; kabupaten with problems were not changed in {opts.out}/"
                       if args.command == "build" else "")
    except KeyboardInterrupt:
        print("stopped; the previous site is as it was", file=sys.stderr)
        return 130


def _national_command(args: argparse.Namespace, opts: Options) -> int:
    """shards, check --units, assemble or build --units, once the output is locked."""
    if args.command == "check":
        kabupaten, posyandu = national.check_units(args.units, opts)
        print(f"ok: {kabupaten} kabupaten/kota, {posyandu} Posyandu")
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
        print(f"assembled {len(args.shards)} shard(s) into {args.out}/ ({pages} national pages)")
        return 0
    result = national.build_national(args.units, args.only, opts, args.jobs)
    print(f"built {result.pages} pages ({result.posyandu} Posyandu) into {args.out}/ "
          f"in {result.seconds:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
