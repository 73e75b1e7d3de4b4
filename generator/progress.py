"""Progress of a long build on a terminal; silent when output is not a terminal or in CI."""
from __future__ import annotations

import os
import sys
import time
from typing import TextIO

from .i18n import Message


class Progress:
    """Shows ``step done/total`` on one terminal line, at most ten times a second."""

    def __init__(self, lang: str, stream: TextIO | None = None) -> None:
        self.lang = lang
        self.stream: TextIO = stream or sys.stderr
        self.enabled = self.stream.isatty() and not os.environ.get("CI")
        self.last = 0.0

    def update(self, step: Message, done: int, total: int) -> None:
        """Report that ``done`` of ``total`` items of ``step`` are finished."""
        now = time.monotonic()
        if self.enabled and (now - self.last > 0.1 or done == total):
            self.last = now
            self.stream.write(f"\r{step.render(self.lang)} {done}/{total}\x1b[K")
            self.stream.flush()

    def done(self) -> None:
        """Clear the progress line."""
        if self.enabled:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
