"""The build's own link check: broken pages, anchors and escapes are caught."""
from __future__ import annotations

from pathlib import Path

from generator.links import check_links
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
