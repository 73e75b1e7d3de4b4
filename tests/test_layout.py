"""The test suite's own layout: test modules share code only through helper modules
(tests/helpers.py and the few named for what they hold), never by importing each other or
conftest.py, so that a failing test points at its own file."""
from __future__ import annotations

import ast
from pathlib import Path

from helpers import ROOT

TESTS = ROOT / "tests"


def imported_modules(path: Path) -> set[str]:
    """The top-level name of every module ``path`` imports, at any depth of the file."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            names.add(module)
            if module.strip(".") in ("", "tests"):  # from tests import conftest, from . import x
                names.update(f"{module.rstrip('.')}.{alias.name}" for alias in node.names)
    return names


def forbidden(name: str) -> bool:
    """Whether importing ``name`` reaches into a test module or conftest.py."""
    parts = name.lstrip(".").split(".")
    if parts[0] == "tests":
        parts = parts[1:]
    return bool(parts) and (parts[0].startswith("test_") or parts[0] == "conftest")


def test_no_test_module_imports_another_or_conftest():
    found = {path.relative_to(ROOT).as_posix(): sorted(filter(forbidden, imported_modules(path)))
             for path in sorted([*TESTS.glob("*.py"), *(ROOT / "bench").glob("*.py")])}
    assert {k: v for k, v in found.items() if v} == {}, \
        "move what is shared into tests/helpers.py (or a helper module named for what it holds)"


def test_the_check_sees_every_way_of_importing(tmp_path: Path):
    sample = tmp_path / "test_x.py"
    sample.write_text("import test_a\nfrom test_b import f\nfrom tests.test_c import g\n"
                      "from .test_d import h\nfrom conftest import ROOT\nimport helpers\n"
                      "from . import helpers\ndef later():\n    from tests import conftest\n    import test_e.sub\n",
                      encoding="utf-8")
    assert sorted(filter(forbidden, imported_modules(sample))) == [
        ".test_d", "conftest", "test_a", "test_b", "test_e.sub", "tests.conftest", "tests.test_c"]
