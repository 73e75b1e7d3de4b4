"""Write the site into a staging folder and swap it in only when the whole build succeeded.

A file whose bytes are the same as in the previous build is hard-linked from the previous
output instead of written again (creating files is the slow part of a build on many disks).
The previous output's digests come from a manifest kept in the cache folder.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from .cache import write_atomically


class Staging:
    """A folder beside the output that becomes the output on commit, or vanishes on failure."""

    def __init__(self, out: Path, cache: Path | None = None) -> None:
        self.out = out.resolve()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        for stale in self.out.parent.glob(f".{self.out.name}.staging-*"):
            shutil.rmtree(stale, ignore_errors=True)
        self.dir = self.out.parent / f".{self.out.name}.staging-{os.getpid()}"
        self.dir.mkdir()
        name = hashlib.sha256(str(self.out).encode()).hexdigest()[:16]
        self.manifest = cache / f"manifest-{name}.json" if cache else None
        previous = self._read_manifest()
        self.previous: dict[str, str] = previous.get("files", {})
        self.previous_keys: dict[str, str] = previous.get("keys", {})
        self.digests: dict[str, str] = {}
        self.keys: dict[str, str] = {}

    def _read_manifest(self) -> dict[str, dict[str, str]]:
        if not (self.manifest and self.manifest.exists() and self.out.is_dir()):
            return {}
        try:
            return json.loads(self.manifest.read_text(encoding="utf-8"))
        except ValueError:
            return {}

    def reuse(self, rel: str, key: str) -> bool:
        """Link ``rel`` from the previous output if it was made from the same inputs (``key``)."""
        digest = self.previous.get(rel)
        if digest is None or self.previous_keys.get(rel) != key:
            return False
        target = self.dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(self.out / rel, target)
        except OSError:
            return False
        self.digests[rel], self.keys[rel] = digest, key
        return True

    def write(self, rel: str, data: str | bytes, key: str | None = None) -> None:
        """Write one file, relative to the site root (linked if unchanged since last build);
        ``key`` names the inputs it was made from, for ``reuse`` in the next build."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        target = self.dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)  # never write through a link into the previous output
        digest = hashlib.sha256(data).hexdigest()
        self.digests[rel] = digest
        if key:
            self.keys[rel] = key
        old = self.out / rel
        if self.previous.get(rel) == digest and self._link(old, target, len(data)):
            return
        target.write_bytes(data)

    @staticmethod
    def _link(old: Path, target: Path, size: int) -> bool:
        try:
            if old.stat().st_size != size:
                return False
            os.link(old, target)
            return True
        except OSError:
            return False

    def unchanged(self, suffix: str) -> bool:
        """Whether every file ending in ``suffix`` is as in the previous build (none added or
        removed)."""
        now = {k: v for k, v in self.digests.items() if k.endswith(suffix)}
        before = {k: v for k, v in self.previous.items() if k.endswith(suffix)}
        return bool(now) and now == before

    def reuse_tree(self, rel: str) -> bool:
        """Link a whole folder of the previous output (e.g. the search index) into staging."""
        source = self.out / rel
        if not source.is_dir():
            return False
        for path in sorted(source.rglob("*")):
            if path.is_file():
                target = self.dir / rel / path.relative_to(source)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.link(path, target)
        return True

    def copy_tree(self, source: Path, rel: str) -> None:
        """Copy a folder of static files (sorted, so that the order never varies)."""
        for path in sorted(source.rglob("*")):
            if path.is_file():
                self.write(f"{rel}/{path.relative_to(source).as_posix()}", path.read_bytes())

    def commit(self) -> None:
        """Replace the output folder with the staging folder, and remember its digests."""
        old = self.out.parent / f".{self.out.name}.old-{os.getpid()}"
        if self.out.exists():
            self.out.rename(old)
        self.dir.rename(self.out)
        shutil.rmtree(old, ignore_errors=True)
        if self.manifest:
            write_atomically(self.manifest, json.dumps({"files": self.digests, "keys": self.keys},
                                                       sort_keys=True).encode("utf-8"))

    def discard(self) -> None:
        """Remove the staging folder; the previous output stays as it was."""
        shutil.rmtree(self.dir, ignore_errors=True)
