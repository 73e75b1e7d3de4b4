"""Write the site into a staging folder and swap it in only when the whole build succeeded."""
from __future__ import annotations

import os
import shutil
from pathlib import Path


class Staging:
    """A folder beside the output that becomes the output on commit, or vanishes on failure."""

    def __init__(self, out: Path) -> None:
        self.out = out.resolve()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        for stale in self.out.parent.glob(f".{self.out.name}.staging-*"):
            shutil.rmtree(stale, ignore_errors=True)
        self.dir = self.out.parent / f".{self.out.name}.staging-{os.getpid()}"
        self.dir.mkdir()
        self.files: list[str] = []

    def write(self, rel: str, data: str | bytes) -> None:
        """Write one file, relative to the site root."""
        target = self.dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            data = data.encode("utf-8")
        target.write_bytes(data)
        self.files.append(rel)

    def copy_tree(self, source: Path, rel: str) -> None:
        """Copy a folder of static files (sorted, so that the order never varies)."""
        for path in sorted(source.rglob("*")):
            if path.is_file():
                self.write(f"{rel}/{path.relative_to(source).as_posix()}", path.read_bytes())

    def commit(self) -> None:
        """Replace the output folder with the staging folder."""
        old = self.out.parent / f".{self.out.name}.old-{os.getpid()}"
        if self.out.exists():
            self.out.rename(old)
        self.dir.rename(self.out)
        shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        """Remove the staging folder; the previous output stays as it was."""
        shutil.rmtree(self.dir, ignore_errors=True)
