"""Command line: ``python -m generator build|check``."""
from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from .build import Options, build, load, plan
from .importer import run_import
from .preview import run_serve
from .problems import BuildError
from .qr import QrCache


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m generator",
                                     description="Build the Posyandu directory site.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("import", help="merge an .xlsx/.csv list of Posyandu into the registry "
                                  "(python -m generator import --help)")
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
        cmd.add_argument("--out", type=Path, default=Path("site"), help="output (default: site)")
        cmd.add_argument("--base-url", help="public address of the site, e.g. https://x.github.io/repo/")
        cmd.add_argument("--cache", type=Path, default=Path(".cache"),
                         help="folder kept between runs to make them faster (default: .cache)")
        cmd.add_argument("--no-cache", action="store_true", help="neither read nor write a cache")
        if name in ("build", "serve"):
            cmd.add_argument("--no-search", action="store_true", help="skip the search index")
        if name == "serve":
            cmd.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    return parser


def registry_files(paths: list[Path]) -> tuple[Path, ...]:
    """The registry files named on the command line; a folder stands for its *.yaml files."""
    return tuple(f for p in paths for f in (sorted(p.rglob("*.yaml")) if p.is_dir() else [p]))


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit status (0 ok, 1 problems in the input)."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["import"]:  # its own options: see generator/importer.py
        return run_import(argv[1:])
    args = _parser().parse_args(argv)
    opts = Options(config=args.config, data=registry_files(args.data or [Path("data/posyandu.yaml")]),
                   content=args.content, templates=args.templates, out=args.out,
                   base_url=args.base_url, search=not getattr(args, "no_search", False),
                   cache=None if args.no_cache else args.cache)
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
            return 0
        result = build(opts)
    except BuildError as exc:
        problems = exc.problems.sorted()
        for problem in problems:
            print(problem, file=sys.stderr)
        written = "" if args.command == "check" else f"; nothing was written to {opts.out}/"
        print(f"{len(problems)} problem(s) found{written}", file=sys.stderr)
        return 1
    print(f"built {result.pages} pages ({result.posyandu} Posyandu) into {opts.out}/ "
          f"in {result.seconds:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
