"""Messages in Bahasa Indonesia by default, in English with --lang en or an English locale: the
catalog is complete and up to date, and every command prints in the language chosen."""
from __future__ import annotations

import re
import shutil
import socket
import string
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from helpers import ROOT

from generator import i18n
from generator.__main__ import main
from generator.build import Options
from generator.i18n import (
    LOCALE,
    LOCALE_VARIABLES,
    Message,
    Number,
    _,
    as_message,
    choose,
    ngettext,
)
from generator.output import MARKER
from generator.preview import overlay, run_serve
from generator.problems import Problem

POT = LOCALE / "messages.pot"
PO = LOCALE / "id" / "LC_MESSAGES" / "messages.po"


def catalog(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f)


def placeholders(text: str) -> set[str]:
    """The placeholders of a message; each has a name, for the translator to see."""
    names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    assert all(name.isidentifier() for name in names), f"unnamed placeholder in {text!r}"
    return names


def test_every_message_has_an_indonesian_translation():
    translations = catalog(PO)
    assert translations.locale and str(translations.locale) == "id"
    checked = 0
    for message in translations:
        if not message.id:
            continue  # the header
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert not message.fuzzy, f"fuzzy, to be checked by a translator: {ids[0]!r}"
        assert all(s.strip() for s in strings), f"not translated: {ids[0]!r}"
        for text in strings:  # the same {named} placeholders, none lost or misspelt
            assert placeholders(text) == placeholders(ids[0]), (ids[0], text)
        checked += 1
    assert checked >= 60


def test_the_catalog_is_up_to_date_with_the_code(tmp_path: Path):
    """Extracting the messages again (as make messages does) gives the committed template,
    and the Indonesian catalog has exactly its messages."""
    fresh = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", "extract",
                    "-F", "babel.cfg", "-o", str(fresh), "generator"], cwd=ROOT, check=True)
    ids = {m.id for m in catalog(fresh) if m.id}
    assert {m.id for m in catalog(POT) if m.id} == ids, "run: make messages"
    assert {m.id for m in catalog(PO) if m.id} == ids, "run: make messages, then translate"
    assert "hint: {hint}" in ids and len(ids) >= 60


def small_po(path: Path, greeting: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                    f'msgid "hello"\nmsgstr "{greeting}"\n', encoding="utf-8")
    return path


def test_the_compiled_catalog_is_kept_and_follows_its_po(tmp_path: Path):
    """The .mo kept in __pycache__ beside the .po is read by the next run, made again when the
    .po changes (the old one removed) or the kept file is damaged, and not needed at all where
    that folder cannot be written."""
    po = small_po(tmp_path / "id" / "LC_MESSAGES" / "messages.po", "halo")
    assert i18n.catalog(po, "id").gettext("hello") == "halo"
    kept = list((po.parent / "__pycache__").glob("messages.*.mo"))
    assert len(kept) == 1
    kept[0].write_bytes(kept[0].read_bytes().replace(b"halo", b"hola"))
    assert i18n.catalog(po, "id").gettext("hello") == "hola"  # read, not compiled again
    small_po(po, "apa kabar")
    assert i18n.catalog(po, "id").gettext("hello") == "apa kabar"
    now = list((po.parent / "__pycache__").glob("messages.*.mo"))
    assert len(now) == 1 and now != kept
    now[0].write_bytes(b"damaged")
    assert i18n.catalog(po, "id").gettext("hello") == "apa kabar"
    read_only = small_po(tmp_path / "ro" / "messages.po", "selamat")
    (read_only.parent / "__pycache__").write_text("not a folder", encoding="utf-8")
    assert i18n.catalog(read_only, "id").gettext("hello") == "selamat"


@pytest.mark.parametrize("option, environ, expected", [
    (None, {}, "id"),
    (None, {"LANG": "en_US.UTF-8"}, "en"),
    (None, {"LANG": "id_ID.UTF-8"}, "id"),
    (None, {"LANG": "C.UTF-8"}, "id"),
    (None, {"LANG": "fr_FR.UTF-8"}, "id"),
    (None, {"LC_MESSAGES": "en_GB", "LANG": "id_ID"}, "en"),
    (None, {"LC_ALL": "id_ID", "LC_MESSAGES": "en_GB"}, "id"),
    (None, {"LANGUAGE": "en:id", "LC_ALL": "id_ID"}, "en"),
    (None, {"LANGUAGE": "", "LANG": "en_US"}, "en"),  # an empty variable does not count
    ("id", {"LANG": "en_US.UTF-8"}, "id"),  # --lang wins
    ("en", {"LANGUAGE": "id"}, "en"),
])
def test_the_language_comes_from_lang_then_the_locale(option, environ, expected):
    assert choose(option, environ) == expected


def test_a_message_keeps_its_arguments_and_is_translated_when_printed():
    message = _("the output would replace the input {path}").format(path=Path("/x/data"))
    assert message.args == (("path", "/x/data"),)
    assert message.render("en") == "the output would replace the input /x/data"
    assert message.render("id") == "keluaran akan menimpa masukan /x/data"
    assert str(message) == message.render("en")
    shards = ngettext("assembled {count} shard into {out}/ ({pages} national pages)",
                      "assembled {count} shards into {out}/ ({pages} national pages)", 2)
    done = shards.format(count=2, out="site", pages=Number(3.5, 1))
    assert done.render("en") == "assembled 2 shards into site/ (3.5 national pages)"
    assert done.render("id") == "2 bagian (shard) digabungkan ke site/ (3,5 halaman nasional)"
    assert _("{count} problem(s) found").format(count=1) < _("hint: {hint}").format(hint="x")


@pytest.mark.parametrize("value", [0, -0.0, 0.4512, 2.4, 3.5, 1234.5678, -0.5031, 117.25, 0.005,
                                   0.015, 2.675, 99.995, 1e-7, 123456789.125, -3.765])
def test_a_number_is_written_as_babel_writes_it(value: float):
    """Number does without Babel's locale data, not without its way of rounding."""
    for digits in (0, 1, 2):
        for lang in ("id", "en"):
            assert Number(value, digits).render(lang) == format_decimal(
                value, "0." + "0" * digits, locale=lang), (value, digits, lang)


def test_a_problem_prints_in_the_language_asked_with_its_hint_label():
    problem = Problem("data/posyandu.yaml", 3, "--out",
                      _("{path} is a file, not a folder").format(path="README.md"),
                      _("choose another --out, e.g. --out site"))
    assert problem.render("en") == ("data/posyandu.yaml:3: --out: README.md is a file, not a "
                                    "folder\n    hint: choose another --out, e.g. --out site")
    assert problem.render("id") == ("data/posyandu.yaml:3: --out: README.md adalah berkas, bukan "
                                    "folder\n    petunjuk: pilih --out lain, misalnya --out site")
    plain = Problem("a.yaml", 1, "nama", as_message("a text not marked for translation {x}"))
    assert plain.render("id") == "a.yaml:1: nama: a text not marked for translation {x}"
    half = _("give folders made by: {command}").format(other="x")  # never a traceback
    assert half.render("id") == "berikan folder hasil perintah: {command}"


def broken_registry(tmp_path: Path) -> Path:
    """The sample's first entry with a misspelt field and an unknown status."""
    text = (ROOT / "data" / "posyandu.yaml").read_text(encoding="utf-8")
    first = text[: text.index("\n  - id: ", text.index("\n  - id: ") + 1) + 1]
    path = tmp_path / "posyandu.yaml"
    path.write_text(first.replace("    alamat:", "    alamt:", 1), encoding="utf-8")
    return path


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    status = main([*argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_check_speaks_indonesian_by_default_and_english_when_asked(tmp_path, capsys, monkeypatch):
    for name in LOCALE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    registry = str(broken_registry(tmp_path))
    check = ["check", "--data", registry, "--config", str(ROOT / "config.yaml"), "--no-cache"]
    status, _out, err = cli(capsys, *check)
    assert status == 1
    assert re.search(r"posyandu\[0\]\.alamt: .*\n    petunjuk: .*'alamat'", err), err
    assert err.endswith("\n1 masalah ditemukan\n") and "hint:" not in err
    for english in (["--lang", "en", *check], [*check, "--lang", "en"]):
        status, _out, err = cli(capsys, *english)
        assert status == 1 and "\n    hint: " in err and err.endswith("\n1 problem(s) found\n")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert cli(capsys, *check)[2].endswith("\n1 problem(s) found\n")
    assert cli(capsys, *check, "--lang", "id")[2].endswith("\n1 masalah ditemukan\n")


def test_check_and_build_summaries_in_both_languages(tmp_path, capsys, monkeypatch):
    for name in LOCALE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    registry = broken_registry(tmp_path)
    registry.write_text(registry.read_text(encoding="utf-8").replace("alamt:", "alamat:"),
                        encoding="utf-8")
    inputs = ["--data", str(registry), "--config", str(ROOT / "config.yaml"), "--no-cache",
              "--content", str(tmp_path / "no-content")]
    said = cli(capsys, "check", *inputs)[1]
    planned = re.fullmatch(r"ok: 1 Posyandu, 0 modul pelatihan, (\d+) halaman direncanakan\n", said)
    assert planned, said
    pages = planned[1]
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    assert cli(capsys, "check", *inputs)[1] == (
        f"ok: 1 Posyandu, 0 training modules, {pages} pages planned\n")
    out = tmp_path / "site"
    status, said, _err = cli(capsys, "build", *inputs, "--out", str(out), "--no-search", "--lang", "id")
    assert status == 0
    assert re.fullmatch(rf"{pages} halaman \(1 Posyandu\) dibangun ke {out}/ dalam \d+,\d\d detik\n",
                        said), said
    status, said, _err = cli(capsys, "build", *inputs, "--out", str(out), "--no-search")
    assert re.fullmatch(rf"built {pages} pages \(1 Posyandu\) into {out}/ in \d+\.\d\d s\n", said), said


def test_a_refused_output_is_explained_in_both_languages(tmp_path, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("somebody's", encoding="utf-8")
    build = ["build", "--config", str(ROOT / "config.yaml"), "--no-cache", "--no-search",
             "--out", str(out)]
    status, _out, err = cli(capsys, *build)
    assert status == 1 and err == (
        f"{out}:0: --out: folder {out.resolve()} tidak dibuat oleh generator ini (tidak ada berkas "
        f"{MARKER} di dalamnya) dan akan tertimpa\n"
        "    petunjuk: pilih --out lain, atau kosongkan atau hapus sendiri folder itu\n"
        f"1 masalah ditemukan; tidak ada yang ditulis ke {out}/\n")
    status, _out, err = cli(capsys, "--lang", "en", *build)
    assert err.endswith("    hint: choose another --out, or empty or remove that folder yourself\n"
                        f"1 problem(s) found; nothing was written to {out}/\n")


def test_import_takes_lang_before_or_after_its_name(tmp_path, capsys):
    """import has its own options; --lang reaches it from either side of its name."""
    registry = tmp_path / "posyandu.yaml"
    shutil.copy(ROOT / "tests" / "import_fixtures" / "posyandu.yaml", registry)
    sheet = tmp_path / "daftar.csv"
    sheet.write_text("Nama Posyandu,Desa/Kelurahan,Kecamatan,Jam\n"
                     "Posyandu Teratai,Perian,Muara Muntai,08.00-11.00\n", encoding="utf-8")
    args = [str(sheet), "--data", str(registry), "--config", str(ROOT / "config.yaml"),
            "--dry-run"]
    before = cli(capsys, "--lang", "en", "import", *args)
    after = cli(capsys, "import", *args, "--lang", "en")
    assert before == after and "unrecognized" not in before[2]
    assert before[0] == 0 and "muara-muntai-perian-teratai: jadwal.jam" in before[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:  # 503 while there is no site
        return exc.read().decode("utf-8")
    except OSError:  # not listening yet
        return ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("lang, words, absent", [
    ("id", ["<html lang=\"id\">", "Belum ada build yang berhasil.", "Build gagal: 1 masalah.",
            'lang="id"', "\n    petunjuk: "], ["Build failed", "hint:", "No build"]),
    ("en", ["<html lang=\"en\">", "No build has succeeded yet.", "Build failed: 1 problem(s).",
            'lang="en"', "\n    hint: "], ["gagal", "petunjuk", "Belum"]),
])
def test_the_preview_panel_is_in_one_language(tmp_path, lang, words, absent):
    """A first build that fails: the page says so and lists the problem, all in one language."""
    registry = broken_registry(tmp_path)
    port, stop = free_port(), threading.Event()
    opts = Options(config=ROOT / "config.yaml", data=(registry,), content=None,
                   templates=ROOT / "templates", out=tmp_path / "preview", search=False,
                   cache=None, lang=lang)
    thread = threading.Thread(target=run_serve, args=(opts, port, stop), daemon=True)
    thread.start()
    try:
        page = ""
        for _attempt in range(100):
            page = fetch(f"http://127.0.0.1:{port}/")
            if "preview-errors" in page:
                break
            threading.Event().wait(0.2)
        assert all(w in page for w in words), page
        assert not any(a in page for a in absent), page
    finally:
        stop.set()
        thread.join(timeout=10)


def test_the_panel_over_a_stale_site_says_the_last_good_site_is_shown():
    problem = Problem("a.yaml", 2, "nama", Message("x"), _("save again to retry"))
    assert "Build gagal: 1 masalah. Situs terakhir yang berhasil tetap ditampilkan." in overlay(
        [problem], "id")
    assert "Build failed: 1 problem(s).</h2>" in overlay([problem], "en", stale=False)
