"""95% intervals over seeds (Student t) and of differences between independent groups (Welch)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from maml_landscape.stats import t_quantile

LEVEL = 0.95


@dataclass(frozen=True)
class Estimate:
    """A mean with its squared standard error and degrees of freedom.

    With several seeds the spread is over seeds (df = seeds - 1); with one seed it is
    over evaluation tasks of that seed (normal interval, df = inf).
    """

    mean: float
    variance_of_mean: float
    df: float

    @property
    def half_width(self) -> float:
        return t_quantile(0.5 + LEVEL / 2, self.df) * math.sqrt(self.variance_of_mean)

    @property
    def low(self) -> float:
        return self.mean - self.half_width

    @property
    def high(self) -> float:
        return self.mean + self.half_width


def estimate(
    seed_means: list[float], one_seed_task_sd: float | None = None, one_seed_tasks: int = 0
) -> Estimate:
    """Mean over seeds with a t interval; with one seed, the task-level interval of that seed."""
    n = len(seed_means)
    if n == 0:
        raise ValueError("estimate needs at least one seed")
    mean = sum(seed_means) / n
    if n == 1:
        if one_seed_task_sd is None or one_seed_tasks < 2:
            raise ValueError("with one seed, give the task-level sd and number of tasks")
        return Estimate(mean, one_seed_task_sd**2 / one_seed_tasks, math.inf)
    variance = sum((m - mean) ** 2 for m in seed_means) / (n - 1)
    return Estimate(mean, variance / n, n - 1)


def combination(terms: list[tuple[float, Estimate]]) -> Estimate:
    """Σ c_k X_k of independent estimates, Welch–Satterthwaite degrees of freedom."""
    mean = sum(c * e.mean for c, e in terms)
    parts = [(c * c * e.variance_of_mean, e.df) for c, e in terms]
    variance = sum(v for v, _ in parts)
    denominator = sum(v * v / df for v, df in parts if not math.isinf(df) and v > 0)
    df = math.inf if denominator == 0 else variance**2 / denominator
    if variance == 0:
        df = min((df for _, df in parts), default=math.inf)
    return Estimate(mean, variance, df)
