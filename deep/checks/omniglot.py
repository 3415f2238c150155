"""Table 1 (Omniglot): S5.OMNI from stored tables, at the paper's NAL rate.

Reads the tables that ``maml-landscape deep run`` writes (``ctx.deep_dir``);
trains nothing and never imports torch. The claim is a qualitative ordering, tested as
contrasts with 95% intervals (:mod:`maml_landscape.deep.orderings`); the measured table
is shown beside the paper's printed Table 4, with the same rule applied to the printed
values, the learning curves, the budget ladder and the dependence on the hard alphabets.
"""

from __future__ import annotations

from typing import Any

from maml_landscape.context import CheckContext
from maml_landscape.deep.budget_ladder import budget_ladder
from maml_landscape.deep.claimed_orderings import omniglot_contrasts, omniglot_reading
from maml_landscape.deep.ordering_evidence import missing_results, ordering_outcome
from maml_landscape.deep.orderings import tally
from maml_landscape.deep.results import load_tables, sizes_kept
from maml_landscape.deep.stored_tables import find_table, hard_alphabets
from maml_landscape.deep.table_figures import table_figures
from maml_landscape.evidence import Table
from maml_landscape.registry import check
from maml_landscape.verdicts import Outcome


@check("S5.OMNI")
def omniglot_orderings(ctx: CheckContext) -> Outcome:
    """Table 1: MAML gains more over NAL with closely packed hard tasks (Small r_H)."""
    table = find_table(ctx, "omniglot")
    if table is None:
        return missing_results(ctx, ("omniglot",))
    return ordering_outcome(
        "S5.OMNI",
        table,
        omniglot_contrasts(),
        "omniglot",
        omniglot_reading(),
        [
            *table_figures("S5.OMNI", table),
            *_hard_alphabet_sensitivity(ctx, table),
            *budget_ladder(ctx, table, omniglot_contrasts()),
        ],
    )


def _hard_alphabet_sensitivity(ctx: CheckContext, chosen: dict[str, Any]) -> list[Table]:
    """S5.OMNI on the other stored complete tables that differ from ``chosen`` only in the hard alphabets.

    The paper prints no hard-alphabet list, so the verdict's dependence on that choice is
    shown; these tables do not enter the verdict.
    """

    def same_but_hard(t: dict[str, Any]) -> bool:
        options, chosen_options = t.get("options", {}), chosen.get("options", {})
        return (
            t["experiment"] == "omniglot"
            and t["profile"] == chosen["profile"]
            and t["complete"]
            and sizes_kept(t)
            and options.get("nal_lr") == chosen_options.get("nal_lr")
            and not options.get("first_order")
            and hard_alphabets(t) != hard_alphabets(chosen)
        )

    others = [t for t in load_tables(ctx.deep_dir) if same_but_hard(t)]
    if not others:
        return []
    found = []
    for other in [chosen, *others]:
        _, verdict, confirmed = tally(omniglot_contrasts(), other)
        found.append((", ".join(hard_alphabets(other)), verdict.value, confirmed, other["path"]))
    return [
        Table(
            ("hard alphabets", "verdict", "orderings confirmed", "table"),
            tuple(found),
            "S5.OMNI under each stored hard-alphabet list (first row decides the claim)",
        )
    ]


