"""Task samplers of Section 5: Omniglot easy/hard alphabets (S5.OMNI) and (N, K) hardness (S5.CIFAR).

A task is N classes of a :class:`ClassPool` with K support ("inner", n2 = N·K) and Q query
("target", n1 = N·Q) images per class; labels are the classes' positions 0..N-1.
Training draws a hard task with probability ``p_hard`` and an easy one otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from maml_landscape.deep.pools import ClassPool

#: How a kind chooses its N classes: from N distinct groups (one class each), all from one
#: group, or any N distinct classes.
CLASS_RULES = ("distinct_groups", "one_group", "any")


@dataclass(frozen=True, eq=False)
class TaskKind:
    """One kind of task.

    Attributes:
        name: ``"easy"`` or ``"hard"``.
        n_way, k_shot, query: N, K and Q (query images per class).
        classes: the pool classes this kind may use.
        rule: one of :data:`CLASS_RULES`.
    """

    name: str
    n_way: int
    k_shot: int
    query: int
    classes: np.ndarray
    rule: str

    def validate(self, pool: ClassPool) -> None:
        """Raise ValueError when ``pool`` cannot supply tasks of this kind."""
        if self.rule not in CLASS_RULES:
            raise ValueError(f"rule must be one of {CLASS_RULES}, got {self.rule!r}")
        if self.n_way < 2 or self.k_shot < 1 or self.query < 0:
            raise ValueError(f"{self.name} tasks need N ≥ 2, K ≥ 1, Q ≥ 0, got {self}")
        if self.k_shot + self.query > pool.per_class:
            raise ValueError(
                f"{self.name} tasks need K + Q = {self.k_shot + self.query} images per class, "
                f"the pool has {pool.per_class}"
            )
        groups = pool.groups[self.classes]
        if self.rule == "distinct_groups" and len(np.unique(groups)) < self.n_way:
            raise ValueError(f"{self.name} tasks need {self.n_way} distinct groups")
        if len(self.classes) < self.n_way:
            raise ValueError(
                f"{self.name} tasks need {self.n_way} classes, got {len(self.classes)}"
            )
        if self.rule == "one_group":
            small = [g for g in np.unique(groups) if np.sum(groups == g) < self.n_way]
            if small:
                raise ValueError(
                    f"{self.name} tasks: groups {[pool.group_names[g] for g in small]} have "
                    f"fewer than {self.n_way} classes"
                )


@dataclass(frozen=True)
class Task:
    """Indices of one task into its pool: ``classes[j]`` has label j."""

    kind: str
    classes: np.ndarray  # [N]
    support: np.ndarray  # [N, K] image indices
    query: np.ndarray  # [N, Q] image indices


def _choose_classes(kind: TaskKind, pool: ClassPool, rng: np.random.Generator) -> np.ndarray:
    if kind.rule == "any":
        return rng.choice(kind.classes, size=kind.n_way, replace=False)
    groups = pool.groups[kind.classes]
    present = np.unique(groups)
    if kind.rule == "one_group":
        group = rng.choice(present)
        return rng.choice(kind.classes[groups == group], size=kind.n_way, replace=False)
    picked = rng.choice(present, size=kind.n_way, replace=False)
    return np.array([rng.choice(kind.classes[groups == g]) for g in picked])


@dataclass(frozen=True, eq=False)
class TaskSampler:
    """Draws hard tasks with probability ``p_hard``, easy ones otherwise."""

    pool: ClassPool
    easy: TaskKind
    hard: TaskKind
    p_hard: float

    def __post_init__(self) -> None:
        if not 0.0 <= self.p_hard <= 1.0:
            raise ValueError(f"p_hard must lie in [0, 1], got {self.p_hard}")
        self.easy.validate(self.pool)
        self.hard.validate(self.pool)

    @property
    def max_way(self) -> int:
        return max(self.easy.n_way, self.hard.n_way)

    def sample_kind(self, kind: TaskKind, rng: np.random.Generator) -> Task:
        """One task of ``kind``: N classes, then K + Q distinct images of each."""
        classes = _choose_classes(kind, self.pool, rng)
        shots = kind.k_shot + kind.query
        images = np.stack([rng.choice(self.pool.per_class, shots, replace=False) for _ in classes])
        return Task(kind.name, classes, images[:, : kind.k_shot], images[:, kind.k_shot :])

    def sample(self, rng: np.random.Generator) -> Task:
        """A hard task with probability ``p_hard``, else an easy one."""
        return self.sample_kind(self.hard if rng.random() < self.p_hard else self.easy, rng)


def omniglot_sampler(
    pool: ClassPool,
    easy_alphabets: tuple[str, ...],
    hard_alphabets: tuple[str, ...],
    k_shot: int = 1,
    query: int = 10,
    n_way: int = 5,
    p_hard: float = 0.5,
) -> TaskSampler:
    """S5.OMNI: easy = N characters from N distinct easy alphabets; hard = one hard alphabet, N of its characters."""
    return TaskSampler(
        pool,
        TaskKind(
            "easy", n_way, k_shot, query, pool.classes_in_groups(easy_alphabets), "distinct_groups"
        ),
        TaskKind("hard", n_way, k_shot, query, pool.classes_in_groups(hard_alphabets), "one_group"),
        p_hard,
    )


def nk_sampler(
    pool: ClassPool,
    easy: tuple[int, int],
    hard: tuple[int, int],
    query: int,
    p_hard: float,
) -> TaskSampler:
    """S5.CIFAR: hardness through (N, K); both kinds draw any N classes of the pool."""
    every = np.arange(pool.n_classes)
    return TaskSampler(
        pool,
        TaskKind("easy", easy[0], easy[1], query, every, "any"),
        TaskKind("hard", hard[0], hard[1], query, every, "any"),
        p_hard,
    )
