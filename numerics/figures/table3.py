"""Table 3 (App. C.1): NAL with hard tasks up-weighted by ν, against MAML.

Environment: :func:`~maml_landscape.numerics.environments.table3_environment` (d = 10,
ν² = 0.01; hard ρ_H = 0.1, w* ~ N(2·1_d, I); easy ρ_E = 1, w* ~ N(0, I); ½ each).
NAL weighs each hard task of a batch of B = 10 by ν and each easy task by 1, weights
normalised within the batch. Population prediction: SGD settles where the *expected*
batch gradient vanishes; with h ~ Bin(B, ½) hard tasks per batch the hard family's
expected total weight is A(ν) = E[hν/(hν + B - h)], so the prediction is w_NAL* of the
environment re-weighted to (A, 1 - A) (eq. (5)). MAML's is w_MAML* with n2 inner samples.

Two readings of the MAML sample sizes: "as printed" (n2 = 25 inner, n1 = 500 outer)
and "swapped" (n2 = 500 inner, n1 = 25 outer, the App. C.1 n1 of the other runs).
:func:`plot` draws SGD columns beside the printed mean ± std.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from math import comb

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure as MplFigure

from maml_landscape.numerics.environments import Environment, TaskFamily, table3_environment
from maml_landscape.numerics.figures import printed
from maml_landscape.numerics.figures.common import MAML_COLOUR, NAL_COLOUR
from maml_landscape.numerics.population import (
    excess_risk,
    maml_solution,
    nal_solution,
    risk_above_task_optima,
)
from maml_landscape.numerics.sgd import EnvironmentStack, Protocol, train

#: MAML sample-size readings: name -> (n2 inner, n1 outer).
READINGS = {"as printed": (printed.TABLE3_N2, printed.TABLE3_N1), "swapped": (printed.TABLE3_N1, printed.TABLE3_N2)}
HARD = 0  # family index of the hard tasks in table3_environment()
#: α grid on which the printed Table 3 sample sizes are tried for MAML's population coordinate.
ALPHA_SCAN = tuple(np.linspace(0.02, 2.0, 100))


def expected_hard_weight(nu: float, batch: int = printed.TABLE3_TASKS_PER_ITERATION) -> float:
    """A(ν) = E[hν/(hν + B - h)], h ~ Bin(B, ½): the hard tasks' expected share of a batch's weight."""
    return sum(comb(batch, h) * 0.5**batch * h * nu / (h * nu + batch - h) for h in range(batch + 1))


def reweighted(env: Environment, hard_share: float) -> Environment:
    """The environment with family weights (hard_share, 1 - hard_share)."""
    shares = (hard_share, 1.0 - hard_share)
    families = tuple(replace_weight(f, s) for f, s in zip(env.families, shares))
    return Environment(families, env.noise_var)


def replace_weight(family: TaskFamily, weight: float) -> TaskFamily:
    """A task family with a new mixture weight."""
    return TaskFamily(weight, family.sigma, family.w_mean, family.w_cov)


@dataclass(frozen=True)
class Column:
    """One column of Table 3: average coordinate and test errors (two metrics)."""

    name: str
    average_coordinate: np.ndarray  # (trials,) or a 0-d array for the population prediction
    excess_risk: np.ndarray  # Proposition 1's risk above the task optima, at m
    excess_risk_eq2: np.ndarray  # eq. (2): F_m(w) - inf F_m


def _metrics(env: Environment, points: np.ndarray, alpha: float, m: int) -> tuple[np.ndarray, np.ndarray]:
    points = np.atleast_2d(points)
    return (
        np.array([risk_above_task_optima(env, w, alpha, m) for w in points]),
        np.array([excess_risk(env, w, alpha, m) for w in points]),
    )


def population_columns(alpha: float, reading: str) -> tuple[Column, ...]:
    """Population predictions for NAL at each ν and MAML (test errors at m = n2 of the reading)."""
    env = table3_environment()
    n2 = READINGS[reading][0]
    columns = []
    for nu in printed.TABLE3_NU:
        w = nal_solution(reweighted(env, expected_hard_weight(nu)))
        columns.append(Column(f"NAL ν={nu}", np.array([w.mean()]), *_metrics(env, w, alpha, n2)))
    w = maml_solution(env, alpha, n2)
    columns.append(Column("MAML", np.array([w.mean()]), *_metrics(env, w, alpha, n2)))
    return tuple(columns)


def maml_population_coordinate(alpha: float, reading: str) -> float:
    """Average coordinate of w_MAML* (eq. (5)) for Table 3's environment with the reading's n2."""
    return float(maml_solution(table3_environment(), alpha, READINGS[reading][0]).mean())


def largest_maml_population_coordinate(reading: str) -> float:
    """The largest :func:`maml_population_coordinate` of the reading over α in :data:`ALPHA_SCAN`."""
    return max(maml_population_coordinate(a, reading) for a in ALPHA_SCAN)


@lru_cache(maxsize=8)
def sgd_columns(
    alphas: tuple[float, ...], readings: tuple[str, ...], trials: int, iterations: int, seed: int
) -> dict[tuple[str, float], tuple[Column, ...]]:
    """SGD (batches of 10 tasks, rates n2/10000 MAML and 0.025 NAL) for every (reading, α), one batch.

    Grid points: one per ν for the first (reading, α) pair - NAL does not depend on α or
    on the reading (it uses all n1 + n2 = 525 samples) - and one per further pair for MAML.
    Returns the columns per (reading, α); NAL columns are shared by all pairs.
    """
    env = table3_environment()
    pairs = [(r, a) for r in readings for a in alphas]
    grid = [(pairs[0], nu) for nu in printed.TABLE3_NU] + [(pair, 1) for pair in pairs[1:]]
    n2 = np.array([READINGS[r][0] for (r, _), _ in grid])
    n1 = np.array([READINGS[r][1] for (r, _), _ in grid])
    alpha = np.array([a for (_, a), _ in grid])
    weights = np.array([[nu, 1.0] for _, nu in grid])
    protocol = Protocol(
        iterations=iterations,
        n1=n1,
        n2=n2,
        alpha=alpha,
        maml_step=n2 * printed.MAML_RATE_PER_N2,
        nal_step=printed.NAL_RATE,
        tasks_per_iteration=printed.TABLE3_TASKS_PER_ITERATION,
        nal_family_weights=weights,
    )
    trained = train(EnvironmentStack((env,) * len(grid)), protocol, trials, np.random.default_rng(seed))
    results = {}
    for pair in pairs:
        reading, a = pair
        m = READINGS[reading][0]
        nal_columns = tuple(
            Column(f"NAL ν={nu}", trained.nal[g].mean(-1), *_metrics(env, trained.nal[g], a, m))
            for g, nu in enumerate(printed.TABLE3_NU)
        )
        g = 0 if pair == pairs[0] else len(printed.TABLE3_NU) + pairs.index(pair) - 1
        maml = Column("MAML", trained.maml[g].mean(-1), *_metrics(env, trained.maml[g], a, m))
        results[pair] = nal_columns + (maml,)
    return results


@dataclass(frozen=True)
class Comparison:
    """Printed Table 3 against one set of SGD columns, under the stated rules."""

    coordinate_within: tuple[bool, ...]  # |printed - ours| <= 2 sqrt(std_p² + std_ours²), per column
    difference_within: tuple[bool, ...]  # NAL test error minus MAML's; 2 x the root sum of the 4 stds
    coordinate_order_ok: bool  # increasing in ν, MAML largest (as printed)
    error_order_ok: bool  # decreasing in ν, MAML smallest (as printed)

    @property
    def all_agree(self) -> bool:
        """Every coordinate and test-error difference within its tolerance, both orderings as printed."""
        return all(self.coordinate_within) and all(self.difference_within) and \
            self.coordinate_order_ok and self.error_order_ok


def compare(columns: tuple[Column, ...], metric: str = "excess_risk") -> Comparison:
    """Apply the verdict rules to SGD columns (test error = ``metric`` of :class:`Column`)."""
    coordinate_ok, difference_ok = [], []
    maml_error = getattr(columns[-1], metric)
    for column, (p_mean, p_std) in zip(columns, printed.TABLE3_AVERAGE_COORDINATE):
        values = column.average_coordinate
        coordinate_ok.append(bool(abs(p_mean - values.mean()) <= 2 * np.hypot(p_std, values.std(ddof=1))))
    maml_printed = printed.TABLE3_TEST_ERROR[-1]
    for column, (p_mean, p_std) in zip(columns[:-1], printed.TABLE3_TEST_ERROR[:-1]):
        ours = getattr(column, metric)
        printed_difference = p_mean - maml_printed[0]
        spread = p_std**2 + maml_printed[1] ** 2 + ours.var(ddof=1) + maml_error.var(ddof=1)
        difference_ok.append(bool(abs(printed_difference - (ours.mean() - maml_error.mean())) <= 2 * np.sqrt(spread)))
    coordinates = [c.average_coordinate.mean() for c in columns]
    errors = [getattr(c, metric).mean() for c in columns]
    return Comparison(
        tuple(coordinate_ok),
        tuple(difference_ok),
        bool(np.all(np.diff(coordinates) > 0)),
        bool(np.all(np.diff(errors) < 0)),
    )


def column_labels() -> tuple[str, ...]:
    """Table 3's column headers as printed: NAL, NAL ν=2, ν=5, ν=10, MAML."""
    return tuple("NAL" if nu == 1 else f"NAL ν={nu}" for nu in printed.TABLE3_NU) + ("MAML",)


def _draw_row(ax: Axes, ours: list[np.ndarray], population: list[float] | None, paper: tuple[tuple[float, float], ...]) -> None:
    """One row of Table 3: our per-trial values (mean ± std, NAL blue, MAML red), the printed mean ± std (black
    diamonds) and the population predictions (grey crosses) at the column positions 0..4."""
    x = np.arange(len(ours))
    trials = len(ours[0])
    means = np.array([v.mean() for v in ours])
    stds = np.array([v.std(ddof=1) for v in ours])
    for algorithm, columns, colour in (("NAL", x[:-1], NAL_COLOUR), ("MAML", x[-1:], MAML_COLOUR)):
        ax.errorbar(columns - 0.15, means[columns], yerr=stds[columns], fmt="o", ms=8, capsize=4, color=colour,
                    label=f"ours, {algorithm}: SGD, mean ± std over {trials} trials")
    if population is not None:
        ax.plot(x, population, "x", ms=10, mew=2, color="0.45", label="population prediction (expected gradient = 0)")
    paper_mean, paper_std = np.array(paper).T
    ax.errorbar(x + 0.15, paper_mean, yerr=paper_std, fmt="D", ms=8, capsize=4, color="k",
                label="paper (Table 3, mean ± std)")
    ax.set_xticks(x, column_labels())
    ax.set_xlim(-0.5, len(ours) - 0.5)


def plot(columns: tuple[Column, ...], population: tuple[Column, ...] | None, setting: str) -> MplFigure:
    """Table 3 (App. C.1) regenerated: its two rows as panels, our SGD columns beside the printed values.

    Left: average coordinate of the learned w; right: test error (ours: Proposition 1's excess risk at
    m = n2, the check's reading of an undefined metric). ``population`` adds the population predictions
    (:func:`population_columns`); ``setting`` names the reading and α, as the suptitle.
    """
    fig, (left, right) = plt.subplots(1, 2, figsize=(14, 5.4), layout="constrained")
    _draw_row(left, [c.average_coordinate for c in columns],
              None if population is None else [float(c.average_coordinate[0]) for c in population],
              printed.TABLE3_AVERAGE_COORDINATE)
    _draw_row(right, [c.excess_risk for c in columns],
              None if population is None else [float(c.excess_risk[0]) for c in population],
              printed.TABLE3_TEST_ERROR)
    left.set_title("average coordinate (row 1)")
    left.set_ylabel("mean of the coordinates of $w$")
    right.set_title("test error (row 2; the verdict compares gaps to MAML)")
    right.set_ylabel("test error (ours: excess risk,\nProp. 1, at $m = n_2$)")
    handles, labels = left.get_legend_handles_labels()
    order = sorted(range(len(labels)), key=lambda i: labels[i].startswith("population"))  # ours, paper, population
    fig.legend([handles[i] for i in order], [labels[i] for i in order], loc="outside lower center", ncol=2,
               frameon=False)
    fig.suptitle(f"Table 3 regenerated: {setting}")
    return fig
