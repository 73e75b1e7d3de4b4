"""Desa and kecamatan found by code or by name as people write them, and Posyandu names compared
the same way."""
from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import TypeVar

from ..i18n import Message, _
from ..models import Desa, Kecamatan, Region
from .sheet import ascii_text

P = TypeVar("P", Desa, Kecamatan)  # a place of the region table
FUZZY_CUTOFF = 0.8  # least similarity of a misspelt name to the official one
FUZZY_MARGIN = 0.05  # by how much the best guess must beat the next, or no guess is made
_ROMAN = {"1": "i", "2": "ii", "3": "iii", "4": "iv", "5": "v"}  # "Kota Bangun 2" = Kota Bangun II
_REGION_WORDS = frozenset({"desa", "kelurahan", "kel", "ds", "kecamatan", "kec"})

# Messages (one place, for translation).
KECAMATAN, DESA = "Kecamatan", "Desa"  # {kind} below
READ_AS = _("{kind} '{name}' read as {found}")
SEVERAL = _("{kind} '{name}'{within} matches several: {places}")
SEVERAL_HINT = _("add the Kecamatan or the Kode Wilayah")
NOT_MATCHED = _("{kind} '{name}'{within} not matched")
NOT_MATCHED_HINT = _("nearest: {places}")
NOT_MATCHED_ELSEWHERE_HINT = _("nearest: {places}; in another kecamatan: {elsewhere}")
WITHIN = " (Kec. {kecamatan})"  # the same in every language, like IN_KECAMATAN
IN_KECAMATAN = "{nama} ({kode}, Kec. {kecamatan})"
NOT_A_DESA = _("Kode Wilayah '{code}' is not a desa/kelurahan of {kabupaten}")
NOT_A_DESA_HINT = _("a desa code has four parts, e.g. 64.02.13.1012; data/wilayah.yaml lists them")


class PlaceError(ValueError):
    """A name or code that names no single desa; ``column`` is the field of its cell."""

    def __init__(self, column: str, message: Message, hint: Message) -> None:
        super().__init__(str(message))
        self.column, self.message, self.hint = column, message, hint


def _words(text: str, drop: frozenset[str] = frozenset()) -> list[str]:
    """Lowercase ASCII words, numerals as roman ones; leading words in ``drop`` removed."""
    words = [_ROMAN.get(w, w) for w in re.findall(r"[a-z0-9]+", ascii_text(text).lower())]
    while len(words) > 1 and words[0] in drop:
        words.pop(0)
    return words


def name_key(nama: str) -> str:
    """A Posyandu's name for comparison: "POSYANDU  Melati" and "Melati" are the same."""
    return " ".join(_words(nama, frozenset({"posyandu"})))


def _similarity(a: list[str], b: list[str]) -> float:
    """How alike two names are, in either word order, spaces ignored (0 to 1)."""
    return max(difflib.SequenceMatcher(None, "".join(x), "".join(y)).ratio()
               for x, y in ((a, b), (sorted(a), sorted(b))))


def _listed(places: Sequence[Desa | Kecamatan]) -> str:
    return ", ".join(f"{p.nama} ({p.kode})" for p in places)


class Places:
    """The region table's kecamatan and desa, found by code or by name as people write them."""

    def __init__(self, region: Region) -> None:
        self.region = region
        self.desa = {d.kode: d for k in region.kecamatan for d in k.desa}
        self.kecamatan = {k.kode: k for k in region.kecamatan}
        named: list[Desa | Kecamatan] = [*self.kecamatan.values(), *self.desa.values()]
        self.words = {p.kode: _words(p.nama, _REGION_WORDS) for p in named}

    def kecamatan_of(self, desa: Desa) -> Kecamatan:
        """The kecamatan a desa belongs to."""
        return self.kecamatan[desa.kecamatan_kode]

    def locate(self, kode: str | None, kecamatan: str | None,
               desa: str | None) -> tuple[Desa | None, list[Message]]:
        """The desa a row names (None if it names none) and notes on names that were guessed.
        A kode wilayah wins; a kecamatan, when given, constrains the desa."""
        if kode:
            return self.by_code(kode), []
        notes: list[Message] = []
        kec = self._one(kecamatan, list(self.kecamatan.values()), KECAMATAN, "", notes) \
            if kecamatan else None
        if not desa:
            return None, notes
        if kec is None:
            return self._one(desa, list(self.desa.values()), DESA, "", notes), notes
        try:
            return self._one(desa, kec.desa, DESA, WITHIN.format(kecamatan=kec.nama), notes), notes
        except PlaceError as exc:
            elsewhere, _score = self.find(desa, list(self.desa.values()))
            if not elsewhere:
                raise
            raise PlaceError(exc.column, exc.message, NOT_MATCHED_ELSEWHERE_HINT.format(
                places=_listed(self.nearest(desa, kec.desa)), elsewhere=", ".join(
                    IN_KECAMATAN.format(nama=d.nama, kode=d.kode,
                                        kecamatan=self.kecamatan_of(d).nama)
                    for d in elsewhere))) from None

    def by_code(self, text: str) -> Desa:
        """The desa of a code, written with or without dots."""
        digits = re.sub(r"\D", "", text)
        code = text if len(digits) != 10 else \
            f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:]}"
        if code not in self.desa:
            raise PlaceError("kode_wilayah", NOT_A_DESA.format(code=text,
                                                               kabupaten=self.region.label),
                             NOT_A_DESA_HINT)
        return self.desa[code]

    def find(self, name: str, places: Sequence[P]) -> tuple[list[P], bool]:
        """Places named ``name``: the same words, the same letters, the same set of words, or
        else the one clearly most similar (then the bool is True: a guess)."""
        query = _words(name, _REGION_WORDS)
        for same in (lambda w: w == query, lambda w: "".join(w) == "".join(query),
                     lambda w: set(w) == set(query)):
            hits = [p for p in places if same(self.words[p.kode])]
            if hits:
                return hits, False
        scored = self._scored(query, places)
        if scored and scored[0][0] >= FUZZY_CUTOFF and (
                len(scored) == 1 or scored[0][0] - scored[1][0] >= FUZZY_MARGIN):
            return [scored[0][1]], True
        return [], False

    def nearest(self, name: str, places: Sequence[P], count: int = 3) -> list[P]:
        """The ``count`` places most like ``name``."""
        return [p for _, p in self._scored(_words(name, _REGION_WORDS), places)[:count]]

    def _scored(self, query: list[str], places: Sequence[P]) -> list[tuple[float, P]]:
        scored = [(_similarity(query, self.words[p.kode]), p) for p in places]
        return sorted(scored, key=lambda sp: -sp[0])

    def _one(self, name: str, places: Sequence[P], kind: str, within: str,
             notes: list[Message]) -> P:
        hits, guessed = self.find(name, places)
        column = "kecamatan" if kind == KECAMATAN else "desa"
        if len(hits) == 1:
            if guessed:
                notes.append(READ_AS.format(kind=kind, name=name, found=hits[0].nama))
            return hits[0]
        if hits:
            raise PlaceError(column, SEVERAL.format(kind=kind, name=name, within=within,
                                                    places=_listed(hits)), SEVERAL_HINT)
        raise PlaceError(column, NOT_MATCHED.format(kind=kind, name=name, within=within),
                         NOT_MATCHED_HINT.format(places=_listed(self.nearest(name, places))))
