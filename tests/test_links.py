"""The build's own link check: broken pages, anchors and escapes are caught, by a rebuild too
(which checks again only what may have changed)."""
from __future__ import annotations

import hashlib
import itertools
import posixpath
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from helpers import ROOT, digests, options
from registry_edits import edit_entry, small_registry

from generator import links
from generator.build import build
from generator.cache import ShardedStore
from generator.links import Built, Previous, check_links, page_links
from generator.problems import BuildError, Problems


def test_link_check_finds_every_broken_link(tmp_path: Path):
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text(
        '<a href="a/">ok</a><a href="a/#ada">ok</a><a href="b/">missing</a>'
        '<a href="a/#hilang">bad anchor</a><a href="#atas">self</a><h1 id="atas">x</h1>'
        '<a href="https://example.org/x">external</a><a href="mailto:x@example.org">mail</a>',
        encoding="utf-8")
    (tmp_path / "a" / "index.html").write_text(
        '<p id="ada"></p><a href="../">up</a><a href="../../luar/">outside</a>'
        '<a href="/sub/a/">absolute ok</a><a href="/lain/">absolute outside</a>'
        '<img src="gambar.svg"><a href="#tidak-ada">self anchor</a>', encoding="utf-8")
    problems = Problems()
    checked = check_links(tmp_path, "/sub/", problems).links
    assert checked == 11  # the two external links are not checked
    assert [(p.path, str(p.message)) for p in problems.sorted()] == [
        ("site/a/index.html", "'#tidak-ada' links to #tidak-ada, which does not exist in a/index.html"),
        ("site/a/index.html", "'../../luar/' points outside the site"),
        ("site/a/index.html", "'/lain/' points outside the site"),
        ("site/a/index.html", "'gambar.svg' leads to a page that does not exist"),
        ("site/index.html", "'a/#hilang' links to #hilang, which does not exist in a/index.html"),
        ("site/index.html", "'b/' leads to a page that does not exist"),
    ]
    assert [p.message.render("id") for p in problems.sorted()][-2:] == [
        "'a/#hilang' menaut ke #hilang, yang tidak ada di a/index.html",
        "'b/' mengarah ke halaman yang tidak ada"]


@pytest.mark.parametrize("page", ["index.html", "a/index.html", "a/b/c/index.html"])
def test_relative_links_of_every_shape_resolve_as_posixpath_resolves_them(page: str):
    folder = posixpath.dirname(page)
    shapes = [f"{'/'.join(parts)}{end}" for n in (1, 2, 3, 4)
              for parts in itertools.product(["..", ".", "a", "b.c", "", "x.", ".h", "..."],
                                             repeat=n) for end in ("", "/")]
    for link in (s for s in shapes if s and not s.startswith("/")):
        joined = posixpath.normpath(posixpath.join(folder, link))
        if joined == ".." or joined.startswith("../"):
            expected: object = links.OUTSIDE
        else:
            expected = joined + ("/" if link.endswith("/") else "")
            expected = "" if expected in ("./", ".") else expected.removeprefix("./")
            if expected == "" or expected.endswith("/"):
                expected += "index.html"
        assert links._target(page, link, "/", ()) == expected, link


def _site(folder: Path, pages: dict[str, str]) -> Built:
    """Write ``pages`` into ``folder``; what a build would know of them."""
    for rel, text in pages.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
    return Built(frozenset(pages), {rel: hashlib.sha256(text.encode()).hexdigest()
                                    for rel, text in pages.items()})


def _recheck(tmp_path: Path, before: dict[str, str], after: dict[str, str]) -> list:
    """Check ``before``, then ``after`` with what was learnt of ``before`` (and, where all of
    its links were whole, with ``before`` as the previous site); the problems of ``after``,
    which must be those a check knowing nothing finds."""
    return _checks(tmp_path, before, after)[0]


def _checks(tmp_path: Path, before: dict[str, str], after: dict[str, str],
            absent: tuple[str, ...] = ()) -> tuple[list, int]:
    """``_recheck``'s problems, and how many links of ``after`` the check that knew most
    checked (``absent``: the prefixes the check of ``before`` left out). Each check counts the
    pages that lead to each file as a check knowing nothing does."""
    known = ShardedStore(None, "")
    problems = Problems()
    built = _site(tmp_path / "before", before)
    first = check_links(tmp_path / "before", "/", problems, absent=absent, known=known,
                        built=built)
    assert first.links
    previous = None if problems else Previous(built.digests, frozenset(), "/", absent,
                                              first.inbound)
    found, checks = [], []
    for memory, earlier in ((known, previous), (known, previous and replace(previous,
                                                                            inbound=None)),
                            (known, None), (ShardedStore(None, ""), None)):
        problems = Problems()
        checks.append(check_links(tmp_path / "after", "/", problems, known=memory,
                                  built=replace(_site(tmp_path / "after", after),
                                                previous=earlier)))
        found.append([(p.path, str(p.message)) for p in problems.sorted()])
    assert found[0] == found[1] == found[2] == found[3]
    assert checks[0].inbound == checks[1].inbound == checks[3].inbound
    assert checks[0].links <= checks[1].links
    return found[0], checks[0].links


UP = '<a href="../">up</a><a href="../b/#bagian">b</a><a href="../../luar/">out</a>'


def test_links_of_unchanged_pages_are_checked_against_the_new_site(tmp_path: Path):
    before = {"index.html": '<a href="a/">a</a>', "a/index.html": UP,
              "b/index.html": '<h2 id="bagian">b</h2>'}
    outside = ("site/a/index.html", "'../../luar/' points outside the site")
    assert _recheck(tmp_path, before, {**before, "index.html": '<a href="c/">c</a>'}) == [
        outside, ("site/index.html", "'c/' leads to a page that does not exist")]
    gone = {k: v for k, v in before.items() if k != "b/index.html"}
    assert _recheck(tmp_path / "2", before, gone) == [
        outside, ("site/a/index.html", "'../b/#bagian' leads to a page that does not exist")]
    lost = {**before, "b/index.html": '<h2 id="lain">b</h2>'}
    assert _recheck(tmp_path / "3", before, lost) == [outside, (
        "site/a/index.html", "'../b/#bagian' links to #bagian, which does not exist in b/index.html")]


WHOLE = {"index.html": '<a href="a/">a</a><a href="b/#bagian">b</a><img src="logo.svg">',
         "a/index.html": '<a href="../">up</a>', "b/index.html": '<h2 id="bagian">b</h2>',
         "c/index.html": '<a href="../a/">a</a>', "logo.svg": "<svg/>"}


def test_a_recheck_checks_only_the_pages_whose_bytes_changed(tmp_path: Path):
    assert _checks(tmp_path, WHOLE, WHOLE) == ([], 0)
    changed = {**WHOLE, "a/index.html": '<a href="../">up</a><a href="../c/">c</a>'}
    assert _checks(tmp_path / "2", WHOLE, changed) == ([], 2)
    broken = {**WHOLE, "a/index.html": '<a href="../d/">d</a>'}
    assert _checks(tmp_path / "3", WHOLE, broken) == (
        [("site/a/index.html", "'../d/' leads to a page that does not exist")], 1)
    # a page that gains ids or is new: no other page can have linked to what it adds
    more = {**WHOLE, "b/index.html": '<h2 id="bagian">b</h2><p id="lagi"></p>',
            "d/index.html": "<p>baru</p>"}
    assert _checks(tmp_path / "4", WHOLE, more) == ([], 0)


def test_a_recheck_checks_the_unchanged_pages_that_lead_to_what_is_gone(tmp_path: Path):
    gone = {k: v for k, v in WHOLE.items() if k != "logo.svg"}
    assert _checks(tmp_path, WHOLE, gone) == (
        [("site/index.html", "'logo.svg' leads to a page that does not exist")], 3)
    lost = {**WHOLE, "b/index.html": '<h2 id="lain">b</h2>'}
    assert _checks(tmp_path / "2", WHOLE, lost) == ([(
        "site/index.html", "'b/#bagian' links to #bagian, which does not exist in b/index.html")], 3)
    # a/ is gone: index.html and c/ lead to it; c/ is checked, and found whole, as c/ is
    moved = {**{k: v for k, v in WHOLE.items() if k != "a/index.html"},
             "a.html": "<p>a</p>", "c/index.html": '<a href="../a.html">a</a>'}
    assert _checks(tmp_path / "3", WHOLE, moved) == (
        [("site/index.html", "'a/' leads to a page that does not exist")], 4)


def test_a_recheck_checks_everything_when_the_previous_site_was_checked_otherwise(
        tmp_path: Path):
    assert _checks(tmp_path, WHOLE, WHOLE, absent=("a/",)) == ([], 5)


def _project(tmp_path: Path) -> dict:
    """A scratch project of 30 entries (``tmp_path/project``): the options of its build
    (with a cache, without training or search)."""
    project = tmp_path / "project"
    shutil.copytree(ROOT / "templates", project / "templates")
    (project / "posyandu.yaml").write_text(small_registry(), encoding="utf-8")
    return dict(data=(project / "posyandu.yaml",), templates=project / "templates", content=None,
                search=False, cache=tmp_path / "cache")


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, Built]]:
    """Each link check of the builds that follow: how many links it checked, what it was given."""
    seen: list[tuple[int, Built]] = []
    real = links.check_links

    def check(*args, **kwargs) -> links.Checked:
        checked = real(*args, **kwargs)
        seen.append((checked.links, args[6]))
        return checked

    monkeypatch.setattr(links, "check_links", check)
    return seen


def _changed(built: Built) -> list[str]:
    """The pages of a build whose bytes are not those of the previous build's at their place."""
    assert built.previous
    return [rel for rel, digest in built.digests.items()
            if rel.endswith(".html") and built.previous.digests.get(rel) != digest]


def test_a_one_entry_rebuild_checks_the_links_of_the_pages_that_changed(tmp_path: Path, checks):
    opts = _project(tmp_path)
    out = tmp_path / "site"
    build(options(out, **opts))
    build(options(out, **opts))
    edit_entry(tmp_path / "project")
    build(options(out, **opts))
    (everything, first), (unchanged, _), (rebuild, built) = checks
    assert first.previous is None and unchanged == 0
    changed = _changed(built)
    assert 0 < len(changed) < 10
    assert rebuild == sum(len(page_links((out / rel).read_text(encoding="utf-8"))[1])
                          for rel in changed) < everything / 10


def remove_asset(templates: Path) -> None:
    """A script the quality pages load is gone (those pages' bytes are the same)."""
    (templates / "assets" / "kualitas.js").unlink()


def rename_anchor(templates: Path) -> None:
    """The kecamatan quality pages name their table otherwise; the overview links to the old
    name (its bytes are the same)."""
    path = templates / "_kualitas.html"
    path.write_text(path.read_text(encoding="utf-8").replace(
        'class="lebar" id="k-{{', 'class="lebar" id="kec-{{'), encoding="utf-8")


def link_nowhere(templates: Path) -> None:
    """Every profile links to a page that does not exist."""
    path = templates / "posyandu.html"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "<h2>Kapan dan di mana</h2>", '<h2>Kapan dan di mana</h2><a href="{{ root }}tidak-ada/">x</a>'),
        encoding="utf-8")


@pytest.mark.parametrize("change, page, unchanged", [
    (remove_asset, "kualitas/index.html", True), (rename_anchor, "kualitas/index.html", True),
    (link_nowhere, "posyandu/muara-muntai-perian-teratai/index.html", False)],
    ids=lambda value: getattr(value, "__name__", "-"))
def test_a_rebuild_finds_the_links_a_change_broke(tmp_path: Path, checks, change: Callable,
                                                  page: str, unchanged: bool):
    """Broken links of pages whose bytes changed, and of pages whose bytes did not but whose
    targets did, are those a cold build finds; the site stays as it was."""
    opts = _project(tmp_path)
    out = tmp_path / "site"
    build(options(out, **opts))
    before = digests(out)
    change(tmp_path / "project" / "templates")
    found = []
    for cache in (opts["cache"], None):
        with pytest.raises(BuildError) as caught:
            build(options(tmp_path / "site", **{**opts, "cache": cache}))
        found.append(sorted(str(p) for p in caught.value.problems.sorted()))
    assert digests(out) == before
    assert found[0] == found[1]
    assert any(problem.startswith(f"site/{page}:") for problem in found[0])
    assert (page not in _changed(checks[1][1])) == unchanged


def test_a_file_gone_with_the_one_page_that_led_to_it_makes_no_other_page_looked_at(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """As a renamed Posyandu's .ics file: its profile changed too, and no other page led to it
    (the counts of the pages that lead to each file say so)."""
    before = {**WHOLE, "a/index.html": '<a href="../">up</a><a href="jadwal-lama.ics">x</a>',
              "a/jadwal-lama.ics": "x"}
    after = {**WHOLE, "a/index.html": '<a href="../">up</a><a href="jadwal-baru.ics">x</a>',
             "a/jadwal-baru.ics": "x"}
    known = ShardedStore(None, "")
    built = _site(tmp_path / "before", before)
    first = check_links(tmp_path / "before", "/", Problems(), known=known, built=built)
    looked_at: list[str] = []
    real = links._Pages.targets

    def targets(self, rel: str) -> links.Targets:
        looked_at.append(rel)
        return real(self, rel)

    monkeypatch.setattr(links._Pages, "targets", targets)
    check_links(tmp_path / "after", "/", Problems(), known=known, built=replace(
        _site(tmp_path / "after", after),
        previous=Previous(built.digests, frozenset(), "/", (), first.inbound)))
    assert looked_at == ["a/index.html"]
    monkeypatch.undo()
    assert _checks(tmp_path / "2", before, after) == ([], 2)
    assert _checks(tmp_path / "3", {**before, "c/index.html": '<a href="../a/jadwal-lama.ics">'},
                   {**after, "c/index.html": '<a href="../a/jadwal-lama.ics">'}) == (
        [("site/c/index.html", "'../a/jadwal-lama.ics' leads to a page that does not exist")], 3)
