"""``check --report``: the data-quality report as one self-contained HTML file (styles and the
sorting script inlined, links to the published site), dated by the day it is made."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from markupsafe import Markup

from . import quality
from .models import Registry
from .render import environment
from .urls import posyandu as posyandu_url

DEFAULT_FILE = Path("laporan-kualitas.html")
_ASSETS = ("situs.css", "kualitas.css")


def report_file(reg: Registry, templates: Path, today: dt.date) -> str:
    """The report file's HTML as of ``today``."""
    assets = templates / "assets"
    css = "\n".join((assets / name).read_text(encoding="utf-8") for name in _ASSETS)
    js = (assets / "kualitas.js").read_text(encoding="utf-8")
    template = environment(templates).get_template("kualitas-berkas.html")
    report = quality.report(reg, today, posyandu_url)
    here = {k.kode: "" for k in report.kecamatan}  # every kecamatan's detail is in this file
    return template.render(settings=reg.settings, q=report, here=here, css=Markup(css),
                           js=Markup(js))
