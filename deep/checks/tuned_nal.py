"""Do Table 1/2's conclusions survive a tuned NAL? S5.OMNI and S5.CIFAR with NAL's rate tuned.

The paper trains NAL with outer learning rate 1e-6 (App. C.4-C.5), at which Adam barely
moves its weights. ``maml-landscape deep tune-nal`` picks NAL's rate from the paper's
grid on training-class validation tasks; ``deep run ... --nal-lr tuned`` reruns the
NAL rows with it (MAML's rows are the same runs). This check decides the claim's
contrasts on that table, by the same rule as the paper-setting check, and states which
decisions change. Its verdict joins the claim's other checks: a conclusion that holds
only against an untrained NAL does not hold for NAL as the paper defines it.

The claim is decided at its longest finished budget. While the tuned runs of that budget
still train, the check shows the longest budget where both tables exist, but does not
decide (``not checked``): a verdict at a shorter budget would stand in for the longer one.
"""

from __future__ import annotations

from typing import Any

from maml_landscape.context import CheckContext
from maml_landscape.deep.claimed_orderings import (
    CIFAR_READING,
    cifar_gain_contrasts,
    cifar_scarce_contrasts,
    omniglot_contrasts,
    omniglot_reading,
)
from maml_landscape.deep.ordering_evidence import ordering_outcome
from maml_landscape.deep.plans import task_split
from maml_landscape.deep.results import load_tables, profile_label, table_budget
from maml_landscape.deep.stored_tables import find_table, paper_setting, ranked_tables
from maml_landscape.deep.table_figures import table_figures
from maml_landscape.deep.tuning import load_tuning
from maml_landscape.evidence import Table, Text
from maml_landscape.registry import check
from maml_landscape.verdicts import Outcome, Verdict


def _same_tasks(table: dict[str, Any], other: dict[str, Any]) -> bool:
    """Whether two tables train on the same tasks for as long: experiment, profile, budget, task split."""
    return (
        table["experiment"] == other["experiment"]
        and table["profile"] == other["profile"]
        and table_budget(table) == table_budget(other)
        and task_split(table.get("options", {})) == task_split(other.get("options", {}))
    )


def _tuned_table(ctx: CheckContext, paper: dict[str, Any], rate: float) -> dict[str, Any] | None:
    """The table like ``paper`` (experiment, profile, budget, task split) but with NAL's rate
    ``rate``; of several, the one with ``paper``'s seeds, else the most runs done."""
    candidates = [
        t for t in load_tables(ctx.deep_dir)
        if _same_tasks(t, paper) and t.get("options", {}).get("nal_lr") == rate
        and not t.get("options", {}).get("first_order")
    ]
    return max(
        candidates,
        key=lambda t: (t.get("overrides") == paper.get("overrides"), t["complete"], t["done_runs"]),
        default=None,
    )


def _longest_pair(ctx: CheckContext, best: dict[str, Any], rate: float) -> tuple[dict, dict] | None:
    """The best complete paper-setting table of ``best``'s task split that has a table at NAL rate
    ``rate`` (a longer budget's tuned runs may still be training), with that table."""
    split = task_split(best.get("options", {}))
    for paper in ranked_tables(ctx, best["experiment"]):
        if paper_setting(paper) and paper["complete"] and task_split(paper.get("options", {})) == split:
            tuned = _tuned_table(ctx, paper, rate)
            if tuned is not None:
                return paper, tuned
    return None


def _same_seeds(ctx: CheckContext, paper: dict[str, Any], tuned: dict[str, Any]) -> dict[str, Any]:
    """The paper-rate table to compare ``tuned`` with: ``paper``'s runs with ``tuned``'s seeds where
    stored (so a change of conclusion comes from NAL's rate, not from a seed more), else ``paper``."""
    return next(
        (
            t for t in ranked_tables(ctx, paper["experiment"])
            if paper_setting(t) and _same_tasks(t, tuned) and t.get("overrides") == tuned.get("overrides")
        ),
        paper,
    )


def tuning_evidence(tuning: dict[str, Any]) -> Table:
    """The grid of the tuning run: validation accuracy of every candidate rate."""
    rows = tuple(
        (f"{c['lr']:g}", "diverged", "—", "")
        if "diverged" in c
        else (
            f"{c['lr']:g}",
            f"{c['validation_accuracy']:.1f} ± {1.96 * c['standard_error']:.1f}",
            f"{c['final_loss']:.3f}",
            "selected" if c["lr"] == tuning["selected_lr"] else "",
        )
        for c in tuning["candidates"]
    )
    return Table(
        ("NAL outer rate", "validation accuracy % (± 1.96 s.e.)", "final training loss", ""),
        rows,
        f"NAL rate tuning: {tuning['algorithm']}, {tuning['setting']}, seed {tuning['seed']}, "
        f"{tuning['iterations']} iterations, {tuning['validation_tasks']} {tuning['validation']}",
    )


def tuned_outcome(
    ctx: CheckContext, claim: str, experiment: str, contrasts: list, reading: str
) -> Outcome:
    """The claim's contrasts on the tuned-NAL table, compared with the paper-setting table."""
    paper = find_table(ctx, experiment)
    if paper is None:
        return Outcome(Verdict.NOT_CHECKED, f"no {experiment} table at the paper's setting yet")
    command = (
        f"maml-landscape deep tune-nal {experiment} --profile {paper['profile']} --data-dir DIR "
        f"--out-dir {ctx.out_dir}, then deep run {experiment} --profile {paper['profile']} "
        f"--nal-lr tuned --data-dir DIR --out-dir {ctx.out_dir}"
    )
    tuning = load_tuning(ctx.deep_dir, experiment, paper["profile"])
    tuned_at = ""
    if tuning is None and paper["profile"] == "cpu-long":  # the ladder reuses the cpu profile's rate
        tuning = load_tuning(ctx.deep_dir, experiment, "cpu")
        tuned_at = " (rate tuned at the cpu profile's 600 iterations, reused for the longer budget)"
    if tuning is None:
        return Outcome(Verdict.NOT_CHECKED, f"NAL's rate not tuned yet; run: {command}")
    rate = tuning["selected_lr"]
    if tuning.get("task_split") and tuning["task_split"] != task_split(paper.get("options", {})):
        return Outcome(
            Verdict.NOT_CHECKED,
            f"NAL's rate was tuned on other tasks (hard alphabets "
            f"{', '.join(tuning['task_split']['hard_alphabets'])}) than the table's; run: {command}",
            evidence=[tuning_evidence(tuning)],
        )
    shorter = False
    if rate == tuning["paper_lr"]:
        tuned = paper
    else:
        tuned = _tuned_table(ctx, paper, rate)
        if tuned is None and (paired := _longest_pair(ctx, paper, rate)):
            tuned_at += (f" (paired at {profile_label(paired[0])}, the longest budget with a tuned-NAL "
                         f"table; none yet at {profile_label(paper)})")
            paper, tuned, shorter = *paired, True
        if tuned is None:
            return Outcome(
                Verdict.NOT_CHECKED,
                f"tuning selected NAL rate {rate:g}, but no table with it yet; run: {command}",
                evidence=[tuning_evidence(tuning)],
            )
    base = ordering_outcome(claim, _same_seeds(ctx, paper, tuned), contrasts, experiment, "")
    shown = ordering_outcome(
        claim, tuned, contrasts, experiment, reading, [*table_figures(claim, tuned)]
    )
    changed = [
        f"{mine['contrast']}: {theirs['state']} → {mine['state']}"
        for mine, theirs in zip(shown.data["decisions"], base.data["decisions"])
        if mine["state"] != theirs["state"]
    ]
    verdict_change = (
        "same verdict" if shown.verdict is base.verdict else f"was '{base.verdict.value}'"
    )
    shown.summary = (
        f"with NAL's rate tuned to {rate:g} (paper {tuning['paper_lr']:g}){tuned_at}: {shown.summary}; "
        + (
            f"conclusions change ({verdict_change}): {'; '.join(changed)}"
            if changed
            else "conclusions unchanged"
        )
    )
    shown.evidence = [
        Text(
            "NAL's outer learning rate tuned on training-class validation tasks over the "
            "paper's grid (test classes unused); the table's NAL rows are retrained with it "
            "and its MAML rows are the paper-setting runs."
        ),
        tuning_evidence(tuning),
        *shown.evidence,
    ]
    if shorter:  # evidence about a shorter budget: shown, not deciding (module docstring)
        shown.summary = f"not deciding, a shorter budget: {shown.summary} (would be '{shown.verdict.value}')"
        shown.verdict = Verdict.NOT_CHECKED
    shown.data["tuning"] = {k: tuning[k] for k in ("selected_lr", "paper_lr", "candidates")}
    shown.data["changed_decisions"] = changed
    return shown


@check("S5.OMNI")
def omniglot_with_tuned_nal(ctx: CheckContext) -> Outcome:
    """Table 1's orderings against NAL trained at its tuned rate."""
    return tuned_outcome(ctx, "S5.OMNI", "omniglot", omniglot_contrasts(), omniglot_reading())


@check("S5.CIFAR")
def cifar_with_tuned_nal(ctx: CheckContext) -> Outcome:
    """Table 2's orderings against NAL trained at its tuned rate."""
    return tuned_outcome(
        ctx, "S5.CIFAR", "cifar", cifar_gain_contrasts() + cifar_scarce_contrasts(), CIFAR_READING
    )
