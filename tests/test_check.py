"""`python -m generator check` and `build` on broken input: every problem, with file and line."""
from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from helpers import ROOT

from generator.i18n import _
from generator.output import MARKER, MARKER_TEXT
from generator.progress import Progress


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """The command line in English (Indonesian, the default: tests/test_i18n.py)."""
    return subprocess.run([sys.executable, "-m", "generator", "--lang", "en", *args, "--no-cache"], cwd=cwd,
                          capture_output=True, text=True, check=False)


def broken_copy(tmp_path: Path, *edits: tuple[str, str]) -> tuple[Path, str]:
    """A copy of the sample registry with text replacements applied (each once)."""
    text = (ROOT / "data" / "posyandu.yaml").read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / "posyandu.yaml"
    path.write_text(text, encoding="utf-8")
    return path, text


def line_and_index(text: str, marker: str) -> tuple[int, int]:
    """The line of ``marker`` and the index of the entry that contains it."""
    before = text[: text.index(marker)]
    return before.count("\n") + 1, before.count("\n  - id: ") - 1


def test_check_passes_on_the_sample():
    result = run("check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok: 827 Posyandu")


def test_check_reports_every_problem_with_file_and_line(tmp_path: Path):
    path, text = broken_copy(
        tmp_path,
        ("      status: terdaftar\n", "      status: terdaftr\n"),
        ("    jumlah_kader_aktif: 6\n", "    jumlah_kader_aktif: -6\n"),
        ('kode_wilayah: "64.02.05.2002"', 'kode_wilayah: "64.02.05.2099"'),
        ("    alamat:", "    alamt:"),
    )
    result = run("check", "--data", str(path))
    assert result.returncode == 1
    err = result.stderr
    line, index = line_and_index(text, "status: terdaftr")
    assert (f"{path}:{line}: posyandu[{index}].registrasi.status: 'terdaftr' is not one of "
            "'terdaftar', 'dalam verifikasi', 'belum terdaftar'\n    hint: did you mean 'terdaftar'?") in err
    line, index = line_and_index(text, "jumlah_kader_aktif: -6")
    assert f"{path}:{line}: posyandu[{index}].jumlah_kader_aktif: -6 is out of range" in err
    line, index = line_and_index(text, "64.02.05.2099")
    assert (f"{path}:{line}: posyandu[{index}].kode_wilayah: '64.02.05.2099' is not a "
            "desa/kelurahan of Kecamatan Muara Badak") in err
    line, index = line_and_index(text, "alamt:")
    assert f"{path}:{line}: posyandu[{index}].alamt: unknown field 'alamt'\n    hint: did you mean 'alamat'?" in err
    assert "4 problem(s) found" in err
    assert "Traceback" not in err


def test_failed_build_leaves_the_previous_site_alone(tmp_path: Path):
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("previous", encoding="utf-8")
    (out / MARKER).write_text(MARKER_TEXT, encoding="utf-8")  # a site this generator made
    path, _ = broken_copy(tmp_path, ("    nama: ", "    nama: \n    nama: "))
    result = run("build", "--data", str(path), "--out", str(out), "--no-search")
    assert result.returncode == 1 and "duplicate key 'nama'" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "index.html"]
    assert (out / "index.html").read_text(encoding="utf-8") == "previous"
    assert not list(tmp_path.glob(".site.*"))


def test_progress_shows_on_a_terminal_and_not_in_ci(tmp_path: Path, monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("CI", raising=False)
    shown = Terminal()
    progress = Progress("en", shown)
    for i in range(1, 4):
        progress.update(_("rendering"), i, 3)
    progress.done()
    assert "\rrendering 3/3" in shown.getvalue()
    indonesian = Terminal()
    Progress("id", indonesian).update(_("rendering"), 3, 3)
    assert "\rmembuat halaman 3/3" in indonesian.getvalue()
    monkeypatch.setenv("CI", "true")
    quiet = Terminal()
    Progress("en", quiet).update(_("rendering"), 3, 3)
    assert quiet.getvalue() == ""
    result = run("build", "--out", str(tmp_path / "site"), "--no-search",
                 "--content", str(tmp_path / "no-content"))
    assert result.returncode == 0 and "\r" not in result.stderr  # not a terminal: no progress


def test_registry_can_span_a_folder_of_files(tmp_path: Path):
    text = (ROOT / "data" / "posyandu.yaml").read_text(encoding="utf-8")
    body = text.split("posyandu:\n", 1)[1]
    items = ["  - id: " + part for part in body.split("  - id: ")[1:]]
    folder = tmp_path / "registri"
    folder.mkdir()
    by_kecamatan: dict[str, list[str]] = {}
    for item in items:
        code = item.split('kode_wilayah: "', 1)[1][:8]
        by_kecamatan.setdefault(code, []).append(item)
    for code, group in by_kecamatan.items():
        (folder / f"{code}.yaml").write_text("posyandu:\n" + "".join(group), encoding="utf-8")
    result = run("check", "--data", str(folder))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok: 827 Posyandu")
    first = folder / "64.02.01.yaml"
    copy = "\n  - id: ".join(first.read_text(encoding="utf-8").split("\n  - id: ")[:2]) + "\n"
    (folder / "64.02.99-salinan.yaml").write_text(copy, encoding="utf-8")
    result = run("check", "--data", str(folder))
    assert result.returncode == 1
    assert (f"{folder}/64.02.99-salinan.yaml:2: posyandu[0].id: duplicate id "
            f"'muara-muntai-perian-teratai' (also used at {first}:2)") in result.stderr
