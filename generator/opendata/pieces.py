"""Each Posyandu's share of the open data: its JSON record, CSV row, GeoJSON feature, HSDS
objects and finder row, serialized once and kept in the cache by the entry's digest.

A build after one entry changed serializes that entry alone and joins the other entries'
pieces from the cache; the files are byte for byte those made from scratch, since every file
is the pieces joined in a fixed order (``records.document``, ``records.array``). The pieces also
depend on the settings and the region table (URLs, names), which the cache's salt covers.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from .. import finder
from ..cache import ShardedStore
from ..models import Posyandu, Registry, place_order
from . import hsds, records
from .records import compact


class Pieces(NamedTuple):
    """One Posyandu's serialized share of each open-data file (kept in the cache as a plain
    tuple, which pickles many times faster than an object)."""

    record: str  # its object in data/posyandu.json
    row: str  # its line of data/posyandu.csv
    feature: str  # its feature in data/posyandu.geojson; "" without coordinates
    hsds: tuple[str, str, str]  # hsds.entry: organization, location, services
    finder: str  # its row of the finder's index


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
    return Pieces(compact(rec), records.csv_row(rec, sample), compact(point) if point else "",
                  hsds.entry(p, reg, kecamatan[p.desa.kecamatan_kode]),
                  finder.row(p, desa_at))


def join(reg: Registry, items: Sequence[tuple[Posyandu, Pieces]]) -> Joined:
    """The pieces of ``items`` (every entry of ``reg``) in the orders of the files."""
    ordered = sorted(items, key=lambda item: place_order(item[0]))
    by_name = sorted(items, key=lambda item: finder.order(item[0]))
    return Joined([piece for _, piece in ordered], [piece for _, piece in by_name])


def fresh(reg: Registry) -> Joined:
    """Every entry's pieces, all serialized now."""
    return Cached(reg, [], None, "").joined()


class Cached:
    """The pieces of one build's entries, read from the cache when first needed; entries not
    found there are serialized and added to it."""

    def __init__(self, reg: Registry, digests: list[str], stem: Path | None,
                 salt: str) -> None:
        """``stem``: the cache's files (a ShardedStore), or None."""
        self.reg, self.digests, self.stem, self.salt = reg, digests, stem, salt
        self.store: ShardedStore | None = None
        self._joined: Joined | None = None

    def joined(self) -> Joined:
        """Every entry's pieces, in the orders of the files."""
        if self._joined is None:
            self.store = known = ShardedStore(self.stem, self.salt)
            reg = self.reg
            kecamatan, desa_at = reg.region.kecamatan_names(), finder.positions(reg)
            items = []
            for i, p in enumerate(reg.posyandu):
                key = self.digests[i] if self.digests else ""
                kept = known.get(key) if key else None
                if kept is None:
                    piece = make(p, reg, kecamatan, desa_at)
                    if key:
                        known.put(key, tuple(piece))
                else:
                    piece = Pieces(*kept)
                items.append((p, piece))
            self._joined = join(reg, items)
        return self._joined

    def save(self) -> None:
        """Keep the pieces of this build's entries (only when they were needed)."""
        if self.store:
            self.store.save(set(self.digests))
