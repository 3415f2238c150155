"""Backfill a finished run's missing milestone evaluations by retraining it, verified.

A run resumed from a checkpoint written before its profile asked for a milestone (the
budget ladder's 1,200 was added while runs were training) has no parameters saved at
that milestone, so its table at that budget lacks the run. Training is deterministic
(one torch thread; training draws tasks only from the run's seeded generator), so the
run's first M iterations can be replayed: :func:`backfill` retrains the configuration
from its seed to the last missing milestone in a scratch folder and evaluates there.

The replay is accepted only if it is the stored trajectory: every stored learning-curve
point up to M (accuracy on the fixed curve tasks) must be reproduced exactly and every
chunk of the stored loss curve that lies within M to float32 rounding; else nothing is
written and the reason is raised.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from maml_landscape.deep.config import RunConfig
from maml_landscape.deep.data import Pools
from maml_landscape.deep.errors import ReplayMismatch
from maml_landscape.progress import Progress

#: Relative difference allowed between a replayed and a stored loss-curve chunk mean
#: (float32 sums in another order; a different trajectory differs by far more).
LOSS_TOLERANCE = 1e-5


@dataclass(frozen=True)
class Replay:
    """Evaluations at the backfilled milestones and how the replay was verified."""

    milestones: dict[str, dict[str, Any]]
    curve_points_compared: int
    loss_chunks_compared: int
    largest_loss_difference: float


def missing_milestones(config: RunConfig, run: dict[str, Any]) -> list[int]:
    """The milestones of ``config`` that the stored ``run`` has no evaluation for."""
    return [m for m in config.milestones if str(m) not in run.get("milestones", {})]


def _loss_chunks(total: int, points: int) -> list[np.ndarray]:
    """The iteration indices behind each point of a stored loss curve (train._curve's split)."""
    return np.array_split(np.arange(total), min(points, total))


def verify_replay(run: dict[str, Any], losses: list[float], curve: list[dict[str, Any]]) -> tuple[int, int, float]:
    """Raise ReplayMismatch unless ``losses``/``curve`` retrace the stored ``run``.

    Returns the curve points and loss chunks compared and the largest relative loss
    difference.
    """
    replayed = {p["iteration"]: p for p in curve}
    stored = [p for p in run.get("learning_curve", []) if p["iteration"] in replayed]
    for point in stored:
        if point != replayed[point["iteration"]]:
            raise ReplayMismatch(f"learning-curve point at iteration {point['iteration']} differs: "
                                 f"stored {point}, replayed {replayed[point['iteration']]}")
    chunks = [c for c in _loss_chunks(run["training"]["iterations"], len(run["training"]["loss_curve"]))
              if c[-1] < len(losses)]
    if not (stored or chunks):
        raise ReplayMismatch("the stored run has no learning or loss curve within the replay to compare with")
    differences = [abs(float(np.mean(np.asarray(losses)[chunk])) - mean) / max(abs(mean), 1e-12)
                   for chunk, mean in zip(chunks, run["training"]["loss_curve"])]
    largest = max(differences, default=0.0)
    if not largest <= LOSS_TOLERANCE:  # also refuses NaN
        raise ReplayMismatch(f"the replayed loss differs from the stored loss curve by {largest:.2e} "
                             f"(relative; float rounding stays below {LOSS_TOLERANCE:g})")
    return len(stored), len(chunks), largest


def backfill(config: RunConfig, pools: Pools, run: dict[str, Any], progress: Progress | None = None) -> Replay:
    """Replay ``config`` to its last missing milestone, verify it, evaluate each missing one.

    The replay trains in a scratch folder (its checkpoints are thrown away), with the
    last missing milestone as its budget and the others as its milestones.
    """
    from maml_landscape.deep.checkpoints import check_snapshot  # torch is imported only here
    from maml_landscape.deep.config import config_hash
    from maml_landscape.deep.train import _evaluate_both, milestone_path, samplers, train

    missing = missing_milestones(config, run)
    if not missing:
        return Replay({}, 0, 0, 0.0)
    last = missing[-1]
    short = replace(config, iterations=last, milestones=tuple(m for m in missing if m < last))
    run_samplers = samplers(config, pools)
    with tempfile.TemporaryDirectory(prefix="backfill-") as scratch:
        trained = train(short, run_samplers, Path(scratch), progress)
        compared = verify_replay(run, trained.losses, trained.curve)
        milestones = {}
        for iteration in missing:
            params = trained.params if iteration == last else check_snapshot(
                milestone_path(Path(scratch), short, iteration), config_hash(short), iteration)
            milestones[str(iteration)] = {
                "training_seconds": round(trained.milestone_seconds.get(iteration, trained.seconds), 2),
                "final_loss": trained.losses[iteration - 1],
                "per_task": _evaluate_both(config, trained.model, params, run_samplers),
                "backfilled": True,
            }
    return Replay(milestones, *compared)
