"""Messages in Bahasa Indonesia (the default) or English, from gettext catalogs kept with Babel.

Code is written with English source strings, marked for extraction by ``pybabel extract``::

    problems.add(path, line, field,
                 _("'{value}' is not one of {choices}").format(value=value, choices=choices),
                 _("did you mean '{name}'?").format(name=name))

``_`` and ``ngettext`` do not translate at once: they give a ``Message`` that keeps its msgid
and arguments, translated only when it is printed (``message.render(lang)``). Problems are
data: they are made in worker processes, sorted, deduplicated and compared in tests in one form
whatever the language, and printed in the language of the command that prints them.

The Indonesian catalog is read from ``locale/id/LC_MESSAGES/messages.po`` once per process:
nothing generated has to be built, installed or kept in step with the .po. Babel's reader takes
about 30 ms with its import, and every run prints a message, so its compiled form is kept as
Python keeps bytecode: in ``__pycache__`` beside the .po, named by the digest of the .po's text
(and of Babel's version), made again whenever it is missing, unreadable or of another text;
where that folder cannot be written the catalog is compiled in memory, once per process.
"""
from __future__ import annotations

import functools
import gettext
import hashlib
import importlib.util
import io
import struct
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import TypeAlias

from .cache import write_atomically

LOCALE = Path(__file__).parent / "locale"
DOMAIN = "messages"
SOURCE = "en"  # the language of the msgids
DEFAULT = "id"
LANGUAGES = (DEFAULT, SOURCE)
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")  # gettext's order
DECIMAL_SIGN = {DEFAULT: ",", SOURCE: "."}  # CLDR's decimal symbol of each language


def choose(option: str | None, environ: Mapping[str, str]) -> str:
    """The language of a run: ``--lang`` if given, else the first locale variable set
    (English if it starts with ``en``, Indonesian otherwise), else Indonesian."""
    if option:
        return option
    for name in LOCALE_VARIABLES:
        value = environ.get(name, "")
        if value:
            return SOURCE if value.lower().startswith("en") else DEFAULT
    return DEFAULT


@functools.cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalog of ``lang``, read from its .po once per process; fuzzy entries are left out
    (their English msgid is shown instead)."""
    if lang == SOURCE:
        return gettext.NullTranslations()
    return catalog(LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po", lang)


def catalog(po: Path, lang: str) -> gettext.GNUTranslations:
    """The catalog of the .po file ``po``, from its compiled form in ``__pycache__`` beside it
    when that is of this text; otherwise compiled and kept there for the next run (if the
    folder can be written: else only for this process)."""
    text = po.read_bytes()
    digest = hashlib.sha256(text + b"\0" + _babel_version()).hexdigest()[:16]
    cache = po.parent / "__pycache__"
    kept = cache / f"{po.stem}.{digest}.mo"
    try:
        return gettext.GNUTranslations(io.BytesIO(kept.read_bytes()))
    except (OSError, ValueError, struct.error):  # missing, or damaged: made again
        pass
    compiled = _compile(text, lang)
    try:
        write_atomically(kept, compiled)
        for old in cache.glob(f"{po.stem}.*.mo"):
            if old != kept:
                old.unlink(missing_ok=True)
    except OSError:  # a read-only installation: compiled once per process, as before
        pass
    return gettext.GNUTranslations(io.BytesIO(compiled))


def _babel_version() -> bytes:
    """Babel's ``__init__.py``, which holds its version: read, not imported (4 ms)."""
    spec = importlib.util.find_spec("babel")
    return Path(spec.origin).read_bytes() if spec and spec.origin else b""


def _compile(po: bytes, lang: str) -> bytes:
    """The .mo file of a .po file's text (Babel's reader and writer: imported only here)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    compiled = io.BytesIO()
    write_mo(compiled, read_po(io.BytesIO(po), locale=lang, domain=DOMAIN))
    return compiled.getvalue()


@dataclass(frozen=True)
class Number:
    """A decimal number as ``lang`` writes it: 2.40 in English, 2,40 in Indonesian. Rounded
    and written as Babel's ``format_decimal`` does with the pattern 0.00 (half to even from
    the number's shortest decimal form, no thousands separator), without loading its locale
    data: 16 ms for the one number of a build's last line."""

    value: float
    digits: int = 2

    def render(self, lang: str) -> str:
        rounded = Decimal(str(self.value)).quantize(Decimal(10) ** -self.digits, ROUND_HALF_EVEN)
        return f"{rounded:f}".replace(".", DECIMAL_SIGN[lang])


Argument: TypeAlias = "str | int | float | Number | Message"


@functools.total_ordering
@dataclass(frozen=True)
class Message:
    """A msgid (with its plural and count, for ``ngettext``) and the arguments of its
    ``{named}`` placeholders; arguments that are Messages are translated too."""

    msgid: str
    plural: str = ""
    count: int = 0
    args: tuple[tuple[str, Argument], ...] = ()

    def format(self, **args: object) -> Message:
        """This message with (more of) its placeholders' values, kept, not yet filled in."""
        values = dict(self.args) | {k: _argument(v) for k, v in args.items()}
        return replace(self, args=tuple(sorted(values.items())))

    def render(self, lang: str) -> str:
        """The message in ``lang``, its placeholders filled in. A message without arguments is
        shown as it is (its braces are not placeholders)."""
        if not self.msgid:
            return ""
        catalog = translations(lang)
        text = (catalog.ngettext(self.msgid, self.plural, self.count) if self.plural
                else catalog.gettext(self.msgid))
        if not self.args:
            return text
        return text.format_map(_Values({k: v.render(lang) if isinstance(v, (Message, Number))
                                        else v for k, v in self.args}))

    def __bool__(self) -> bool:
        return bool(self.msgid)

    def __str__(self) -> str:
        """The English text: for logs and tests; what users read goes through ``render``."""
        return self.render(SOURCE)

    def __lt__(self, other: object) -> bool:
        """Messages sort by their English text, so that problems come in one order in every
        language."""
        if not isinstance(other, Message):
            return NotImplemented
        return str(self) < str(other)


class _Values(dict[str, object]):
    """Placeholder values; a placeholder without one is shown as it is, never an error."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _argument(value: object) -> Argument:
    return value if isinstance(value, (str, int, float, Number, Message)) else str(value)


NO_HINT = Message("")  # a problem without a hint


def _(msgid: str) -> Message:
    """Mark an English source string for translation."""
    return Message(msgid)


def ngettext(singular: str, plural: str, count: int) -> Message:
    """Mark an English message with a plural form; ``count`` chooses the form (it still has to
    be given to ``format`` if the text shows it)."""
    return Message(singular, plural, count)


def as_message(message: str | Message) -> Message:
    """A message as given: a Message, or a text not (yet) marked for translation, shown as is."""
    return message if isinstance(message, Message) else Message(message)


def render(value: str | Message, lang: str) -> str:
    """A text as it is, or a message in ``lang``."""
    return value.render(lang) if isinstance(value, Message) else value
