"""The budget ladder: one experiment's orderings and distance to the paper at every stored budget.

A run evaluated at milestones (``cpu-long``: 600, 1,200 and 2,000 iterations) gives one
table per budget from the same trajectories. This evidence lists, per budget, each
contrast with its interval and decision, and the mean absolute gap between the measured
cells and the paper's printed Table 4/5 values (the paper trained 20,000 iterations). A
power law ``gap ∝ budget^b`` through the complete budgets is extrapolated to 20,000
iterations only when the gap shrinks at every step; otherwise the evidence says that it
cannot be extrapolated.
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


def paper_gap(table: dict[str, Any]) -> float | None:
    """Mean |measured − printed| (accuracy points) over the cells the paper prints."""
    gaps = [
        abs(entry["mean"] - entry["paper"][0])
        for row in table["rows"]
        for cell in CELLS
        if (entry := row["cells"][cell]).get("paper") and entry.get("mean") is not None
    ]
    return float(np.mean(gaps)) if gaps else None


def extrapolation(points: list[tuple[int, float]]) -> str:
    """What a power law through (budget, gap) says at 20,000 iterations, or why nothing."""
    if len(points) < 3:
        return f"{len(points)} complete budget(s): too few to extrapolate (needs 3)"
    budgets, gaps = zip(*sorted(points))
    if any(later >= earlier for earlier, later in zip(gaps, gaps[1:])) or min(gaps) <= 0:
        return "the gap to the paper does not shrink at every budget: it cannot be extrapolated"
    slope, intercept = np.polyfit(np.log(budgets), np.log(gaps), 1)
    predicted = math.exp(intercept) * PAPER_ITERATIONS**slope
    span = budgets[-1] / budgets[0]
    return (
        f"power law through {len(points)} budgets: gap ∝ budget^{slope:.2f} (it shrinks by "
        f"{100 * (1 - 2**slope):.0f}% per doubling); extrapolated to {PAPER_ITERATIONS:,} "
        f"iterations: {predicted:.1f} points. A rough guide only: a {span:.1f}× range of "
        f"budgets stretched {PAPER_ITERATIONS / budgets[-1]:.0f}× further, and learning "
        "curves flatten"
    )


def budget_ladder(
    ctx: CheckContext, chosen: dict[str, Any], contrasts: list[Contrast]
) -> list[Table | Text]:
    """The contrasts and the gap to the paper at every stored budget of ``chosen``'s runs."""
    tables = sorted(
        (t for t in load_tables(ctx.deep_dir) if _same_runs(t, chosen)), key=table_budget
    )
    if len({table_budget(t) for t in tables}) < 2:
        return []
    rows, points = [], []
    for table in tables:
        gap = paper_gap(table)
        cells = [
            "—" if d.estimate is None else f"{d.estimate.mean:+.1f} [{d.low:+.1f}, {d.high:+.1f}] {d.state}"
            for d in decide_all(contrasts, table)
        ]
        rows.append((f"{table_budget(table):,}", f"{table['done_runs']}/{table['planned_runs']}",
                     *cells, "—" if gap is None else f"{gap:.1f}"))
        if table["complete"] and gap is not None:
            points.append((table_budget(table), gap))
    return [
        Table(
            ("iterations", "runs", *(c.name for c in contrasts), "mean |measured − paper|"),
            tuple(rows),
            f"Budget ladder ({chosen['experiment']}, {chosen['profile']} profile): each ordering "
            "(95% interval, decision) and the mean absolute gap to the paper's printed cells, "
            f"which it reached after {PAPER_ITERATIONS:,} iterations",
        ),
        Text("Extrapolation of the gap: " + extrapolation(points) + "."),
    ]
