"""The ledger checks of Section 5 on synthetic stored results (no training, no torch)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from maml_landscape.context import CheckContext
from maml_landscape.deep import claimed_orderings, ordering_evidence, orderings, stored_tables
from maml_landscape.deep.checks import cifar, headline, omniglot, tuned_nal
from maml_landscape.deep.hard_alphabets import DEFAULT_HARD
from maml_landscape.deep.intervals import Estimate, combination
from maml_landscape.deep.results import aggregate, table_path, write_json
from maml_landscape.deep.tuning import TUNING_KIND, tuning_path
from maml_landscape.registry import check_name
from maml_landscape.stats import t_quantile
from maml_landscape.verdicts import Outcome, Verdict

pytestmark = pytest.mark.deep


def fake_run(experiment, setting, algorithm, seed, accuracy, rng, tasks=200):
    """A stored run whose per-task accuracies centre on ``accuracy[cell]`` (fractions)."""
    per_task = {}
    for split in ("train", "test"):
        kinds = np.where(rng.random(tasks) < 0.5, "easy", "hard")
        means = np.array([accuracy[f"{split}/{k}"] for k in kinds])
        per_task[split] = {
            "kind": kinds.tolist(),
            "accuracy": np.clip(means + 0.02 * rng.standard_normal(tasks), 0, 1).tolist(),
        }
    config = {"experiment": experiment, "setting": setting, "algorithm": algorithm, "seed": seed}
    return {"config": config, "config_hash": f"{setting}{algorithm}{seed}", "per_task": per_task}


def store(out, experiment, rows, seeds=(0, 1, 2), profile="cpu", nal_lr=1e-6, hard=("A", "B"), overrides=()):
    rng = np.random.default_rng(0)
    runs = [
        fake_run(experiment, s, a, seed, acc, rng) for seed in seeds for (s, a), acc in rows.items()
    ]
    table = aggregate(experiment, profile, runs, len(runs), ["synthetic"])
    table["options"] = {"nal_lr": nal_lr, "hard_alphabets": list(hard), "split_seed": 0}
    table["overrides"] = list(overrides)
    tag = "-".join(filter(None, (*overrides, "" if nal_lr == 1e-6 else f"nal_lr={nal_lr:g}",
                                 "" if hard == ("A", "B") else "hard")))
    write_json(table_path(out / "deep", experiment, profile, tag), table)


def store_tuning(out, experiment, selected, profile="cpu", hard=("A", "B")):
    candidates = [
        {"lr": lr, "validation_accuracy": 90.0 if lr == selected else 50.0,
         "standard_error": 1.0, "final_loss": 0.5}
        for lr in (1e-3, 1e-6)
    ]
    write_json(tuning_path(out / "deep", experiment, profile), {
        "kind": TUNING_KIND, "experiment": experiment, "profile": profile, "setting": "large",
        "algorithm": "nal-1", "seed": 0, "iterations": 600, "validation_tasks": 200,
        "validation": "synthetic", "candidates": candidates, "selected_lr": selected,
        "paper_lr": 1e-6, "task_split": {"hard_alphabets": list(hard), "split_seed": 0},
    })


def cells(easy, hard):
    return {"train/easy": easy, "train/hard": hard, "test/easy": easy, "test/hard": hard}


def omniglot_rows(maml_small_hard):
    rows = {(s, a): cells(0.7, 0.45) for s in ("large", "small") for a in ("nal-1", "nal-10")}
    rows[("large", "maml")] = cells(0.98, 0.80)
    rows[("small", "maml")] = cells(0.98, maml_small_hard)
    return rows


def cifar_rows(hard_gain_at_99):
    rows = {}
    for p, gain in (("p=0.99", hard_gain_at_99), ("p=0.5", 0.3), ("p=0.01", 0.05)):
        rows[(p, "nal")] = cells(0.75, 0.10)
        rows[(p, "maml")] = cells(0.85, 0.10 + gain)
    return rows


@pytest.mark.parametrize("small_hard,expected", [(0.95, Verdict.HOLDS), (0.60, Verdict.FAILS)])
def test_omniglot_verdict_follows_the_measured_orderings(tmp_path, small_hard, expected):
    store(tmp_path, "omniglot", omniglot_rows(small_hard))
    outcome = omniglot.omniglot_orderings(CheckContext("quick", 0, tmp_path))
    assert outcome.verdict is expected
    assert len(outcome.data["printed_decisions"]) == len(outcome.data["decisions"])


@pytest.mark.parametrize("small_hard,expected", [(95.0, "confirmed"), (60.0, "contradicted"), (80.2, "undecided")])
def test_printed_values_are_decided_by_the_same_rule(monkeypatch, small_hard, expected):
    """decide_printed reads a printed (value, ±95%) table: the ordering of the values decides the state."""
    def row(hard):
        return ((70.0, 0.5), (hard, 0.5), (70.0, 0.5), (hard, 0.5))

    printed = {(s, a): row(45.0) for s in ("large", "small") for a in ("nal-1", "nal-10")}
    printed.update({("large", "maml"): row(80.0), ("small", "maml"): row(small_hard)})
    monkeypatch.setitem(orderings.PRINTED, "synthetic", printed)
    decisions = orderings.decide_printed(claimed_orderings.omniglot_contrasts(), "synthetic")
    assert [d.state for d in decisions] == [expected] * len(decisions)


@pytest.mark.parametrize("gain,expected", [(0.4, Verdict.HOLDS), (0.0, Verdict.FAILS)])
def test_cifar_and_hardtrain_verdicts(tmp_path, gain, expected):
    store(tmp_path, "cifar", cifar_rows(gain))
    ctx = CheckContext("quick", 0, tmp_path)
    assert cifar.cifar_orderings(ctx).verdict is expected
    assert cifar.hard_training_matters(ctx).verdict is expected


def test_no_results_or_only_smoke_results_are_not_checked_with_a_command(tmp_path):
    store(tmp_path, "omniglot", omniglot_rows(0.95), profile="smoke")
    outcome = omniglot.omniglot_orderings(CheckContext("quick", 0, tmp_path))
    assert outcome.verdict is Verdict.NOT_CHECKED
    assert "maml-landscape deep run omniglot" in outcome.summary


def test_substitute_results_do_not_decide_s5_cifar(tmp_path):
    store(tmp_path, "omniglot-p", cifar_rows(0.4))
    ctx = CheckContext("quick", 0, tmp_path)
    outcome = cifar.cifar_orderings(ctx)
    assert outcome.verdict is Verdict.NOT_CHECKED and "substitute gives 'holds'" in outcome.summary
    assert cifar.hard_training_matters(ctx).verdict is Verdict.HOLDS


def test_one_seed_undecided_contrast_is_inconclusive(tmp_path):
    store(tmp_path, "omniglot", omniglot_rows(0.8005), seeds=(0,))
    outcome = omniglot.omniglot_orderings(CheckContext("quick", 0, tmp_path))
    assert outcome.verdict is Verdict.NOT_CHECKED and "inconclusive" in outcome.summary


def test_tuned_nal_check_says_what_to_run_until_both_tables_exist(tmp_path):
    ctx = CheckContext("quick", 0, tmp_path)
    store(tmp_path, "omniglot", omniglot_rows(0.95))
    outcome = tuned_nal.omniglot_with_tuned_nal(ctx)
    assert outcome.verdict is Verdict.NOT_CHECKED and "deep tune-nal omniglot" in outcome.summary
    store_tuning(tmp_path, "omniglot", 1e-3)
    outcome = tuned_nal.omniglot_with_tuned_nal(ctx)
    assert outcome.verdict is Verdict.NOT_CHECKED and "--nal-lr tuned" in outcome.summary


def test_tuning_that_keeps_the_paper_rate_changes_no_conclusion(tmp_path):
    ctx = CheckContext("quick", 0, tmp_path)
    store(tmp_path, "omniglot", omniglot_rows(0.95))
    store_tuning(tmp_path, "omniglot", 1e-6)
    outcome = tuned_nal.omniglot_with_tuned_nal(ctx)
    assert outcome.verdict is Verdict.HOLDS and "conclusions unchanged" in outcome.summary


def test_tuned_nal_pairs_at_the_longest_budget_with_both_tables(tmp_path):
    """A longer paper-rate table (cpu-long) whose tuned runs still train: pair at the cpu profile, show it,
    and do not decide the claim with it (the claim is decided at its longest budget)."""
    ctx = CheckContext("quick", 0, tmp_path)
    store(tmp_path, "omniglot", omniglot_rows(0.95))
    store(tmp_path, "omniglot", omniglot_rows(0.95), profile="cpu-long")
    store(tmp_path, "omniglot", omniglot_rows(0.95), nal_lr=1e-3)
    store_tuning(tmp_path, "omniglot", 1e-3)
    assert stored_tables.find_table(ctx, "omniglot")["profile"] == "cpu-long"
    outcome = tuned_nal.omniglot_with_tuned_nal(ctx)
    assert outcome.verdict is Verdict.NOT_CHECKED
    assert outcome.summary.startswith("not deciding, a shorter budget") and "(would be 'holds')" in outcome.summary
    assert "paired at cpu profile" in outcome.summary and "none yet at cpu-long" in outcome.summary
    store(tmp_path, "omniglot", omniglot_rows(0.95), profile="cpu-long", nal_lr=1e-3)
    assert tuned_nal.omniglot_with_tuned_nal(ctx).verdict is Verdict.HOLDS


def test_a_table_with_seeds_added_to_the_profiles_decides_and_pairs_with_its_own_seeds(tmp_path):
    """cpu-long's seeds are 0, 1: a third seed (``seeds=0_1_2``) is better evidence at the same budget
    and outranks the profile's table; fewer seeds or other size overrides never do."""
    from maml_landscape.deep.results import profile_label

    ctx = CheckContext("quick", 0, tmp_path)
    store(tmp_path, "omniglot", omniglot_rows(0.95), seeds=(0, 1), profile="cpu-long")
    store(tmp_path, "omniglot", omniglot_rows(0.95), seeds=(0,), profile="cpu-long", overrides=("seeds=0",))
    store(tmp_path, "omniglot", omniglot_rows(0.95), seeds=(0, 1, 2), profile="cpu-long",
          overrides=("iterations=300",))
    assert stored_tables.find_table(ctx, "omniglot")["overrides"] == []
    store(tmp_path, "omniglot", omniglot_rows(0.95), profile="cpu-long", overrides=("seeds=0_1_2",))
    chosen = stored_tables.find_table(ctx, "omniglot")
    assert chosen["overrides"] == ["seeds=0_1_2"]
    assert profile_label(chosen) == "cpu-long profile, seeds 0, 1, 2 (the profile's: 0, 1)"
    store_tuning(tmp_path, "omniglot", 1e-3)
    store(tmp_path, "omniglot", omniglot_rows(0.95), seeds=(0, 1), profile="cpu-long", nal_lr=1e-3)
    assert tuned_nal._tuned_table(ctx, chosen, 1e-3)["overrides"] == []
    assert tuned_nal._same_seeds(ctx, chosen, tuned_nal._tuned_table(ctx, chosen, 1e-3))["overrides"] == []
    store(tmp_path, "omniglot", omniglot_rows(0.95), profile="cpu-long", nal_lr=1e-3, overrides=("seeds=0_1_2",))
    assert tuned_nal._tuned_table(ctx, chosen, 1e-3)["overrides"] == ["seeds=0_1_2"]


@pytest.mark.parametrize("nal_small_hard,expected", [(0.45, Verdict.HOLDS), (0.75, Verdict.FAILS)])
def test_tuned_nal_decides_the_same_contrasts_and_names_changes(tmp_path, nal_small_hard, expected):
    """A tuned NAL that gains as much as MAML from Small r_H overturns the conclusion."""
    ctx = CheckContext("quick", 0, tmp_path)
    store(tmp_path, "omniglot", omniglot_rows(0.95))
    tuned = omniglot_rows(0.95)
    for nal in ("nal-1", "nal-10"):
        tuned[("small", nal)] = cells(0.7, nal_small_hard)
    store(tmp_path, "omniglot", tuned, nal_lr=1e-3)
    store_tuning(tmp_path, "omniglot", 1e-3)
    outcome = tuned_nal.omniglot_with_tuned_nal(ctx)
    assert outcome.verdict is expected
    assert ("conclusions change" in outcome.summary) is (expected is Verdict.FAILS)
    assert outcome.data["tuning"]["selected_lr"] == 1e-3


def test_shipped_hard_alphabets_decide_and_other_lists_show_the_dependence(tmp_path):
    """The paper prints no hard-alphabet list: the shipped one decides, others are shown."""
    store(tmp_path, "omniglot", omniglot_rows(0.60))
    store(tmp_path, "omniglot", omniglot_rows(0.95), hard=DEFAULT_HARD)
    outcome = omniglot.omniglot_orderings(CheckContext("quick", 0, tmp_path))
    assert outcome.verdict is Verdict.HOLDS
    assert any(c.name == "hard alphabets" and "Oriya" in str(c.value) for c in outcome.choices)
    sensitivity = [e for e in outcome.evidence if "hard-alphabet list" in getattr(e, "caption", "")]
    assert [row[1] for row in sensitivity[0].rows] == ["holds", "fails"]


def test_tuned_nal_pairs_only_tables_and_tunings_of_the_same_tasks(tmp_path):
    """A tuned table or a tuning made with other hard alphabets is another environment."""
    ctx = CheckContext("quick", 0, tmp_path)
    store(tmp_path, "omniglot", omniglot_rows(0.95))
    store(tmp_path, "omniglot", omniglot_rows(0.95), nal_lr=1e-3, hard=("B", "A"))
    store_tuning(tmp_path, "omniglot", 1e-3)
    outcome = tuned_nal.omniglot_with_tuned_nal(ctx)
    assert outcome.verdict is Verdict.NOT_CHECKED and "no table with it yet" in outcome.summary
    store(tmp_path, "omniglot", omniglot_rows(0.95), nal_lr=1e-3)
    assert tuned_nal.omniglot_with_tuned_nal(ctx).verdict is Verdict.HOLDS
    store_tuning(tmp_path, "omniglot", 1e-3, hard=("C", "D"))
    outcome = tuned_nal.omniglot_with_tuned_nal(ctx)
    assert outcome.verdict is Verdict.NOT_CHECKED and "tuned on other tasks" in outcome.summary


@pytest.mark.parametrize(
    "two_layer,maml_small_hard,cifar_gain,expected",
    [
        (Verdict.HOLDS, 0.95, 0.4, Verdict.HOLDS),
        (Verdict.APPROXIMATE, 0.95, 0.4, Verdict.APPROXIMATE),
        (Verdict.HOLDS, 0.60, 0.4, Verdict.FAILS),
        (Verdict.NOT_CHECKED, 0.95, 0.4, Verdict.NOT_CHECKED),
        (Verdict.HOLDS, 0.95, None, Verdict.NOT_CHECKED),
    ],
)
def test_h_nonlinear_needs_both_halves(
    tmp_path, monkeypatch, two_layer, maml_small_hard, cifar_gain, expected
):
    """Two-layer half from S4.THM1/S4.FIG4's outcomes (stubs given as ``needed``), CNN half from the tables."""
    store(tmp_path, "omniglot", omniglot_rows(maml_small_hard))
    if cifar_gain is not None:
        store(tmp_path, "omniglot-p", cifar_rows(cifar_gain))
    ctx = CheckContext("quick", 0, tmp_path)
    tuned = tuned_nal.omniglot_with_tuned_nal(ctx)
    needed = {claim: {"stub": Outcome(two_layer, claim)} for claim in headline.TWO_LAYER_CLAIMS}
    needed["S5.OMNI"] = {check_name(tuned_nal.omniglot_with_tuned_nal): tuned}
    outcome = headline.insights_carry_over(ctx, needed)
    assert outcome.verdict is expected
    assert ("needs both halves" in outcome.summary) is (expected is Verdict.NOT_CHECKED)


def test_nal_loss_is_shown_beside_the_label_permutation_floor():
    import math

    omniglot = {"p_hard": 0.5, "easy_nk": (5, 1), "hard_nk": (5, 1)}
    cifar = {"p_hard": 0.99, "easy_nk": (2, 50), "hard_nk": (20, 5)}
    assert ordering_evidence.label_permutation_floor(omniglot) == pytest.approx(math.log(5))
    assert ordering_evidence.label_permutation_floor(cifar) == pytest.approx(
        0.99 * math.log(20) + 0.01 * math.log(2)
    )
    row = {"setting": "large", "algorithm": "nal-1", "loss_curves": [[2.0, 1.7], [2.0, 1.9]]}
    config = {"setting": "large", "algorithm": "nal-1", "train_inner_steps": 0, **omniglot}
    note = ordering_evidence.nal_loss_note({"rows": [row], "configs": {"h": config}})
    assert "large nal-1 1.800 (floor 1.609)" in note.text
    assert ordering_evidence.nal_loss_note({"rows": [{**row, "loss_curves": None}], "configs": {}}) is None


def test_intervals():
    assert t_quantile(0.975, 1) == pytest.approx(12.7062047, rel=1e-7)
    assert t_quantile(0.975, 10) == pytest.approx(2.2281389, rel=1e-7)
    a, b = Estimate(1.0, 0.04, 4), Estimate(0.5, 0.01, 9)
    welch = combination([(1, a), (-1, b)])
    assert welch.mean == pytest.approx(0.5) and welch.variance_of_mean == pytest.approx(0.05)
    assert welch.df == pytest.approx(0.05**2 / (0.04**2 / 4 + 0.01**2 / 9))


def test_check_module_does_not_import_torch():
    code = (
        "import sys, maml_landscape.deep.checks.headline, maml_landscape.deep.checks.tuned_nal,"
        " maml_landscape.deep.cli;"
        "sys.exit('torch' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_budget_ladder_lists_every_budget_and_extrapolates_only_a_shrinking_gap(tmp_path):
    from maml_landscape.deep.budget_ladder import budget_ladder, extrapolation

    for budget, maml_small_hard in ((600, 0.85), (1200, 0.90), (2000, 0.93)):
        rng = np.random.default_rng(budget)
        runs = [fake_run("omniglot", s, a, seed, acc, rng)
                for seed in (0, 1) for (s, a), acc in omniglot_rows(maml_small_hard).items()]
        table = aggregate("omniglot", "cpu-long", runs, len(runs), ["synthetic"])
        table["budget"] = budget
        table["options"] = {"nal_lr": 1e-6, "hard_alphabets": ["A", "B"], "split_seed": 0}
        tag = "" if budget == 2000 else f"at={budget}"
        write_json(table_path(tmp_path / "deep", "omniglot", "cpu-long", tag), table)
    outcome = omniglot.omniglot_orderings(CheckContext(profile="quick", seed=0, out_dir=tmp_path))
    assert outcome.verdict is Verdict.HOLDS and "2,000 iterations" in outcome.summary
    chosen = stored_tables.find_table(CheckContext(profile="quick", seed=0, out_dir=tmp_path), "omniglot")
    ladder, text = budget_ladder(CheckContext(profile="quick", seed=0, out_dir=tmp_path), chosen,
                                 claimed_orderings.omniglot_contrasts())
    assert [row[0] for row in ladder.rows] == ["600", "1,200", "2,000"]
    assert all("confirmed" in cell for row in ladder.rows for cell in row[2:5])
    assert ladder.headers[-3:] == tuple(f"{a}: mean |measured − paper|" for a in ("maml", "nal-1", "nal-10"))
    assert text.text.count("maml: ") == 1 and "nal-10: " in text.text
    assert "cannot be extrapolated" in extrapolation([(600, 5.0), (1200, 6.0), (2000, 4.0)])
    shrinking = extrapolation([(600, 8.0), (1200, 4.0), (2400, 2.0)])
    assert "gap ∝ budget^-1.00" in shrinking and "50% per doubling" in shrinking
    assert "too few" in extrapolation([(600, 8.0)])


def test_tables_of_different_hard_alphabet_lists_get_different_names():
    """Two user lists (or one list in another order, which changes the split) never share a table file."""
    from maml_landscape.deep.plans import PlanOptions, departures

    names = {departures(PlanOptions(hard_alphabets=hard))["hard_alphabets"]
             for hard in (("A", "B"), ("B", "A"), ("A", "C"))}
    assert len(names) == 3 and all(n.startswith("hard=") for n in names)
    assert "hard_alphabets" not in departures(PlanOptions())
