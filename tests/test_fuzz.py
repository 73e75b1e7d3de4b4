"""Property-based: random mutations of the sample YAML and Markdown never crash the build and
never leave partial output; the build either succeeds or reports problems and writes nothing."""
from __future__ import annotations

import pytest

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from generator.__main__ import main
from test_training_check import GLOSSARY, GOOD_ONE, GOOD_TWO, SVG

TOKENS = [":", ": ", "- ", "\t", '"', "'", "&a ", "*a", "!!python/object/apply:os.system [id]",
          "{", "}", "[", "]", "#", "\n", "  ", "yes", "2099-13-45", "-1", "1e999", "~", "|",
          "ketahanan_pangan: {berjalan: true}", "\x00", "\ufeff", "é", "<script>", "](", "![x](",
          "../../etc/passwd", "!!! note", "[^9]", "---\n", "<<: {}", "?", "%YAML 1.1", "@", "`"]


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
