"""The command-line options of ``import`` and ``export-xlsx``, registered with every run's parser,
and their dispatch: their modules (cli, export_xlsx) and what they need (ruamel.yaml,
python-calamine, openpyxl) are imported only when one of them runs, not by every build."""
from __future__ import annotations

import argparse
from pathlib import Path

from ..i18n import _

# Messages (one place, for translation).
IMPORT_HELP = _("merge an .xlsx/.csv list of Posyandu into the registry")
IMPORT_DESCRIPTION = _("Merge a spreadsheet of Posyandu (.xlsx or .csv) into the registry.")
FILE_HELP = _("the .xlsx or .csv file")
IMPORT_DATA_HELP = _("the registry to merge into (default: data/posyandu.yaml)")
SHEET_HELP = _("the sheet of an .xlsx file (default: the first with a header row)")
DRY_RUN_HELP = _("report what would change and check the result; write nothing")
EXPORT_HELP = _("write the registry as a spreadsheet that import reads back")
EXPORT_DESCRIPTION = _("Write the registry as an .xlsx spreadsheet with the columns import "
                       "reads; edit it and merge it back with 'python -m generator import'.")
OUT_HELP = _("the .xlsx file to write (default: daftar-posyandu.xlsx)")
EXPORT_DATA_HELP = _("the registry (default: data/posyandu.yaml)")
CONFIG_HELP = _("site settings naming the region table (default: config.yaml)")

COMMANDS = ("import", "export-xlsx")


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser],
                parents: list[argparse.ArgumentParser], lang: str) -> None:
    """Register ``import`` and ``export-xlsx`` with the generator's command line, their help in
    ``lang``."""
    cmd = sub.add_parser("import", help=IMPORT_HELP.render(lang),
                         description=IMPORT_DESCRIPTION.render(lang), parents=parents)
    cmd.add_argument("file", type=Path, metavar="FILE", help=FILE_HELP.render(lang))
    _registry_options(cmd, IMPORT_DATA_HELP.render(lang), lang)
    cmd.add_argument("--sheet", help=SHEET_HELP.render(lang))
    cmd.add_argument("--dry-run", action="store_true", help=DRY_RUN_HELP.render(lang))
    cmd = sub.add_parser("export-xlsx", help=EXPORT_HELP.render(lang),
                         description=EXPORT_DESCRIPTION.render(lang), parents=parents)
    cmd.add_argument("--out", type=Path, default=Path("daftar-posyandu.xlsx"),
                     help=OUT_HELP.render(lang))
    _registry_options(cmd, EXPORT_DATA_HELP.render(lang), lang)


def _registry_options(cmd: argparse.ArgumentParser, data_help: str, lang: str) -> None:
    """--data and --config: the registry and the site settings that name its region table."""
    cmd.add_argument("--data", type=Path, default=Path("data/posyandu.yaml"), help=data_help)
    cmd.add_argument("--config", type=Path, default=Path("config.yaml"),
                     help=CONFIG_HELP.render(lang))


def run(args: argparse.Namespace, lang: str) -> int:
    """Run ``import`` or ``export-xlsx`` (one of COMMANDS); its exit status."""
    if args.command == "import":
        from .cli import run_import  # ruamel.yaml, python-calamine: only for these commands

        return run_import(args, lang)
    from .export_xlsx import run as export

    return export(args, lang)
