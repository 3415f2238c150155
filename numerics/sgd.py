"""Batched SGD on the NAL and MAML training objectives (eqs. (3)-(4)) with the App. C.1 protocol.

App. C.1 trains by SGD, one task (or one batch of tasks) drawn afresh from the
environment per iteration: NAL on ``n = n1 + n2`` samples of the task, MAML with an
inner step on ``n2`` samples and the outer loss on ``n1`` samples. Every run of a
figure - all grid points, all repetitions and *both* algorithms - advances in one
array computation per iteration; the iteration loop is the only Python loop.

Exact sampling in O(d²) per task. For Gaussian data the gradients of eqs. (3)-(4)
depend on a task's samples only through ``XᵀX`` and ``Xᵀy``, so those are drawn
directly from their joint law: ``XᵀX ~ Wishart(n, Σ)`` by the Bartlett decomposition
``XᵀX = B Bᵀ`` with ``B = L A`` (``Σ = L Lᵀ``, ``A`` lower triangular with
``A_jj² ~ χ²(n - j)``, ``A_jk ~ N(0, 1)`` below the diagonal), and ``Xᵀy = XᵀX w* + Xᵀz``
with ``Xᵀz | X ~ N(0, ν² XᵀX) = ν B ξ``. The SGD trajectories therefore have exactly
the law of trajectories on raw samples, at a cost independent of ``n`` (``n = 2025``
in Fig. 8).

Loss normalisation: averaged losses (Sec. 2), ``f̂(w; X, y) = ‖Xw - y‖²/(2n)`` in the
inner step *and* the outer/NAL losses. With the printed sum ``½‖Xw - y‖²`` the NAL
rate 0.025 of App. C.1 would diverge for ``n = 2025`` (step × Hessian ≈ 50).

NAL and MAML share each iteration's task draws (NAL's ``n`` samples are MAML's inner
and outer samples together): common random numbers, so their comparison carries
less noise than independent runs would.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from maml_landscape.numerics.environments import Environment
from maml_landscape.numerics.population import (
    check_sample_count,
    check_step_size,
    risk_above_task_optima,
)


def matvec(matrices: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """Batched ``M v``: (..., d, d), (..., d) -> (..., d) (matmul; faster than einsum here)."""
    return (matrices @ vectors[..., None])[..., 0]


def _psd_root(matrices: np.ndarray) -> np.ndarray:
    """A stack of R with R Rᵀ = M for symmetric PSD M (..., d, d), singular M allowed."""
    eigenvalues, eigenvectors = np.linalg.eigh(matrices)
    return eigenvectors * np.sqrt(np.clip(eigenvalues, 0.0, None))[..., None, :]


@dataclass(frozen=True, eq=False)
class EnvironmentStack:
    """G environments with equal dimension and family count, stacked for batched sampling.

    Attributes:
        environments: the G environments (grid points of a figure).
    """

    environments: tuple[Environment, ...]
    weights: np.ndarray = field(init=False, repr=False)  # (G, K)
    sigmas: np.ndarray = field(init=False, repr=False)  # (G, K, d, d)
    sigma_roots: np.ndarray = field(init=False, repr=False)  # (G, K, d, d), Cholesky
    w_means: np.ndarray = field(init=False, repr=False)  # (G, K, d)
    w_roots: np.ndarray = field(init=False, repr=False)  # (G, K, d, d)
    noise_sd: np.ndarray = field(init=False, repr=False)  # (G,)

    def __post_init__(self) -> None:
        envs = tuple(self.environments)
        if not envs or not all(isinstance(e, Environment) for e in envs):
            raise ValueError("EnvironmentStack needs a non-empty sequence of Environment objects")
        shapes = {(e.dim, len(e.families)) for e in envs}
        if len(shapes) != 1:
            raise ValueError(
                f"stacked environments must share d and the number of families, got {sorted(shapes)}"
            )
        sigmas = np.stack([e.sigmas for e in envs])
        object.__setattr__(self, "environments", envs)
        object.__setattr__(self, "weights", np.stack([e.weights for e in envs]))
        object.__setattr__(self, "sigmas", sigmas)
        object.__setattr__(self, "sigma_roots", np.linalg.cholesky(sigmas))
        object.__setattr__(self, "w_means", np.stack([e.w_means for e in envs]))
        object.__setattr__(self, "w_roots", _psd_root(np.stack([e.w_covs for e in envs])))
        object.__setattr__(self, "noise_sd", np.sqrt([e.noise_var for e in envs]))

    @property
    def size(self) -> int:
        return len(self.environments)

    @property
    def dim(self) -> int:
        return self.environments[0].dim

    def _grid_index(self, ndim: int) -> np.ndarray:
        return np.arange(self.size).reshape((self.size,) + (1,) * (ndim - 1))

    def sample_tasks(
        self, rng: np.random.Generator, shape: tuple[int, ...]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Draw tasks i.i.d. per grid point: family indices (G, *shape) and w* (G, *shape, d)."""
        cumulative = np.cumsum(self.weights, axis=1)[:, :-1]  # (G, K-1)
        uniform = rng.random((self.size, *shape))
        cut = cumulative.reshape((self.size,) + (1,) * len(shape) + (-1,))
        family = np.sum(uniform[..., None] >= cut, axis=-1)
        grid = self._grid_index(family.ndim)
        noise = rng.standard_normal((*family.shape, self.dim))
        w_star = self.w_means[grid, family] + matvec(self.w_roots[grid, family], noise)
        return family, w_star

    def sample_statistics(
        self, rng: np.random.Generator, family: np.ndarray, w_star: np.ndarray, n: int | np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Sufficient statistics of n Gaussian samples per task: ``XᵀX`` (..., d, d), ``Xᵀy`` (..., d).

        Exact law (Bartlett decomposition, see the module docstring). ``n`` is one count,
        one per grid point (G,), or an array broadcastable to ``family.shape``; each >= d.
        """
        d = self.dim
        counts = np.asarray(n, dtype=float)
        if counts.ndim == 1 and counts.size == self.size and family.ndim > 1:
            counts = counts.reshape((self.size,) + (1,) * (family.ndim - 1))
        counts = np.broadcast_to(counts, family.shape)
        if not np.all(np.mod(counts, 1) == 0) or np.any(counts < d):
            raise ValueError(
                f"sample counts must be integers >= d = {d} for the Wishart sampler, got {n!r}"
            )
        grid = self._grid_index(family.ndim)
        dof = counts[..., None] - np.arange(d)
        rows, columns = np.tril_indices(d, k=-1)
        bartlett = np.zeros((*family.shape, d, d))
        bartlett[..., rows, columns] = rng.standard_normal((*family.shape, rows.size))
        diagonal = np.arange(d)
        bartlett[..., diagonal, diagonal] = np.sqrt(rng.chisquare(dof))
        root = self.sigma_roots[grid, family] @ bartlett
        gram = root @ np.swapaxes(root, -1, -2)
        noise = rng.standard_normal((*family.shape, d))
        xtz = self.noise_sd[grid][..., None] * matvec(root, noise)
        return gram, matvec(gram, w_star) + xtz


def _per_grid(name: str, value: float | Sequence[float] | np.ndarray, size: int) -> np.ndarray:
    array = np.broadcast_to(np.asarray(value, dtype=float), (size,)).copy()
    if not np.all(np.isfinite(array)) or np.any(array <= 0):
        raise ValueError(f"{name} must be positive and finite (one value or one per grid point)")
    return array


@dataclass(frozen=True)
class Protocol:
    """The SGD protocol of App. C.1; every numeric field is one value or one per grid point.

    Attributes:
        iterations: SGD iterations (5,000 in App. C.1, 4,000 for Table 3).
        n1: outer samples per MAML episode (25 in App. C.1).
        n2: inner samples per MAML episode; NAL uses n = n1 + n2 samples per task.
        alpha: inner step size α.
        maml_step: meta-learning rate of MAML (n2/10000 in App. C.1).
        nal_step: meta-learning rate of NAL (0.025 in App. C.1).
        tasks_per_iteration: tasks per SGD batch (1 in App. C.1, 10 for Table 3).
        nal_family_weights: (K,) or (G, K) relative weight of a task of each family in NAL's
            batch loss; weights are normalised to sum to 1 within each batch (Table 3's ν).
    """

    iterations: int
    n1: int | Sequence[int] | np.ndarray
    n2: int | Sequence[int] | np.ndarray
    alpha: float | Sequence[float] | np.ndarray
    maml_step: float | Sequence[float] | np.ndarray
    nal_step: float | Sequence[float] | np.ndarray
    tasks_per_iteration: int = 1
    nal_family_weights: Sequence[float] | np.ndarray | None = None

    def __post_init__(self) -> None:
        check_sample_count("iterations", self.iterations)
        check_sample_count("tasks_per_iteration", self.tasks_per_iteration)


@dataclass(frozen=True)
class TrainedPoints:
    """Final SGD iterates: ``nal`` and ``maml`` of shape (G, repetitions, d)."""

    nal: np.ndarray
    maml: np.ndarray


def _column(values: np.ndarray, ndim: int) -> np.ndarray:
    """(G,) values reshaped to broadcast against an array of ``ndim`` dims with G first."""
    return values.reshape((-1,) + (1,) * (ndim - 1))


def sgd_step(
    w_nal: np.ndarray,
    w_maml: np.ndarray,
    inner: tuple[np.ndarray, np.ndarray],
    outer: tuple[np.ndarray, np.ndarray],
    batch_weights: np.ndarray,
    n1: np.ndarray,
    n2: np.ndarray,
    alpha: np.ndarray,
    nal_step: np.ndarray,
    maml_step: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """One SGD step of NAL (eq. (3)) and MAML (eq. (4)) from per-task sufficient statistics.

    ``w_*`` (G, R, d); ``inner``/``outer`` = (``XᵀX`` (G, R, B, d, d), ``Xᵀy`` (G, R, B, d)) of the
    n2 inner and n1 outer samples of each of the B tasks of a batch; ``batch_weights``
    (G, R, B) NAL's weight per task (summing to 1 over B); ``n1 ... maml_step`` are (G,).
    NAL: gradient of Σ_b c_b ‖X_b w - y_b‖²/(2n), n = n1 + n2, on all n samples.
    MAML: the inner step ``w' = w - (α/n2)(G_in w - b_in)``, then the chain rule
    ``P̂ (G_out w' - b_out)/n1`` with ``P̂ = I - (α/n2) G_in``, averaged over the batch.
    """
    gram_in, xty_in = inner
    gram_out, xty_out = outer
    n = n1 + n2
    w = w_nal[:, :, None, :]
    residual = matvec(gram_in + gram_out, w) - (xty_in + xty_out)
    nal_gradient = np.einsum("grb,grbi->gri", batch_weights, residual) / _column(n, 3)
    w = w_maml[:, :, None, :]
    shrink = _column(alpha / n2, 4)
    adapted = w - shrink * (matvec(gram_in, w) - xty_in)
    outer_gradient = (matvec(gram_out, adapted) - xty_out) / _column(n1, 4)
    through_inner = outer_gradient - shrink * matvec(gram_in, outer_gradient)
    maml_gradient = through_inner.mean(axis=2)
    return (
        w_nal - _column(nal_step, 3) * nal_gradient,
        w_maml - _column(maml_step, 3) * maml_gradient,
    )


def nal_batch_weights(family: np.ndarray, family_weights: np.ndarray) -> np.ndarray:
    """NAL's per-task weights in a batch: ``family_weights[g, family]`` normalised over the batch.

    ``family`` (G, R, B) family indices; ``family_weights`` (G, K). With weight ν on hard
    and 1 on easy tasks this is Table 3's scheme (e.g. 6 hard, 4 easy, ν = 2: 1/8 and 1/16).
    """
    grid = np.arange(family.shape[0]).reshape(-1, 1, 1)
    raw = family_weights[grid, family]
    return raw / raw.sum(axis=-1, keepdims=True)


def train(
    stack: EnvironmentStack,
    protocol: Protocol,
    repetitions: int,
    rng: np.random.Generator,
    w0: np.ndarray | None = None,
) -> TrainedPoints:
    """Run SGD for NAL and MAML at every grid point, ``repetitions`` times, in one batch.

    Each iteration draws ``tasks_per_iteration`` fresh tasks per run and their inner (n2)
    and outer (n1) sufficient statistics, then applies :func:`sgd_step`. ``w0`` (d,)
    is the common initialisation (zeros if omitted). Returns the final iterates.
    """
    repetitions = check_sample_count("repetitions", repetitions)
    G, d, B = stack.size, stack.dim, protocol.tasks_per_iteration
    n1 = _per_grid("n1", protocol.n1, G)
    n2 = _per_grid("n2", protocol.n2, G)
    alpha = np.array([check_step_size(a) for a in _per_grid("alpha", protocol.alpha, G)])
    nal_step = _per_grid("nal_step", protocol.nal_step, G)
    maml_step = _per_grid("maml_step", protocol.maml_step, G)
    K = stack.weights.shape[1]
    family_weights = np.broadcast_to(
        np.ones(K) if protocol.nal_family_weights is None else protocol.nal_family_weights, (G, K)
    ).astype(float)
    if np.any(family_weights <= 0) or not np.all(np.isfinite(family_weights)):
        raise ValueError("nal_family_weights must be positive and finite")
    start = np.zeros(d) if w0 is None else np.asarray(w0, dtype=float)
    if start.shape != (d,):
        raise ValueError(f"w0 must have shape (d,) = ({d},), got {start.shape}")
    w_nal = np.broadcast_to(start, (G, repetitions, d)).copy()
    w_maml = w_nal.copy()
    counts = np.stack([n2, n1], axis=-1).reshape(G, 1, 1, 2)  # inner and outer, one draw

    def both(array: np.ndarray) -> np.ndarray:
        return np.broadcast_to(np.expand_dims(array, 3), (G, repetitions, B, 2, *array.shape[3:]))

    for _ in range(protocol.iterations):
        family, w_star = stack.sample_tasks(rng, (repetitions, B))
        gram, xty = stack.sample_statistics(rng, both(family), both(w_star), counts)
        inner, outer = (gram[..., 0, :, :], xty[..., 0, :]), (gram[..., 1, :, :], xty[..., 1, :])
        weights = nal_batch_weights(family, family_weights)
        w_nal, w_maml = sgd_step(
            w_nal, w_maml, inner, outer, weights, n1, n2, alpha, nal_step, maml_step
        )
    return TrainedPoints(w_nal, w_maml)


def risk_above_optima_mc(
    stack: EnvironmentStack,
    points: np.ndarray,
    alpha: float | np.ndarray,
    m: int | np.ndarray,
    tasks: int,
    rng: np.random.Generator,
    max_floats: int = 2**21,
) -> tuple[np.ndarray, np.ndarray]:
    """Monte Carlo ``F_m(w) - E_i inf F_{m,i}`` of points (G, P, d) on ``tasks`` sampled tasks.

    As App. C.1 estimates excess risks "using 3,000 randomly sampled tasks": per task,
    m adaptation samples (exact Wishart statistics), one SGD step of size α on the
    averaged loss from w and, paired on the same samples, from the task's own w_i*;
    the post-step population loss ½(w' - w*)ᵀΣ(w' - w*) + ν²/2 is exact. Returns the
    estimate and its standard error, each (G, P). This is the quantity of Proposition 1.
    """
    tasks = check_sample_count("tasks", tasks)
    G, P, d = points.shape
    alpha = _column(_per_grid("alpha", alpha, G), 4)
    counts = _per_grid("m", m, G)
    chunk = max(1, max_floats // (G * P * d * d))
    total, total_sq, done = np.zeros((G, P)), np.zeros((G, P)), 0
    while done < tasks:
        size = min(chunk, tasks - done)
        family, w_star = stack.sample_tasks(rng, (P, size))
        gram, xty = stack.sample_statistics(rng, family, w_star, counts)
        grid = stack._grid_index(family.ndim)
        sigma = stack.sigmas[grid, family]
        # the step from w*: w* - (α/m)(G w* - Xᵀy) = w* + (α/m) Xᵀz; residual from w*:
        noise_step = (alpha / _column(counts, 4)) * (xty - matvec(gram, w_star))
        start = points[:, :, None, :] - w_star
        shrink = start - (alpha / _column(counts, 4)) * matvec(gram, start)
        from_w = shrink + noise_step
        loss_w = 0.5 * np.sum(from_w * matvec(sigma, from_w), axis=-1)
        loss_star = 0.5 * np.sum(noise_step * matvec(sigma, noise_step), axis=-1)
        difference = loss_w - loss_star
        total += difference.sum(axis=-1)
        total_sq += (difference**2).sum(axis=-1)
        done += size
    mean = total / tasks
    variance = np.clip(total_sq / tasks - mean**2, 0.0, None) * tasks / max(tasks - 1, 1)
    return mean, np.sqrt(variance / tasks)


def risk_above_optima_exact(
    stack: EnvironmentStack, points: np.ndarray, alpha: float | np.ndarray, m: int | np.ndarray
) -> np.ndarray:
    """Exact ``F_m(w) - E_i inf F_{m,i}`` (Proposition 1's quantity) of points (G, P, d): (G, P)."""
    G, P, _ = points.shape
    alphas, counts = _per_grid("alpha", alpha, G), _per_grid("m", m, G)
    return np.array(
        [
            [risk_above_task_optima(env, w, alphas[g], int(counts[g])) for w in points[g]]
            for g, env in enumerate(stack.environments)
        ]
    )
