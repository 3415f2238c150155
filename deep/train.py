"""Train one configuration (MAML or NAL) with checkpoints, then evaluate it as in App. C.4.

Resumable: every ``checkpoint_every`` iterations the parameters, Adam state, iteration
and both random states are written atomically to ``<checkpoint_dir>/<hash>.pt``; a
restarted run continues from there and ends with exactly the result of an
uninterrupted run (training draws tasks only from the saved numpy generator).
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch

from maml_landscape.atomic import write_bytes_atomically
from maml_landscape.deep.checkpoints import (
    check_checkpoint,
    check_snapshot,
    checkpoint_path,
    trajectory_code,
)
from maml_landscape.deep.config import RunConfig, config_hash
from maml_landscape.deep.data import Pools, Samplers, samplers
from maml_landscape.deep.errors import TrainingDiverged
from maml_landscape.deep.meta import TaskBatch, adapted_accuracy, map_tasks, meta_gradient
from maml_landscape.deep.model import Conv4, Params, init_params
from maml_landscape.deep.pools import ClassPool
from maml_landscape.deep.tasks import Task, TaskSampler
from maml_landscape.progress import Progress
from maml_landscape.provenance import git_state

#: Stream ids of the per-run numpy generators: training tasks, evaluation tasks.
TRAIN_STREAM, EVAL_STREAM = 1, 2
#: Evaluation streams of the fixed learning-curve tasks (training classes, test classes);
#: the final evaluation uses 0 and 1, NAL tuning's validation 2.
CURVE_STREAMS = {"train": 10, "test": 11}
LOSS_CURVE_POINTS = 50
#: Evaluation tasks drawn and held in memory at a time.
EVAL_CHUNK = 32

git_state()  # pin the commit of the code this process trains with (maml_landscape.provenance)


class RunInterrupted(Exception):
    """Raised by ``stop_after`` (tests simulate a killed run with it)."""


def task_tensors(pool: ClassPool, task: Task, dtype: torch.dtype, device: str) -> TaskBatch:
    """The images of ``task`` scaled to [0, 1], class-major, labels = class positions."""

    def images(index: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        picked = pool.images[task.classes[:, None], index]  # [N, k, C, H, W]
        x = torch.from_numpy(picked.reshape(-1, *picked.shape[2:])).to(device=device, dtype=dtype)
        y = torch.arange(len(task.classes), device=device).repeat_interleave(index.shape[1])
        return x / 255.0, y

    support_x, support_y = images(task.support)
    query_x, query_y = images(task.query)
    return TaskBatch(support_x, support_y, query_x, query_y, len(task.classes), task.kind)


def build_model(config: RunConfig, run_samplers: Samplers) -> Conv4:
    """Conv4 sized for the run's images, head as wide as its widest task (first N logits used)."""
    shape = run_samplers.train.pool.images.shape
    width = max(
        s.max_way for s in (run_samplers.train, run_samplers.eval_train, run_samplers.eval_test)
    )
    return Conv4(in_channels=shape[2], image_size=shape[3], n_out=width).to(config.device)


def _save(path: Path, state: dict[str, Any]) -> None:
    write_bytes_atomically(path, lambda f: torch.save(state, f))


def _check_finite(config: RunConfig, iteration: int, loss: float, grads: Params) -> None:
    """Stop a run whose loss or meta-gradient is NaN or infinite (never store such a result)."""
    finite = math.isfinite(loss) and bool(
        torch.stack([g.isfinite().all() for g in grads.values()]).all()
    )
    if not finite:
        raise TrainingDiverged(
            f"{config.name} diverged at iteration {iteration}: loss {loss:g} or its gradient is "
            f"NaN/inf (outer lr {config.outer_lr:g}, inner lr {config.inner_lr:g}); lower "
            "--maml-lr/--nal-lr/--inner-lr"
        )


@dataclass
class Trained:
    """What training hands to evaluation.

    ``curve``: learning-curve points (:func:`curve_point`); ``milestone_seconds``:
    training seconds at each milestone (its parameters are saved by
    :func:`milestone_path`); ``resumed_code``: the trajectory code of the checkpoint it
    resumed from (None for a fresh start).
    """

    model: Conv4
    params: Params
    losses: list[float]
    seconds: float
    resumed_code: str | None
    curve: list[dict[str, Any]]
    milestone_seconds: dict[int, float]


def milestone_path(checkpoint_dir: Path, config: RunConfig, iteration: int) -> Path:
    """The parameters of a run at a milestone: ``<hash>-at<iteration>.pt``."""
    return Path(checkpoint_dir) / f"{config_hash(config)}-at{iteration}.pt"


def curve_point(
    config: RunConfig, model: Conv4, params: Params, run_samplers: Samplers, iteration: int
) -> dict[str, Any]:
    """Accuracy (%) per class set and task kind on the run's fixed learning-curve tasks.

    The same ``curve_tasks`` tasks per class set at every point (streams
    :data:`CURVE_STREAMS`), scored like the final evaluation; it reads θ and changes
    nothing that training uses.
    """
    point: dict[str, Any] = {"iteration": iteration}
    small = replace(config, eval_tasks=config.curve_tasks)
    for split, sampler in (("train", run_samplers.eval_train), ("test", run_samplers.eval_test)):
        scored = evaluate(small, model, params, sampler, CURVE_STREAMS[split])
        kinds, accuracy = np.asarray(scored["kind"]), 100 * np.asarray(scored["accuracy"])
        for kind in ("easy", "hard"):
            chosen = accuracy[kinds == kind]
            point[f"{split}/{kind}"] = round(float(chosen.mean()), 3) if len(chosen) else None
    return point


def train(
    config: RunConfig,
    run_samplers: Samplers,
    checkpoint_dir: Path,
    progress: Progress | None = None,
    stop_after: int | None = None,
    allow_code_change: bool = False,
) -> Trained:
    """Train, resuming from a verified checkpoint if one exists.

    Every ``curve_every`` iterations (and at the end) a learning-curve point is scored;
    at each milestone the parameters are saved for a full evaluation. Training seconds
    leave the learning-curve scoring out. Raises TrainingDiverged on a NaN/inf loss or
    gradient (the last checkpoint is kept, the run is not finished) and CheckpointError
    for a checkpoint of another configuration or code (:mod:`checkpoints`).
    """
    dtype = getattr(torch, config.dtype)
    model = build_model(config, run_samplers)
    generator = torch.Generator().manual_seed(config.seed)
    params = {
        k: v.to(config.device).requires_grad_(True)
        for k, v in init_params(model, generator, dtype).items()
    }
    optimizer = torch.optim.Adam(params.values(), lr=config.outer_lr)
    rng = np.random.default_rng([config.seed, TRAIN_STREAM])
    losses: list[float] = []
    curve: list[dict[str, Any]] = []
    milestone_seconds: dict[int, float] = {}
    start, seconds, resumed_code = 0, 0.0, None
    path = checkpoint_path(checkpoint_dir, config_hash(config))
    if path.exists():
        checked = check_checkpoint(path, config_hash(config), config.iterations, allow_code_change)
        state, resumed_code = checked.state, checked.code or "unrecorded"
        with torch.no_grad():
            for name, value in params.items():
                value.copy_(state["params"][name])
        optimizer.load_state_dict(state["optimizer"])
        rng.bit_generator.state = state["rng"]
        torch.set_rng_state(state["torch_rng"])
        start, losses, seconds = state["iteration"], state["losses"], state["seconds"]
        curve = list(state.get("curve", []))
        milestone_seconds = {int(k): v for k, v in state.get("milestone_seconds", {}).items()}
    begun = time.monotonic()

    def elapsed() -> float:
        return seconds + time.monotonic() - begun

    pool = run_samplers.train.pool
    for iteration in range(start, config.iterations):
        tasks = [
            task_tensors(pool, run_samplers.train.sample(rng), dtype, config.device)
            for _ in range(config.meta_batch)
        ]
        loss, grads = meta_gradient(
            model,
            params,
            tasks,
            config.inner_lr,
            config.train_inner_steps,
            config.first_order,
            workers=config.workers,
        )
        done = iteration + 1
        _check_finite(config, done, loss, grads)
        for name, value in params.items():
            value.grad = grads[name]
        try:
            optimizer.step()
        except RuntimeError as error:  # e.g. a step size beyond the parameters' dtype
            raise TrainingDiverged(
                f"{config.name} diverged at iteration {done}: the optimiser step failed "
                f"({str(error)[:80]}); lower the learning rates"
            ) from None
        losses.append(loss)
        if done in config.milestones:
            milestone_seconds[done] = elapsed()
            _save(
                milestone_path(checkpoint_dir, config, done),
                {"hash": config_hash(config), "code": trajectory_code(), "iteration": done,
                 "params": {k: v.detach().cpu() for k, v in params.items()}},
            )
        if config.curve_every and (done % config.curve_every == 0 or done == config.iterations):
            scoring = time.monotonic()
            curve.append(curve_point(config, model, params, run_samplers, done))
            begun += time.monotonic() - scoring  # training seconds leave the scoring out
        if done % config.checkpoint_every == 0 or done == config.iterations:
            _save(
                path,
                {
                    "hash": config_hash(config),
                    "code": trajectory_code(),
                    "iteration": done,
                    "params": {k: v.detach().cpu() for k, v in params.items()},
                    "optimizer": optimizer.state_dict(),
                    "rng": rng.bit_generator.state,
                    "torch_rng": torch.get_rng_state(),
                    "losses": losses,
                    "seconds": elapsed(),
                    "curve": curve,
                    "milestone_seconds": {str(k): v for k, v in milestone_seconds.items()},
                },
            )
        if progress is not None:
            progress.update(done, f"loss {loss:.3f}")
        if stop_after is not None and done >= stop_after and done < config.iterations:
            raise RunInterrupted(f"stopped after iteration {done}")
    return Trained(model, params, losses, elapsed(), resumed_code, curve, milestone_seconds)


def evaluate(
    config: RunConfig, model: Conv4, params: Params, sampler: TaskSampler, stream: int
) -> dict[str, list]:
    """Accuracy after ``test_inner_steps`` adaptation steps on ``eval_tasks`` fresh tasks.

    The tasks depend only on the seed and the class set, so every algorithm of one seed
    is evaluated on the same tasks (paired comparisons). Tasks are drawn in order and
    scored ``EVAL_CHUNK`` at a time on ``config.workers`` threads.
    """
    rng = np.random.default_rng([config.seed, EVAL_STREAM, stream])
    dtype = getattr(torch, config.dtype)
    kinds, accuracies = [], []
    for first in range(0, config.eval_tasks, EVAL_CHUNK):
        tasks = [sampler.sample(rng) for _ in range(min(EVAL_CHUNK, config.eval_tasks - first))]
        batches = [task_tensors(sampler.pool, task, dtype, config.device) for task in tasks]
        accuracies += score_tasks(config, model, params, batches)
        kinds += [task.kind for task in tasks]
    return {"kind": kinds, "accuracy": accuracies}


def score_tasks(
    config: RunConfig, model: Conv4, params: Params, batches: list[TaskBatch]
) -> list[float]:
    """Query accuracy of each task after the run's test-time adaptation, on its workers."""

    def score(batch: TaskBatch, shell: torch.nn.Module) -> float:
        return adapted_accuracy(shell, params, batch, config.inner_lr, config.test_inner_steps)

    return list(map_tasks(model, score, batches, config.workers))


def _curve(losses: list[float]) -> list[float]:
    chunks = np.array_split(np.asarray(losses), min(LOSS_CURVE_POINTS, len(losses)))
    return [round(float(c.mean()), 5) for c in chunks]


def run_one(
    config: RunConfig,
    pools: Pools,
    checkpoint_dir: Path,
    progress: Progress | None = None,
    stop_after: int | None = None,
    allow_code_change: bool = False,
) -> dict[str, Any]:
    """Train and evaluate one configuration; the result dict of :mod:`results` (no provenance).

    ``trajectory_code`` records the training code; ``resumed_from_code`` the code of the
    checkpoint it resumed from when that differs (``--allow-code-change``).
    """
    run_samplers = samplers(config, pools)
    trained = train(config, run_samplers, checkpoint_dir, progress, stop_after, allow_code_change)
    began = time.monotonic()
    per_task = _evaluate_both(config, trained.model, trained.params, run_samplers)
    milestones = {}
    for iteration in config.milestones:
        snapshot = milestone_path(checkpoint_dir, config, iteration)
        if not snapshot.exists() or iteration not in trained.milestone_seconds:
            continue  # resumed from a checkpoint written before this milestone was asked for
        saved = check_snapshot(snapshot, config_hash(config), iteration)
        params = {k: v.to(config.device) for k, v in saved.items()}
        milestones[str(iteration)] = {
            "training_seconds": round(trained.milestone_seconds[iteration], 2),
            "final_loss": trained.losses[iteration - 1],
            "per_task": _evaluate_both(config, trained.model, params, run_samplers),
        }
    losses = trained.losses
    return {
        "name": config.name,
        "config": asdict(config),
        "config_hash": config_hash(config),
        "training": {
            "iterations": len(losses),
            "seconds": round(trained.seconds, 2),
            "final_loss": losses[-1],
            "loss_curve": _curve(losses),
        },
        "evaluation_seconds": round(time.monotonic() - began, 2),
        "per_task": per_task,
        "learning_curve": trained.curve,
        "milestones": milestones,
        "data": pools.description,
        "trajectory_code": trajectory_code(),
        **(
            {"resumed_from_code": trained.resumed_code}
            if trained.resumed_code not in (None, trajectory_code())
            else {}
        ),
    }


def _evaluate_both(
    config: RunConfig, model: Conv4, params: Params, run_samplers: Samplers
) -> dict[str, dict[str, list]]:
    """The final evaluation (App. C.4) on training classes (stream 0) and test classes (1)."""
    return {
        "train": evaluate(config, model, params, run_samplers.eval_train, 0),
        "test": evaluate(config, model, params, run_samplers.eval_test, 1),
    }
