"""Run every configuration of an experiment (resuming finished and checkpointed runs), then tabulate."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from maml_landscape.deep.config import Profile, RunConfig, config_hash
from maml_landscape.deep.data import Pools, load_pools
from maml_landscape.deep.errors import CheckpointError, TrainingDiverged
from maml_landscape.deep.hard_alphabets import DEFAULT_HARD, DEFAULT_HARD_SOURCE
from maml_landscape.deep.plans import PlanOptions, departures, plan_runs
from maml_landscape.deep.results import (
    aggregate,
    failure_path,
    load_table,
    render,
    run_path,
    table_path,
    write_json,
)
from maml_landscape.progress import Progress
from maml_landscape.provenance import provenance
from maml_landscape.validate import printable


@dataclass(frozen=True)
class Paths:
    """Where data come from and where checkpoints and results go.

    ``data_dir`` None: the data set is not at hand; only stored results are read
    (:func:`status.status`, ``deep table``).
    """

    data_dir: Path | None
    results_dir: Path
    checkpoint_dir: Path
    cache_dir: Path | None = None


def table_tag(options: PlanOptions, profile: Profile | None = None) -> str:
    """Suffix of the table name for departures from the paper's settings and the profile's sizes."""
    overrides = list(profile.overrides) if profile is not None else []
    return "-".join([*overrides, *departures(options).values()])


def load_plan(
    experiment: str, profile: Profile, options: PlanOptions, paths: Paths, verify_checksum: bool = False
) -> tuple[Pools, list[RunConfig]]:
    """The experiment's data pools (from ``paths``' data and cache folders) and its planned runs."""
    pools = load_pools(experiment, paths.data_dir, paths.cache_dir, options.split_seed, verify_checksum)
    return pools, plan_runs(experiment, profile, options, alphabets=pools.train.group_names)


def load_run(path: Path, digest: str) -> dict[str, Any] | None:
    """The finished run stored at ``path``, None if there is none; CheckpointError if unusable."""
    if not path.exists():
        return None
    try:
        run = json.loads(path.read_text(encoding="utf-8"))
        usable = isinstance(run, dict) and run.get("config_hash") == digest and "per_task" in run
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        usable = False
    if not usable:
        raise CheckpointError(
            f"run result {printable(path)} is unreadable or not this run's; delete it to "
            "recompute it (its final checkpoint, if kept, skips the training)"
        )
    return run


def result_path(paths: Paths, profile: Profile | str, config: RunConfig) -> Path:
    """Where the result of ``config`` is stored (its name and config hash in the file name)."""
    name = profile if isinstance(profile, str) else profile.name
    return run_path(paths.results_dir, name, config.name, config_hash(config), config.experiment)


def stored_run(paths: Paths, profile: Profile | str, config: RunConfig) -> dict[str, Any] | None:
    """The finished result of ``config`` (:func:`load_run` at :func:`result_path`), None if not done."""
    return load_run(result_path(paths, profile, config), config_hash(config))


def train_and_store(
    config: RunConfig,
    pools: Pools,
    paths: Paths,
    profile: str,
    progress: Progress | None = None,
    stop_after: int | None = None,
    allow_code_change: bool = False,
) -> dict[str, Any]:
    """Train and evaluate one planned run and store its result, or record its failure.

    A run that diverges (NaN/inf) is recorded as failed beside its result path
    (``*.failed.json``, never as done) and raises TrainingDiverged. Every executor
    (inline, local, SLURM) runs a planned run through this function.
    """
    from maml_landscape.deep.train import run_one  # torch is imported only here

    path, digest = result_path(paths, profile, config), config_hash(config)
    try:
        result = run_one(config, pools, paths.checkpoint_dir, progress, stop_after, allow_code_change)
    except TrainingDiverged as error:
        failed = failure_path(path)
        write_json(failed, {"name": config.name, "config_hash": digest, "error": str(error),
                            "provenance": provenance()})
        raise TrainingDiverged(f"{error} (marked failed: {printable(failed)})") from None
    result["provenance"] = provenance()
    result["profile"] = profile
    write_json(path, result)
    failure_path(path).unlink(missing_ok=True)
    return result


def backfill_and_store(
    config: RunConfig, pools: Pools, paths: Paths, profile: str, run: dict[str, Any],
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Add a stored run's missing milestone evaluations by a verified replay and store it.

    See :mod:`maml_landscape.deep.backfill`; the run JSON records the replay's evidence
    under ``backfills``. Raises ReplayMismatch (nothing written) if the replay differs.
    """
    from maml_landscape.deep.backfill import backfill
    from maml_landscape.deep.checkpoints import trajectory_code

    replay = backfill(config, pools, run, progress)
    milestones = {**run.get("milestones", {}), **replay.milestones}
    run = {**run, "milestones": dict(sorted(milestones.items(), key=lambda item: int(item[0])))}
    run["backfills"] = [*run.get("backfills", []), {
        "milestones": [int(m) for m in replay.milestones],
        "curve_points_identical": replay.curve_points_compared,
        "loss_chunks_compared": replay.loss_chunks_compared,
        "largest_relative_loss_difference": replay.largest_loss_difference,
        "trajectory_code": trajectory_code(),
        "provenance": provenance(),
    }]
    write_json(result_path(paths, profile, config), run)
    return run


def run_experiment(
    experiment: str,
    profile: Profile,
    options: PlanOptions,
    paths: Paths,
    verify_checksum: bool = True,
    show_progress: bool = True,
    stop_after: int | None = None,
    allow_code_change: bool = False,
) -> dict[str, Any]:
    """Train and evaluate, in this process, every planned run not yet done; write the tables.

    A finished run that lacks a milestone evaluation of the profile (resumed from a
    checkpoint written before the milestone was asked for) is replayed to it and
    verified (:func:`backfill_and_store`). Returns the table of the full budget
    (:func:`write_tables`).
    """
    from maml_landscape.deep.backfill import missing_milestones

    pools, plan = load_plan(experiment, profile, options, paths, verify_checksum)
    for number, config in enumerate(plan, 1):
        label = f"[{number}/{len(plan)}] {config.name}"
        stored = stored_run(paths, profile, config)
        if stored is None:
            progress = Progress(label, config.iterations, enabled=show_progress)
            train_and_store(config, pools, paths, profile.name, progress, stop_after, allow_code_change)
        elif missing := missing_milestones(config, stored):
            progress = Progress(f"{label}: replay for milestone {', '.join(map(str, missing))}", missing[-1],
                                enabled=show_progress)
            backfill_and_store(config, pools, paths, profile.name, stored, progress)
    return write_tables(experiment, profile, options, paths, pools, plan)


def tabulate(
    experiment: str, profile: Profile, options: PlanOptions, paths: Paths
) -> dict[str, Any]:
    """The tables of whatever runs of the plan are finished (the rest listed as missing)."""
    pools, plan = load_plan(experiment, profile, options, paths)
    return write_tables(experiment, profile, options, paths, pools, plan)


def write_tables(
    experiment: str,
    profile: Profile,
    options: PlanOptions,
    paths: Paths,
    pools: Pools,
    plan: list[RunConfig],
) -> dict[str, Any]:
    """Aggregate the stored runs of ``plan`` into one table per budget; return the full one.

    Runs not finished are listed in the table's ``missing_runs``; it is ``complete`` only
    when none is missing. A stored table that records planned runs whose JSONs are not
    here (a checkout ships the tables, not the run JSONs) is kept, not replaced by one
    with fewer runs.
    """
    runs, missing = [], []
    for config in plan:
        result = stored_run(paths, profile, config)
        (runs.append(result) if result is not None else missing.append(config.name))
    notes = [profile.description, pools.description]
    if experiment == "omniglot":
        notes.append(
            f"hard alphabets: {', '.join(options.hard_alphabets)} ({DEFAULT_HARD_SOURCE if options.hard_alphabets == DEFAULT_HARD else 'user-supplied'})"
        )
    tag = table_tag(options, profile)
    for budget in profile.budgets:  # the last is the full budget; the others are milestones
        at_budget = [r for r in (at_milestone(run, budget) for run in runs) if r is not None]
        table = aggregate(experiment, profile.name, at_budget, len(plan), notes)
        table["budget"] = budget
        table["missing_runs"] = missing + sorted(
            run["name"] for run in runs if at_milestone(run, budget) is None
        )
        table["options"] = {k: v for k, v in vars(options).items()}
        table["overrides"] = list(profile.overrides)
        budget_tag = tag if budget == profile.iterations else "-".join(filter(None, (tag, f"at={budget}")))
        path = table_path(paths.results_dir, experiment, profile.name, budget_tag)
        stored = load_table(path)
        if stored is not None and _loses_runs(stored, table, plan):
            table = stored
            continue
        write_json(path, table)
        table["path"] = str(path)
    return table


def _loses_runs(stored: dict[str, Any], table: dict[str, Any], plan: list[RunConfig]) -> bool:
    """Whether ``stored`` records runs of ``plan`` that ``table`` lacks."""
    planned = {config_hash(config) for config in plan}
    return bool(planned & set(stored["config_hashes"]) - set(table["config_hashes"]))


def at_milestone(run: dict[str, Any], budget: int) -> dict[str, Any] | None:
    """``run`` as evaluated after ``budget`` iterations: itself at its full budget, else the
    milestone evaluation (None when the run has none at ``budget``)."""
    if run["training"]["iterations"] == budget:
        return run
    milestone = run.get("milestones", {}).get(str(budget))
    if milestone is None:
        return None
    training = {"iterations": budget, "seconds": milestone["training_seconds"],
                "final_loss": milestone["final_loss"]}
    return {**run, "per_task": milestone["per_task"], "training": training,
            "learning_curve": [p for p in run.get("learning_curve", []) if p["iteration"] <= budget]}


__all__ = ["Paths", "run_experiment", "tabulate", "train_and_store", "render", "table_tag"]
