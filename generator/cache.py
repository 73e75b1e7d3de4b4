"""Validated registry entries cached by the hash of their text, so unchanged entries cost
next to nothing on the next build. The cache is a local, trusted folder (pickle)."""
from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

_SOURCE = Path(__file__).resolve().parent


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` in one step, so that builds sharing a cache never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def code_digest() -> str:
    """A digest of the generator's own code: a new version never reads an old cache."""
    digest = hashlib.sha256()
    for path in sorted(_SOURCE.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


class EntryCache:
    """Valid entries of one registry file by the hash of their text."""

    def __init__(self, folder: Path | None, source: str, salt: str) -> None:
        name = hashlib.sha256(source.encode()).hexdigest()[:16]
        self.path = folder / f"entries-{name}.pickle" if folder else None
        self.salt = salt
        self.old: dict[str, Any] = {}
        self.new: dict[str, Any] = {}
        if self.path and self.path.exists():
            try:
                salt_read, self.old = pickle.loads(self.path.read_bytes())
                if salt_read != salt:
                    self.old = {}
            except Exception:  # a damaged or foreign cache file is simply rebuilt
                self.old = {}

    @staticmethod
    def key(text: str) -> str:
        """The cache key of an entry's text."""
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def get(self, key: str) -> Any:
        """The cached value for ``key``, or None; a hit is kept for the next build."""
        value = self.old.get(key)
        if value is not None:
            self.new[key] = value
        return value

    def put(self, key: str, value: Any) -> None:
        """Remember a valid entry."""
        self.new[key] = value

    def save(self) -> None:
        """Write what this build used, when it differs from what was read."""
        if self.path and self.new.keys() != self.old.keys():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(self.path, pickle.dumps((self.salt, self.new),
                                                     protocol=pickle.HIGHEST_PROTOCOL))


class PickleStore:
    """A dictionary kept between builds in one pickle file, valid for one ``salt``. A value is
    what its key (with the salt) determines, so a store whose keys did not change since it was
    read is not written again."""

    def __init__(self, path: Path | None, salt: str) -> None:
        self.path, self.salt = path, salt
        self.data: dict[str, Any] = {}
        self.read: set[str] | None = None  # the keys of the file read, if it was valid
        if path and path.exists():
            try:
                salt_read, data = pickle.loads(path.read_bytes())
                if salt_read == salt:
                    self.data, self.read = data, set(data)
            except Exception:  # a damaged or foreign cache file is simply rebuilt
                self.data = {}

    def save(self, keep: set[str]) -> None:
        """Write the entries whose keys are in ``keep``."""
        if self.path:
            kept = {k: v for k, v in self.data.items() if k in keep}
            if self.read is not None and self.read == kept.keys():
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(self.path, pickle.dumps((self.salt, kept),
                                                     protocol=pickle.HIGHEST_PROTOCOL))


class ShardedStore:
    """A PickleStore of hexadecimal keys split into 16 files by the keys' first digit
    (``<stem>-0.pickle`` ... ``<stem>-f.pickle``), so that a build that changes a few keys
    writes a few small files instead of one large one."""

    DIGITS = "0123456789abcdef"

    def __init__(self, stem: Path | None, salt: str) -> None:
        self.shards = {digit: PickleStore(stem.with_name(f"{stem.name}-{digit}.pickle")
                                          if stem else None, salt) for digit in self.DIGITS}

    def get(self, key: str) -> Any:
        """The value kept for ``key``, or None."""
        return self.shards[key[0]].data.get(key)

    def put(self, key: str, value: Any) -> None:
        """Keep ``value`` for ``key``."""
        self.shards[key[0]].data[key] = value

    def save(self, keep: set[str]) -> None:
        """Write the shards whose keys changed, each with its keys that are in ``keep``."""
        for shard in self.shards.values():
            shard.save(keep)
