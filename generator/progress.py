"""Progress of a long build on a terminal; silent when output is not a terminal or in CI."""
from __future__ import annotations

import os
import sys
import time
from typing import TextIO


class Progress:
    """Shows ``step done/total`` on one terminal line, at most ten times a second."""

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self.stream = stream
        self.enabled = stream.isatty() and not os.environ.get("CI")
        self.last = 0.0

    def update(self, step: str, done: int, total: int) -> None:
        """Report that ``done`` of ``total`` items of ``step`` are finished."""
        now = time.monotonic()
        if self.enabled and (now - self.last > 0.1 or done == total):
            self.last = now
            self.stream.write(f"\r{step} {done}/{total}\x1b[K")
            self.stream.flush()

    def done(self) -> None:
        """Clear the progress line."""
        if self.enabled:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
