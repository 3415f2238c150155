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


#: Seconds of expected work that must be done before their pace rescales the expected rest.
PACE_AFTER_S = 10.0


class Progress:
    """Progress of ``total`` steps; ``update(done, note)`` or ``advance(note)`` redraws.

    The rate and ETA count only the steps done since this display started (``start``, by
    default one before the first update), so a resumed run gets an honest ETA. With
    ``costs`` (the expected seconds of each step, e.g. a stored run's runtimes) the ETA is
    the expected seconds of the steps left, scaled by this run's pace once
    :data:`PACE_AFTER_S` expected seconds are done; without, the mean time per step so far.
    """

    def __init__(self, label: str, total: int, start: int | None = None, stream: TextIO | None = None,
                 enabled: bool = True, width: int = 24, costs: list[float] | None = None) -> None:
        self.label, self.total, self.start, self.costs = label, max(total, 1), start, costs
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
                f"{per_step:.2f}s/step, ETA {format_seconds(self.eta(elapsed, per_step))}  {note}")
        if self.interactive:
            self.stream.write("\r\033[K" + line + ("\n" if final else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def eta(self, elapsed: float, per_step: float) -> float:
        """Seconds left: from ``costs`` when given (see the class doc), else ``per_step`` each."""
        if not self.costs:
            return per_step * (self.total - self.done)
        expected_done = sum(self.costs[self.start:self.done])
        pace = elapsed / expected_done if expected_done >= PACE_AFTER_S else 1.0
        return pace * sum(self.costs[self.done:])

    def advance(self, note: str = "") -> None:
        """One more step done; always shown (one line per step in a log)."""
        self.update(self.done + 1, note, force=True)
