"""A one-line progress bar with rate and ETA on stderr (redrawn at most twice a second)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


def format_seconds(seconds: float) -> str:
    """``3h04m``, ``4m05s`` or ``12s``."""
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


class Progress:
    """Progress of ``total`` steps from ``start``; ``update(done, note)`` redraws the line."""

    def __init__(
        self,
        label: str,
        total: int,
        start: int = 0,
        stream: TextIO | None = None,
        enabled: bool = True,
    ) -> None:
        self.label, self.total, self.start = label, total, start
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.begun = time.monotonic()
        self.last_draw = 0.0

    def update(self, done: int, note: str = "", force: bool = False) -> None:
        now = time.monotonic()
        if not self.enabled or (not force and now - self.last_draw < 0.5 and done < self.total):
            return
        self.last_draw = now
        rate = (now - self.begun) / max(done - self.start, 1)
        eta = format_seconds(rate * (self.total - done))
        width = 24
        filled = int(width * done / max(self.total, 1))
        bar = "#" * filled + "." * (width - filled)
        line = f"\r{self.label} [{bar}] {done}/{self.total} {rate:.2f}s/it ETA {eta} {note}"
        self.stream.write(line[:160].ljust(100))
        if done >= self.total:
            self.stream.write("\n")
        self.stream.flush()
