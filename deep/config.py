"""Frozen run configurations and the three profiles (smoke, cpu, paper) of the deep experiments.

One :class:`RunConfig` holds every hyperparameter of one training run (one cell row of
Table 1 or 2 for one seed) once; training and evaluation read the same fields. Its
:func:`config_hash` names its checkpoint and result files.

Paper values (App. C.4-C.5): 20,000 iterations, 8 tasks per iteration, 5 seeds, outer
learning rate 1e-3 (MAML) and 1e-6 (NAL) with Adam (the optimiser of the Antoniou et
al. code the paper adapted; the paper names none), inner learning rate 0.1, MAML
1 inner step in training and test, NAL 1 (Omniglot) or 5 (CIFAR) steps at test, 10
query ("target") images per class, evaluation on 500 + 500 tasks.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields, replace

from maml_landscape import validate

EXPERIMENTS = ("omniglot", "cifar", "omniglot-p")
PAPER_MAML_LR = 1e-3
PAPER_NAL_LR = 1e-6
PAPER_INNER_LR = 0.1
#: (N, K) of easy and hard FS-CIFAR100 tasks: C.5 ("we used 5x as many samples") and main text.
CIFAR_NK = {"c5": ((2, 50), (20, 5)), "main": ((2, 10), (20, 1))}
P_HARD_VALUES = (0.99, 0.5, 0.01)
#: An iteration holds its tasks' images in memory (the paper uses 8 tasks).
MAX_META_BATCH = 1024
META_BATCH_WHY = "an iteration holds all its tasks in memory (the paper uses 8)"
#: The largest finite value of each training dtype (torch.finfo(dtype).max).
DTYPE_MAX = {"float32": 3.4028234663852886e38, "float64": 1.7976931348623157e308}


@dataclass(frozen=True)
class RunConfig:
    """Everything that determines one training run and its evaluation.

    Attributes:
        experiment: ``omniglot`` (Table 1), ``cifar`` (Table 2) or ``omniglot-p`` (the
            Table 2 protocol on Omniglot, a substitute while CIFAR-100 is unavailable).
        setting: ``large`` / ``small`` (r_H) or ``p=0.99`` etc.
        algorithm: ``maml``, ``nal`` or ``nal-K`` (NAL trained on n2 = N·K extra images).
        train_inner_steps: 1 for MAML, 0 for NAL (no inner loop).
        test_inner_steps: adaptation steps at evaluation.
        nal_per_class: NAL's training images per class per task (n / N).
        easy_nk, hard_nk: (N, K) of easy and hard tasks; query: Q images per class.
        alphabets: Omniglot's (easy_train, easy_test, hard_train, hard_test), else empty.
        split_seed: seed of the random easy-alphabet / class split.
        eval_tasks: tasks evaluated from training classes, and again from test classes.
        checkpoint_every: iterations between checkpoints (not part of the hash).
        workers: threads that process the tasks of an iteration (not part of the hash:
            each task runs on one thread and the task gradients are summed in order, so
            the result equals workers=1 at one torch thread bit for bit).
        curve_every: iterations between learning-curve points (0: none; not in the hash:
            a curve point evaluates fixed tasks and leaves the trajectory alone).
        curve_tasks: tasks per class set behind each learning-curve point.
        milestones: iterations before the last at which the model is also evaluated in
            full (``eval_tasks``), giving the tables of shorter budgets from one run (not
            in the hash: the trajectory up to a milestone is that of a shorter run).
    """

    experiment: str
    setting: str
    algorithm: str
    seed: int
    iterations: int
    meta_batch: int
    outer_lr: float
    inner_lr: float
    train_inner_steps: int
    test_inner_steps: int
    first_order: bool
    p_hard: float
    easy_nk: tuple[int, int]
    hard_nk: tuple[int, int]
    query: int
    nal_per_class: int
    alphabets: tuple[tuple[str, ...], ...]
    split_seed: int
    eval_tasks: int
    dtype: str = "float32"
    device: str = "cpu"
    checkpoint_every: int = field(default=500, compare=False)
    workers: int = field(default=1, compare=False)
    curve_every: int = field(default=0, compare=False)
    curve_tasks: int = field(default=50, compare=False)
    milestones: tuple[int, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if self.experiment not in EXPERIMENTS:
            raise ValueError(f"experiment must be one of {EXPERIMENTS}, got {self.experiment!r}")
        for name in ("iterations", "meta_batch", "eval_tasks", "checkpoint_every", "query", "workers"):
            validate.positive_int(name, getattr(self, name))
        for name in ("outer_lr", "inner_lr"):
            rate = validate.positive_finite(name, getattr(self, name))
            if rate > DTYPE_MAX.get(self.dtype, float("inf")):
                raise ValueError(
                    f"{name} {rate:g} exceeds the largest {self.dtype} ({DTYPE_MAX[self.dtype]:.3g}); "
                    "give a learning rate the parameters can hold"
                )
        if self.curve_every:
            validate.positive_int("curve_every", self.curve_every)
        validate.positive_int("curve_tasks", self.curve_tasks)
        check_milestones(self.milestones, self.iterations)
        validate.seed("seed", self.seed)
        validate.seed("split_seed", self.split_seed)
        validate.at_most("meta_batch", self.meta_batch, MAX_META_BATCH, META_BATCH_WHY)
        if self.dtype not in ("float32", "float64"):
            raise ValueError(f"dtype must be float32 or float64, got {self.dtype!r}")

    @property
    def is_nal(self) -> bool:
        return self.train_inner_steps == 0

    @property
    def name(self) -> str:
        return f"{self.experiment}-{self.setting}-{self.algorithm}-seed{self.seed}"


def check_milestones(milestones: tuple[int, ...], iterations: int | None = None) -> tuple[int, ...]:
    """Increasing iteration counts ≥ 1, and below ``iterations`` when given."""
    for milestone in milestones:
        validate.positive_int("milestones", milestone)
    beyond = iterations is not None and any(m >= iterations for m in milestones)
    if list(milestones) != sorted(set(milestones)) or beyond:
        below = f" and lie below the {iterations} iterations" if iterations is not None else ""
        raise ValueError(
            f"milestones must increase{below}, got {', '.join(map(str, milestones))}"
        )
    return tuple(milestones)


def config_hash(config: RunConfig) -> str:
    """SHA-256 (16 hex digits) of the canonical JSON of the fields that decide the results.

    Fields marked ``compare=False`` (checkpoint interval, workers, learning-curve and
    milestone schedule) leave the trajectory alone and are left out.
    """
    kept = {f.name: getattr(config, f.name) for f in fields(config) if f.compare}
    return hashlib.sha256(json.dumps(kept, sort_keys=True).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Profile:
    """Run sizes: iterations, seeds, evaluation tasks, checkpoint interval.

    ``overrides`` lists the sizes changed from the named profile (``"iterations=300"``),
    so tables trained with them are labelled and stored apart.
    """

    name: str
    iterations: int
    seeds: tuple[int, ...]
    eval_tasks: int
    meta_batch: int
    checkpoint_every: int
    description: str
    overrides: tuple[str, ...] = ()
    curve_every: int = 0
    milestones: tuple[int, ...] = ()
    curve_tasks: int = 50

    @property
    def budgets(self) -> tuple[int, ...]:
        """The milestones below the iterations (those that apply), then the iterations."""
        return (*[m for m in self.milestones if m < self.iterations], self.iterations)

    def __post_init__(self) -> None:
        for name in ("iterations", "eval_tasks", "meta_batch", "checkpoint_every"):
            validate.positive_int(name, getattr(self, name))
        check_milestones(self.milestones)
        validate.distinct_seeds("seeds", self.seeds)
        validate.at_most("meta_batch", self.meta_batch, MAX_META_BATCH, META_BATCH_WHY)


PROFILES = {
    "smoke": Profile(
        "smoke",
        4,
        (0, 1),
        8,
        2,
        2,
        "tests only: seconds on tiny data; numbers mean nothing",
        curve_every=2,
        milestones=(2,),
        curve_tasks=4,
    ),
    "cpu": Profile(
        "cpu",
        600,
        (0, 1),
        200,
        8,
        100,
        "real data on 2 CPU cores, under an hour for Table 1 (34 min measured with --workers 2 "
        "--threads 1 on 2 x86-64 cores, torch 2.13): 600 instead of 20,000 "
        "iterations, 2 instead of 5 seeds, 200 instead of 500 evaluation tasks per class "
        "set; 8 tasks per iteration and every learning rate as in the paper",
        curve_every=100,
    ),
    "cpu-long": Profile(
        "cpu-long",
        2000,
        (0, 1),
        200,
        8,
        100,
        "the budget ladder on CPUs: the cpu profile's sizes trained to 2,000 iterations, "
        "evaluated in full at 600, 1,200 and 2,000 (one table per budget) with a learning "
        "curve every 100 iterations; about 3.5 h for Table 1 on 2 cores",
        curve_every=100,
        milestones=(600, 1200),
    ),
    "paper": Profile(
        "paper",
        20_000,
        (0, 1, 2, 3, 4),
        500,
        8,
        1000,
        "App. C.4-C.5: 20,000 iterations, 8 tasks per iteration, 5 seeds, 500 + 500 "
        "evaluation tasks (meant for a GPU)",
        curve_every=500,
        milestones=(2000, 5000, 10000),
    ),
}


#: Profile fields that schedule work around a trajectory without changing it.
SCHEDULES = ("checkpoint_every", "curve_every", "milestones", "curve_tasks")


def with_overrides(profile: Profile, **overrides: object) -> Profile:
    """``profile`` with some sizes replaced (``None`` values are ignored).

    Changes that alter results (all but the checkpoint, learning-curve and milestone
    schedules) are recorded in ``overrides`` and the description.
    """
    changes = {k: v for k, v in overrides.items() if v is not None and getattr(profile, k) != v}
    labels = tuple(
        f"{k}={'_'.join(map(str, v)) if isinstance(v, tuple) else v}"
        for k, v in changes.items()
        if k not in SCHEDULES
    )
    if not labels:
        return replace(profile, **changes)
    return replace(
        profile,
        overrides=profile.overrides + labels,
        description=f"{profile.description}; OVERRIDDEN here: {', '.join(labels)}",
        **changes,
    )
