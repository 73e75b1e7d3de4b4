"""Problems found in the input: each names file, line and field, and says how to fix it."""
from __future__ import annotations

from dataclasses import dataclass, field

from .i18n import NO_HINT, SOURCE, Message, _


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, printed as ``path:line: field: message`` and, indented
    below it, the hint. Message and hint are kept untranslated (``Message``). In a spreadsheet ``line`` is the row and ``cell`` names the cell
    (``path:Posyandu!F12: ...``)."""

    path: str
    line: int
    field: str
    message: Message
    hint: Message = NO_HINT
    cell: str = ""

    def render(self, lang: str) -> str:
        """The problem as printed in ``lang``."""
        text = f"{self.path}:{self.cell or self.line}: {self.field}: {self.message.render(lang)}"
        if not self.hint:
            return text
        return f"{text}\n    " + _("hint: {hint}").format(hint=self.hint).render(lang)

    def __str__(self) -> str:
        """The problem in English: for logs and tests; users read ``render``."""
        return self.render(SOURCE)


@dataclass
class Problems:
    """Collects every problem of one run, so that all are reported together."""

    items: list[Problem] = field(default_factory=list)

    def add(self, path: str, line: int, field_: str, message: Message,
            hint: Message = NO_HINT) -> None:
        """Record one problem."""
        self.items.append(Problem(str(path), line, field_, message, hint))

    def extend(self, other: Problems) -> None:
        """Take over the problems of another collection."""
        self.items.extend(other.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def sorted(self) -> list[Problem]:
        """Problems sorted by file and line, duplicates removed."""
        return sorted(set(self.items))


def shorten(text: str, width: int = 60) -> str | Message:
    """``text`` as quoted in a message: at most ``width`` characters, with its length when cut."""
    return text if len(text) <= width else _("{start}… ({length} characters)").format(
        start=text[:width - 1], length=len(text))


class BuildError(Exception):
    """Raised when the input has problems; carries all of them."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        super().__init__(f"{len(problems.items)} problem(s)")
