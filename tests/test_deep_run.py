"""Smoke runs on tiny data: training, evaluation, resuming after a kill, results, and the CLI."""

from __future__ import annotations

import argparse
import json
from dataclasses import replace

import pytest

pytest.importorskip("torch")

from maml_landscape.deep.cli import add_subcommands  # noqa: E402
from maml_landscape.deep.config import PROFILES, config_hash  # noqa: E402
from maml_landscape.deep.data import load_pools  # noqa: E402
from maml_landscape.deep.plans import PlanOptions, plan_runs  # noqa: E402
from maml_landscape.deep.results import load_tables  # noqa: E402
from maml_landscape.deep.runner import Paths, run_experiment  # noqa: E402
from maml_landscape.deep.train import RunInterrupted, run_one  # noqa: E402
from tests.helpers_deep import make_cifar, make_omniglot, tiny_alphabets  # noqa: E402

pytestmark = [pytest.mark.deep, pytest.mark.usefixtures("one_torch_thread")]
SMOKE = replace(PROFILES["smoke"], iterations=5, seeds=(0,), eval_tasks=6, checkpoint_every=2)
QUERY = 2  # query images per class, down from 10 to keep the smoke runs at seconds



@pytest.fixture(scope="module")
def omniglot_dir(tmp_path_factory):
    return make_omniglot(tmp_path_factory.mktemp("omniglot"))


def test_killed_run_resumes_to_the_uninterrupted_result(omniglot_dir, tmp_path):
    pools = load_pools("omniglot", omniglot_dir, tmp_path / "cache")
    config = plan_runs(
        "omniglot",
        SMOKE,
        PlanOptions(settings=("large",), algorithms=("maml",), query=QUERY),
        pools.train.group_names,
    )[0]
    straight = run_one(config, pools, tmp_path / "a")
    with pytest.raises(RunInterrupted):
        run_one(config, pools, tmp_path / "b", stop_after=3)  # checkpoint at 2; iteration 3 lost
    resumed = run_one(config, pools, tmp_path / "b")
    for key in ("training", "per_task"):
        straight[key].pop("seconds", None), resumed[key].pop("seconds", None)
        assert straight[key] == resumed[key]
    assert (tmp_path / "b" / f"{config_hash(config)}.pt").exists()


def test_worker_threads_change_neither_training_nor_evaluation(omniglot_dir, tmp_path):
    pools = load_pools("omniglot", omniglot_dir, tmp_path / "cache")
    config = plan_runs(
        "omniglot",
        replace(SMOKE, eval_tasks=40),  # more than one evaluation chunk
        PlanOptions(settings=("large",), algorithms=("maml",), query=QUERY),
        pools.train.group_names,
    )[0]
    one = run_one(config, pools, tmp_path / "a")
    two = run_one(replace(config, workers=2), pools, tmp_path / "b")
    assert one["per_task"] == two["per_task"]
    assert one["training"]["loss_curve"] == two["training"]["loss_curve"]


def test_smoke_experiment_writes_runs_and_a_table(omniglot_dir, tmp_path):
    paths = Paths(omniglot_dir, tmp_path / "out" / "deep", tmp_path / "ckpt", tmp_path / "cache")
    options = PlanOptions(algorithms=("maml", "nal-1"), query=QUERY)
    table = run_experiment(
        "omniglot", replace(SMOKE, iterations=2), options, paths, show_progress=False
    )
    assert table["complete"] and table["done_runs"] == 4
    stored = json.loads((tmp_path / "out" / "deep" / "omniglot-smoke-algorithms=maml+nal-1.json").read_text())
    assert stored["config_hashes"] == table["config_hashes"]
    row = stored["rows"][0]
    assert set(row["cells"]) == {"train/easy", "train/hard", "test/easy", "test/hard"}
    assert stored["provenance"]["libraries"]["torch"]
    again = run_experiment(
        "omniglot", replace(SMOKE, iterations=2), options, paths, show_progress=False
    )  # every run is loaded, none retrained
    assert again["config_hashes"] == table["config_hashes"]


def test_provenance_names_the_code_the_process_imported(monkeypatch):
    """The commit is read once (when training code is imported), not when a result is written."""
    from maml_landscape import provenance

    first = provenance.provenance()
    assert {"commit", "dirty"} <= set(first["git"])
    monkeypatch.setattr(provenance, "_git", lambda *args: "moved-on\n")
    assert provenance.provenance()["git"] == first["git"]


def test_cifar_protocol_runs_on_a_tiny_archive(tmp_path):
    data = make_cifar(tmp_path / "cifar", classes=100, train=20, test=4)
    pools = load_pools("cifar", data, tmp_path / "cache", verify_checksum=False)
    assert pools.train.n_classes == 80 and pools.eval_test.n_classes == 20
    assert (pools.train.per_class, pools.eval_train.per_class) == (18, 6)
    options = PlanOptions(cifar_nk="main", settings=("p=0.99",))
    for config in plan_runs("cifar", replace(SMOKE, iterations=1, eval_tasks=2), options):
        config = replace(config, easy_nk=(2, 2), hard_nk=(4, 1), query=2, nal_per_class=3)
        result = run_one(config, pools, tmp_path / "ckpt")
        assert len(result["per_task"]["test"]["accuracy"]) == 2


def cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="maml-landscape")
    add_subcommands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.handler(args)


def test_cli_missing_data_is_one_line_and_exit_2(tmp_path, capsys):
    assert cli("deep", "run", "cifar", "--data-dir", str(tmp_path), "--quiet") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cifar-100-python.tar.gz" in err[0]
    assert cli("deep", "run", "omniglot", "--data-dir", str(tmp_path / "none")) == 2


def _smoke_arguments(omniglot_dir, tmp_path):
    """The arguments every smoke-profile CLI test shares: tiny data, one seed, one iteration."""
    return ("--profile", "smoke", "--data-dir", str(omniglot_dir), "--cache-dir", str(tmp_path / "cache"),
            "--out-dir", str(tmp_path / "out"), "--seeds", "0", "--iterations", "1")


def test_cli_run_status_and_table(omniglot_dir, tmp_path, capsys):
    common = (*_smoke_arguments(omniglot_dir, tmp_path), "--eval-tasks", "2", "--settings", "small",
              "--algorithms", "maml")
    assert cli("deep", "run", "omniglot", *common, "--quiet") == 0
    assert "small    maml" in capsys.readouterr().out
    assert cli("deep", "status", "omniglot", *common) == 0
    assert "1/1 runs done" in capsys.readouterr().out
    assert cli("deep", "table", "--out-dir", str(tmp_path / "out")) == 0
    assert cli("deep", "run", "omniglot", *common, "--settings", "medium") == 2


def test_select_hard_ranks_every_alphabet(omniglot_dir, tmp_path, capsys):
    common = (*_smoke_arguments(omniglot_dir, tmp_path), "--quiet")
    assert cli("deep", "select-hard", *common, "--tasks-per-alphabet", "1") == 2
    assert "at least 2" in capsys.readouterr().err
    assert cli("deep", "select-hard", *common, "--tasks-per-alphabet", "2") == 0
    outcome = json.loads((tmp_path / "out" / "deep" / "hard-alphabets-smoke.json").read_text())
    assert len(outcome["hard_alphabets"]) == 10
    accuracies = outcome["accuracy_by_alphabet"]
    assert len(accuracies) == sum(map(len, tiny_alphabets()))
    assert list(accuracies)[:10] == outcome["hard_alphabets"]
    assert list(outcome["standard_error_by_alphabet"]) == list(accuracies)
    listed = str(tmp_path / "out" / "deep" / "hard-alphabets-smoke.json")
    assert cli("deep", "status", "omniglot", *common[:-1], "--hard-alphabets", listed) == 0


def test_tune_nal_selects_a_rate_that_run_reads(omniglot_dir, tmp_path, capsys):
    common = (*_smoke_arguments(omniglot_dir, tmp_path), "--eval-tasks", "2", "--quiet")
    narrow = ("--settings", "large", "--algorithms", "maml,nal-1")
    assert cli("deep", "run", "omniglot", *common, *narrow, "--nal-lr", "tuned") == 2
    assert "deep tune-nal omniglot" in capsys.readouterr().err
    grid = ("--grid", "1e-2,1e-6", "--validation-tasks", "3")
    assert cli("deep", "tune-nal", "omniglot", *common, *grid) == 0
    outcome = json.loads((tmp_path / "out" / "deep" / "nal-lr-tuning-omniglot-smoke.json").read_text())
    assert (outcome["setting"], outcome["algorithm"], outcome["seed"]) == ("large", "nal-1", 0)
    scores = {c["lr"]: c["validation_accuracy"] for c in outcome["candidates"]}
    assert set(scores) == {1e-2, 1e-6} and outcome["selected_lr"] == max(scores, key=scores.get)
    assert cli("deep", "run", "omniglot", *common, *narrow, "--nal-lr", "tuned") == 0
    (table,) = load_tables(tmp_path / "out" / "deep")
    assert table["options"]["nal_lr"] == outcome["selected_lr"] and table["complete"]
    assert table["overrides"] == ["iterations=1", "seeds=0", "eval_tasks=2"]
    assert "iterations=1-seeds=0-eval_tasks=2-settings=large-algorithms=maml+nal-1" in table["path"]
    with pytest.raises(SystemExit):
        cli("deep", "tune-nal", "omniglot", *common, "--grid", "fast")
    assert "positive finite number, got 'fast'" in capsys.readouterr().err


def test_changed_profile_sizes_are_labelled_and_stored_apart():
    from maml_landscape.deep.config import with_overrides
    from maml_landscape.deep.runner import table_tag

    cpu = PROFILES["cpu"]
    assert with_overrides(cpu, checkpoint_every=7, iterations=cpu.iterations).overrides == ()
    changed = with_overrides(cpu, iterations=300, seeds=(0,))
    assert changed.overrides == ("iterations=300", "seeds=0")
    assert "OVERRIDDEN here: iterations=300, seeds=0" in changed.description
    assert table_tag(PlanOptions(), changed) == "iterations=300-seeds=0"
    assert table_tag(PlanOptions(nal_lr=1e-3), cpu) == "nal_lr=0.001"
    subset = PlanOptions(settings=("p=0.99", "p=0.01"), algorithms=("maml",))
    assert table_tag(subset, cpu) == "settings=p0.01+p0.99-algorithms=maml"


def test_learning_curve_and_milestones_leave_the_trajectory_alone(omniglot_dir, tmp_path):
    """Scoring curve points and saving milestones mid-run changes no loss and no final score;
    a milestone's evaluation equals that of a run trained to the milestone's budget."""
    pools = load_pools("omniglot", omniglot_dir, tmp_path / "cache")
    options = PlanOptions(settings=("large",), algorithms=("maml",), query=QUERY)
    (plain,) = plan_runs("omniglot", replace(SMOKE, iterations=4), options, pools.train.group_names)
    plain = replace(plain, curve_every=0, milestones=())
    watched = replace(plain, curve_every=1, curve_tasks=3, milestones=(2,))
    (short,) = plan_runs("omniglot", replace(SMOKE, iterations=2), options, pools.train.group_names)
    a = run_one(plain, pools, tmp_path / "a")
    b = run_one(watched, pools, tmp_path / "b")
    c = run_one(replace(short, curve_every=0, milestones=()), pools, tmp_path / "c")
    assert config_hash(plain) == config_hash(watched)
    assert a["training"]["loss_curve"] == b["training"]["loss_curve"]
    assert a["per_task"] == b["per_task"] and a["learning_curve"] == []
    assert [p["iteration"] for p in b["learning_curve"]] == [1, 2, 3, 4]
    assert set(b["learning_curve"][0]) == {"iteration", "train/easy", "train/hard", "test/easy", "test/hard"}
    assert b["milestones"]["2"]["per_task"] == c["per_task"]
    assert b["milestones"]["2"]["final_loss"] == c["training"]["final_loss"]


def test_each_budget_gets_its_table(omniglot_dir, tmp_path):
    from maml_landscape.deep.results import profile_label

    paths = Paths(omniglot_dir, tmp_path / "out" / "deep", tmp_path / "ckpt", tmp_path / "cache")
    options = PlanOptions(settings=("small",), algorithms=("maml",), query=QUERY)
    profile = replace(SMOKE, iterations=3, milestones=(1, 2), curve_every=1, curve_tasks=2)
    run_experiment("omniglot", profile, options, paths, show_progress=False)
    tables = {t["budget"]: t for t in load_tables(paths.results_dir)}
    assert sorted(tables) == [1, 2, 3] and all(t["complete"] for t in tables.values())
    assert tables[1]["path"].endswith("-at=1.json") and "at=" not in tables[3]["path"]
    assert profile_label(tables[2]).startswith("smoke profile, 2 iterations")
    curves = tables[3]["rows"][0]["learning_curves"]["0"]
    assert [p["iteration"] for p in curves] == [1, 2, 3]


def test_curves_command_draws_png_and_pdf(omniglot_dir, tmp_path, capsys):
    common = (*_smoke_arguments(omniglot_dir, tmp_path), "--eval-tasks", "2", "--settings", "small",
              "--algorithms", "maml", "--iterations", "2", "--quiet")
    assert cli("deep", "run", "omniglot", *common) == 0
    assert cli("deep", "curves", "omniglot", "--out-dir", str(tmp_path / "out")) == 0
    written = sorted(p.suffix for p in (tmp_path / "out" / "deep").glob("*-curves.*"))
    assert written == [".pdf", ".png"]
    assert "wrote" in capsys.readouterr().out


def test_holding_from_is_the_first_iteration_after_which_a_contrast_stays_positive():
    from maml_landscape.deep.curves import holding_from

    def row(algorithm, values):
        curve = [{"iteration": 100 * (i + 1), "test/hard": v} for i, v in enumerate(values)]
        return {"setting": "small", "algorithm": algorithm, "learning_curves": {"0": curve}}

    table = {"rows": [row("maml", [50, 60, 55, 70, 80]), row("nal-1", [55, 50, 58, 60, 61])]}
    gap = ((1, "small", "maml", "test/hard"), (-1, "small", "nal-1", "test/hard"))
    assert holding_from(table, gap) == 400  # positive at 200, negative at 300, positive from 400
    assert holding_from(table, tuple((-s, *rest) for s, *rest in gap)) is None


def test_table_of_an_unfinished_plan_names_the_missing_runs(omniglot_dir, tmp_path, capsys):
    common = (*_smoke_arguments(omniglot_dir, tmp_path), "--eval-tasks", "2", "--settings", "small",
              "--algorithms", "maml")
    assert cli("deep", "run", "omniglot", *common, "--quiet") == 0  # seed 0 only
    capsys.readouterr()
    planned = [a if a != "0" or common[i - 1] != "--seeds" else "0,1" for i, a in enumerate(common)]
    assert cli("deep", "table", "omniglot", *planned) == 0
    out = capsys.readouterr().out
    assert "1/2 runs" in out and "INCOMPLETE: 1 of 2 planned runs missing" in out
    assert "omniglot-small-maml-seed1" in out and "seeds done (0)" in out
