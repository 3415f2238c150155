"""How a verdict moves with the reading of a word that the paper leaves unquantified.

Some verdicts rest on a number the paper does not print: H.GAIN reads "ρ_H/ρ_E ≪ 1" (Abstract,
condition (I)) as ρ_H/ρ_E ≤ 0.5 and a "substantial" gain as E(w_NAL*)/E(w_MAML*) ≥ 1.5;
S32.COR2 reads Corollary 2's "≈" (eq. (12)) as a relative error within 10%. A check names
each such number as a :class:`Reading` (the paper's words, the check's value, a range of
other values) and decides its verdict with one function of all its readings
(:data:`Decide`, keyword arguments named by :attr:`Reading.key`) that compares numbers the
check has already computed, so a reading costs a comparison, not a new computation.

:func:`sweep_each` moves one reading at a time across its range, the others at the check's
values, and locates every flip of the verdict between two neighbouring readings of the
range by bisection, to :data:`RESOLUTION` of the range (a verdict that changes twice between
two neighbouring readings is missed: the range has :attr:`Reading.points` readings).
:func:`evidence` (two tables) and :func:`data` put the sweeps into the ledger.

Example::

    readings = (Reading("gain", "substantial gain", "ratio ≥ {}", 1.5, 1.1, 20.0, log=True),)
    sweeps = sweep_each(readings, lambda gain: Verdict.FAILS if 13.87 >= gain else Verdict.HOLDS)
    sweeps[0].flips[0].above  # ≈ 13.87
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from maml_landscape import validate
from maml_landscape.evidence import Block, Table
from maml_landscape.verdicts import Choice, Verdict

#: A check's rule: its verdict from its readings, given as keyword arguments (:attr:`Reading.key`).
Decide = Callable[..., Verdict]

#: Bisection stops when a flip's bracket is this fraction of the range (of its logarithm on a log scale).
RESOLUTION = 1e-4
#: Readings of a range, spaced evenly (geometrically on a log scale), besides the check's own.
GRID_POINTS = 7


@dataclass(frozen=True)
class Reading:
    """One number that a check reads into a word of the paper, and the range of readings swept.

    Attributes:
        key: the keyword of the check's :data:`Decide` (and the key in claims.json).
        word: the paper's words, e.g. "substantial gain" or "ρ_H/ρ_E ≪ 1 (I)".
        template: the reading with ``{}`` for the number, e.g. "ratio ≥ {}".
        value: the check's reading (the one its verdict uses).
        low, high: the range swept (validated by :func:`maml_landscape.validate.reading_range`).
        log: space the readings geometrically (a ratio or a factor).
        percent: show the number as a percentage (a relative tolerance).
        points: readings of the range besides :attr:`value` (at least 2).
        reason: why the check reads the word as it does (for its :class:`Choice`).
    """

    key: str
    word: str
    template: str
    value: float
    low: float
    high: float
    log: bool = False
    percent: bool = False
    points: int = GRID_POINTS
    reason: str = "the paper gives no number"

    def __post_init__(self) -> None:
        name = f"the readings of {self.word!r}"
        validate.reading_range(name, self.low, self.high, self.value, self.log)
        if validate.positive_int(f"{name}: points", self.points) < 2:
            raise ValueError(f"{name}: a range needs at least 2 points, got {self.points}")

    def number(self, x: float) -> str:
        """A reading's number as shown: 5 significant digits, a percentage if :attr:`percent`."""
        return f"{100 * x:.5g}%" if self.percent else f"{x:.5g}"

    def show(self, x: float) -> str:
        """The reading at ``x``, e.g. "ratio ≥ 1.5" or "within 10%"."""
        return self.template.format(self.number(x))

    def _position(self, x: float) -> float:
        """Where ``x`` lies in the range, from 0 (low) to 1 (high), on the reading's scale."""
        if self.log:
            return float(np.log(x / self.low) / np.log(self.high / self.low))
        return (x - self.low) / (self.high - self.low)

    def grid(self) -> tuple[float, ...]:
        """The readings swept: :attr:`value`, and :attr:`points` across the range (inner ones to 3 significant
        digits, left out within 0.4 of a step of :attr:`value`)."""
        spaced = np.geomspace(self.low, self.high, self.points) if self.log else np.linspace(self.low, self.high,
                                                                                            self.points)
        near = 0.4 / (self.points - 1)
        inner = (float(f"{x:.3g}") for x in spaced[1:-1])
        kept = (x for x in inner if self.low < x < self.high
                and abs(self._position(x) - self._position(self.value)) > near)
        return tuple(sorted({self.low, self.high, self.value, *kept}))

    def choice(self) -> Choice:
        """The check's reading as a :class:`Choice` of the ledger."""
        return Choice(self.word, self.show(self.value), self.reason)

    def _middle(self, a: float, b: float) -> float:
        return float(np.sqrt(a * b)) if self.log else (a + b) / 2

    def _resolved(self, a: float, b: float) -> bool:
        return self._position(b) - self._position(a) <= RESOLUTION


@dataclass(frozen=True)
class Flip:
    """The verdict is ``before`` at the reading ``below`` and ``after`` at ``above`` (a bracket of the flip)."""

    below: float
    above: float
    before: Verdict
    after: Verdict


@dataclass(frozen=True)
class Sweep:
    """One reading swept across its range: the verdict at each reading of :meth:`Reading.grid`, and the flips."""

    reading: Reading
    readings: tuple[float, ...]
    verdicts: tuple[Verdict, ...]
    flips: tuple[Flip, ...]

    @property
    def verdict(self) -> Verdict:
        """The verdict at the check's reading."""
        return self.verdicts[self.readings.index(self.reading.value)]

    def unchanged(self) -> tuple[float, float]:
        """The readings nearest the check's own at which the verdict is still the check's (ends of the range if none flips)."""
        value = self.reading.value
        low = max((f.above for f in self.flips if f.above <= value), default=self.reading.low)
        high = min((f.below for f in self.flips if f.below >= value), default=self.reading.high)
        return low, high


def _flips_between(rule: Callable[[float], Verdict], reading: Reading, a: float, before: Verdict,
                   b: float, after: Verdict) -> list[Flip]:
    """Every flip between readings ``a`` (verdict ``before``) and ``b`` (``after``): bisect to the first, then go on."""
    low, high, at_high = a, b, after
    while not reading._resolved(low, high):
        middle = reading._middle(low, high)
        verdict = rule(middle)
        if verdict is before:
            low = middle
        else:
            high, at_high = middle, verdict
    flip = Flip(low, high, before, at_high)
    if at_high is after or high == b:
        return [flip]
    return [flip, *_flips_between(rule, reading, high, at_high, b, after)]


def sweep(reading: Reading, rule: Callable[[float], Verdict]) -> Sweep:
    """The verdict ``rule(x)`` at every reading ``x`` of ``reading``'s grid, and where it flips."""
    readings = reading.grid()
    verdicts = tuple(rule(x) for x in readings)
    flips: list[Flip] = []
    for a, b, before, after in zip(readings, readings[1:], verdicts, verdicts[1:]):
        if before is not after:
            flips.extend(_flips_between(rule, reading, a, before, b, after))
    return Sweep(reading, readings, verdicts, tuple(flips))


def values(readings: Sequence[Reading]) -> dict[str, float]:
    """The check's readings as the keyword arguments of its :data:`Decide`."""
    return {r.key: r.value for r in readings}


def sweep_each(readings: Sequence[Reading], decide: Decide) -> list[Sweep]:
    """Each reading swept across its range with the other readings at the check's values."""
    keys = [r.key for r in readings]
    if len(set(keys)) != len(keys):
        raise ValueError(f"readings need distinct keys, got {keys}")
    fixed = values(readings)
    return [sweep(r, lambda x, key=r.key: decide(**(fixed | {key: x}))) for r in readings]


def _runs(s: Sweep) -> str:
    """The verdict across the range, e.g. "fails from 1.05 to 13.868, approximate from 13.872 to 20"."""
    r = s.reading
    starts = [r.low] + [f.above for f in s.flips]
    ends = [f.below for f in s.flips] + [r.high]
    verdicts = [s.verdicts[0]] + [f.after for f in s.flips]
    return ", ".join(f"{v.value} from {r.number(a)} to {r.number(b)}" for v, a, b in zip(verdicts, starts, ends))


def describe(s: Sweep) -> tuple[str, str, str, str]:
    """One row on a reading: the word, the check's reading and verdict, the verdict across the range, and the
    readings over which the check's verdict stands (the nearest flips)."""
    r = s.reading
    low, high = s.unchanged()
    across = _runs(s) if s.flips else f"{s.verdict.value} at every reading (no flip)"
    return r.word, f"{r.show(r.value)}: {s.verdict.value}", across, f"{r.number(low)} to {r.number(high)}"


def evidence(sweeps: Sequence[Sweep]) -> list[Block]:
    """The sweeps as two tables: the verdict at each reading, and where it flips."""
    rows = []
    for s in sweeps:
        for i, (x, v) in enumerate(zip(s.readings, s.verdicts)):
            mark = " (the check's reading)" if x == s.reading.value else ""
            rows.append((s.reading.word if i == 0 else "", s.reading.show(x), v.value + mark))
    return [
        Table(("word in the paper", "read as", "verdict"), tuple(rows),
              caption="Sensitivity: the verdict at other readings of each unquantified word, the other "
                      "readings at the check's values (same rule, same computed numbers)."),
        Table(("word in the paper", "the check's reading: verdict", "verdict across the range",
               "the check's verdict stands for readings"), tuple(describe(s) for s in sweeps),
              caption=f"Where the verdict flips: between the two readings shown, located by bisection to "
                      f"{RESOLUTION:g} of each range (on a log scale for ratios and factors)."),
    ]


def data(sweeps: Sequence[Sweep]) -> dict[str, Any]:
    """The sweeps for claims.json: per reading key, the readings, verdicts and flip brackets."""
    return {s.reading.key: {
        "word": s.reading.word, "reading": s.reading.value, "range": [s.reading.low, s.reading.high],
        "readings": list(s.readings), "verdicts": [v.value for v in s.verdicts],
        "unchanged": list(s.unchanged()),
        "flips": [{"below": f.below, "above": f.above, "from": f.before.value, "to": f.after.value} for f in s.flips],
    } for s in sweeps}
