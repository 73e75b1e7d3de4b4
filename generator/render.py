"""Render pages with Jinja2: autoescaping everywhere, strict undefined, Indonesian formatting."""
from __future__ import annotations

import datetime as dt
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

from jinja2 import (
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateSyntaxError,
)

from .context import SiteContext
from .i18n import Message, _
from .models import REGISTRATION_STATUSES, SPM_FIELDS, ZONE_OFFSETS
from .plan import Page
from .problems import Problems

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")


def tanggal(value: dt.date) -> str:
    """A date in Indonesian, e.g. "14 Maret 2025"."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def angka(value: float, decimals: int = 0) -> str:
    """A number in Indonesian notation: 1.234 and 12,5."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


class NotUtf8(TemplateSyntaxError):
    """A template file whose bytes are not UTF-8; ``byte`` is the first wrong one, in hex."""

    byte = ""


class _Loader(FileSystemLoader):
    """Templates from one folder; one that is not UTF-8 is reported with its file and line."""

    def get_source(self, environment: Environment,
                   template: str) -> tuple[str, str, Callable[[], bool]]:
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError as exc:
            line = exc.object[: exc.start].count(b"\n") + 1
            filename = str(Path(self.searchpath[0]) / template)
            error = NotUtf8(f"byte 0x{exc.object[exc.start]:02x} is not valid UTF-8", line,
                            template, filename)
            error.byte = f"{exc.object[exc.start]:02x}"
            raise error from None


def environment(templates: Path, reload: bool = True,
                compiled: tuple[Path, str] | None = None) -> Environment:
    """The Jinja2 environment for one template folder; ``reload``: a template is compiled
    again when its file changed (Jinja looks at the file's modification time on every use,
    a few stat calls a page), else never. ``compiled`` (CacheDir.compiled_templates): where
    the compiled templates are kept between processes, and the prefix of their files' names
    (Jinja's own bytecode cache: a template is compiled again when its source changed), so a
    rebuild, its page workers and the handbook load the code of a template instead of
    compiling it again."""
    env = Environment(loader=_Loader(str(templates)), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True, auto_reload=reload,
                      bytecode_cache=FileSystemBytecodeCache(str(compiled[0]), compiled[1] + "%s")
                      if compiled else None)
    env.filters["tanggal"] = tanggal
    env.filters["angka"] = angka
    env.globals.update(spm_fields=SPM_FIELDS, statuses=REGISTRATION_STATUSES,
                       zone_offsets=ZONE_OFFSETS)  # the same for every page
    return env


class Environments:
    """Template environments kept from one build to the next in one process (the preview):
    each template is compiled once, and again only when its file changed (Jinja compares the
    file's modification time on every use)."""

    def __init__(self) -> None:
        self._made: dict[Path, Environment] = {}

    def get(self, templates: Path) -> Environment:
        """The environment of the folder ``templates``."""
        folder = templates.resolve()
        if folder not in self._made:
            self._made[folder] = environment(templates)
        return self._made[folder]


def render(env: Environment, page: Page, site: SiteContext, problems: Problems,
           templates: Path) -> str | None:
    """Render one page; a template error becomes a problem naming the template and line."""
    try:
        template = env.get_template(page.template)
        root = site.base_path if page.kind == "404" else page.root
        return template.render(site=site, page=page, root=root, **page.context().variables())
    except TemplateSyntaxError as exc:
        problems.add(_shown(exc.filename, templates, page.template), exc.lineno or 1,
                     "(template)",
                     _("byte 0x{byte} is not valid UTF-8").format(byte=exc.byte)
                     if isinstance(exc, NotUtf8) else Message(exc.message or str(exc)),  # Jinja's
                     _("save the template as UTF-8") if isinstance(exc, NotUtf8)
                     else _("fix the template syntax"))
    except TemplateError as exc:
        name, line = _template_frame(templates, page.template)
        problems.add(name, line, "(template)",
                     _("{error} (while rendering /{url})").format(error=str(exc), url=page.url),
                     _("every variable a template uses must exist; check its spelling"))
    except Exception as exc:  # noqa: BLE001 (an expression such as 1 / 0 may raise anything)
        name, line = _template_frame(templates, page.template)
        problems.add(name, line, "(template)",
                     _("{error} (while rendering /{url})").format(
                         error=f"{type(exc).__name__}: {exc}", url=page.url),
                     _("check the expression on this line"))
    return None


def _shown(filename: str | None, templates: Path, fallback: str) -> str:
    if not filename:
        return str(templates / fallback)
    try:
        return str(Path(filename).resolve().relative_to(Path.cwd()))
    except ValueError:
        return filename


def _template_frame(templates: Path, fallback: str) -> tuple[str, int]:
    """The innermost template file and line of the exception being handled."""
    root = templates.resolve()
    found = (str(templates / fallback), 1)
    for frame in traceback.extract_tb(sys.exc_info()[2]):
        # Jinja names a template's code after its file as the loader found it: relative to
        # the current folder when --templates is relative
        if Path(frame.filename).resolve().is_relative_to(root):
            found = (_shown(frame.filename, templates, fallback), frame.lineno or 1)
    return found
