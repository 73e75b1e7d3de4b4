"""Typed access to the fields of one YAML mapping, recording a precise problem for each misuse."""
from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from .i18n import NO_HINT, Message, _
from .load import INVALID, YamlInt, YamlList, YamlMap, line_of
from .problems import Problems, shorten

TEXT_LIMIT = 2000  # characters of one text field: a long paragraph
# Letters that show nothing (Hangul fillers, the blank Braille pattern), besides the categories
# of control, format (zero-width), separator and combining characters.
_FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
_TYPE_NAMES = {str: _("text"), int: _("a whole number"), float: _("a number"),
               bool: _("true or false"), dt.date: _("a date (YYYY-MM-DD)"), list: _("a list"),
               dict: _("a mapping of fields")}


def closest(word: str, choices: Iterable[str]) -> str:
    """The choice nearest to ``word``, or an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else ""


def suggest(word: str, choices: Iterable[str]) -> Message:
    """A "did you mean" hint for ``word`` among ``choices``, or an empty message."""
    close = closest(word, choices)
    return _("did you mean '{name}'?").format(name=close) if close else Message("")


class Fields:
    """A YAML mapping read field by field; every wrong, missing or unknown field becomes a problem."""

    def __init__(self, data: Any, path: str, where: str, problems: Problems,
                 line: int = 1) -> None:
        self.path, self.where, self.problems = path, where, problems
        if data is None and not where:  # an empty document: every required field is missing
            data = YamlMap()
            data.line, data.lines = line, {}
        self.ok = isinstance(data, YamlMap)
        if not self.ok and data is not None and data is not INVALID:
            self.problems.add(path, getattr(data, "line", line), where or "(document)",
                              _("expected a mapping of fields, found {value}").format(
                                  value=_describe(data)),
                              _("write the fields as 'name: value' lines, indented under this one"))
        self.data: YamlMap = data if self.ok else YamlMap()
        if not self.ok:
            self.data.line, self.data.lines = getattr(data, "line", line), {}
        self.line = self.data.line

    def name(self, key: str) -> str:
        """The dotted name of field ``key`` for messages."""
        return f"{self.where}.{key}" if self.where else key

    def line_of(self, key: str) -> int:
        """The line where ``key`` is given (or where the mapping starts)."""
        return line_of(self.data, key)

    def error(self, key: str, message: Message, hint: Message = NO_HINT) -> None:
        """Record a problem on field ``key``."""
        self.problems.add(self.path, self.line_of(key), self.name(key), message, hint)

    def reject_unknown(self, allowed: Iterable[str]) -> None:
        """Report every field not in ``allowed``, suggesting the nearest known one."""
        allowed = list(allowed)
        for key in self.data:
            if key not in allowed:
                hint = suggest(key, allowed) or _("known fields: {names}").format(
                    names=", ".join(allowed))
                self.error(key, _("unknown field '{name}'").format(name=key), hint)

    def get(self, key: str, kind: type, required: bool = False,
            hint: Message = NO_HINT) -> Any:
        """The value of ``key`` if it has type ``kind``; None (and a problem) otherwise."""
        value = self.data.get(key)
        if value is INVALID:
            return None
        if value is None:
            if required and self.ok:
                self.problems.add(self.path, self.line, self.name(key), _("is missing"),
                                  hint or _("add '{key}:' with {kind}").format(
                                      key=key, kind=_TYPE_NAMES[kind]))
            return None
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if kind is dt.date and isinstance(value, dt.datetime):
            value = value.date()
        if kind is list and isinstance(value, YamlList):
            return value
        if kind is dict and isinstance(value, YamlMap):
            return value
        if isinstance(value, kind) and not (kind is int and isinstance(value, bool)) \
                and not (kind is dt.date and isinstance(value, dt.datetime)):
            return value
        self.error(key, _("expected {kind}, found {value}").format(
            kind=_TYPE_NAMES[kind], value=_describe(value)), hint or _type_hint(kind, value))
        return None

    def text(self, key: str, required: bool = False, pattern: str | None = None,
             hint: Message = NO_HINT, limit: int = TEXT_LIMIT) -> str | None:
        """A non-empty text field of at most ``limit`` characters, optionally matching
        ``pattern``."""
        value = self.get(key, str, required, hint)
        if value is None:
            return None
        value = value.strip()
        if not value:
            self.error(key, _("is empty"), hint or _("write a value or remove the line"))
            return None
        wrong = _wrong_text(value, limit)
        if wrong:
            self.error(key, *wrong)
            return None
        if pattern and not re.fullmatch(pattern, value):
            self.error(key, _("'{value}' is not in the expected form").format(value=shorten(value)),
                       hint)
            return None
        return value

    def choice(self, key: str, choices: Iterable[str], required: bool = False) -> str | None:
        """A text field that must be one of ``choices``."""
        choices = list(choices)
        value = self.get(key, str, required,
                         _("one of: {choices}").format(choices=", ".join(choices)))
        if value is None:
            return None
        if value not in choices:
            quoted = ", ".join(f"'{c}'" for c in choices)
            self.error(key, _("'{value}' is not one of {choices}").format(
                value=shorten(value), choices=quoted), suggest(value, choices))
            return None
        return value

    def number(self, key: str, kind: type = int, low: float | None = None,
               high: float | None = None, required: bool = False) -> Any:
        """A number within [low, high]."""
        value = self.get(key, kind, required)
        if value is None:
            return None
        if (low is not None and value < low) or (high is not None and value > high):
            hint = (_("the value must be from {low} to {high}").format(low=str(low), high=str(high))
                    if high is not None else _("the value must be at least {low}").format(
                        low=str(low)))
            self.error(key, _("{value} is out of range").format(value=shorten(str(value))), hint)
            return None
        return value

    def flag(self, key: str) -> bool:
        """An optional true/false field, false when absent."""
        return bool(self.get(key, bool))

    def texts(self, key: str) -> tuple[str, ...]:
        """An optional list of non-empty texts."""
        items = self.get(key, list)
        if items is None:
            return ()
        out = []
        for i, item in enumerate(items):
            if item is INVALID:
                continue
            wrong = (_wrong_text(item.strip(), TEXT_LIMIT) if isinstance(item, str)
                     and item.strip() else None)
            if not isinstance(item, str) or not item.strip():
                self.problems.add(self.path, line_of(items, i), f"{self.name(key)}[{i}]",
                                  _("expected text, found {value}").format(
                                      value=_describe(item)),
                                  _("write each item as text; quote it if it looks like a number"))
            elif wrong:
                self.problems.add(self.path, line_of(items, i), f"{self.name(key)}[{i}]", *wrong)
            else:
                out.append(item.strip())
        return tuple(out)

    def sub(self, key: str, required: bool = False) -> Fields:
        """The nested mapping under ``key``."""
        value = self.get(key, dict, required)
        return Fields(value, self.path, self.name(key), self.problems, self.line_of(key))

    def has(self, key: str) -> bool:
        """Whether ``key`` is given with a value."""
        return self.data.get(key) is not None


def _wrong_text(value: str, limit: int) -> tuple[Message, Message] | None:
    """What is wrong with a text (stripped, not empty): (message, hint), or None."""
    if not any(unicodedata.category(c)[0] not in "CZM" and c not in _FILLERS for c in value):
        return (_("has only invisible characters (such as zero-width spaces)"),
                _("write the value with letters or digits, or remove the line"))
    if len(value) > limit:
        return (_("is {length} characters long, over the limit of {limit}").format(
                    length=len(value), limit=limit),
                _("shorten it to at most {limit} characters").format(limit=limit))
    return None


def _describe(value: Any) -> Message:
    if isinstance(value, bool):
        return _("{value} (a yes/no value)").format(value=str(value).lower())
    if isinstance(value, YamlInt):
        return _("the number {raw} (read as {value})").format(raw=shorten(value.raw),
                                                            value=shorten(str(value)))
    if isinstance(value, (int, float)):
        return _("the number {value}").format(value=shorten(str(value)))
    if isinstance(value, dt.date):
        return _("the date {value}").format(value=value.isoformat())
    if isinstance(value, str):
        return _("the text '{value}'").format(value=shorten(value))
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("a mapping")
    return _("nothing")


def _type_hint(kind: type, value: Any) -> Message:
    if kind is str and isinstance(value, bool):
        return _("YAML reads yes/no/on/off/true/false as a yes/no value: put the text in quotes")
    if kind is str:
        return _("put the value in quotes so that it is read as text")
    if kind is dt.date:
        return _("write the date as YYYY-MM-DD without quotes, e.g. 2025-03-14")
    if kind is bool:
        return _("write true or false")
    if kind in (int, float):
        return _("write a number without quotes")
    if kind is list:
        return _("write each item on its own line, starting with '- '")
    return _("write the fields as 'name: value' lines, indented under this one")
