"""Vectorised Monte Carlo estimators of the Sec. 3 / App. D expectations, with standard errors.

Every estimator draws i.i.d. samples in chunks (bounded memory, no Python loop per
sample) and returns a :class:`MonteCarloEstimate` ``(estimate, stderr, n)``: the
sample mean, its standard error s/√n and the number of samples. Matrix-valued
estimators report entrywise means and standard errors.

- :func:`gram_sandwich_mc`: E[(XᵀX/n) A (XᵀX/n)] (Lemma 2, eq. (77)).
- :func:`q_matrix_mc`: E[PᵀΣP] with P = I - (α/s) XᵀX (the Q^(s) below eq. (5), eq. (84)).
- :func:`meta_loss_mc`: F_m(w) of eq. (1), simulating the task draw, the m adaptation
  samples, the SGD step itself and test points.
- :func:`meta_loss_difference_mc`, :func:`excess_risk_mc`, :func:`risk_above_task_optima_mc`:
  differences of F_m on common random numbers (variance reduction) and the excess risk
  of eq. (2).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import NamedTuple

import numpy as np

from maml_landscape.numerics.empirical import NORMALISATIONS
from maml_landscape.numerics.environments import Environment
from maml_landscape.numerics.population import (
    check_point,
    check_sample_count,
    check_step_size,
    maml_solution,
    min_meta_loss,
)
from maml_landscape.validate import finite_array, finite_result

#: Upper bound on the floats held by one chunk's largest array (16 MiB in float64).
MAX_FLOATS_PER_CHUNK = 2**21
#: Weights of a paired difference of two losses on common random numbers: loss_0 - loss_1.
PAIRED_DIFFERENCE = np.array([1.0, -1.0])


class MonteCarloEstimate(NamedTuple):
    """A Monte Carlo mean with its standard error and sample count (entrywise for arrays)."""

    estimate: float | np.ndarray
    stderr: float | np.ndarray
    n: int

    def z(self, predicted: float | np.ndarray) -> float | np.ndarray:
        """(estimate - predicted) / stderr, entrywise; ±inf where stderr is 0 and they differ."""
        difference = np.asarray(self.estimate) - np.asarray(predicted, dtype=float)
        stderr = np.asarray(self.stderr)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(stderr > 0, difference / np.where(stderr > 0, stderr, 1.0), 0.0)
            z = np.where((stderr == 0) & (difference != 0), np.sign(difference) * np.inf, z)
        return float(z) if z.ndim == 0 else z


class _RunningMoments:
    """Mean and sum of squared deviations over chunks (Chan et al.'s pairwise update)."""

    def __init__(self) -> None:
        self.count = 0
        self.mean: np.ndarray | float = 0.0
        self.squares: np.ndarray | float = 0.0

    def add(self, chunk: np.ndarray) -> None:
        size = chunk.shape[0]
        chunk_mean = chunk.mean(axis=0)
        chunk_squares = ((chunk - chunk_mean) ** 2).sum(axis=0)
        total = self.count + size
        delta = chunk_mean - self.mean
        self.mean = self.mean + delta * (size / total)
        self.squares = self.squares + chunk_squares + delta**2 * (self.count * size / total)
        self.count = total

    def result(self) -> MonteCarloEstimate:
        if self.count < 2:
            raise ValueError("a standard error needs at least 2 Monte Carlo samples")
        finite_result(
            "the Monte Carlo mean", self.mean,
            "the sampled values are too large for float64; rescale sigma, w or lower alpha",
        )
        stderr = np.sqrt(self.squares / (self.count - 1) / self.count)
        mean = self.mean
        if np.ndim(mean) == 0:
            return MonteCarloEstimate(float(mean), float(stderr), self.count)
        return MonteCarloEstimate(np.asarray(mean), np.asarray(stderr), self.count)


def _chunks(samples: int, floats_per_sample: int, max_floats: int) -> Iterator[int]:
    """Chunk sizes summing to ``samples``, each holding at most ``max_floats`` floats."""
    samples = check_sample_count("samples", samples)
    if samples < 2:
        raise ValueError("samples must be ≥ 2 to estimate a standard error")
    size = max(1, max_floats // max(1, floats_per_sample))
    done = 0
    while done < samples:
        step = min(size, samples - done)
        yield step
        done += step


def _chunked_mean(
    samples: int, floats_per_sample: int, max_floats: int, draw: Callable[[int], np.ndarray]
) -> MonteCarloEstimate:
    """The Monte Carlo mean of ``samples`` draws, ``draw(count)`` giving ``count`` at once per chunk."""
    moments = _RunningMoments()
    for count in _chunks(samples, floats_per_sample, max_floats):
        moments.add(draw(count))
    return moments.result()


def _covariance_root(sigma: np.ndarray) -> np.ndarray:
    sigma = finite_array("sigma", sigma)
    if sigma.ndim != 2 or sigma.shape[0] != sigma.shape[1]:
        raise ValueError(f"sigma must be a square (d, d) matrix, got shape {sigma.shape}")
    if not np.allclose(sigma, sigma.T):
        raise ValueError("sigma must be symmetric (a covariance matrix)")
    try:
        return np.linalg.cholesky(sigma)
    except np.linalg.LinAlgError:
        raise ValueError("sigma must be positive definite (a non-degenerate covariance)") from None


def _gram_matrices(rng: np.random.Generator, root: np.ndarray, n: int, count: int) -> np.ndarray:
    """``count`` matrices XᵀX/n for X (n, d) with rows ~ N(0, root rootᵀ): shape (count, d, d)."""
    X = rng.standard_normal((count, n, root.shape[0])) @ root.T
    return np.einsum("cni,cnj->cij", X, X) / n


def gram_sandwich_mc(
    rng: np.random.Generator,
    sigma: np.ndarray,
    A: np.ndarray,
    n: int,
    samples: int,
    max_floats: int = MAX_FLOATS_PER_CHUNK,
) -> MonteCarloEstimate:
    """E[(XᵀX/n) A (XᵀX/n)] entrywise, X (n, d) with i.i.d. rows N(0, Σ) (Lemma 2, eq. (77)).

    ``A`` may be any fixed (d, d) matrix, symmetric or not.
    """
    root = _covariance_root(sigma)
    n = check_sample_count("n", n)
    A = finite_array("A", A)
    d = root.shape[0]
    if A.shape != (d, d):
        raise ValueError(f"A must have the shape of sigma, ({d}, {d}), got {A.shape}")

    def sandwiches(count: int) -> np.ndarray:
        gram = _gram_matrices(rng, root, n, count)
        return gram @ A @ gram

    return _chunked_mean(samples, n * d + 3 * d * d, max_floats, sandwiches)


def q_matrix_mc(
    rng: np.random.Generator,
    sigma: np.ndarray,
    alpha: float,
    s: int,
    samples: int,
    max_floats: int = MAX_FLOATS_PER_CHUNK,
) -> MonteCarloEstimate:
    """E[PᵀΣP] entrywise, P = I - (α/s) XᵀX, X (s, d) with rows N(0, Σ): the Q^(s) of eq. (5)."""
    root = _covariance_root(sigma)
    alpha = check_step_size(alpha)
    s = check_sample_count("s", s)
    sigma = root @ root.T
    d = root.shape[0]

    def q_matrices(count: int) -> np.ndarray:
        P = np.eye(d) - alpha * _gram_matrices(rng, root, s, count)
        return np.swapaxes(P, -1, -2) @ sigma @ P

    return _chunked_mean(samples, s * d + 3 * d * d, max_floats, q_matrices)


def _loss_estimate(
    rng: np.random.Generator,
    env: Environment,
    inits: np.ndarray,
    weights: np.ndarray,
    alpha: float,
    m: int,
    samples: int,
    *,
    test_points: int,
    max_floats: int,
    normalisation: str = "mean",
    task_optimum: bool = False,
) -> MonteCarloEstimate:
    """Monte Carlo mean over sampled tasks of Σ_j weights[j] · loss_j, loss_j the test loss after one SGD step.

    Per sample a task and its w* are drawn, m adaptation samples (X̂, ŷ), the step
    w_i = w - α ∇f̂(w; X̂, ŷ) is taken from every row of ``inits`` (and from w_i* itself,
    as the last loss, when ``task_optimum``), and ½(<w_i, x> - y)² is averaged over
    ``test_points`` fresh test points of the same task. All initialisations share the
    random numbers.
    """
    alpha = check_step_size(alpha)
    m = check_sample_count("m", m)
    test_points = check_sample_count("test_points", test_points)
    if normalisation not in NORMALISATIONS:
        raise ValueError(f"normalisation must be one of {NORMALISATIONS}, got {normalisation!r}")
    k = inits.shape[0] + int(task_optimum)
    floats = env.dim * (m + test_points + 3 * k) + k * (m + test_points)

    def weighted_losses(count: int) -> np.ndarray:
        family_index, w_star = env.sample_tasks(rng, count)
        X_hat, y_hat = env.sample_data(rng, family_index, w_star, m)
        starts = np.broadcast_to(inits, (count, *inits.shape))
        if task_optimum:
            starts = np.concatenate([starts, w_star[:, None, :]], axis=1)
        residual = np.einsum("cmd,ckd->ckm", X_hat, starts) - y_hat[:, None, :]
        gradient = np.einsum("cmd,ckm->ckd", X_hat, residual)
        if normalisation == "mean":
            gradient /= m
        adapted = starts - alpha * gradient
        X_test, y_test = env.sample_data(rng, family_index, w_star, test_points)
        prediction = np.einsum("ctd,ckd->ckt", X_test, adapted)
        losses = 0.5 * ((prediction - y_test[:, None, :]) ** 2).mean(axis=2)  # (count, k)
        return losses @ weights

    return _chunked_mean(samples, floats, max_floats, weighted_losses)


def meta_loss_mc(
    rng: np.random.Generator,
    env: Environment,
    w: np.ndarray,
    alpha: float,
    m: int,
    samples: int,
    *,
    test_points: int = 1,
    normalisation: str = "mean",
    max_floats: int = MAX_FLOATS_PER_CHUNK,
) -> MonteCarloEstimate:
    """F_m(w) of eq. (1) by simulation: task, m adaptation samples, the SGD step, test points.

    ``normalisation="mean"`` steps on (1/(2m))‖X̂w - ŷ‖² (Sec. 2, App. A.1); ``"sum"`` on
    ½‖X̂w - ŷ‖² as printed in Sec. 3 (the same as step size mα with the mean). Each
    sample averages ``test_points`` test losses.

    This is the suite's one simulator of F_m; the symbolic tests compare with it.
    """
    inits = check_point(env, w)[None, :]
    return _loss_estimate(
        rng, env, inits, np.ones(1), alpha, m, samples,
        test_points=test_points, max_floats=max_floats, normalisation=normalisation,
    )


def meta_loss_difference_mc(
    rng: np.random.Generator,
    env: Environment,
    w: np.ndarray,
    w_reference: np.ndarray,
    alpha: float,
    m: int,
    samples: int,
    *,
    test_points: int = 1,
    max_floats: int = MAX_FLOATS_PER_CHUNK,
) -> MonteCarloEstimate:
    """F_m(w) - F_m(w_reference), both on the same tasks, samples and test points (paired)."""
    inits = np.stack([check_point(env, w), check_point(env, w_reference)])
    return _loss_estimate(
        rng, env, inits, PAIRED_DIFFERENCE, alpha, m, samples,
        test_points=test_points, max_floats=max_floats,
    )


def excess_risk_mc(
    rng: np.random.Generator,
    env: Environment,
    w: np.ndarray,
    alpha: float,
    m: int,
    samples: int,
    *,
    paired: bool = True,
    test_points: int = 1,
    max_floats: int = MAX_FLOATS_PER_CHUNK,
) -> MonteCarloEstimate:
    """E_m(w) = F_m(w) - inf F_m of eq. (2).

    ``paired=True``: F_m(w) - F_m(w°) on common random numbers, w° = argmin F_m (exact,
    w_MAML* with n2 = m). ``paired=False``: Monte Carlo F_m(w) minus the exact inf F_m.
    """
    if paired:
        optimum = maml_solution(env, alpha, m)
        return meta_loss_difference_mc(
            rng, env, w, optimum, alpha, m, samples, test_points=test_points, max_floats=max_floats
        )
    loss = meta_loss_mc(
        rng, env, w, alpha, m, samples, test_points=test_points, max_floats=max_floats
    )
    return MonteCarloEstimate(loss.estimate - min_meta_loss(env, alpha, m), loss.stderr, loss.n)


def risk_above_task_optima_mc(
    rng: np.random.Generator,
    env: Environment,
    w: np.ndarray,
    alpha: float,
    m: int,
    samples: int,
    *,
    test_points: int = 1,
    max_floats: int = MAX_FLOATS_PER_CHUNK,
) -> MonteCarloEstimate:
    """F_m(w) - E_i inf_w' F_{m,i}(w'): paired with each sampled task's own optimum w_i*.

    Adapting from w_i* minimises task i's post-adaptation loss, so the paired difference
    estimates what the proof of Proposition 1 (eqs. (17)-(20)) calls the excess risk.
    """
    inits = check_point(env, w)[None, :]
    return _loss_estimate(
        rng, env, inits, PAIRED_DIFFERENCE, alpha, m, samples,
        test_points=test_points, max_floats=max_floats, task_optimum=True,
    )
