"""Tune NAL's outer learning rate on training classes, over the paper's grid {1e-2, ..., 1e-6}.

App. C.4-C.5 say the outer learning rate was "chosen from {1e-2, ..., 1e-6}" and report
1e-6 for NAL. With Adam, 1e-6 moves each weight by at most about 1e-6 per step, so NAL
at the paper's setting is close to its random initialisation plus one adaptation step.
This module retrains NAL at every rate of the grid with the experiment's own
configuration (one setting, one NAL variant, one seed), scores each on *validation*
tasks from training classes (a task stream distinct from the reported evaluation; test
classes are never looked at), and selects the best. ``maml-landscape deep run ...
--nal-lr tuned`` then reruns the table's NAL rows with it, and the S5.OMNI check reports
whether the conclusions change.

A candidate's configuration equals the table's run at that rate, so the paper's rate
and the selected rate reuse (and leave) checkpoints for the table runs.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import numpy as np

from maml_landscape.deep.config import PAPER_NAL_LR, Profile, with_overrides
from maml_landscape.deep.data import load_pools, samplers
from maml_landscape.deep.errors import TrainingDiverged
from maml_landscape.deep.plans import PlanOptions, plan_runs, task_split
from maml_landscape.deep.runner import Paths
from maml_landscape.progress import Progress
from maml_landscape.provenance import provenance

#: The paper's grid of outer learning rates (App. C.4).
PAPER_GRID = (1e-2, 1e-3, 1e-4, 1e-5, 1e-6)
#: Evaluation task stream of the validation draw (the reported evaluation uses 0 and 1).
VALIDATION_STREAM = 2
TUNING_KIND = "maml-landscape NAL learning-rate tuning"


def tuning_path(results_dir: Path, experiment: str, profile: str) -> Path:
    return results_dir / f"nal-lr-tuning-{experiment}-{profile}.json"


def load_tuning(results_dir: Path, experiment: str, profile: str) -> dict[str, Any] | None:
    """The stored tuning outcome, or None when there is none (or it is unreadable)."""
    try:
        payload = json.loads(tuning_path(results_dir, experiment, profile).read_text())
    except (OSError, json.JSONDecodeError):
        return None
    return payload if isinstance(payload, dict) and payload.get("kind") == TUNING_KIND else None


def tuned_rate(results_dir: Path, experiment: str, profile: str) -> float:
    """The selected rate of a stored tuning, or a ValueError that says how to produce one."""
    outcome = load_tuning(results_dir, experiment, profile)
    if outcome is None:
        raise ValueError(
            f"no NAL tuning for {experiment} ({profile} profile) in {results_dir}; run "
            f"'maml-landscape deep tune-nal {experiment} --profile {profile} --data-dir DIR' first"
        )
    return float(outcome["selected_lr"])


def tune_nal(
    experiment: str,
    profile: Profile,
    options: PlanOptions,
    paths: Paths,
    grid: tuple[float, ...] = PAPER_GRID,
    validation_tasks: int = 200,
    show_progress: bool = True,
    verify_checksum: bool = True,
    allow_code_change: bool = False,
) -> dict[str, Any]:
    """Train NAL at every rate of ``grid``, score on training-class validation tasks, pick the best.

    Tunes the plan's first NAL run: the first setting and NAL variant that ``options``
    allow (``large`` and ``nal-1`` on Omniglot) and the profile's first seed.
    A rate at which training diverges is recorded as such and not selected.
    Returns the JSON-ready outcome.
    """
    from maml_landscape.deep.train import evaluate, train  # torch is imported only here

    if not grid or any(not (rate > 0 and math.isfinite(rate)) for rate in grid):
        raise ValueError(f"the grid needs positive finite learning rates, got {grid}")
    if validation_tasks < 2:
        raise ValueError(f"validation_tasks must be ≥ 2, got {validation_tasks}")
    pools = load_pools(
        experiment, paths.data_dir, paths.cache_dir, options.split_seed, verify_checksum
    )
    seed = profile.seeds[0]
    one = with_overrides(profile, seeds=(seed,))
    candidates = []
    for rate in grid:
        configs = [
            c
            for c in plan_runs(
                experiment, one, replace(options, nal_lr=rate), pools.train.group_names
            )
            if c.is_nal
        ]
        if not configs:
            raise ValueError(f"the chosen algorithms of {experiment} include no NAL variant")
        config = configs[0]
        run_samplers = samplers(config, pools)
        progress = Progress(
            f"tune-nal {config.name} lr={rate:g}", config.iterations, enabled=show_progress
        )
        try:
            trained = train(
                config, run_samplers, paths.checkpoint_dir, progress, None, allow_code_change
            )
        except TrainingDiverged as error:
            candidates.append({"lr": rate, "run": config.name, "diverged": str(error)})
            continue
        scored = evaluate(
            replace(config, eval_tasks=validation_tasks),
            trained.model,
            trained.params,
            run_samplers.eval_train,
            VALIDATION_STREAM,
        )
        accuracy = 100 * np.asarray(scored["accuracy"])
        candidates.append(
            {
                "lr": rate,
                "run": config.name,
                "validation_accuracy": float(accuracy.mean()),
                "standard_error": float(accuracy.std(ddof=1) / math.sqrt(len(accuracy))),
                "final_loss": trained.losses[-1],
                "training_seconds": round(trained.seconds, 1),
            }
        )
    scored = [c for c in candidates if "diverged" not in c]
    if not scored:
        raise TrainingDiverged(
            f"NAL diverged at every rate of the grid {', '.join(f'{r:g}' for r in grid)}; "
            "try smaller rates with --grid"
        )
    best = max(scored, key=lambda c: c["validation_accuracy"])
    return {
        "kind": TUNING_KIND,
        "experiment": experiment,
        "profile": profile.name,
        "setting": config.setting,
        "algorithm": config.algorithm,
        "seed": seed,
        "task_split": task_split(asdict(options)) if experiment == "omniglot" else None,
        "iterations": config.iterations,
        "validation_tasks": validation_tasks,
        "validation": "tasks from training classes (easy/hard equally likely), "
        f"evaluation stream {VALIDATION_STREAM}; test classes unused",
        "candidates": candidates,
        "selected_lr": best["lr"],
        "paper_lr": PAPER_NAL_LR,
        "provenance": provenance(),
    }
