"""One progress display for every long job (verify, deep training): bar, rate, ETA on stderr.

On a terminal the line is redrawn in place (at most twice a second); in a log file a line is
written at most every ten seconds, and always for the last step and forced updates.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


def format_seconds(seconds: float) -> str:
    """``3h04m``, ``4m05s`` or ``12.3s``."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(int(round(seconds)), 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


class Progress:
    """Progress of ``total`` steps; ``update(done, note)`` or ``advance(note)`` redraws.

    The rate and ETA count only the steps done since this display started (``start``, by
    default one before the first update), so a resumed run gets an honest ETA.
    """

    def __init__(self, label: str, total: int, start: int | None = None, stream: TextIO | None = None,
                 enabled: bool = True, width: int = 24) -> None:
        self.label, self.total, self.start = label, max(total, 1), start
        self.stream = stream if stream is not None else sys.stderr
        self.enabled, self.width = enabled, width
        self.interactive = bool(getattr(self.stream, "isatty", lambda: False)())
        self.min_interval = 0.5 if self.interactive else 10.0
        self.done = 0
        self.begun = time.monotonic()
        self.last_draw = float("-inf")

    def update(self, done: int, note: str = "", force: bool = False) -> None:
        if self.start is None:
            self.start = done - 1
        self.done = done
        now = time.monotonic()
        final = done >= self.total
        if not self.enabled or not (force or final or now - self.last_draw >= self.min_interval):
            return
        self.last_draw = now
        elapsed = now - self.begun
        per_step = elapsed / max(done - self.start, 1)
        filled = int(self.width * min(done, self.total) / self.total)
        bar = "#" * filled + "-" * (self.width - filled)
        line = (f"{self.label} [{bar}] {done}/{self.total} {format_seconds(elapsed)} elapsed, "
                f"{per_step:.2f}s/step, ETA {format_seconds(per_step * (self.total - done))}  {note}")
        if self.interactive:
            self.stream.write("\r\033[K" + line + ("\n" if final else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def advance(self, note: str = "") -> None:
        """One more step done; always shown (one line per step in a log)."""
        self.update(self.done + 1, note, force=True)
