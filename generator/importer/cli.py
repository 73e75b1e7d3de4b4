"""``python -m generator import FILE``: merge a DPMD spreadsheet into the registry, check the
result in memory, and write it only when it passes."""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import re
import sys

from ..i18n import Message, _, render
from ..problems import BuildError, Problem
from .cells import COLUMN_OF, FieldPath
from .merge import Merger
from .places import Places
from .registry import (
    RegistryError,
    RegistryFile,
    check_text,
    load_region,
    write_atomically,
)
from .sheet import SheetError, Table, read_table

# Messages (one place, for translation).
HEAD = _("import {source}: {rows} rows into {data}")
IGNORED = _("ignored columns: {columns}")
FAILED = _("nothing written: {count} problem(s); fix {what} and import again")
FIX_SHEET, FIX_BOTH = _("the sheet"), _("the sheet or {data}")
DRY_RUN = _("dry run: nothing written")
NOT_WRITTEN = _("cannot be written ({error})")
NOT_WRITTEN_HINT = _("check that the folder is writable and the file is not open in another program")
NOTHING = _("nothing to write")
WROTE = _("wrote {data}")
WROTE_BACKUP = _("wrote {data} (previous version kept as {backup})")
CHECK_OK = _("check: ok, {count} Posyandu in {data}")

_ENTRY_FIELD = re.compile(r"posyandu\[(\d+)\]\.?(.*)")


def run_import(args: argparse.Namespace, lang: str) -> int:
    """Import a spreadsheet into the registry and print a report in ``lang``; 0 when every row
    was imported and the result passes the check (then it is written), 1 otherwise (nothing is
    written)."""
    today = dt.date.today()
    try:
        places = Places(load_region(args.config))
        table = read_table(args.file, args.sheet)
        registry = RegistryFile.read(args.data)
    except SheetError as exc:
        return _failed([exc.problem], FIX_SHEET, lang)
    except RegistryError as exc:
        return _failed([exc.problem], str(args.data), lang)
    except BuildError as exc:
        return _failed(exc.problems.sorted(), str(args.config), lang)
    merger = Merger(registry.entries, places, table, today)
    try:
        for record in table.records:
            merger.row(record)
    except RegistryError as exc:  # an entry the round-trip parser cannot read (Entry.data)
        return _failed([exc.problem], str(args.data), lang)
    print(HEAD.format(source=table.source, rows=len(table.records), data=args.data).render(lang))
    if table.ignored:
        print(IGNORED.format(columns=", ".join(render(c, lang) for c in table.ignored))
              .render(lang))
    print("\n".join(merger.report.lines(lang)))
    changed = bool(merger.report.added or merger.report.changed)
    text = registry.text() if changed else registry.original
    entries, problems = check_text(text, places.region, args.data, today)
    problems = merger.report.problems + _placed(problems, merger, table, text)
    if problems:
        return _failed(sorted(set(problems)), FIX_BOTH.format(data=args.data), lang)
    if args.dry_run:
        print(DRY_RUN.render(lang))
    elif changed:
        try:
            backup = write_atomically(args.data, text)
        except OSError as exc:
            return _failed([Problem(str(args.data), 1, "(file)", NOT_WRITTEN.format(
                error=exc.strerror or ""), NOT_WRITTEN_HINT)], str(args.data), lang)
        print((WROTE_BACKUP.format(data=args.data, backup=backup) if backup
               else WROTE.format(data=args.data)).render(lang))
    else:
        print(NOTHING.render(lang))
    print(CHECK_OK.format(count=len(entries), data=args.data).render(lang))
    return 0


def _failed(problems: list[Problem], what: str | Message, lang: str) -> int:
    for problem in problems:
        print(problem.render(lang), file=sys.stderr)
    print(FAILED.format(count=len(problems), what=what).render(lang), file=sys.stderr)
    return 1


def _placed(problems: list[Problem], merger: Merger, table: Table, text: str) -> list[Problem]:
    """The check's problems where a reader can find them: those in what a row wrote at that row's
    cell of the sheet, the others at their line of the registry as it is (not of the text that
    was never written)."""
    starts: list[int] | None = None
    placed = []
    for problem in problems:
        match = _ENTRY_FIELD.fullmatch(problem.field)
        if match is None:
            placed.append(problem)
            continue
        entry = merger.entries[int(match[1])]
        path: FieldPath = tuple(match[2].split(".")) if match[2] else ()
        touched = merger.touched.get(id(entry))
        if touched and (touched.added or any(f[:1] == path[:1] for f in touched.fields)):
            column = next((name for n in (2, 1) for name in COLUMN_OF.get(path[:n], ())
                           if name in table.columns), None)
            placed.append(table.problem(touched.row, column, problem.message, problem.hint,
                                        field=match[2] or "(row)"))
            continue
        starts = starts or RegistryFile.entry_lines(text)
        line = problem.line - starts[int(match[1])] + entry.line if not touched \
            else entry.line
        placed.append(dataclasses.replace(problem, line=line))
    return placed
