"""Which stored deep table a ledger check reads: the best one of an experiment, and its task split.

Reads the tables that ``maml-landscape deep run`` writes to ``OUT/deep``; no torch here.
"""

from __future__ import annotations

from typing import Any

from maml_landscape.context import CheckContext
from maml_landscape.deep.config import PAPER_INNER_LR, PAPER_MAML_LR, PAPER_NAL_LR
from maml_landscape.deep.hard_alphabets import DEFAULT_HARD
from maml_landscape.deep.plans import task_split
from maml_landscape.deep.results import load_tables, sizes_kept, table_budget, table_seeds

PROFILE_RANK = {"paper": 3, "cpu-long": 2, "cpu": 1}  # smoke tables (tiny data) are ignored


def paper_setting(table: dict[str, Any]) -> bool:
    options = table.get("options", {})
    rates = (("nal_lr", PAPER_NAL_LR), ("maml_lr", PAPER_MAML_LR), ("inner_lr", PAPER_INNER_LR))
    return all(options.get(k, paper) == paper for k, paper in rates) and not options.get(
        "first_order"
    )


def default_hard(table: dict[str, Any]) -> bool:
    """Whether an Omniglot table used the shipped hard alphabets (other experiments: True)."""
    if table["experiment"] != "omniglot":
        return True
    return hard_alphabets(table) == list(DEFAULT_HARD)


def hard_alphabets(table: dict[str, Any]) -> list[str]:
    return task_split(table.get("options", {}))["hard_alphabets"]


def ranked_tables(ctx: CheckContext, experiment: str) -> list[dict[str, Any]]:
    """The stored tables of ``experiment`` a check may read, best first: paper settings, shipped
    hard alphabets, complete, profile sizes kept (seeds added to the profile's count as kept),
    the longest training budget, profile rank, the most seeds, runs done (smoke tables are
    left out)."""
    tables = [
        t
        for t in load_tables(ctx.deep_dir)
        if t["experiment"] == experiment and t["profile"] in PROFILE_RANK
    ]
    return sorted(
        tables,
        key=lambda t: (
            paper_setting(t),
            default_hard(t),
            t["complete"],
            sizes_kept(t),
            table_budget(t),
            PROFILE_RANK[t["profile"]],
            len(table_seeds(t)),
            t["done_runs"],
        ),
        reverse=True,
    )


def find_table(ctx: CheckContext, experiment: str) -> dict[str, Any] | None:
    """The best stored table of ``experiment`` (the first of :func:`ranked_tables`), or None."""
    ranked = ranked_tables(ctx, experiment)
    return ranked[0] if ranked else None
