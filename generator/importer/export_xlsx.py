"""``python -m generator export-xlsx``: the registry as a spreadsheet with exactly the columns
``import`` reads, so that DPMD staff can edit it in Excel or LibreOffice and import it back
(the workbook itself: ``workbook.py``, imported when the command runs: openpyxl takes longer to
import than a whole rebuild of a changed entry spends on some steps, and every build would pay it)."""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys

from ..i18n import _
from ..load import read_text
from ..problems import BuildError, Problem, Problems
from .places import Places
from .registry import check_text, load_region

# Messages (one place, for translation), in the language of the run (the workbook's own text is
# in Indonesian, in workbook.py: it is for DPMD staff, whatever the language of the command line).
WROTE = _("wrote {out}: {count} Posyandu from {data}")
NOT_WRITTEN = _("cannot be written ({error})")
NOT_WRITTEN_HINT = _("close the file if it is open in Excel, or choose another --out")
FAILED = _("nothing written: {count} problem(s)")


def run(args: argparse.Namespace, lang: str) -> int:
    """Export the registry, reporting in ``lang``; 1 (and nothing written) when it does not
    pass the check."""
    try:
        places = Places(load_region(args.config))
    except BuildError as exc:
        return _failed(exc.problems.sorted(), lang)
    problems = Problems()
    text = read_text(args.data, problems)
    entries, found = check_text(text or "", places.region, args.data, dt.date.today())
    if problems or found:
        return _failed(problems.sorted() or found, lang)
    from .workbook import workbook_bytes  # openpyxl: only for this command

    data = workbook_bytes(entries, places, args.out.name)
    tmp = args.out.with_name(f".{args.out.name}.tmp")
    try:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, args.out)
    except OSError as exc:
        return _failed([Problem(str(args.out), 1, "--out", NOT_WRITTEN.format(
            error=exc.strerror or ""), NOT_WRITTEN_HINT)], lang)
    print(WROTE.format(out=args.out, count=len(entries), data=args.data).render(lang))
    return 0


def _failed(problems: list[Problem], lang: str) -> int:
    for problem in problems:
        print(problem.render(lang), file=sys.stderr)
    print(FAILED.format(count=len(problems)).render(lang), file=sys.stderr)
    return 1
