"""The provinsi-wide Posyandu name lookup of the national site: per provinsi a small manifest
(``<provinsi>/cari-indeks/indeks.json``) and shard files that the page fetches as the resident
types, so that a provinsi of 50,000 Posyandu costs one manifest and one small shard per query.

Every word of a Posyandu's name (without "Posyandu") and of its desa/kelurahan name (with its
spelling variants, as in the kabupaten finder) is a *key word*. A key word maps to its first
three letters (``"sukamaju"`` to ``"suk"``); a key word shared by more than ``common_above``
Posyandu of the provinsi ("melati") is too common to be a shard on its own and maps, for each of
the record's less common other words (kecamatan words too; all its other words when its name and
desa have no less common one), to the word plus that word's first letter (``"melati+s"``). A
record is written to the shard of every key it has, so the shard of any one word of a query holds
every Posyandu that has that word: the page needs one shard per query and runs MiniSearch
(prefix and fuzzy matching) over it. Keys are packed A-Z into files of about
``pack`` records. Made from what every kabupaten shard publishes (its ``cari/indeks.json``), so a
national build still equals shards plus ``assemble``; byte-identical for identical input.
"""
from __future__ import annotations

import json
import shutil
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..cache import CacheDir, write_atomically
from ..finder import INDEX_PATH
from ..plan import Area
from ..write import replace_folder

FOLDER = "cari-indeks/"
MANIFEST = "indeks.json"
PREFIX = 3
COMMON_ABOVE = 300
PACK = 150
STOP_WORDS = frozenset({"posyandu"})
ROMAN = frozenset({"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"})


@dataclass(frozen=True)
class Record:
    """One Posyandu as the provinsi lookup knows it."""

    id: str
    nama: str
    kabupaten: int  # position in the manifest's kabupaten table
    kecamatan: tuple[str, tuple[str, ...]]  # name, spelling variants
    desa: tuple[str, str, tuple[str, ...]]  # label ("Desa X"), name, spelling variants
    status: int
    jadwal: Any  # the kabupaten finder's schedule list, or None

    def sort_key(self) -> tuple[str, str, str, int, str]:
        return (self.nama, self.desa[1], self.kecamatan[0], self.kabupaten, self.id)


def fold(text: str) -> str:
    """Lower case without accents, as the page folds what the resident types."""
    return "".join(c for c in unicodedata.normalize("NFD", text)
                   if not "\u0300" <= c <= "\u036f").lower()


def words(text: str) -> list[str]:
    """Folded words, split where MiniSearch's tokenizer splits (line breaks, Unicode space
    separators and punctuation)."""
    spaced = "".join(" " if c in "\n\r" or unicodedata.category(c)[0] in "ZP" else c
                     for c in fold(text))
    return [w for w in spaced.split(" ") if w]


def is_key(word: str) -> bool:
    """Whether a word locates a shard: two letters or more, not a number or Roman numeral."""
    return len(word) >= 2 and not word.isdigit() and word not in ROMAN and word not in STOP_WORDS


def key_words(r: Record) -> set[str]:
    """The words that locate a record: its name's and its desa's (with variants)."""
    text = " ".join((r.nama, r.desa[1], *r.desa[2]))
    return {w for w in words(text) if is_key(w)}


def keys(r: Record, common: frozenset[str]) -> set[str]:
    """The shard keys of a record (see the module's text)."""
    own = key_words(r)
    others = own | {w for w in words(" ".join((r.kecamatan[0], *r.kecamatan[1]))) if is_key(w)}
    rare = others - common
    partners = rare if own & rare else others  # a query of only common words pairs them all
    found: set[str] = set()
    for w in own:
        if w in common:
            found.update(f"{w}+{o[0]}" for o in partners if o != w)
        else:
            found.add(w[:PREFIX])
    return found


def common_words(records: Iterable[Record], above: int) -> dict[str, int]:
    """Key words that more than ``above`` records have, with their counts."""
    counts = Counter(w for r in records for w in key_words(r))
    return {w: n for w, n in sorted(counts.items()) if n > above}


def pack(by_key: dict[str, list[Record]], size: int) -> list[list[str]]:
    """Keys in A-Z order grouped into files of at most about ``size`` records each."""
    files: list[list[str]] = []
    held: set[str] = set()
    for key in sorted(by_key):
        ids = {r.id + "\0" + str(r.kabupaten) for r in by_key[key]}
        if files and len(held | ids) <= size:
            files[-1].append(key)
            held |= ids
        else:
            files.append([key])
            held = ids
    return files


def shard_doc(records: Sequence[Record]) -> dict[str, Any]:
    """One shard file: its kecamatan and desa tables and its Posyandu, sorted A-Z."""
    kecamatan = sorted({(r.kecamatan, r.kabupaten) for r in records})
    kec_at = {k: i for i, k in enumerate(kecamatan)}
    desa = sorted({(r.desa, kec_at[(r.kecamatan, r.kabupaten)]) for r in records})
    desa_at = {d: i for i, d in enumerate(desa)}
    return {
        "kecamatan": [[k[0], kab, list(k[1])] for k, kab in kecamatan],
        "desa": [[d[0], kec, list(d[2])] for d, kec in desa],
        "posyandu": [[r.id, r.nama, desa_at[(r.desa, kec_at[(r.kecamatan, r.kabupaten)])],
                      r.status, r.jadwal] for r in sorted(records, key=Record.sort_key)],
    }


def dump(doc: Any) -> bytes:
    return (json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def build(records: list[Record], kabupaten: list[list[Any]], statuses: list[str],
          common_above: int = COMMON_ABOVE, size: int = PACK) -> dict[str, bytes]:
    """The files of one provinsi's lookup by name: ``indeks.json`` and ``<n>.json``."""
    common = common_words(records, common_above)
    frozen = frozenset(common)
    by_key: dict[str, list[Record]] = {}
    for r in records:
        for key in keys(r, frozen):
            by_key.setdefault(key, []).append(r)
    files = pack(by_key, size)
    out: dict[str, bytes] = {}
    lookup: dict[str, int] = {}
    counts = []
    for n, group in enumerate(files):
        members = {(r.kabupaten, r.id): r for key in group for r in by_key[key]}
        out[f"{n}.json"] = dump(shard_doc(list(members.values())))
        counts.append(len(members))
        lookup.update((key, n) for key in group)
    out[MANIFEST] = dump({"posyandu": len(records), "status": statuses, "kabupaten": kabupaten,
                          "awalan": PREFIX, "umum": common, "kunci": lookup, "berkas": counts})
    return out


def records_of(area: Area, out: Path) -> tuple[list[Record], list[list[Any]], list[str]]:
    """The records of one provinsi from each of its kabupaten's finder index, with the
    kabupaten table ([label, folder, UTC offset, zone]) and the status names."""
    records, kabupaten, statuses = [], [], []
    for n, k in enumerate(area.parts):
        index = json.loads((out / k.path / INDEX_PATH).read_text(encoding="utf-8"))
        statuses = index["status"]
        kabupaten.append([k.nama, k.path, index["offset"], index["zona"]])
        kecamatan = [(kec[0], tuple(kec[2])) for kec in index["kecamatan"]]
        desa = [((d[0], d[0].split(" ", 1)[-1], tuple(d[5])), d[1]) for d in index["desa"]]
        for p in index["posyandu"]:
            place, kec = desa[p[2]]
            records.append(Record(p[0], p[1], n, kecamatan[kec], place, p[3], p[4]))
    return records, kabupaten, statuses


def write(out: Path, provinsi: list[Area], cache: CacheDir) -> None:
    """Write every provinsi's lookup into ``<provinsi>/cari-indeks/`` of ``out``, each folder
    swapped in whole; a provinsi whose kabupaten indexes did not change is kept, the lookup of
    a provinsi no longer in the site is removed, and so are the per-provinsi Pagefind indexes
    that earlier versions made."""
    state_file = cache.provinsi_lookups()
    assert state_file, "the lookups are made with a cache folder"
    state = json.loads(state_file.read_text()) if state_file.exists() else {}
    current = {(out / area.path / FOLDER) for area in provinsi}
    for folder in sorted(out.glob(f"*/{FOLDER}")):
        if folder not in current:
            shutil.rmtree(folder)
    for legacy in sorted(out.glob("*/pagefind")):  # the provinsi indexes of earlier versions
        shutil.rmtree(legacy)
    for area in provinsi:
        key = cache.key(*(part for k in area.parts
                          for part in (k.path, k.nama, (out / k.path / INDEX_PATH).read_bytes())))
        target = out / area.path / FOLDER
        if state.get(area.kode) == key and target.is_dir():
            continue
        fresh = out / area.path / ".cari-indeks.new"
        shutil.rmtree(fresh, ignore_errors=True)
        for name, data in build(*records_of(area, out)).items():
            write_atomically(fresh / name, data)
        replace_folder(fresh, target)
        state[area.kode] = key
    write_atomically(state_file, json.dumps(state, sort_keys=True).encode())
