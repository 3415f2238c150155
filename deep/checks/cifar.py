"""Table 2 (FS-CIFAR100, or its Omniglot substitute): S5.CIFAR and H.HARDTRAIN from stored tables.

Reads the tables that ``maml-landscape deep run`` writes; trains nothing and never imports
torch. The claims are orderings tested as contrasts with 95% intervals
(:mod:`maml_landscape.deep.orderings`), beside the same rule on the printed Table 5.
"""

from __future__ import annotations

from maml_landscape.context import CheckContext
from maml_landscape.deep.claimed_orderings import (
    CIFAR_READING,
    cifar_gain_contrasts,
    cifar_scarce_contrasts,
    hardtrain_contrasts,
)
from maml_landscape.deep.ordering_evidence import missing_results, ordering_outcome
from maml_landscape.deep.stored_tables import find_table
from maml_landscape.deep.table_figures import table_figures
from maml_landscape.registry import check
from maml_landscape.verdicts import Outcome


@check("S5.CIFAR")
def cifar_orderings(ctx: CheckContext) -> Outcome:
    """Table 2: MAML's gains are largest on hard tasks, and shrink when hard tasks are scarce."""
    table = find_table(ctx, "cifar")
    reading = CIFAR_READING
    contrasts = cifar_gain_contrasts() + cifar_scarce_contrasts()
    if table is not None:
        return ordering_outcome(
            "S5.CIFAR", table, contrasts, "cifar", reading, [*table_figures("S5.CIFAR", table)]
        )
    substitute = find_table(ctx, "omniglot-p")
    outcome = missing_results(ctx, ("cifar",))
    if substitute is not None:
        shown = ordering_outcome(
            "S5.CIFAR (substitute)",
            substitute,
            contrasts,
            "omniglot-p",
            reading,
            [*table_figures("S5.CIFAR", substitute)],
        )
        outcome.summary += (
            f"; the Omniglot substitute gives '{shown.verdict.value}' "
            f"({shown.summary}), not a verdict on FS-CIFAR100"
        )
        outcome.evidence = shown.evidence
    return outcome


@check("H.HARDTRAIN")
def hard_training_matters(ctx: CheckContext) -> Outcome:
    """MAML trained mostly on hard tasks (p = 0.99) beats p = 0.01 on hard tasks (Table 2 protocol)."""
    table = find_table(ctx, "cifar") or find_table(ctx, "omniglot-p")
    if table is None:
        return missing_results(ctx, ("cifar", "omniglot-p"))
    return ordering_outcome(
        "H.HARDTRAIN",
        table,
        hardtrain_contrasts(),
        table["experiment"],
        "Hard-task accuracy of MAML trained with hard tasks drawn with p = 0.99 "
        "minus that with p = 0.01, on training and test classes.",
        [*table_figures("H.HARDTRAIN", table)],
    )
