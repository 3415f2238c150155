"""Qualitative orderings of Tables 1-2 as linear contrasts of cells, decided with intervals (Sec. 5).

A contrast Σ c_k · accuracy(setting_k, algorithm_k, cell_k) is claimed positive. It is
*confirmed* when its 95% interval lies above 0, *contradicted* when its interval at level
1 - 0.05/k (Bonferroni over the k contrasts of a claim) lies below 0, else *undecided*.
A claim holds when every contrast is confirmed, fails when one is contradicted, and is
not checked (inconclusive) otherwise (:func:`maml_landscape.verdicts.from_decisions`). Intervals: Welch over seeds (one seed: over tasks).
No torch here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from maml_landscape.deep.intervals import Estimate, combination
from maml_landscape.deep.paper_tables import CELLS, PRINTED
from maml_landscape.deep.results import row_cell
from maml_landscape.stats import t_quantile
from maml_landscape.verdicts import Verdict, from_decisions

LEVEL = 0.95
Term = tuple[float, str, str, str]  # (coefficient, setting, algorithm, cell)


@dataclass(frozen=True)
class Contrast:
    """A claimed-positive combination of table cells, with a reading in words."""

    name: str
    terms: tuple[Term, ...]


@dataclass(frozen=True)
class Decision:
    contrast: Contrast
    estimate: Estimate | None
    state: str  # "confirmed", "contradicted", "undecided", "missing"
    low: float
    high: float


def _half(estimate: Estimate, level: float) -> float:
    return t_quantile(0.5 + level / 2, estimate.df) * math.sqrt(estimate.variance_of_mean)


def decide(contrast: Contrast, cell: Any, family: int) -> Decision:
    """Decide one contrast from ``cell(setting, algorithm, cell) -> Estimate | None``."""
    parts = [(c, cell(s, a, k)) for c, s, a, k in contrast.terms]
    if any(e is None for _, e in parts):
        return Decision(contrast, None, "missing", math.nan, math.nan)
    total = combination(parts)
    half = _half(total, LEVEL)
    if total.variance_of_mean == 0:
        state = "confirmed" if total.mean > 0 else "contradicted"
    elif total.mean - half > 0:
        state = "confirmed"
    elif total.mean + _half(total, 1 - (1 - LEVEL) / family) < 0:
        state = "contradicted"
    else:
        state = "undecided"
    return Decision(contrast, total, state, total.mean - half, total.mean + half)


def decide_all(contrasts: list[Contrast], table: dict[str, Any]) -> list[Decision]:
    """Decisions of every contrast on a measured table."""
    return [decide(c, lambda s, a, k: row_cell(table, s, a, k), len(contrasts)) for c in contrasts]


def decide_printed(contrasts: list[Contrast], experiment: str) -> list[Decision]:
    """The same rule on the paper's printed table (± read as normal 95% half-widths)."""
    printed = PRINTED[experiment]

    def cell(setting: str, algorithm: str, name: str) -> Estimate | None:
        row = printed.get((setting, algorithm))
        if row is None:
            return None
        value, half = row[CELLS.index(name)]
        return Estimate(value, (half / t_quantile(0.5 + LEVEL / 2, math.inf)) ** 2, math.inf)

    return [decide(c, cell, len(contrasts)) for c in contrasts]


def tally(contrasts: list[Contrast], table: dict[str, Any]) -> tuple[list[Decision], Verdict, str]:
    """The contrasts decided on ``table``, the verdict they give, and "confirmed/total"."""
    decisions = decide_all(contrasts, table)
    confirmed = sum(d.state == "confirmed" for d in decisions)
    return decisions, from_decisions(d.state for d in decisions), f"{confirmed}/{len(decisions)}"



def rows(decisions: list[Decision], printed: list[Decision]) -> tuple[tuple[Any, ...], ...]:
    """Table rows: contrast, measured estimate [interval], decision, paper's value and decision."""
    out = []
    for mine, theirs in zip(decisions, printed):
        if mine.estimate is None:
            measured = "—"
        else:
            measured = f"{mine.estimate.mean:+.1f} [{mine.low:+.1f}, {mine.high:+.1f}]"
        paper = "—" if theirs.estimate is None else f"{theirs.estimate.mean:+.1f} ({theirs.state})"
        out.append((mine.contrast.name, measured, mine.state, paper))
    return tuple(out)
