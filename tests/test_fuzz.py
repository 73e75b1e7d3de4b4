"""Property-based: random mutations of the sample YAML and Markdown never crash the build and
never leave partial output; the build either succeeds or reports problems and writes nothing."""
from __future__ import annotations

import os
import re
import shutil
import signal
import tempfile
from pathlib import Path

import pytest
from helpers import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from training_content import GLOSSARY, GOOD_ONE, GOOD_TWO, SVG

from generator.__main__ import main

TOKENS = [":", ": ", "- ", "\t", '"', "'", "&a ", "*a", "!!python/object/apply:os.system [id]",
          "{", "}", "[", "]", "#", "\n", "  ", "yes", "2099-13-45", "-1", "1e999", "~", "|",
          "ketahanan_pangan: {berjalan: true}", "\x00", "\ufeff", "é", "<script>", "](", "![x](",
          "../../etc/passwd", "!!! note", "[^9]", "---\n", "<<: {}", "?", "%YAML 1.1", "@", "`",
          "\x0b", "\x1b", "\u2028", "\u2029", "\x85", "\r", "\u200b", "-.5", "+.5", ".5e3", "_0",
          "-0", "9" * 40, "[" * 300, "{a: " * 150, "|", ">-", "? a", ":]"]


def sample_registry() -> str:
    text = (ROOT / "data" / "posyandu.yaml").read_text(encoding="utf-8")
    cut = text.index("\n  - id: ", text.index("\n  - id: ", text.index("\n  - id: ") + 1) + 1)
    return text[:cut] + "\n"


REGISTRY = sample_registry()
OPERATION = st.tuples(st.sampled_from(["insert", "delete", "duplicate", "swap"]),
                      st.floats(0, 1), st.floats(0, 1), st.sampled_from(TOKENS))


def mutate(text: str, operations: list[tuple[str, float, float, str]]) -> str:
    for kind, a, b, token in operations:
        lines = text.split("\n")
        i, j = int(a * (len(lines) - 1)), int(b * (len(lines) - 1))
        if kind == "insert":
            line = lines[i]
            k = int(b * len(line))
            lines[i] = line[:k] + token + line[k:]
        elif kind == "delete":
            line = lines[i]
            k = int(b * len(line))
            lines[i] = line[:k] + line[k + 1 + len(token) % 5:]
        elif kind == "duplicate":
            lines.insert(j, lines[i])
        else:
            lines[i], lines[j] = lines[j], lines[i]
        text = "\n".join(lines)
    return text


def build_once(registry: str, module: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "content" / "modul").mkdir(parents=True)
        files = {"posyandu.yaml": registry, "content/modul/01-satu.md": module,
                 "content/modul/02-dua.md": GOOD_TWO, "content/istilah.md": GLOSSARY,
                 "content/modul/bagan.svg": SVG}
        for name, text in files.items():
            (folder / name).write_bytes(text.encode("utf-8", "surrogatepass"))
        out = folder / "site"
        out.mkdir()
        (out / "marker").write_text("previous", encoding="utf-8")
        status = main(["build", "--config", str(ROOT / "config.yaml"),
                       "--data", str(folder / "posyandu.yaml"), "--content", str(folder / "content"),
                       "--templates", str(ROOT / "templates"), "--out", str(out), "--no-search"])
        assert status in (0, 1)
        if status == 1:
            assert [p.name for p in out.iterdir()] == ["marker"]
        else:
            assert not (out / "marker").exists() and (out / "index.html").exists()
            assert (out / "pelatihan" / "satu" / "index.html").exists()
        assert [p.name for p in folder.iterdir() if p.name.startswith(".site")] == []


FUZZ = settings(max_examples=100, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@FUZZ
@given(operations=st.lists(OPERATION, min_size=1, max_size=4))
@pytest.mark.slow
def test_mutated_registry_never_crashes_or_half_builds(operations, capsys):
    build_once(mutate(REGISTRY, operations), GOOD_ONE)
    assert "Traceback" not in capsys.readouterr().err


@FUZZ
@given(operations=st.lists(OPERATION, min_size=1, max_size=4))
@pytest.mark.slow
def test_mutated_module_never_crashes_or_half_builds(operations, capsys):
    build_once(REGISTRY, mutate(GOOD_ONE, operations))
    assert "Traceback" not in capsys.readouterr().err


# File-system shapes: a registry folder and a content folder in which any name may be a file
# (good, empty or of odd bytes), a folder, a symbolic link (to itself, to a sibling, outside,
# to nothing) or a FIFO. ``check`` reads every input as ``build`` does.
NAMES = {"data": ["posyandu.yaml", "b.yaml", "c.yml", "d.yaml"],
         "content/modul": ["01-satu.md", "02-dua.md", "03-tiga.md", "bagan.svg"],
         "content": ["istilah.md", "modul"]}
SPOTS = [(folder, name) for folder, names in NAMES.items() for name in names]
KINDS = ["empty", "odd bytes", "folder", "folder with a file", "link to itself",
         "link to a sibling", "link outside", "dangling link", "fifo"]
SHAPE = st.lists(st.tuples(st.sampled_from(SPOTS), st.sampled_from(KINDS)), min_size=1,
                 max_size=5, unique_by=lambda t: t[0])
PROBLEM = re.compile(r"\S.*:\d+: .+: .+")


def shaped(root: Path, spot: tuple[str, str], kind: str) -> None:
    """Replace ``spot`` (folder, name) under ``root`` with a thing of ``kind``."""
    path = root / spot[0] / spot[1]
    if path.parent.is_symlink() or not path.parent.is_dir():  # modul/ was replaced before
        return
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "odd bytes":
        path.write_bytes(b"\xff\xfe\x00posyandu:\n  - \x1b\n")
    elif kind.startswith("folder"):
        path.mkdir()
        if kind == "folder with a file":
            (path / "x.yaml").write_text(REGISTRY, encoding="utf-8")
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        target = {"link to itself": path.name, "link to a sibling": "..",
                  "link outside": str(root / "outside"), "dangling link": "tidak-ada"}[kind]
        path.symlink_to(target)


def _hangs(*_: object) -> None:
    raise TimeoutError("check hangs")


@settings(FUZZ, max_examples=150)
@given(shape=SHAPE)
@pytest.mark.slow
def test_odd_file_system_shapes_never_crash_or_hang(shape, capsys):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "data").mkdir()
        (root / "data" / "posyandu.yaml").write_text(REGISTRY, encoding="utf-8")
        (root / "outside").write_text(GOOD_TWO, encoding="utf-8")
        files = {"modul/01-satu.md": GOOD_ONE, "modul/02-dua.md": GOOD_TWO,
                 "istilah.md": GLOSSARY, "modul/bagan.svg": SVG}
        for name, text in files.items():
            (root / "content" / name).parent.mkdir(parents=True, exist_ok=True)
            (root / "content" / name).write_text(text, encoding="utf-8")
        for spot, kind in shape:
            shaped(root, spot, kind)
        signal.signal(signal.SIGALRM, _hangs)
        signal.alarm(30)
        try:
            status = main(["check", "--lang", "en", "--config", str(ROOT / "config.yaml"), "--data",
                           str(root / "data"), "--content", str(root / "content"), "--no-cache"])
        finally:
            signal.alarm(0)
    err = capsys.readouterr().err
    assert status in (0, 1) and "Traceback" not in err
    if status == 1:
        lines = [line for line in err.splitlines()[:-1] if not line.startswith(("    hint: ", "    petunjuk: "))]
        assert lines and all(PROBLEM.fullmatch(line) for line in lines), err
