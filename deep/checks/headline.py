"""H.NONLINEAR: the linear-regression insights carry over to two-layer networks and to CNNs.

The claim has two halves, and its verdict needs both:

* two-layer networks: the verdicts of Theorem 1 (S4.THM1) and Figures 4-6 (S4.FIG4),
  taken from their own checks (the check ``needs`` those claims, see
  :mod:`maml_landscape.registry`);
* few-shot image classification: Table 1's orderings (S5.OMNI's contrasts, at the paper's
  NAL rate and, where stored, with NAL's rate tuned) and Table 2's part (i), that MAML's
  gain comes from hard tasks (on FS-CIFAR100, or on the labelled Omniglot substitute).

The verdict is the most severe of the parts; while a part is not checked, the claim is
not checked, and the summary says what the decided part found.
"""

from __future__ import annotations

from maml_landscape.context import CheckContext
from maml_landscape.deep.checks.tuned_nal import omniglot_with_tuned_nal
from maml_landscape.deep.claimed_orderings import cifar_gain_contrasts, omniglot_contrasts
from maml_landscape.deep.ordering_evidence import missing_results, ordering_outcome
from maml_landscape.deep.stored_tables import find_table
from maml_landscape.evidence import Table, Text
from maml_landscape.registry import Needed, check, check_name
from maml_landscape.verdicts import (
    Outcome,
    Verdict,
    claim_summary,
    combine,
    from_decisions,
    require_all,
)

TWO_LAYER_CLAIMS = {"S4.THM1": "Theorem 1", "S4.FIG4": "Figures 4-6"}


def two_layer_part(needed: Needed) -> Outcome:
    """The two-layer half: the combined verdicts of S4.THM1 and S4.FIG4."""
    rows, verdicts, corrections = [], [], []
    for claim, label in TWO_LAYER_CLAIMS.items():
        outcomes = list(needed[claim].values())
        verdict = combine(outcomes)
        verdicts.append(verdict)
        corrections += [f"{claim}: {o.correction}" for o in outcomes if o.correction]
        rows.append((claim, label, verdict.value, claim_summary(outcomes)))
    verdict = require_all(verdicts)
    return Outcome(
        verdict,
        "two-layer networks: " + ", ".join(f"{r[0]} {r[2]}" for r in rows),
        evidence=[Table(("claim", "paper", "verdict", "its summary"), tuple(rows),
                        "H.NONLINEAR, two-layer half: the verdicts of its claims' own checks")],
        correction="; ".join(corrections) or None,
    )


def image_part(ctx: CheckContext, tuned: Outcome) -> Outcome:
    """The CNN half: Table 1's orderings (paper and ``tuned`` NAL, S5.OMNI's own check) and Table 2 (i)."""
    omniglot = find_table(ctx, "omniglot")
    cifar = find_table(ctx, "cifar") or find_table(ctx, "omniglot-p")
    if omniglot is None or cifar is None:
        return missing_results(ctx, ("omniglot",) if omniglot is None else ("cifar", "omniglot-p"))
    parts = [
        ordering_outcome("S5.OMNI", omniglot, omniglot_contrasts(), "omniglot", ""),
        ordering_outcome("S5.CIFAR (i)", cifar, cifar_gain_contrasts(), cifar["experiment"], ""),
    ]
    if tuned.verdict is not Verdict.NOT_CHECKED:
        parts.append(tuned)
    verdict = from_decisions(d["state"] for p in parts for d in p.data["decisions"])
    return Outcome(
        verdict,
        "image classification: " + "; ".join(p.summary for p in parts),
        evidence=[block for p in parts for block in p.evidence[2:]],
        choices=parts[0].choices,
        data={"parts": [p.data for p in parts]},
    )


def _corrections(outcomes: list[Outcome]) -> str | None:
    return "; ".join(o.correction for o in outcomes if o.correction) or None


@check("H.NONLINEAR", needs=(*TWO_LAYER_CLAIMS, "S5.OMNI"))
def insights_carry_over(ctx: CheckContext, needed: Needed) -> Outcome:
    """Both halves of H.NONLINEAR: two-layer networks (S4.THM1, S4.FIG4) and CNNs (Tables 1-2)."""
    tuned = needed["S5.OMNI"][check_name(omniglot_with_tuned_nal)]
    halves = [two_layer_part(needed), image_part(ctx, tuned)]
    pending = [h for h in halves if h.verdict is Verdict.NOT_CHECKED]
    verdict = require_all(h.verdict for h in halves)
    summary = " | ".join(f"{h.summary} ({h.verdict.value})" for h in halves)
    if pending:
        summary = "needs both halves; " + summary
    return Outcome(
        verdict,
        summary,
        evidence=[
            Text(
                "H.NONLINEAR has two halves and needs both: two-layer networks (Theorem 1, "
                "Figures 4-6; their claims' verdicts) and few-shot image classification "
                "(Tables 1-2: MAML's gain grows as hard tasks pack closely, and comes from "
                "hard tasks). Verdict: the most severe of the halves."
            ),
            *(block for h in halves for block in h.evidence),
        ],
        correction=_corrections(halves) if verdict is Verdict.HOLDS_AFTER_CORRECTION else None,
        choices=[c for h in halves for c in h.choices],
        data={"halves": [{"verdict": h.verdict.value, "summary": h.summary, **h.data} for h in halves]},
    )
