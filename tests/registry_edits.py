"""Changes to a scratch project (its ``posyandu.yaml``, a template), as a user makes them
between two builds, and a small registry to start from."""
from __future__ import annotations

from pathlib import Path

from helpers import ROOT


def small_registry() -> str:
    """The first 30 entries of the sample registry."""
    text = (ROOT / "data" / "posyandu.yaml").read_text(encoding="utf-8")
    starts = [i for i in range(len(text)) if text.startswith("\n  - id: ", i)]
    return text[: starts[30] + 1]


def edit_entry(project: Path) -> None:
    path = project / "posyandu.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('nama: "Posyandu', 'nama: "Posyandu Baru', 1), encoding="utf-8")


def add_entry(project: Path) -> None:
    path = project / "posyandu.yaml"
    text = path.read_text(encoding="utf-8")
    first = text[text.index("  - id: "): text.index("\n  - id: ", text.index("  - id: ")) + 1]
    path.write_text(text + first.replace("  - id: ", "  - id: tambahan-", 1), encoding="utf-8")


def remove_entry(project: Path) -> None:
    path = project / "posyandu.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("\n  - id: ", text.index("\n  - id: ") + 1)
    end = text.index("\n  - id: ", start + 1)
    path.write_text(text[:start] + text[end:], encoding="utf-8")


def reverse_entries(project: Path) -> None:
    """Put the entries in the opposite order (each entry as it was)."""
    path = project / "posyandu.yaml"
    text = path.read_text(encoding="utf-8")
    head, *entries = text.split("\n  - id: ")
    path.write_text("\n  - id: ".join([head, *(e.rstrip("\n") for e in reversed(entries))]) + "\n",
                    encoding="utf-8")


def edit_template(project: Path) -> None:
    """Change a heading of the profile template."""
    path = project / "templates" / "posyandu.html"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "<h2>Kapan dan di mana</h2>", "<h2>Kapan dan di mana Posyandu buka</h2>"), encoding="utf-8")
