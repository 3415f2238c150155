"""Run every configuration of an experiment (resuming finished and checkpointed runs), then tabulate."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from maml_landscape.deep.config import PAPER_NAL_LR, Profile, RunConfig, config_hash
from maml_landscape.deep.data import Pools, load_pools
from maml_landscape.deep.hard_alphabets import DEFAULT_HARD, DEFAULT_HARD_SOURCE
from maml_landscape.deep.plans import PlanOptions, plan_runs
from maml_landscape.deep.results import (
    aggregate,
    provenance,
    render,
    run_path,
    table_path,
    write_json,
)
from maml_landscape.progress import Progress


@dataclass(frozen=True)
class Paths:
    """Where data come from and where checkpoints and results go."""

    data_dir: Path
    results_dir: Path
    checkpoint_dir: Path
    cache_dir: Path | None = None


def table_tag(options: PlanOptions, profile: Profile | None = None) -> str:
    """Suffix of the table name for departures from the paper's settings and the profile's sizes."""
    parts = list(profile.overrides) if profile is not None else []
    if options.nal_lr != PAPER_NAL_LR:
        parts.append(f"nal_lr={options.nal_lr:g}")
    if options.first_order:
        parts.append("first_order")
    if options.cifar_nk != "c5":
        parts.append(f"nk={options.cifar_nk}")
    if options.hard_alphabets != DEFAULT_HARD:
        parts.append("hard=custom")
    for name in ("settings", "algorithms"):
        chosen = getattr(options, name)
        if chosen is not None:
            parts.append(f"{name}=" + "+".join(sorted(c.replace("=", "") for c in chosen)))
    return "-".join(parts)


def plan_for(
    experiment: str, profile: Profile, options: PlanOptions, pools: Pools
) -> list[RunConfig]:
    return plan_runs(experiment, profile, options, alphabets=pools.train.group_names)


def load_run(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return None


def run_experiment(
    experiment: str,
    profile: Profile,
    options: PlanOptions,
    paths: Paths,
    verify_checksum: bool = True,
    show_progress: bool = True,
    stop_after: int | None = None,
) -> dict[str, Any]:
    """Train and evaluate every planned run not yet done, then write and return the table."""
    from maml_landscape.deep.train import run_one  # torch is imported only here

    pools = load_pools(
        experiment, paths.data_dir, paths.cache_dir, options.split_seed, verify_checksum
    )
    plan = plan_for(experiment, profile, options, pools)
    runs = []
    for number, config in enumerate(plan, 1):
        path = run_path(
            paths.results_dir, profile.name, config.name, config_hash(config), experiment
        )
        result = load_run(path)
        if result is None:
            label = f"[{number}/{len(plan)}] {config.name}"
            progress = Progress(label, config.iterations, enabled=show_progress)
            result = run_one(config, pools, paths.checkpoint_dir, progress, stop_after)
            result["provenance"] = provenance()
            result["profile"] = profile.name
            write_json(path, result)
        runs.append(result)
    notes = [profile.description, pools.description]
    if experiment == "omniglot":
        notes.append(
            f"hard alphabets: {', '.join(options.hard_alphabets)} ({DEFAULT_HARD_SOURCE if options.hard_alphabets == DEFAULT_HARD else 'user-supplied'})"
        )
    table = aggregate(experiment, profile.name, runs, len(plan), notes)
    table["options"] = {k: v for k, v in vars(options).items()}
    table["overrides"] = list(profile.overrides)
    tag = table_tag(options, profile)
    write_json(table_path(paths.results_dir, experiment, profile.name, tag), table)
    return table


def status(
    experiment: str, profile: Profile, options: PlanOptions, paths: Paths
) -> list[tuple[str, str]]:
    """(run name, state) for every planned run: ``done``, ``checkpoint k/N`` or ``to do``."""
    pools = load_pools(experiment, paths.data_dir, paths.cache_dir, options.split_seed, False)
    states = []
    for config in plan_for(experiment, profile, options, pools):
        digest = config_hash(config)
        if run_path(paths.results_dir, profile.name, config.name, digest, experiment).exists():
            states.append((config.name, "done"))
        elif (paths.checkpoint_dir / f"{digest}.pt").exists():
            states.append((config.name, "checkpointed (resumes)"))
        else:
            states.append((config.name, "to do"))
    return states


__all__ = ["Paths", "run_experiment", "status", "render", "table_tag"]
