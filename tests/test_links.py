"""The build's own link check: broken pages, anchors and escapes are caught."""
from __future__ import annotations

import hashlib
from pathlib import Path

from generator.links import Built, check_links
from generator.problems import Problems


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
    checked = check_links(tmp_path, "/sub/", problems)
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


def _site(folder: Path, pages: dict[str, str]) -> Built:
    """Write ``pages`` into ``folder``; what a build would know of them."""
    for rel, text in pages.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
    return Built(frozenset(pages), {rel: hashlib.sha256(text.encode()).hexdigest()
                                    for rel, text in pages.items()})


def _recheck(tmp_path: Path, before: dict[str, str], after: dict[str, str]) -> list:
    """Check ``before``, then ``after`` with what was learnt of ``before``; the problems of
    ``after``, which must be those a check knowing nothing finds."""
    known: dict[str, tuple] = {}
    assert check_links(tmp_path / "before", "/", Problems(), known=known,
                       built=_site(tmp_path / "before", before))
    found = []
    for memory in (known, {}):
        problems = Problems()
        check_links(tmp_path / "after", "/", problems, known=memory,
                    built=_site(tmp_path / "after", after))
        found.append([(p.path, str(p.message)) for p in problems.sorted()])
    assert found[0] == found[1]
    return found[0]


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
