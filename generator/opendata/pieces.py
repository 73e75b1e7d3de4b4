"""Each Posyandu's share of the open data: its JSON record, CSV row, GeoJSON feature, HSDS
objects and finder row, serialized once and kept in the cache by the entry's digest.

A build after one entry changed serializes that entry alone and joins the other entries'
pieces from the cache; the files are byte for byte those made from scratch, since every file
is the pieces joined in a fixed order (``records.document``, ``records.array``). The pieces also
depend on the settings and the region table (URLs, names), which the cache's salt covers.
"""
from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from .. import finder
from ..cache import ShardedStore, read_pickle, write_pickle
from ..models import Posyandu, Registry, place_order
from . import hsds, records
from .records import compact


class Pieces(NamedTuple):
    """One Posyandu's serialized share of each open-data file, in UTF-8 as the files are (kept
    in the cache as a plain tuple, which pickles many times faster than an object; bytes, which
    unpickle and join many times faster than text, and need no encoding when written)."""

    record: bytes  # its object in data/posyandu.json
    row: bytes  # its line of data/posyandu.csv
    feature: bytes  # its feature in data/posyandu.geojson; empty without coordinates
    hsds: tuple[bytes, bytes, bytes]  # hsds.entry: organization, location, services
    finder: bytes  # its row of the finder's index


@dataclass(frozen=True)
class Joined:
    """Every entry's pieces in the orders of the files."""

    ordered: list[Pieces]  # Registry.by_place: by desa code, name, id
    by_name: list[Pieces]  # finder.index: by name, desa name, id


def make(p: Posyandu, reg: Registry, kecamatan: dict[str, str],
         desa_at: dict[str, int]) -> Pieces:
    """Serialize one entry; ``kecamatan``: names by code, ``desa_at``: finder.positions."""
    rec = records.record(p, reg, kecamatan)
    sample = reg.settings.data_contoh
    point = records.feature(rec, sample)
    return Pieces(compact(rec).encode(), records.csv_row(rec, sample).encode(),
                  compact(point).encode() if point else b"",
                  hsds.entry(p, reg, kecamatan[p.desa.kecamatan_kode]),
                  finder.row(p, desa_at))


def order(entries: dict[str, Posyandu], previous: Sequence[str],
          key: Callable[[Posyandu], tuple[str, ...]]) -> list[str]:
    """The digests of ``entries`` sorted by ``key`` of their entries, made from ``previous``
    (digests an earlier build sorted by the same ``key``): those still here keep their order,
    the others are inserted where they belong. That is the order a sort gives (an entry's key
    is made of its digested fields, and no two entries have the same key: their ids differ),
    without making every entry's key again; when many entries are new, they are sorted."""
    kept = [d for d in previous if d in entries]
    found = set(kept)
    added = [d for d in entries if d not in found]

    def of(digest: str) -> tuple[str, ...]:
        return key(entries[digest])

    if len(added) > len(entries) // 16:
        return sorted(entries, key=of)
    for digest in added:
        bisect.insort(kept, digest, key=of)
    return kept


def fresh(reg: Registry) -> Joined:
    """Every entry's pieces, all serialized now."""
    return Cached(reg, None, "").joined()


class Cached:
    """The pieces of one build's entries, read from the cache when first needed; entries not
    found there are serialized and added to it. The orders of the files are kept beside them
    (as the entries' digests), so that the next build only places the entries that changed."""

    def __init__(self, reg: Registry, cache: tuple[Path, Path] | None, salt: str) -> None:
        """``cache``: the stem of the pieces' files (a ShardedStore) and the file of the
        orders, or None."""
        self.reg, self.cache, self.salt = reg, cache, salt
        self.digests = [p.content_digest for p in reg.posyandu]
        self.store: ShardedStore | None = None
        self._orders: dict[str, list[str]] = {}
        self._joined: Joined | None = None

    def joined(self) -> Joined:
        """Every entry's pieces, in the orders of the files."""
        if self._joined is None:
            self.store = known = ShardedStore(self.cache[0] if self.cache else None, self.salt)
            reg = self.reg
            kecamatan, desa_at = reg.region.kecamatan_names(), finder.positions(reg)
            pieces: dict[str, Pieces] = {}
            for p, digest in zip(reg.posyandu, self.digests, strict=True):
                kept = known.get(digest)
                if kept is None:
                    kept = pieces[digest] = make(p, reg, kecamatan, desa_at)
                    known.put(digest, tuple(kept))
                else:
                    pieces[digest] = Pieces(*kept)
            entries = dict(zip(self.digests, reg.posyandu, strict=True))
            previous = (read_pickle(self.cache[1], self.salt) if self.cache else None) or {}
            self._orders = {name: order(entries, previous.get(name, ()), key)
                            for name, key in (("ordered", place_order), ("by_name", finder.order))}
            self._joined = Joined(*([pieces[d] for d in self._orders[name]]
                                    for name in ("ordered", "by_name")))
        return self._joined

    def save(self) -> None:
        """Keep the pieces of this build's entries and the orders (only when they were
        needed)."""
        if self.store and self.cache:
            self.store.save(set(self.digests))
            write_pickle(self.cache[1], self.salt, self._orders)
