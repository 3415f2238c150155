"""A small progress display on stderr for long runs (an updating bar on a terminal, lines elsewhere)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


def format_seconds(seconds: float) -> str:
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(int(round(seconds)), 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


class Progress:
    """Report ``done/total`` with elapsed time and an ETA from the mean time per item so far."""

    def __init__(self, total: int, label: str, stream: TextIO | None = None, width: int = 24):
        self.total = max(total, 1)
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self.done = 0
        self.start = time.monotonic()
        self.interactive = bool(getattr(self.stream, "isatty", lambda: False)())

    def update(self, message: str, advance: int = 1) -> None:
        self.done += advance
        elapsed = time.monotonic() - self.start
        eta = elapsed / self.done * (self.total - self.done) if self.done else 0.0
        filled = int(self.width * self.done / self.total)
        bar = "#" * filled + "-" * (self.width - filled)
        line = (
            f"{self.label} [{bar}] {self.done}/{self.total} "
            f"{format_seconds(elapsed)} elapsed, ETA {format_seconds(eta)}  {message}"
        )
        if self.interactive:
            end = "\n" if self.done >= self.total else ""
            self.stream.write("\r\033[K" + line + end)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
