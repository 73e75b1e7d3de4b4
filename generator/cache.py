"""The cache folder kept between builds (``--cache``, default ``.cache/``; never published).

``CacheDir`` is the one place that names a file there and makes its key. The layout::

    .lock                        held by the build using the folder (lock.py)
    entries-<file>-<d>.pickle    the valid entries of one registry file by the hash of their text
                                 (<d>: 0-f, the first digit of the keys in it: ShardedStore)
    qr-<d>.pickle                the QR codes' SVG by the hash of their text (qr.py)
    links-<dd>.pickle            the links and anchors of each rendered page by its digest
                                 (<dd>: 00-ff, the keys' first two digits)
    training.pickle              the training modules read, by the digest of content/ (training.py)
    region.pickle                the region table read and checked, by the digest of its file
    boundaries.pickle            the boundary file read and checked, by the digest of its file
                                 and of the region table (build.py)
    manifest-<output>.pickle     digest and key of every file of one output (write.py)
    spare-<output>/, .pickle     the output a build replaced, the next one's staging (spare.py)
    opendata-pieces-<d>.pickle   each entry's serialized open data by its digest (opendata/)
    opendata-orders.pickle       the entries' digests in the orders of the open-data files
    handbook-<inputs>.pdf        the printed handbook by the digest of its inputs (pdf.py)
    templates/<v>-<t>.cache      each template compiled by Jinja (<v>: this version of the
                                 generator, <t>: the template; Jinja checks its source: render.py)
    <kode>/                      one kabupaten of a national build: this layout again, and
      built.json                 the digest of the inputs of its last successful build
    top/, top-cache/             the national top, staged before it is copied into the site
    top-files.json               the files of the top copied by the last national build
    provinsi-lookups.json        the digest of the records behind each provinsi's name lookup

``<file>`` and ``<output>`` are short digests of an absolute path. Every key starts from the
digest of the generator's code, so a new version never reads what an older one wrote; a file
that cannot be read is simply made again. The folder is local and trusted (pickle).
"""
from __future__ import annotations

import functools
import hashlib
import os
import pickle
import shutil
from collections.abc import Callable, Sized
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

_SOURCE = Path(__file__).resolve().parent


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` in one step, so that builds sharing a cache never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


@functools.cache
def code_digest() -> str:
    """A digest of the generator's own code: a new version never reads an old cache. Read once
    per process (a build asks about ten times): the code a process runs is what it imported,
    even when the files change while it runs (a long preview)."""
    digest = hashlib.sha256()
    for path in sorted(_SOURCE.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _short(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class CacheDir:
    """The cache folder, or no cache at all (``folder`` None: every path is None)."""

    folder: Path | None

    def key(self, *parts: str | bytes) -> str:
        """The key of a cached value made from ``parts`` by this version of the generator."""
        digest = hashlib.sha256(code_digest().encode())
        for part in parts:
            data = part.encode() if isinstance(part, str) else part
            digest.update(len(data).to_bytes(8, "big") + data)
        return digest.hexdigest()

    def _file(self, name: str) -> Path | None:
        return self.folder / name if self.folder else None

    def lock(self) -> Path | None:
        return self._file(".lock")

    def entries(self, source: Path) -> Path | None:
        """The stem of a ShardedStore's files."""
        return self._file(f"entries-{_short(str(source.absolute()))}")

    def qr(self) -> Path | None:
        """The stem of a ShardedStore's files."""
        return self._file("qr")

    def links(self) -> Path | None:
        """The stem of a ShardedStore's files (links-00.pickle ...)."""
        return self._file("links")

    def training(self) -> Path | None:
        return self._file("training.pickle")

    def region(self) -> Path | None:
        return self._file("region.pickle")

    def boundaries(self) -> Path | None:
        return self._file("boundaries.pickle")

    def opendata_pieces(self) -> tuple[Path, Path] | None:
        """The stem of a ShardedStore's files (opendata-pieces-0.pickle ...), and the file
        of the orders of their entries in the open data."""
        stem, orders = self._file("opendata-pieces"), self._file("opendata-orders.pickle")
        return (stem, orders) if stem and orders else None

    def manifest(self, out: Path) -> Path | None:
        """``out`` as real_path gives it (the same output by every name)."""
        return self._file(f"manifest-{_short(str(out))}.pickle")

    def spare(self, out: Path) -> tuple[Path, Path] | None:
        """The spare of ``out`` (as real_path gives it): its folder and its manifest."""
        return self._spare(_short(str(out)))

    def spares(self) -> list[tuple[Path, Path]]:
        """The folder and manifest of every spare kept here."""
        names = sorted(p.stem.removeprefix("spare-") for p in self.folder.glob("spare-*.pickle")
                       ) if self.folder else []
        return [pair for pair in map(self._spare, names) if pair]

    def _spare(self, name: str) -> tuple[Path, Path] | None:
        folder, manifest = self._file(f"spare-{name}"), self._file(f"spare-{name}.pickle")
        return (folder, manifest) if folder and manifest else None

    def compiled_templates(self) -> tuple[Path, str] | None:
        """Where Jinja keeps the compiled templates, and the prefix of the names of this
        version's files (the compiled code follows the environment's options, which are code);
        the files of other versions are removed."""
        if not self.folder:
            return None
        folder, prefix = self.folder / "templates", self.key("templates")[:16] + "-"
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            if not old.name.startswith(prefix):
                old.unlink(missing_ok=True)
        return folder, prefix

    def handbook(self, key: str) -> Path | None:
        return self._file(f"handbook-{key[:20]}.pdf")

    def handbook_print(self) -> Path | None:
        """Where the handbook page is laid out to be printed (the build holds the lock)."""
        return self._file("handbook-print")

    def handbooks(self) -> list[Path]:
        """The cached handbooks (one at most, unless a build was killed while keeping one)."""
        return list(self.folder.glob("handbook-*.pdf")) if self.folder else []

    def forget_handbooks(self) -> None:
        """Remove every cached handbook (before a new one is kept)."""
        for old in self.handbooks():
            old.unlink(missing_ok=True)

    def unit(self, kode: str) -> CacheDir:
        """The cache of one kabupaten of a national build."""
        return CacheDir(self.folder / kode if self.folder else None)

    def built(self) -> Path | None:
        return self._file("built.json")

    def top(self) -> tuple[Path, Path] | None:
        """Where the national top is staged, and that staging's own cache."""
        return (self.folder / "top", self.folder / "top-cache") if self.folder else None

    def top_files(self) -> Path | None:
        return self._file("top-files.json")

    def provinsi_lookups(self) -> Path | None:
        return self._file("provinsi-lookups.json")

    def clean(self) -> None:
        """Remove everything kept here but the lock (the caller holds it)."""
        if self.folder and self.folder.is_dir():
            for path in sorted(self.folder.iterdir()):
                if path.name == ".lock":
                    continue
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                else:
                    path.unlink()


class EntryCache:
    """Valid entries of one registry file by the hash of their text (a ShardedStore: a build
    that changes a few entries rewrites a few of its files)."""

    def __init__(self, stem: Path | None, salt: str) -> None:
        self.store = ShardedStore(stem, salt)
        self.used: set[str] = set()

    @staticmethod
    def key(text: str) -> str:
        """The cache key of an entry's text."""
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def get(self, key: str) -> Any:
        """The cached value for ``key``, or None; a hit is kept for the next build."""
        value = self.store.get(key)
        if value is not None:
            self.used.add(key)
        return value

    def put(self, key: str, value: Any) -> None:
        """Remember a valid entry."""
        self.store.put(key, value)
        self.used.add(key)

    def save(self) -> None:
        """Write the files whose entries changed, with the entries this build used."""
        self.store.save(self.used)


class PickleStore:
    """A dictionary kept between builds in one pickle file, valid for one ``salt``. A value is
    what its key (with the salt) determines, so a store whose keys did not change since it was
    read is not written again."""

    def __init__(self, path: Path | None, salt: str) -> None:
        self.path, self.salt = path, salt
        self.data: dict[str, Any] = {}
        self.read: set[str] | None = None  # the keys of the file read, if it was valid
        data = read_pickle(path, salt)
        if data is not None:
            self.data, self.read = data, set(data)

    def save(self, keep: set[str]) -> None:
        """Write the entries whose keys are in ``keep``."""
        if self.path:
            kept = {k: v for k, v in self.data.items() if k in keep}
            if self.read is not None and self.read == kept.keys():
                return
            write_pickle(self.path, self.salt, kept)


def kept(path: Path | None, key: str, make: Callable[[], T | None], problems: Sized) -> T | None:
    """``make()``, kept at ``path`` for ``key`` (a digest of everything it reads): the next
    build with the same key reads it back instead of making it again. A value made with
    problems (added to ``problems``) is not kept: the next build reports them again."""
    store = PickleStore(path, key)
    value: T | None = store.data.get("value")
    if value is not None:
        return value
    mark = len(problems)
    value = make()
    if value is not None and len(problems) == mark:
        store.data["value"] = value
        store.save({"value"})
    return value


def read_pickle(path: Path | None, salt: str) -> dict[str, Any] | None:
    """The dictionary a store wrote to ``path`` for ``salt``, or None (no file, another salt,
    a damaged file)."""
    if not (path and path.exists()):
        return None
    try:
        salt_read, data = pickle.loads(path.read_bytes())
    except Exception:  # a damaged or foreign cache file is simply rebuilt
        return None
    return data if salt_read == salt and isinstance(data, dict) else None


def write_pickle(path: Path, salt: str, data: dict[str, Any]) -> None:
    """Keep ``data`` at ``path`` for ``salt``, as ``read_pickle`` reads it."""
    write_atomically(path, pickle.dumps((salt, data), protocol=pickle.HIGHEST_PROTOCOL))


class ShardedStore:
    """A PickleStore of hexadecimal keys split into files by the keys' first ``digits`` digits
    (``<stem>-0.pickle`` ... ``<stem>-f.pickle``: 16 files; with 2 digits 256), each read when
    a key of it is first asked for: a build that needs or changes a few keys reads and writes a
    few small files instead of one large one."""

    def __init__(self, stem: Path | None, salt: str, digits: int = 1) -> None:
        self.stem, self.salt, self.digits = stem, salt, digits
        self.shards: dict[str, PickleStore] = {}

    def _shard(self, key: str) -> PickleStore:
        digit = key[:self.digits]
        shard = self.shards.get(digit)
        if shard is None:
            stem = self.stem
            shard = self.shards[digit] = PickleStore(
                stem.with_name(f"{stem.name}-{digit}.pickle") if stem else None, self.salt)
        return shard

    def get(self, key: str) -> Any:
        """The value kept for ``key``, or None."""
        return self._shard(key).data.get(key)

    def put(self, key: str, value: Any) -> None:
        """Keep ``value`` for ``key``."""
        self._shard(key).data[key] = value

    def save(self, keep: set[str]) -> None:
        """Write the shards read by this build whose keys changed, each with its keys that are
        in ``keep`` (a shard never read is left as it was)."""
        for shard in self.shards.values():
            shard.save(keep)
