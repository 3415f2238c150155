"""Backfilling a finished run's missing milestones by a verified replay (deep/backfill.py)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

pytest.importorskip("torch")

from maml_landscape.deep.backfill import missing_milestones  # noqa: E402
from maml_landscape.deep.errors import ReplayMismatch  # noqa: E402
from maml_landscape.deep.plans import PlanOptions  # noqa: E402
from maml_landscape.deep.results import load_tables  # noqa: E402
from maml_landscape.deep.runner import Paths, load_plan, result_path, run_experiment  # noqa: E402
from tests.test_deep_run import QUERY, SMOKE  # noqa: E402

pytestmark = [pytest.mark.deep, pytest.mark.usefixtures("one_torch_thread")]
PROFILE = replace(SMOKE, iterations=4, milestones=(1, 2, 3), curve_every=1, curve_tasks=2)
OPTIONS = PlanOptions(settings=("small",), algorithms=("nal-1",), query=QUERY)


@pytest.fixture(scope="module")
def omniglot_dir(tmp_path_factory):
    from tests.helpers_deep import make_omniglot

    return make_omniglot(tmp_path_factory.mktemp("omniglot"))


def _finished_run(omniglot_dir, tmp_path):
    """Paths of a finished smoke run, its config, its JSON path and its stored result."""
    paths = Paths(omniglot_dir, tmp_path / "deep", tmp_path / "ckpt", tmp_path / "cache")
    run_experiment("omniglot", PROFILE, OPTIONS, paths, show_progress=False)
    _, (config,) = load_plan("omniglot", PROFILE, OPTIONS, paths)
    path = result_path(paths, PROFILE, config)
    return paths, config, path, json.loads(path.read_text())


def test_a_replay_restores_the_missing_milestones_exactly(omniglot_dir, tmp_path):
    paths, config, path, full = _finished_run(omniglot_dir, tmp_path)
    forgotten = {**full, "milestones": {"1": full["milestones"]["1"]}}
    path.write_text(json.dumps(forgotten))
    for table in paths.results_dir.glob("*.json"):
        table.unlink()
    assert missing_milestones(config, forgotten) == [2, 3]
    run_experiment("omniglot", PROFILE, OPTIONS, paths, show_progress=False)  # replays to 3, trains nothing else
    restored = json.loads(path.read_text())
    for milestone in ("2", "3"):
        assert restored["milestones"][milestone]["per_task"] == full["milestones"][milestone]["per_task"]
        assert restored["milestones"][milestone]["final_loss"] == full["milestones"][milestone]["final_loss"]
        assert restored["milestones"][milestone]["backfilled"] is True
    (record,) = restored["backfills"]
    assert record["milestones"] == [2, 3] and record["curve_points_identical"] == 3
    assert record["largest_relative_loss_difference"] <= 1e-5
    assert restored["per_task"] == full["per_task"]
    tables = {t["budget"]: t for t in load_tables(paths.results_dir)}
    assert sorted(tables) == [1, 2, 3, 4] and all(t["complete"] for t in tables.values())


def test_a_replay_that_is_not_the_stored_trajectory_writes_nothing(omniglot_dir, tmp_path):
    paths, _, path, run = _finished_run(omniglot_dir, tmp_path)
    run["milestones"].pop("3")
    run["learning_curve"][0]["train/easy"] += 1.0  # a stored curve this code cannot reproduce
    path.write_text(json.dumps(run))
    before = path.read_text()
    with pytest.raises(ReplayMismatch, match="learning-curve point at iteration 1 differs"):
        run_experiment("omniglot", PROFILE, OPTIONS, paths, show_progress=False)
    assert path.read_text() == before
