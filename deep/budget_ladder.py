"""The budget ladder: one experiment's orderings and distance to the paper at every stored budget.

A run evaluated at milestones (``cpu-long``: 600, 1,200 and 2,000 iterations) gives one
table per budget from the same trajectories. This evidence lists, per budget, each
contrast with its interval and decision, and, per algorithm, the mean absolute gap
between the measured cells and the paper's printed Table 4/5 values (the paper trained
20,000 iterations): the algorithms approach the paper at different speeds, and one mean
over all would hide that. Per algorithm, a power law ``gap ∝ budget^b`` through the
complete budgets is extrapolated to 20,000 iterations only when the gap shrinks at every
step; otherwise the evidence says that it cannot be extrapolated.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from maml_landscape.context import CheckContext
from maml_landscape.deep.orderings import Contrast, decide_all
from maml_landscape.deep.paper_tables import CELLS
from maml_landscape.deep.plans import task_split
from maml_landscape.deep.results import load_tables, table_budget
from maml_landscape.evidence import Table, Text

PAPER_ITERATIONS = 20_000


def _same_runs(table: dict[str, Any], chosen: dict[str, Any]) -> bool:
    """Whether ``table`` comes from the same plan as ``chosen`` (any budget)."""
    options, mine = table.get("options", {}), chosen.get("options", {})
    return (
        table["experiment"] == chosen["experiment"]
        and table["profile"] == chosen["profile"]
        and table.get("overrides") == chosen.get("overrides")
        and all(options.get(k) == mine.get(k) for k in ("nal_lr", "maml_lr", "inner_lr", "first_order"))
        and task_split(options) == task_split(mine)
    )


def paper_gaps(table: dict[str, Any]) -> dict[str, float]:
    """Per algorithm, mean |measured − printed| (accuracy points) over the cells the paper prints."""
    gaps: dict[str, list[float]] = {}
    for row in table["rows"]:
        for cell in CELLS:
            entry = row["cells"][cell]
            if entry.get("paper") and entry.get("mean") is not None:
                gaps.setdefault(row["algorithm"], []).append(abs(entry["mean"] - entry["paper"][0]))
    return {algorithm: float(np.mean(values)) for algorithm, values in gaps.items()}


def extrapolation(points: list[tuple[int, float]]) -> str:
    """What a power law through (budget, gap) says at 20,000 iterations, or why nothing."""
    if len(points) < 3:
        return f"{len(points)} complete budget(s): too few to extrapolate (needs 3)"
    budgets, gaps = zip(*sorted(points))
    if any(later >= earlier for earlier, later in zip(gaps, gaps[1:])) or min(gaps) <= 0:
        return "the gap to the paper does not shrink at every budget: it cannot be extrapolated"
    slope, intercept = np.polyfit(np.log(budgets), np.log(gaps), 1)
    predicted = math.exp(intercept) * PAPER_ITERATIONS**slope
    return (
        f"gap ∝ budget^{slope:.2f} through {len(points)} budgets (it shrinks by "
        f"{100 * (1 - 2**slope):.0f}% per doubling), {predicted:.1f} points at {PAPER_ITERATIONS:,} iterations"
    )


def caveat(budgets: list[int]) -> str:
    """Why an extrapolation over ``budgets`` is a rough guide only."""
    return (f"a rough guide only: a {max(budgets) / min(budgets):.1f}× range of budgets stretched "
            f"{PAPER_ITERATIONS / max(budgets):.0f}× further, and learning curves flatten")


def budget_ladder(
    ctx: CheckContext, chosen: dict[str, Any], contrasts: list[Contrast]
) -> list[Table | Text]:
    """The contrasts and the gap to the paper at every stored budget of ``chosen``'s runs."""
    tables = sorted(
        (t for t in load_tables(ctx.deep_dir) if _same_runs(t, chosen)), key=table_budget
    )
    if len({table_budget(t) for t in tables}) < 2:
        return []
    gaps = [paper_gaps(table) for table in tables]
    algorithms = list(dict.fromkeys(a for gap in gaps for a in gap))
    rows, points = [], {a: [] for a in algorithms}
    for table, gap in zip(tables, gaps):
        cells = [
            "—" if d.estimate is None else f"{d.estimate.mean:+.1f} [{d.low:+.1f}, {d.high:+.1f}] {d.state}"
            for d in decide_all(contrasts, table)
        ]
        rows.append((f"{table_budget(table):,}", f"{table['done_runs']}/{table['planned_runs']}", *cells,
                     *(f"{gap[a]:.1f}" if a in gap else "—" for a in algorithms)))
        for algorithm in gap if table["complete"] else ():
            points[algorithm].append((table_budget(table), gap[algorithm]))
    return [
        Table(
            ("iterations", "runs", *(c.name for c in contrasts), *(f"{a}: mean |measured − paper|" for a in algorithms)),
            tuple(rows),
            f"Budget ladder ({chosen['experiment']}, {chosen['profile']} profile): each ordering "
            "(95% interval, decision) and, per algorithm, the mean absolute gap to the paper's "
            f"printed cells, which it reached after {PAPER_ITERATIONS:,} iterations",
        ),
        Text("Extrapolation of the gap to the paper (a power law fitted per algorithm): "
             + "; ".join(f"{a}: {extrapolation(points[a])}" for a in algorithms)
             + f"; {caveat([table_budget(t) for t in tables])}."),
    ]
