"""The corpus of bad inputs (tests/corpus/): each ends in its exact problems, in Bahasa
Indonesia (EXPECTED.id) and in English (EXPECTED), exit status 1, no traceback, and the previous
site untouched."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import ROOT
from training_content import GOOD_ONE, make_content

from generator import i18n
from generator.__main__ import main
from generator.i18n import LANGUAGES
from generator.output import MARKER, MARKER_TEXT

CORPUS = ROOT / "tests" / "corpus"
EXPECTED = {"en": CORPUS / "EXPECTED", "id": CORPUS / "EXPECTED.id"}  # English is the truth


def cases(lang: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    current = None
    for line in EXPECTED[lang].read_text(encoding="utf-8").splitlines():
        if line.startswith("== "):
            current = line[3:]
            found[current] = []
        elif current and line and not line.startswith("#"):
            found[current].append(line)
    return found


CASES = {lang: cases(lang) for lang in LANGUAGES}


# Inputs that cannot be committed (folders named *.yaml, symbolic links, FIFOs, templates and
# content that must be changed): each case makes them in a folder holding a good registry
# (data/posyandu.yaml), the current folder while it runs, and returns the build's options. Their problems are in EXPECTED under fs/.
FileSystemCase = Callable[[Path], list[str]]
FS_CASES: dict[str, FileSystemCase] = {}
GOOD_ENTRY = """posyandu:
  - id: contoh-satu
    nama: Posyandu Contoh
    kode_wilayah: "64.02.13.1012"
    jadwal: {hari: selasa, minggu_ke: 2, jam: "08.00-11.00"}
    registrasi: {status: terdaftar, nomor: "REG-0001", tanggal: 2025-01-02}
    spm:
      kesehatan: {berjalan: true, kegiatan: [Penimbangan balita]}
    diperbarui: 2025-02-03
"""
SVG_HEAD = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n'


def fs_case(name: str) -> Callable[[FileSystemCase], FileSystemCase]:
    def register(make: FileSystemCase) -> FileSystemCase:
        FS_CASES[f"fs/{name}"] = make
        return make
    return register


def options(config: str = str(ROOT / "config.yaml"), data: str = "data/posyandu.yaml",
            content: str = "no-content", templates: str = str(ROOT / "templates")) -> list[str]:
    return ["--config", config, "--data", data, "--content", content, "--templates", templates]


def copied(tmp: Path, name: str) -> Path:
    """A copy of the project's content/ or templates/ in ``tmp``."""
    shutil.copytree(ROOT / name, tmp / name)
    return tmp / name


def edited(path: Path, line: int, text: str) -> None:
    """``text`` appended to line ``line`` of ``path``."""
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[line - 1] += text
    path.write_text("\n".join(lines), encoding="utf-8")


@fs_case("config-is-a-folder")
def _(tmp: Path) -> list[str]:
    (tmp / "config.yaml").mkdir()
    return options(config="config.yaml")


@fs_case("config-is-a-fifo")
def _(tmp: Path) -> list[str]:
    os.mkfifo(tmp / "config.yaml")
    return options(config="config.yaml")


@fs_case("config-is-a-symlink-loop")
def _(tmp: Path) -> list[str]:
    (tmp / "config.yaml").symlink_to("config.yaml")
    return options(config="config.yaml")


@fs_case("data-folder-is-empty")
def _(tmp: Path) -> list[str]:
    (tmp / "kosong").mkdir()
    return options(data="kosong")


@fs_case("data-folder-holds-only-other-files")
def _(tmp: Path) -> list[str]:
    (tmp / "data" / "posyandu.yaml").rename(tmp / "data" / "posyandu.yml")
    return options(data="data")


@fs_case("data-folder-has-a-folder-named-yaml")
def _(tmp: Path) -> list[str]:
    (tmp / "data" / "samboja.yaml").mkdir()
    return options(data="data")


@fs_case("data-folder-has-a-symlink-loop")
def _(tmp: Path) -> list[str]:
    (tmp / "data" / "loop.yaml").symlink_to("loop.yaml")
    return options(data="data")


@fs_case("data-folder-has-a-dangling-symlink")
def _(tmp: Path) -> list[str]:
    (tmp / "data" / "hilang.yaml").symlink_to("tidak-ada.yaml")
    return options(data="data")


@fs_case("data-folder-has-a-fifo")
def _(tmp: Path) -> list[str]:
    os.mkfifo(tmp / "data" / "pipa.yaml")
    return options(data="data")


@fs_case("data-is-a-fifo")
def _(tmp: Path) -> list[str]:
    os.mkfifo(tmp / "posyandu.yaml")
    return options(data="posyandu.yaml")


@fs_case("data-is-a-device")
def _(tmp: Path) -> list[str]:
    return options(data="/dev/zero")


@fs_case("module-is-a-folder")
def _(tmp: Path) -> list[str]:
    (copied(tmp, "content") / "modul" / "09-folder.md").mkdir()
    return options(content="content")


@fs_case("module-is-a-symlink")
def _(tmp: Path) -> list[str]:
    modules = copied(tmp, "content") / "modul"
    (modules / "09-tautan.md").symlink_to(modules / "02-enam-bidang-spm.md")
    return options(content="content")


@fs_case("modul-folder-is-a-symlink-outside-content")
def _(tmp: Path) -> list[str]:
    content = copied(tmp, "content")
    (content / "modul").rename(tmp / "di-luar")
    (content / "modul").symlink_to(tmp / "di-luar", target_is_directory=True)
    return options(content="content")


@fs_case("modul-folder-is-a-symlink-to-itself")
def _(tmp: Path) -> list[str]:
    content = copied(tmp, "content")
    shutil.rmtree(content / "modul")
    (content / "modul").symlink_to("modul")
    return options(content="content")


@fs_case("modul-is-a-file")
def _(tmp: Path) -> list[str]:
    content = copied(tmp, "content")
    shutil.rmtree(content / "modul")
    (content / "modul").write_text("bukan folder\n", encoding="utf-8")
    return options(content="content")


@fs_case("glossary-is-a-symlink-outside-content")
def _(tmp: Path) -> list[str]:
    content = copied(tmp, "content")
    (content / "istilah.md").rename(tmp / "istilah.md")
    (content / "istilah.md").symlink_to(tmp / "istilah.md")
    return options(content="content")


@fs_case("glossary-is-a-dangling-symlink")
def _(tmp: Path) -> list[str]:
    content = copied(tmp, "content")
    (content / "istilah.md").unlink()
    (content / "istilah.md").symlink_to("/tidak/ada/istilah.md")
    return options(content="content")


@fs_case("module-with-an-escape-character")
def _(tmp: Path) -> list[str]:
    make_content(tmp, **{"modul__01-satu.md": GOOD_ONE + "\nTeks \x1b[1mtebal.\n"})
    return options(content="content")


@fs_case("module-nested-thousands-of-levels")
def _(tmp: Path) -> list[str]:
    make_content(tmp, **{"modul__01-satu.md": GOOD_ONE + "\n" + "*" * 5000 + "x" + "*" * 5000})
    return options(content="content")


def svg_case(name: str, body: str) -> None:
    @fs_case(f"svg-{name}")
    def _(tmp: Path) -> list[str]:
        svg = copied(tmp, "content") / "modul" / "alur-registrasi.svg"
        svg.write_text(SVG_HEAD + body + "</svg>\n", encoding="utf-8")
        return options(content="content")


svg_case("with-a-script", "<title>Bagan</title>\n<script>alert(document.cookie)</script>\n")
svg_case("with-an-event-handler", '<rect width="10" height="10" onload="alert(1)"/>\n')
svg_case("with-a-javascript-link", '<use xlink:href="javascript:alert(1)"/>\n')
svg_case("with-an-external-image", '<g>\n<image href="https://contoh.example/x.png"/>\n</g>\n')
svg_case("with-an-external-style", '<rect style="fill: url(https://contoh.example/p.svg#a)"/>\n')
svg_case("with-html-inside", '<foreignObject><p xmlns="http://www.w3.org/1999/xhtml">x</p>'
         '</foreignObject>\n')
svg_case("with-an-animation", '<rect><set attributeName="fill" to="red"/></rect>\n')
svg_case("not-well-formed", "<g>\n<rect>\n</g>\n")


@fs_case("svg-with-entities")
def _(tmp: Path) -> list[str]:
    svg = copied(tmp, "content") / "modul" / "alur-registrasi.svg"
    svg.write_text('<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">]>\n'
                   + SVG_HEAD + "<text>&a;</text></svg>\n", encoding="utf-8")
    return options(content="content")


def template_case(name: str, file: str, line: int, text: str, absolute: bool = False) -> None:
    @fs_case(f"template-{name}")
    def _(tmp: Path) -> list[str]:
        edited(copied(tmp, "templates") / file, line, text)
        return options(templates=str(tmp / "templates") if absolute else "templates")


template_case("divides-by-zero", "posyandu.html", 10, "{{ 1 // 0 }}")
template_case("error-with-relative-templates", "posyandu.html", 21, "{{ p.nomor_telepon_kader }}")
template_case("error-with-absolute-templates", "posyandu.html", 21, "{{ p.nomor_telepon_kader }}",
              absolute=True)


@fs_case("template-is-not-utf8")
def _(tmp: Path) -> list[str]:
    macros = copied(tmp, "templates") / "_macros.html"
    macros.write_bytes(macros.read_bytes().replace(b"\n", b"\n{# caf\xe9 #}\n", 3))
    return options(templates="templates")


@fs_case("out-inside-a-file")
def _(tmp: Path) -> list[str]:
    (tmp / "berkas.txt").write_text("bukan folder\n", encoding="utf-8")
    return [*options(), "--out", "berkas.txt/site"]


def test_corpus_is_complete():
    files = sorted(p.relative_to(CORPUS).as_posix() for p in CORPUS.glob("*/*.yaml"))
    english, indonesian = CASES["en"], CASES["id"]
    assert sorted(c for c in english if not c.startswith("fs/")) == files
    assert sorted(c for c in english if c.startswith("fs/")) == sorted(FS_CASES)
    assert len(english) >= 116 and all(english.values())
    # The same cases and problems in both languages: each Indonesian line names the same place.
    assert list(indonesian) == list(english)
    for case, lines in english.items():
        assert ([t.split(": ")[:2] for t in indonesian[case]]
                == [t.split(": ")[:2] for t in lines])


def test_indonesian_messages_are_translated():
    """Beyond names, codes and what a library or the system reports, the Indonesian corpus
    shares no message with the English one."""
    for case, lines in CASES["en"].items():
        same = [e for e, i in zip(lines, CASES["id"][case], strict=True) if e == i]
        assert not same, case


def assert_exact_problems(status: int, err: str, expected: list[str], out: Path,
                          lang: str) -> None:
    """Exit status 1, exactly the ``expected`` problems, each with a hint in ``lang``, nothing
    written."""
    assert status == 1
    lines = err.splitlines()
    label = "    " + i18n._("hint: {hint}").format(hint="").render(lang)
    problems = [t for t in lines[:-1] if not t.startswith(label)]
    assert problems == expected
    hints = [t for t in lines if t.startswith(label)]
    assert len(hints) == len(problems) and all(len(h) > len(label) + 5 for h in hints)
    assert lines[-1] == i18n._("{count} problem(s) found; nothing was written to {out}/").format(
        count=len(problems), out=out).render(lang)


def previous_site(out: Path) -> None:
    out.mkdir()
    (out / "index.html").write_text("previous", encoding="utf-8")
    (out / MARKER).write_text(MARKER_TEXT, encoding="utf-8")  # a site this generator made


def assert_previous_site(out: Path) -> None:
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "index.html"]
    assert (out / "index.html").read_text(encoding="utf-8") == "previous"


@pytest.fixture(scope="session")
def corpus_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for the corpus's builds (the region and boundaries read once), outside the
    repository: they run in the corpus folder, whose default .cache would be inside it."""
    return tmp_path_factory.mktemp("corpus-cache")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("case", sorted(c for c in CASES["en"] if not c.startswith("fs/")))
def test_bad_input_gives_its_exact_problems(case: str, lang: str, tmp_path: Path, capsys,
                                            monkeypatch, corpus_cache: Path):
    monkeypatch.chdir(CORPUS)
    out = tmp_path / "site"
    previous_site(out)
    option = "--config" if case.startswith("config/") else "--data"
    status = main(["build", "--lang", lang, option, case, "--out", str(out), "--no-search",
                   "--cache", str(corpus_cache),
                   *(["--config", str(ROOT / "config.yaml")] if option == "--data" else [])])
    expected = [e.replace("data/wilayah.yaml", os.path.relpath(ROOT / "data" / "wilayah.yaml"))
                for e in CASES[lang][case]]
    assert_exact_problems(status, capsys.readouterr().err, expected, out, lang)
    assert_previous_site(out)


def _timeout(*_: object) -> None:
    raise TimeoutError("the build hangs")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("case", sorted(FS_CASES))
def test_file_system_oddity_gives_its_exact_problems(case: str, lang: str, tmp_path: Path,
                                                      capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "posyandu.yaml").write_text(GOOD_ENTRY, encoding="utf-8")
    args = FS_CASES[case](tmp_path)
    out = Path(args[args.index("--out") + 1]) if "--out" in args else Path("site")
    if "--out" not in args:
        previous_site(tmp_path / out)
        args += ["--out", str(out)]
    signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(60)  # a FIFO opened for reading would wait for a writer for ever
    try:
        status = main(["build", "--lang", lang, *args, "--no-search", "--no-cache"])
    finally:
        signal.alarm(0)
    assert_exact_problems(status, capsys.readouterr().err, CASES[lang][case], out, lang)
    if (tmp_path / out).parent.is_dir():
        assert_previous_site(tmp_path / out)


def test_a_file_of_hundreds_of_megabytes_is_refused_before_it_is_read(tmp_path: Path):
    huge = tmp_path / "posyandu.yaml"
    with huge.open("wb") as f:
        f.truncate(300 * 1024 * 1024)  # sparse: takes no disk space
    result = subprocess.run([sys.executable, "-m", "generator", "check", "--lang", "en",
                             "--data", str(huge)],
                            cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert result.stderr.startswith(f"{huge}:1: (file): is 300 MB, over the limit of 64 MB\n"
                                    "    hint: split the registry")
    assert "Traceback" not in result.stderr


def test_subprocess_run_prints_no_traceback():
    result = subprocess.run([sys.executable, "-m", "generator", "check", "--data",
                             str(CORPUS / "registry" / "billion-laughs.yaml")],
                            cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "anchor dan alias YAML" in result.stderr  # the default language
