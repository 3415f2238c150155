"""The evidence of an ordering claim decided on a stored table (Sec. 5, Tables 1-2).

The measured table beside the paper's printed Tables 4 and 5, each contrast with its
interval and decision beside the same rule applied to the printed values, NAL's training
loss beside its floor, where each ordering sets in on the learning curves, and the
choices the paper leaves unstated. No torch here.
"""

from __future__ import annotations

import math
from typing import Any

from maml_landscape.context import CheckContext
from maml_landscape.deep.config import PAPER_NAL_LR, PROFILES
from maml_landscape.deep.curves import has_curves, holding_from
from maml_landscape.deep.hard_alphabets import DEFAULT_HARD_SOURCE
from maml_landscape.deep.orderings import Contrast, Decision, decide_printed, rows, tally
from maml_landscape.deep.paper_tables import CELLS
from maml_landscape.deep.results import load_tables, profile_label
from maml_landscape.deep.stored_tables import default_hard, hard_alphabets
from maml_landscape.evidence import Table, Text
from maml_landscape.verdicts import Choice, Outcome, Verdict

COMMANDS = {
    "omniglot": "maml-landscape deep run omniglot --profile cpu --data-dir DIR --out-dir {out}",
    "cifar": "maml-landscape deep run cifar --profile paper --device cuda --data-dir DIR --out-dir {out}",
    "omniglot-p": "maml-landscape deep run omniglot-p --profile cpu --data-dir DIR --out-dir {out}",
}


def missing_results(ctx: CheckContext, experiments: tuple[str, ...]) -> Outcome:
    commands = "; or ".join(COMMANDS[e].format(out=ctx.deep_dir.parent) for e in experiments)
    problems: list[str] = []
    load_tables(ctx.deep_dir, problems)
    damaged = f" (unusable: {'; '.join(problems)})" if problems else ""
    return Outcome(
        Verdict.NOT_CHECKED,
        f"no {' or '.join(experiments)} results under {ctx.deep_dir}{damaged}; "
        f"run: {commands}",
    )


def measured_table(table: dict[str, Any]) -> Table:
    """The measured table beside the paper's printed values."""
    body = []
    for row in table["rows"]:
        cells = []
        for cell in CELLS:
            entry = row["cells"][cell]
            mine = (
                "—" if entry["mean"] is None else f"{entry['mean']:.1f} ± {entry['half_width']:.1f}"
            )
            paper = entry["paper"]
            cells.append(mine + (f" ({paper[0]} ± {paper[1]})" if paper else ""))
        body.append((row["setting"], row["algorithm"], len(row["seeds"]), *cells))
    caption = (
        f"{table['experiment']}, {profile_label(table)}, {table['done_runs']}/"
        f"{table['planned_runs']} runs: accuracy % (mean ± 95% half-width over seeds), "
        "paper's Table 4/5 in brackets"
    )
    if table["substitute"]:
        caption += "; SUBSTITUTE: FS-CIFAR100's protocol run on Omniglot"
    return Table(("setting", "algorithm", "seeds", *CELLS), tuple(body), caption)


def nal_reach(table: dict[str, Any]) -> str:
    """How far Adam can move NAL's weights in this table's training, beside the paper's."""
    runs = [c for c in table.get("configs", {}).values() if c.get("train_inner_steps") == 0]
    if not runs:
        return ""
    iterations, rate = runs[0]["iterations"], runs[0]["outer_lr"]
    paper = PROFILES["paper"].iterations
    return (
        f"; Adam moves a weight by at most about the rate per step, so in {iterations} "
        f"iterations NAL's weights move by at most about {iterations * rate:.2g} each "
        f"(the paper's {paper} × {PAPER_NAL_LR:g} = {paper * PAPER_NAL_LR:.2g}; "
        "the Xavier-initialised weights of the inner convolutions lie within ±0.072)"
    )


def _time_taken(table: dict[str, Any]) -> str:
    timing = table.get("timing", {})
    if not timing.get("runs"):
        return ""
    minutes = (timing["training_seconds"] + timing["evaluation_seconds"]) / 60
    return f"; its runs took {minutes:.0f} min of training and evaluation as recorded (wall clock, with whatever shared the machine)"


def _choices(table: dict[str, Any]) -> list[Choice]:
    options = table.get("options", {})
    return [
        Choice("profile", table["profile"], next(iter(table["notes"]), "") + _time_taken(table)),
        Choice(
            "NAL outer learning rate",
            options.get("nal_lr"),
            (
                "the paper's selected 1e-6 (C.4-C.5)"
                if options.get("nal_lr", PAPER_NAL_LR) == PAPER_NAL_LR
                else "tuned on training classes ('deep tune-nal'); the paper used 1e-6"
            )
            + nal_reach(table),
        ),
        Choice(
            "outer optimiser",
            "Adam",
            "the paper tunes a learning rate only; Adam as in the Antoniou et al. code it adapted",
        ),
        Choice(
            "BatchNorm",
            "per-task batch statistics at meta-train and meta-test",
            "Finn et al.'s reference code; the paper does not say",
        ),
        *(
            [
                Choice(
                    "hard alphabets",
                    ", ".join(hard_alphabets(table)),
                    "the paper prints no list: "
                    + (DEFAULT_HARD_SOURCE if default_hard(table) else "user-supplied")
                    + f"; easy alphabets split at random with seed {options.get('split_seed')}",
                )
            ]
            if table["experiment"] == "omniglot"
            else []
        ),
    ]


def label_permutation_floor(config: dict[str, Any]) -> float:
    """The least expected NAL loss of any single network: E_task log N.

    Labels are the classes' positions in each task, a fresh random order every time, so
    given an image its label is uniform over the task's N positions and no shared
    prediction beats the uniform one: eq. 3's population loss is at least log N.
    """
    p = config["p_hard"]
    return p * math.log(config["hard_nk"][0]) + (1 - p) * math.log(config["easy_nk"][0])


def nal_loss_note(table: dict[str, Any]) -> Text | None:
    """NAL's final training losses beside the label-permutation floor (where curves are stored)."""
    found = []
    for row in table["rows"]:
        configs = [
            c
            for c in table.get("configs", {}).values()
            if (c["setting"], c["algorithm"]) == (row["setting"], row["algorithm"])
        ]
        if row.get("loss_curves") and configs and configs[0]["train_inner_steps"] == 0:
            final = sum(curve[-1] for curve in row["loss_curves"]) / len(row["loss_curves"])
            found.append((row, final, label_permutation_floor(configs[0])))
    if not found:
        return None
    parts = ", ".join(
        f"{row['setting']} {row['algorithm']} {final:.3f} (floor {floor:.3f})"
        for row, final, floor in found
    )
    return Text(
        "NAL's final training loss (mean over seeds of the last point of the stored "
        f"50-point loss curve): {parts}. The floor E log N is the least expected loss any "
        "single network can reach, because each task assigns its labels to its classes in "
        "a fresh random order: NAL's population objective (eq. 3) is minimised by uniform "
        "predictions and rewards no feature, so NAL's features move only through the "
        "finite-sample noise of the task batches."
    )


def _curve_evidence(contrasts: list[Contrast], table: dict[str, Any]) -> list[Table]:
    """From which learning-curve iteration on each ordering holds (seed means), if curves exist."""
    if not has_curves(table):
        return []
    rows = []
    for contrast in contrasts:
        start = holding_from(table, contrast.terms)
        rows.append((contrast.name, "not at the end of training" if start is None else f"{start:,}"))
    return [Table(
        ("contrast", "positive from iteration on (to the end)"),
        tuple(rows),
        "Budget at which each ordering sets in: the first learning-curve iteration from which "
        "the seed-mean contrast stays positive (curve tasks, no interval: a guide to the budget, "
        "not the test)",
    )]


def ordering_outcome(
    claim: str,
    table: dict[str, Any],
    contrasts: list[Contrast],
    experiment: str,
    reading: str,
    extra: list[Any] | None = None,
) -> Outcome:
    decisions, verdict, confirmed = tally(contrasts, table)
    printed = decide_printed(contrasts, experiment)
    summary = (
        f"{confirmed} orderings confirmed at 95% "
        f"({table['experiment']}, {profile_label(table)}, "
        f"{table['done_runs']}/{table['planned_runs']} runs)"
    )
    if table["substitute"]:
        summary += " on the Omniglot SUBSTITUTE"
    if max((len(row["seeds"]) for row in table["rows"]), default=0) == 1:
        summary += "; ONE training seed: intervals cover evaluation tasks, not training seeds"
    if verdict is Verdict.NOT_CHECKED:
        summary += "; inconclusive: run more seeds or iterations"
    return Outcome(
        verdict=verdict,
        summary=summary,
        evidence=[
            Text(reading),
            Text(
                "Rule: each contrast is claimed positive; confirmed when its 95% interval "
                "(Welch over seeds; one seed: over evaluation tasks) lies above 0, "
                "contradicted when its Bonferroni-adjusted interval lies below 0. Holds "
                "if all are confirmed, fails if any is contradicted, else inconclusive."
            ),
            measured_table(table),
            Table(
                (
                    "contrast (accuracy points)",
                    "measured [95% interval]",
                    "decision",
                    "paper's printed table",
                ),
                rows(decisions, printed),
                f"{claim}: orderings, measured and on the printed values",
            ),
            *([note] if (note := nal_loss_note(table)) else []),
            *_curve_evidence(contrasts, table),
            *(extra or []),
        ],
        choices=_choices(table),
        data={
            "table": table["path"],
            "decisions": _data(decisions),
            "printed_decisions": _data(printed),
        },
    )


def _data(decisions: list[Decision]) -> list[dict[str, Any]]:
    return [
        {
            "contrast": d.contrast.name,
            "state": d.state,
            "mean": None if d.estimate is None else d.estimate.mean,
            "low": d.low,
            "high": d.high,
        }
        for d in decisions
    ]
