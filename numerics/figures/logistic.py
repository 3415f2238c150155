"""Figure 7 (App. C.2): the logistic-regression analogue of Fig. 2's m = 500 column.

Data and label model (unstated; chosen): two equally likely tasks, d = 10, x ~ N(0, ρ I),
y ~ Bernoulli(σ(<w_i*, x>)), hard task ρ = ρ_H with w_1* = 1_d, easy task ρ_E = 1 with
w_2* = -1_d (as in Fig. 2); cross-entropy loss ℓ(w; x, y) = log(1 + e^{<w,x>}) - y<w,x>.
Population losses are exact up to quadrature: with u = <w, x>, v = <w*, x> jointly
Gaussian, f(w) = E[log(1 + e^u) - σ(v) u] by 2-D Gauss-Hermite quadrature. MAML's
objective F_m(w) = E_i E_S f_i(w - α ∇f̂_i(w; S)) averages over K sampled adaptation
sets S of m = 500 points (common random numbers for all w). Both solutions lie on the
line t·1_d: the environment is invariant under the rotations that fix 1_d, so the
(unique) minimisers are too; t is minimised by golden-section search.
Excess risk: F_m(w) - E_i F_{m,i}(w_i*) (adapting from each task's own optimum, paired),
the analogue of Proposition 1's quantity.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure as MplFigure

from maml_landscape.numerics.figures import printed
from maml_landscape.numerics.figures.common import (
    MAML_COLOUR,
    NAL_COLOUR,
    T_INTERVAL,
    finish_figure,
    mark_task_solutions,
    mean_and_halfwidth,
)

RHO_E = printed.LOGISTIC_EASY_CONVEXITY
SOLUTIONS = (1.0, -1.0)  # w_1* = 1_d (hard), w_2* = -1_d (easy)
QUADRATURE_NODES = 40
SEARCH_INTERVAL = (-1.5, 1.5)


def _sigmoid(u: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * u))


@lru_cache(maxsize=4)
def _nodes(count: int) -> tuple[np.ndarray, np.ndarray]:
    points, weights = np.polynomial.hermite_e.hermegauss(count)
    return points, weights / weights.sum()


def population_loss(w: np.ndarray, rho: float, w_star: np.ndarray) -> np.ndarray:
    """f(w) = E[log(1 + e^<w,x>) - σ(<w*,x>)<w,x>] for x ~ N(0, ρI); ``w`` (..., d) -> (...)."""
    z, weight = _nodes(QUADRATURE_NODES)
    norm_star = np.linalg.norm(w_star)
    along = (w @ w_star) / norm_star
    across = np.sqrt(np.clip(np.sum(w * w, axis=-1) - along**2, 0.0, None))
    scale = np.sqrt(rho)
    v = scale * norm_star * z[:, None]  # (q, 1)
    u = scale * (along[..., None, None] * z[:, None] + across[..., None, None] * z[None, :])
    integrand = np.logaddexp(0.0, u) - _sigmoid(v) * u
    return np.einsum("...ij,i,j->...", integrand, weight, weight)


@dataclass(frozen=True)
class AdaptationSets:
    """K sampled adaptation sets of m points for one task: x (K, m, d), y (K, m)."""

    x: np.ndarray
    y: np.ndarray


def sample_sets(rng: np.random.Generator, rho: float, w_star: np.ndarray, sets: int, m: int) -> AdaptationSets:
    """Draw K adaptation sets from the task (x ~ N(0, ρI), y ~ Bernoulli(σ(<w*, x>)))."""
    x = np.sqrt(rho) * rng.standard_normal((sets, m, w_star.size))
    y = (rng.random((sets, m)) < _sigmoid(x @ w_star)).astype(float)
    return AdaptationSets(x, y)


def adapted_losses(w: np.ndarray, sets: AdaptationSets, alpha: float, rho: float, w_star: np.ndarray) -> np.ndarray:
    """f(w - α ∇f̂(w; S)) for each of the K sets: (K,)."""
    residual = _sigmoid(sets.x @ w) - sets.y
    gradient = np.einsum("km,kmd->kd", residual, sets.x) / sets.x.shape[1]
    return population_loss(w - alpha * gradient, rho, w_star)


def golden_section(objective: Callable[[float], float], low: float, high: float, steps: int = 40) -> float:
    """Minimiser of a unimodal function on [low, high]."""
    ratio = (np.sqrt(5) - 1) / 2
    a, b = low, high
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    fc, fd = objective(c), objective(d)
    for _ in range(steps):
        if fc < fd:
            b, d, fd = d, c, fc
            c = b - ratio * (b - a)
            fc = objective(c)
        else:
            a, c, fc = c, d, fd
            d = a + ratio * (b - a)
            fd = objective(d)
    return (a + b) / 2


@dataclass(frozen=True)
class LogisticPoint:
    """Solutions (coordinate t of t·1_d) and excess risks at one ρ_H; risks are (K,) per set."""

    rho_h: float
    nal_coordinate: float
    maml_coordinate: float
    nal_risk: np.ndarray
    maml_risk: np.ndarray


def solve(rho_h: float, alpha: float, sets: int, seed: int, d: int = printed.LOGISTIC_D) -> LogisticPoint:
    """NAL and MAML population solutions and their excess risks at one ρ_H (m = 500)."""
    rng = np.random.default_rng(seed)
    ones = np.ones(d)
    tasks = [(rho_h, SOLUTIONS[0] * ones), (RHO_E, SOLUTIONS[1] * ones)]
    samples = [sample_sets(rng, rho, w_star, sets, printed.LOGISTIC_M) for rho, w_star in tasks]

    def nal(t: float) -> float:
        return float(np.mean([population_loss(t * ones, rho, w_star) for rho, w_star in tasks]))

    def per_set(w_of_task: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        return np.mean(
            [adapted_losses(w_of_task(w_star), s, alpha, rho, w_star) for (rho, w_star), s in zip(tasks, samples)],
            axis=0,
        )

    t_nal = golden_section(nal, *SEARCH_INTERVAL)
    t_maml = golden_section(lambda t: float(per_set(lambda _: t * ones).mean()), *SEARCH_INTERVAL)
    reference = per_set(lambda w_star: w_star)
    return LogisticPoint(
        rho_h, t_nal, t_maml,
        per_set(lambda _: t_nal * ones) - reference,
        per_set(lambda _: t_maml * ones) - reference,
    )


@lru_cache(maxsize=8)
def curves(rho_h: tuple[float, ...], alpha: float, sets: int, seed: int) -> tuple[LogisticPoint, ...]:
    """:func:`solve` on a ρ_H grid (independent seeds per grid point)."""
    return tuple(solve(rho, alpha, sets, seed + i) for i, rho in enumerate(rho_h))


def plot(points: tuple[LogisticPoint, ...], alpha: float) -> MplFigure:
    """Fig. 7 as the Fig. 2 layout: first coordinates and excess risks (± 95% MC intervals) vs ρ_H."""
    fig, (ax_w, ax_e) = plt.subplots(1, 2, figsize=(13, 5.8), layout="constrained")
    rho = [p.rho_h for p in points]
    ax_w.plot(rho, [p.maml_coordinate for p in points], "o-", color=MAML_COLOUR, linewidth=2, ms=7,
              label="$w^*_{MAML}$ (population solution)")
    ax_w.plot(rho, [p.nal_coordinate for p in points], "o-", color=NAL_COLOUR, linewidth=2, ms=7,
              label="$w^*_{NAL}$ (population solution)")
    mark_task_solutions(ax_w, SOLUTIONS[0], SOLUTIONS[1])
    sets = points[0].nal_risk.size
    for name, colour, attribute in (("MAML", MAML_COLOUR, "maml_risk"), ("NAL", NAL_COLOUR, "nal_risk")):
        mean, half = zip(*(mean_and_halfwidth(getattr(p, attribute)) for p in points))
        ax_e.errorbar(rho, mean, half, fmt="o-", color=colour, linewidth=2, ms=7, capsize=4,
                      label=f"$\\mathcal{{E}}(w^*_{{{name}}})$, {T_INTERVAL} over {sets} adaptation sets")
    ax_w.set_title("Location of solutions")
    ax_e.set_title("Excess risk")
    ax_w.set_ylabel("coordinate in first dimension")
    ax_e.set_ylabel("excess risk")
    return finish_figure(
        fig, (ax_w, ax_e), r"$\rho_H$",
        "Paper's Fig. 7 regenerated: logistic analogue of Fig. 2's m = 500 column (no printed values)\n"
        f"d = {printed.LOGISTIC_D}, m = n2 = {printed.LOGISTIC_M}, $\\rho_E$ = 1, $\\alpha$ = {alpha}; "
        "chosen data model: x ~ N(0, ρI), y ~ Bernoulli(σ(<w*, x>))",
        legend_columns=3,
    )
