"""Convergence of the training solutions w_NAL, w_MAML to w_NAL*, w_MAML* (App. D, Theorems 2-3).

The proofs split the error at the finite-T population solution over the T drawn tasks,
``w^(T)* = (Σ_i M_i)⁻¹ Σ_i M_i w_i*`` with ``M_i = Σ_i`` (NAL, eq. 46) or
``M_i = Q_i^(n2)`` (MAML, eq. 85):

    ‖w - w*‖ ≤ ‖w - w^(T)*‖ (finite n or τ)  +  ‖w^(T)* - w*‖ (finite T).

:func:`nal_errors` and :func:`maml_errors` measure all three distances for many
independent training sets at once (vectorised over replicates, tasks and episodes);
:func:`fit_power_law` fits the log-log slope with a standard error across replicates,
and :func:`compare_rate` compares it with a printed rate under a stated tolerance.
:func:`theorem3_tau_thresholds` types the two printed τ-thresholds of Theorem 3 and
derives the one the proof's own choice of γ requires.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import sympy as sp

from maml_landscape.numerics.empirical import maml_minimiser, nal_minimiser, split_episodes
from maml_landscape.numerics.environments import Environment
from maml_landscape.numerics.population import maml_solution, nal_solution, q_matrix

#: Largest number of floats in one chunk of sampled data (32 MiB in float64).
MAX_FLOATS_PER_CHUNK = 2**22


@dataclass(frozen=True)
class SolutionErrors:
    """Distances of R independent training solutions to the population solutions, each of shape (R,).

    Attributes:
        total: ‖w - w*‖, training solution to population solution (eq. 5).
        sampling: ‖w - w^(T)*‖, the finite-n (NAL) or finite-τ (MAML) part; first term of eq. (46)/(85).
        tasks: ‖w^(T)* - w*‖, the finite-T part; second term of eq. (46)/(85).
    """

    total: np.ndarray
    sampling: np.ndarray
    tasks: np.ndarray

    def component(self, name: str) -> np.ndarray:
        if name not in ("total", "sampling", "tasks"):
            raise ValueError(f"component must be 'total', 'sampling' or 'tasks', got {name!r}")
        return getattr(self, name)


def _replicate_chunks(replicates: int, floats_per_replicate: int) -> list[int]:
    if replicates < 1:
        raise ValueError(f"replicates must be a positive integer, got {replicates}")
    size = max(1, MAX_FLOATS_PER_CHUNK // max(1, floats_per_replicate))
    return [min(size, replicates - start) for start in range(0, replicates, size)]


def _sample_training_sets(
    env: Environment, rng: np.random.Generator, replicates: int, T: int, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """R independent training sets: family indices (R, T), w* (R, T, d), X (R, T, n, d), y (R, T, n)."""
    family, w_star = env.sample_tasks(rng, replicates * T)
    X, y = env.sample_data(rng, family, w_star, n)
    d = env.dim
    return (
        family.reshape(replicates, T),
        w_star.reshape(replicates, T, d),
        X.reshape(replicates, T, n, d),
        y.reshape(replicates, T, n),
    )


def _finite_task_solution(matrices: np.ndarray, w_star: np.ndarray) -> np.ndarray:
    """w^(T)* = (Σ_i M_i)⁻¹ Σ_i M_i w_i* for M (R, T, d, d), w* (R, T, d)."""
    rhs = np.einsum("rtij,rtj->ri", matrices, w_star)
    return np.linalg.solve(matrices.sum(axis=1), rhs[..., None])[..., 0]


def _errors(w: np.ndarray, w_finite: np.ndarray, w_population: np.ndarray) -> SolutionErrors:
    norm = functools.partial(np.linalg.norm, axis=-1)
    return SolutionErrors(norm(w - w_population), norm(w - w_finite), norm(w_finite - w_population))


def _concatenate(parts: list[SolutionErrors]) -> SolutionErrors:
    return SolutionErrors(*(np.concatenate([getattr(p, f) for p in parts]) for f in ("total", "sampling", "tasks")))


def nal_errors(env: Environment, T: int, n: int, replicates: int, rng: np.random.Generator) -> SolutionErrors:
    """‖w_NAL - w_NAL*‖ and its two parts (eq. 46) for R training sets of T tasks with n samples each."""
    w_population = nal_solution(env)
    parts = []
    for size in _replicate_chunks(replicates, T * n * (env.dim + 1)):
        family, w_star, X, y = _sample_training_sets(env, rng, size, T, n)
        w = nal_minimiser(X, y)
        w_finite = _finite_task_solution(env.sigmas[family], w_star)
        parts.append(_errors(w, w_finite, w_population))
    return _concatenate(parts)


def maml_errors(
    env: Environment,
    alpha: float,
    T: int,
    tau: int,
    n1: int,
    n2: int,
    replicates: int,
    rng: np.random.Generator,
) -> SolutionErrors:
    """‖w_MAML - w_MAML*‖ and its two parts (eq. 85): R training sets, T tasks, τ episodes of n2 + n1 samples."""
    w_population = maml_solution(env, alpha, n2)
    family_q = q_matrix(env.sigmas, alpha, n2)
    n = tau * (n1 + n2)
    parts = []
    for size in _replicate_chunks(replicates, T * n * (env.dim + 1) + T * tau * env.dim**2 * 3):
        family, w_star, X, y = _sample_training_sets(env, rng, size, T, n)
        w = maml_minimiser(*split_episodes(X, y, tau, n2), alpha)
        w_finite = _finite_task_solution(family_q[family], w_star)
        parts.append(_errors(w, w_finite, w_population))
    return _concatenate(parts)


# ---------------------------------------------------------------------------- rate fits


@dataclass(frozen=True)
class PowerLawFit:
    """log error ≈ a + p log x: the slope p, its standard error across replicates, and the per-x means.

    The slope is the mean over replicates of each replicate's least-squares slope (replicates
    are independent, so its standard error is their standard deviation / √R).
    """

    slope: float
    stderr: float
    replicates: int
    x: tuple[float, ...]
    mean_error: tuple[float, ...]


def fit_power_law(x: np.ndarray, errors: np.ndarray) -> PowerLawFit:
    """Fit the log-log slope of errors (R, G) measured at grid x (G,); R ≥ 2 independent replicates."""
    x = np.asarray(x, dtype=float)
    errors = np.asarray(errors, dtype=float)
    if x.ndim != 1 or x.size < 3 or errors.shape[-1] != x.size or errors.ndim != 2 or errors.shape[0] < 2:
        raise ValueError(f"need x (G,) with G >= 3 and errors (R, G) with R >= 2; got {x.shape}, {errors.shape}")
    if np.any(x <= 0) or np.any(errors <= 0):
        raise ValueError("grid values and errors must be positive for a log-log fit")
    log_x = np.log(x) - np.log(x).mean()
    slopes = np.log(errors) @ log_x / (log_x @ log_x)
    return PowerLawFit(
        slope=float(slopes.mean()),
        stderr=float(slopes.std(ddof=1) / math.sqrt(slopes.size)),
        replicates=int(slopes.size),
        x=tuple(float(v) for v in x),
        mean_error=tuple(float(v) for v in errors.mean(axis=0)),
    )


@dataclass(frozen=True)
class RateComparison:
    """A fitted slope against a printed rate exponent; ``slower`` contradicts an upper bound O(x^p)."""

    fit: PowerLawFit
    exponent: float
    threshold: float
    tolerance: float

    @property
    def margin(self) -> float:
        """Allowed |slope - exponent|: statistical (threshold × stderr) plus the stated tolerance."""
        return self.threshold * self.fit.stderr + self.tolerance

    @property
    def relation(self) -> str:
        """``matches`` (within the margin), ``faster`` or ``slower`` (beyond it)."""
        if self.fit.slope > self.exponent + self.margin:
            return "slower"
        if self.fit.slope < self.exponent - self.margin:
            return "faster"
        return "matches"


def compare_rate(fit: PowerLawFit, exponent: float, threshold: float, tolerance: float) -> RateComparison:
    """Compare a fitted slope with the printed exponent (e.g. -1/2) under ``threshold`` and ``tolerance``."""
    if threshold <= 0 or tolerance < 0:
        raise ValueError(f"need threshold > 0 and tolerance >= 0, got {threshold}, {tolerance}")
    return RateComparison(fit, exponent, threshold, tolerance)


# ------------------------------------------------------------ Theorem 3: the τ threshold


@dataclass(frozen=True)
class Theorem3Thresholds:
    """The τ-thresholds of Theorem 3 as printed and as the proof's last step requires (SymPy)."""

    statement: sp.Expr  # eq. (81) statement: 32 d³ α⁴ L⁶ log⁶(100Td) / (c β̂)
    proof_end: sp.Expr  # end of the proof: 32 d² α⁴ L⁶ log⁶(100Td) / (c β̂)
    required: sp.Expr  # from the proof's γ and its requirement 1/(β̂ - γ/√τ) ≤ 2/β̂


@functools.lru_cache(maxsize=1)
def theorem3_thresholds() -> Theorem3Thresholds:
    """Type the printed thresholds and derive the τ the proof needs.

    The proof (after eq. 124) chooses ``γ = 4d √(α⁴L⁶/c) log³(100Td)`` and restricts τ
    "such that 1/(β̂ - γ/√τ) ≤ 2/β̂"; solving that inequality for τ gives ``required``.
    """
    d, alpha, L, c, T, beta_hat, tau = sp.symbols("d alpha L c T hat_beta tau", positive=True)
    log_term = sp.log(100 * T * d)
    gamma = 4 * d * sp.sqrt(alpha**4 * L**6 / c) * log_term**3
    boundary = sp.solve(sp.Eq(1 / (beta_hat - gamma / sp.sqrt(tau)), 2 / beta_hat), tau)
    if len(boundary) != 1:
        raise RuntimeError(f"expected one boundary for tau, got {boundary}")
    return Theorem3Thresholds(
        statement=32 * d**3 * alpha**4 * L**6 * log_term**6 / (c * beta_hat),
        proof_end=32 * d**2 * alpha**4 * L**6 * log_term**6 / (c * beta_hat),
        required=sp.simplify(boundary[0]),
    )


def theorem3_symbols() -> dict[str, sp.Symbol]:
    """The symbols of :func:`theorem3_thresholds`, by name."""
    expr = theorem3_thresholds()
    symbols = expr.statement.free_symbols | expr.required.free_symbols
    return {s.name: s for s in symbols}


def beta_hat(beta: float, L: float, alpha: float, d: int, n2: int) -> float:
    """β̂ := β(1 - αL)² + α²β³(d + 1)/n2, as printed in Theorem 3."""
    return beta * (1 - alpha * L) ** 2 + alpha**2 * beta**3 * (d + 1) / n2


def L_hat(beta: float, L: float, alpha: float, d: int, n2: int) -> float:
    """L̂ := L(1 - αβ)² + α²L³(d + 1)/n2, as printed in Theorem 3."""
    return L * (1 - alpha * beta) ** 2 + alpha**2 * L**3 * (d + 1) / n2
