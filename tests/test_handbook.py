"""The handbook PDF is printed in a child process while the site is built: it is the PDF of the
very handbook page (with its style sheets and images) the build publishes, whichever way the
child starts, and a failed build leaves no child behind."""
from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
from helpers import BASE_URL, options
from processes import child_of_killed_build, children, generator
from registry_edits import small_registry
from training_content import make_content

from generator import pdf
from generator.build import build
from generator.cache import CacheDir
from generator.problems import BuildError, Problems


def _opts(tmp_path: Path, **changes):
    project = tmp_path / "project"
    project.mkdir(exist_ok=True)
    (project / "posyandu.yaml").write_text(small_registry(), encoding="utf-8")
    return options(tmp_path / "site", data=(project / "posyandu.yaml",), content=make_content(project),
                   search=False, **changes)


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_the_handbook_is_the_pdf_of_the_published_page(tmp_path: Path, method: str):
    build(_opts(tmp_path, start_method=method))
    site = tmp_path / "site"
    published = (site / pdf.HANDBOOK_PDF).read_bytes()
    problems = Problems()
    printed_here = pdf.handbook_pdf(site, BASE_URL, CacheDir(None), problems)
    assert not problems.items
    assert published.startswith(b"%PDF") and published == printed_here
    assert not multiprocessing.active_children()


def test_a_failed_build_stops_the_printing(tmp_path: Path):
    templates = tmp_path / "templates"
    opts = _opts(tmp_path, templates=templates)
    source = Path(options(tmp_path).templates)
    for path in source.rglob("*"):
        if path.is_file():
            target = templates / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    (templates / "home.html").write_text("{% if %}", encoding="utf-8")
    with pytest.raises(BuildError):
        build(opts)
    assert not multiprocessing.active_children()
    assert not (tmp_path / "site").exists()


def test_the_printing_dies_with_a_killed_build(tmp_path: Path):
    """The child that prints the handbook starts with the publishing and dies with the build."""
    build_process = generator("build", "--out", str(tmp_path / "site"), "--no-search",
                              "--cache", str(tmp_path / "cache"), "--base-url", BASE_URL)
    started, ended = child_of_killed_build(build_process, lambda: children(build_process.pid), 2)
    assert started, "a child starts"
    assert ended, "the printing child lives on"
