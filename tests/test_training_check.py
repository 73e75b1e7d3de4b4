"""Broken training content: each case is reported with file, line and field, all in one run."""
from __future__ import annotations

from pathlib import Path

import pytest
from training_content import GOOD_ONE, GOOD_TWO, make_content

from generator.problems import Problems
from generator.training import load_training


def line(needle: str, text: str = GOOD_ONE) -> int:
    """The line of GOOD_ONE (or ``text``) on which ``needle`` first occurs."""
    return text[: text.index(needle)].count("\n") + 1


LINK, IMAGE = line("Lihat [modul"), line("![Bagan]")


def problems_of(content: Path) -> list[str]:
    problems = Problems()
    load_training(content, problems)
    return [str(p).replace(str(content) + "/", "") for p in problems.sorted()]


def test_good_content_has_no_problems(tmp_path: Path):
    content = make_content(tmp_path)
    problems = Problems()
    training = load_training(content, problems)
    assert not problems
    assert [m.slug for m in training.modules] == ["satu", "dua"]
    assert training.total_jpl == 4
    assert (training.jpl.t, training.jpl.p, training.jpl.pl) == (2, 2, 0)
    assert training.images == {"bagan.svg": content / "modul" / "bagan.svg"}
    first = training.modules[0]
    assert 'href="../dua/#bagian-kedua"' in first.html
    assert 'href="../istilah/#kader"' in first.html and 'src="../media/bagan.svg"' in first.html
    assert first.toc == ((2, "bagian-pertama", "Bagian Pertama"),)


CURRICULUM_CASES = [
    ("missing competency", GOOD_ONE.replace("kompetensi: Mampu membina Posyandu.\n", ""),
     ["modul/01-satu.md:2: kompetensi: is missing"]),
    ("missing practice", GOOD_ONE[:GOOD_ONE.index("praktik:")] + GOOD_ONE[GOOD_ONE.index("swauji:"):],
     ["modul/01-satu.md:2: praktik: is missing"]),
    ("unknown group", GOOD_ONE.replace("kelompok: inti", "kelompok: intii"),
     [f"modul/01-satu.md:{line('kelompok:')}: kelompok: 'intii' is not one of 'dasar', 'inti', "
      "'penunjang'\n    hint: did you mean 'inti'?"]),
    ("jpl part missing", GOOD_ONE.replace("jpl: {t: 1, p: 1, pl: 0}", "jpl: {t: 1, p: 1}"),
     [f"modul/01-satu.md:{line('jpl:')}: jpl.pl: is missing"]),
    ("practice without facilitator note", GOOD_ONE.replace("    cara: Berpasangan.\n", ""),
     [f"modul/01-satu.md:{line('- judul: Daftar')}: praktik[0].cara: is missing"]),
    ("self-check answer out of range", GOOD_ONE.replace("benar: 1", "benar: 3"),
     [f"modul/01-satu.md:{line('benar:')}: swauji[0].benar: 3 is out of range"]),
    ("self-check links to a missing heading",
     GOOD_ONE.replace("bagian: bagian-pertama", "bagian: bagian-kedua"),
     [f"modul/01-satu.md:{line('- soal: Mana?')}: swauji[0].bagian: there is no heading #bagian-kedua"]),
    ("recall over half of latihan", GOOD_ONE.replace("jenis: penerapan", "jenis: ingatan"),
     [f"modul/01-satu.md:{line('latihan:')}: latihan: 1 of 1 questions are recall ('ingatan')"]),
    ("latihan without kind", GOOD_ONE.replace("    jenis: penerapan\n", ""),
     [f"modul/01-satu.md:{line('- soal: Apa?')}: latihan[0].jenis: is missing"]),
    ("empty objectives", GOOD_ONE.replace("tpk:\n  - Memahami satu hal.", "tpk: []"),
     [f"modul/01-satu.md:{line('tpk:')}: tpk: is empty"]),
]


@pytest.mark.parametrize("name, text, expected", CURRICULUM_CASES,
                         ids=[c[0] for c in CURRICULUM_CASES])
def test_curriculum_field_problems_name_file_line_and_field(tmp_path: Path, name, text, expected):
    found = problems_of(make_content(tmp_path, **{"modul__01-satu.md": text}))
    for message in expected:
        assert any(p.startswith(message) for p in found), (message, found)


CASES = [
    ("no front matter", {"modul__01-satu.md": "## Tanpa front matter\n"},
     ["modul/01-satu.md:1: (front matter): the file does not start with front matter"]),
    ("front matter not closed", {"modul__01-satu.md": "---\njudul: X\n## Isi\n"},
     ["modul/01-satu.md:1: (front matter): the file does not start with front matter"]),
    ("bad YAML in front matter", {"modul__01-satu.md": GOOD_ONE.replace("jpl: {t: 1", "jpl: [t: 1")},
     [f"modul/01-satu.md:{line('jpl:')}: (syntax): YAML syntax error"]),
    ("missing title", {"modul__01-satu.md": GOOD_ONE.replace("judul: Modul Satu\n", "")},
     ["modul/01-satu.md:2: judul: is missing"]),
    ("duration not a number", {"modul__01-satu.md": GOOD_ONE.replace("{t: 1,", "{t: satu,")},
     [f"modul/01-satu.md:{line('jpl:')}: jpl.t: expected a whole number, found the text 'satu'"]),
    ("unknown audience", {"modul__01-satu.md": GOOD_ONE.replace("[kabupaten, desa]", "[kabupaten, kecamtan]")},
     ["modul/01-satu.md:4: sasaran[1]: 'kecamtan' is not one of 'kabupaten', 'kecamatan', 'desa'\n"
      "    hint: did you mean 'kecamatan'?"]),
    ("misspelt field", {"modul__01-satu.md": GOOD_ONE.replace("tpk:", "tpkk:")},
     ["modul/01-satu.md:2: tpk: is missing", f"modul/01-satu.md:{line('tpk:')}: tpkk: unknown field 'tpkk'\n"
      "    hint: did you mean 'tpk'?"]),
    ("duplicate order", {"modul__02-dua.md": GOOD_TWO.replace("urutan: 2", "urutan: 1")},
     ["modul/02-dua.md:3: urutan: 1 is also the order of modul/01-satu.md"]),
    ("link to a missing module", {"modul__01-satu.md": GOOD_ONE.replace("02-dua.md#bagian-kedua", "03-tiga.md")},
     [f"modul/01-satu.md:{LINK}: (link): '03-tiga.md' links to a module that does not exist"]),
    ("link to a missing anchor", {"modul__01-satu.md": GOOD_ONE.replace("#bagian-kedua", "#bagian-ketiga")},
     [f"modul/01-satu.md:{LINK}: (link): '02-dua.md#bagian-ketiga': there is no heading #bagian-ketiga in 02-dua.md\n"
      "    hint: did you mean 'bagian-kedua'?"]),
    ("link to a missing glossary term", {"modul__01-satu.md": GOOD_ONE.replace("#kader", "#pengurus")},
     [f"modul/01-satu.md:{LINK}: (link): 'istilah.md#pengurus': there is no heading #pengurus in istilah.md"]),
    ("missing image", {"modul__01-satu.md": GOOD_ONE.replace("bagan.svg", "bagan2.svg")},
     [f"modul/01-satu.md:{IMAGE}: (link): 'bagan2.svg' does not exist\n    hint: did you mean 'bagan.svg'?"]),
    ("image escaping content", {"modul__01-satu.md": GOOD_ONE.replace("bagan.svg", "../../etc/passwd")},
     [f"modul/01-satu.md:{IMAGE}: (image): '../../etc/passwd' points outside content/"]),
    ("absolute image path", {"modul__01-satu.md": GOOD_ONE.replace("bagan.svg", "/etc/passwd")},
     [f"modul/01-satu.md:{IMAGE}: (image): '/etc/passwd' points outside content/"]),
    ("unsafe file name", {"modul__03-Modul Tiga!.md": GOOD_ONE.replace("urutan: 1", "urutan: 3")},
     ["modul/03-Modul Tiga!.md:1: (file name): '03-Modul Tiga!.md' would make an unsafe URL"]),
    ("colliding file name", {"modul__05-satu.md": GOOD_ONE.replace("urutan: 1", "urutan: 5")},
     ["modul/05-satu.md:1: (file name): '05-satu.md' gives the URL pelatihan/satu/, which another page already uses"]),
    ("empty exercise answer", {"modul__01-satu.md": GOOD_ONE.replace("jawaban: Itu.", "jawaban: ''")},
     [f"modul/01-satu.md:{line('jawaban:')}: latihan[0].jawaban: is empty"]),
]


@pytest.mark.parametrize("name, files, expected", CASES, ids=[c[0] for c in CASES])
def test_broken_module_is_reported_with_file_and_line(tmp_path: Path, name, files, expected):
    found = problems_of(make_content(tmp_path, **files))
    for message in expected:
        assert any(p.startswith(message) for p in found), (message, found)


def test_symlinked_image_is_refused(tmp_path: Path):
    content = make_content(tmp_path, **{"modul__bagan.svg": None})
    (content / "modul" / "bagan.svg").symlink_to("/etc/hostname")
    assert problems_of(content) == [
        f"modul/{name}:{IMAGE}: (image): 'bagan.svg' is a symbolic link\n"
        "    hint: copy the image itself beside the module" for name in ("01-satu.md", "02-dua.md")]


def test_all_problems_of_all_files_come_in_one_run(tmp_path: Path):
    content = make_content(tmp_path, **{
        "modul__01-satu.md": GOOD_ONE.replace("pl: 0}", "pl: -1}").replace(
            "bagan.svg", "hilang.svg"),
        "modul__02-dua.md": GOOD_TWO.replace("urutan: 2", "urutan: 1"),
    })
    found = problems_of(content)
    assert [p.split(":")[0:2] for p in found] == [
        ["modul/01-satu.md", str(line("jpl:"))], ["modul/01-satu.md", str(IMAGE)],
        ["modul/02-dua.md", "3"]]


def test_raw_html_and_script_links_are_sanitised(tmp_path: Path):
    body = ('\n<script>alert(1)</script><img src=x onerror="alert(2)">\n\n'
            '[klik](javascript:alert(3)) [data](data:text/html,hi) <a href="https://ok.example">ok</a>\n')
    content = make_content(tmp_path, **{"modul__01-satu.md": GOOD_ONE + body})
    problems = Problems()
    training = load_training(content, problems)
    html = str(training.modules[0].html)
    assert "<script" not in html and "onerror" not in html and "alert(" not in html.replace(
        "alert(1)", "")
    assert "javascript:" not in html and "data:text" not in html
    assert '<a href="https://ok.example">ok</a>' in html
