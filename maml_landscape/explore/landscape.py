"""Every exact answer at many settings at once: population solutions and losses on a grid.

An environment is held in each family's eigenbasis Σ_k = U_k diag(λ_k) U_kᵀ
(:class:`SpectralEnvironment`). The post-adaptation curvature Q_k = U_k diag(q_k) U_kᵀ and
noise gain g_k of a family come from a *curvature model* (exact: :func:`fresh_batch_spectra`;
reused batches: :mod:`maml_landscape.explore.reuse`), and then, with π_k the weights,
μ_k and C_k the mean and covariance of w* in family k (eqs. (1), (2), (5), Proposition 1):

    w_NAL  = E[Σ_i]⁻¹ E[Σ_i w_i*],   w_MAML = E[Q_i^(n_train)]⁻¹ E[Q_i^(n_train) w_i*]     (eq. (5))
    F(w)   = ½ Σ_k π_k [(w - μ_k)ᵀ Q_k (w - μ_k) + tr(Q_k C_k) + ν² g_k]                 (eq. (1))
    risk_above_task_optima(w) = F(w) - ½ Σ_k π_k ν² g_k                                 (Prop. 1)
    excess_risk(w) = ½ (w - w°)ᵀ E[Q_i^(m)] (w - w°),  w° = argmin F                    (eq. (2))

A :class:`Grid` holds G settings (α, m, n_train, k, a scale of each Σ_k, the weights); all
of them are computed together in chunks of bounded memory (:func:`evaluate`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, replace

import numpy as np

from maml_landscape.explore.multi_step import fresh_batch_spectra
from maml_landscape.numerics.environments import Environment

#: (eigenvalues (G, K, d), alpha (G,), m (G,), steps (G,)) -> (q (G, K, d), gain (G, K)).
CurvatureModel = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
#: Floats held by one chunk's largest array ((chunk, d, d) matrices): 8 MiB.
CHUNK_FLOATS = 2**20
#: Index of NAL and MAML in the last axis of the loss arrays.
NAL, MAML = 0, 1


@dataclass(frozen=True)
class SpectralEnvironment:
    """An environment in each family's eigenbasis: all that the exact answers need.

    Attributes:
        eigenvalues: (K, d) eigenvalues λ_k of Σ_k.
        bases: (d, K d) the eigenvectors of every family side by side, [U_1 ... U_K].
        w_means: (K, d) means μ_k of w*.
        means_in_basis: (K, d) U_kᵀ μ_k.
        spreads: (K, d) diagonal of U_kᵀ C_k U_k (C_k the covariance of w*).
        weights: (K,) mixture weights π_k.
        noise_var: ν².
    """

    eigenvalues: np.ndarray
    bases: np.ndarray
    w_means: np.ndarray
    means_in_basis: np.ndarray
    spreads: np.ndarray
    weights: np.ndarray
    noise_var: float

    @classmethod
    def from_environment(cls, env: Environment) -> SpectralEnvironment:
        eigenvalues, bases = np.linalg.eigh(env.sigmas)
        means = env.w_means
        return cls(
            eigenvalues=eigenvalues,
            bases=np.ascontiguousarray(np.concatenate(list(bases), axis=1)),
            w_means=means,
            means_in_basis=np.einsum("kia,ki->ka", bases, means),
            spreads=np.einsum("kia,kij,kja->ka", bases, env.w_covs, bases),
            weights=env.weights,
            noise_var=env.noise_var,
        )

    @property
    def dim(self) -> int:
        return self.eigenvalues.shape[1]

    def in_bases(self, vectors: np.ndarray) -> np.ndarray:
        """(G, K, d): U_kᵀ v for every row v of ``vectors`` (G, d) and every family."""
        return (vectors @ self.bases).reshape(len(vectors), *self.eigenvalues.shape)


@dataclass(frozen=True)
class Grid:
    """G settings: α, m (test), n_train (MAML's training n2), steps k, Σ_k scales and weights.

    Arrays have G rows; ``sigma_scales`` and ``weights`` are (G, K).
    """

    alpha: np.ndarray
    m: np.ndarray
    n_train: np.ndarray
    steps: np.ndarray
    sigma_scales: np.ndarray
    weights: np.ndarray

    @classmethod
    def point(cls, senv: SpectralEnvironment, alpha: float, m: float, n_train: float, steps: int) -> Grid:
        """One setting with the environment's own Σ_k and weights."""
        return cls(np.array([alpha], float), np.array([m], float), np.array([n_train], float),
                   np.array([steps]), np.ones((1, senv.weights.size)), senv.weights[None, :].copy())

    @property
    def size(self) -> int:
        return self.alpha.size

    def take(self, rows: slice | np.ndarray) -> Grid:
        return Grid(*(getattr(self, f.name)[rows] for f in fields(self)))

    def with_alpha(self, alpha: np.ndarray) -> Grid:
        return replace(self, alpha=np.asarray(alpha, float))

    def repeat(self, times: int) -> Grid:
        """Each row ``times`` times in a row (for evaluating several α per setting)."""
        return Grid(*(np.repeat(getattr(self, f.name), times, axis=0) for f in fields(self)))


@dataclass(frozen=True)
class Values:
    """The exact answers at every grid point; loss arrays end in (NAL, MAML).

    Attributes:
        w_nal, w_maml: (G, d) population solutions (eq. (5)); w_best: (G, d) argmin F (eq. (2)).
        meta_test_loss: (G, 2) F(w) after adaptation on m fresh samples (eq. (1)).
        floor: (G,) mean over tasks of each task's best post-adaptation loss.
        excess_risk: (G, 2) F(w) - inf F (eq. (2)).
        family_loss: (G, K, 2) each family's post-adaptation loss.
        family_distance: (G, K, 2) ‖w - μ_k‖.
    """

    w_nal: np.ndarray
    w_maml: np.ndarray
    w_best: np.ndarray
    meta_test_loss: np.ndarray
    floor: np.ndarray
    excess_risk: np.ndarray
    family_loss: np.ndarray
    family_distance: np.ndarray

    @property
    def risk_above_task_optima(self) -> np.ndarray:
        """(G, 2) F(w) minus the mean of each task's own best loss (Proposition 1's convention)."""
        return self.meta_test_loss - self.floor[:, None]

    @property
    def gain(self) -> np.ndarray:
        """(G,) NAL's risk above the task optima over MAML's; NaN where MAML's is 0."""
        risk = self.risk_above_task_optima
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(risk[:, MAML] > 0, risk[:, NAL] / risk[:, MAML], np.nan)

    @classmethod
    def concatenate(cls, parts: list[Values]) -> Values:
        return cls(*(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(cls)))


def _chunks(grid: Grid, dim: int) -> list[slice]:
    size = max(1, CHUNK_FLOATS // (dim * dim))
    return [slice(start, start + size) for start in range(0, grid.size, size)]


def weighted_solution(senv: SpectralEnvironment, weights: np.ndarray, spectra: np.ndarray) -> np.ndarray:
    """E_i[M_i]⁻¹ E_i[M_i w_i*] with M_k = U_k diag(spectra_k) U_kᵀ at every grid point (eq. (5)).

    ``weights`` (G, K), ``spectra`` (G, K, d); rows that repeat are solved once. The matrices
    Σ_k π_k U_k diag(s_k) U_kᵀ = [U_1 ... U_K] diag(π s) [U_1 ... U_K]ᵀ of a whole chunk are
    one matrix product.
    """
    scaled = (weights[:, :, None] * spectra).reshape(len(spectra), -1)
    scaled, inverse = np.unique(scaled, axis=0, return_inverse=True)
    dim = senv.dim
    matrix = ((senv.bases[None] * scaled[:, None, :]).reshape(-1, senv.bases.shape[1]) @ senv.bases.T).reshape(-1, dim, dim)
    vector = (scaled * senv.means_in_basis.ravel()) @ senv.bases.T
    try:
        solution = np.linalg.solve(matrix, vector[..., None])[..., 0]
    except np.linalg.LinAlgError:
        raise ValueError("the averaged curvature E_i[Q_i] is singular at some setting (α makes a "
                         "family's Q vanish); change alpha or the environment") from None
    return solution[inverse.ravel()]


def family_losses(senv: SpectralEnvironment, w: np.ndarray, q: np.ndarray, gain: np.ndarray) -> np.ndarray:
    """(G, K): ½ [(w - μ_k)ᵀ Q_k (w - μ_k) + tr(Q_k C_k) + ν² g_k], each family's loss (eq. (1))."""
    offset = senv.in_bases(w) - senv.means_in_basis[None]
    curvature = np.einsum("gka,gka->gk", q, offset**2) + np.einsum("gka,ka->gk", q, senv.spreads)
    return 0.5 * (curvature + senv.noise_var * gain)


def _quadratic(senv: SpectralEnvironment, weights: np.ndarray, q: np.ndarray, offset: np.ndarray) -> np.ndarray:
    """(G,): ½ offsetᵀ E_i[Q_i] offset."""
    return 0.5 * np.einsum("gk,gka,gka->g", weights, q, senv.in_bases(offset) ** 2)


def _evaluate_chunk(senv: SpectralEnvironment, grid: Grid, curvature: CurvatureModel) -> Values:
    eigenvalues = senv.eigenvalues[None] * grid.sigma_scales[:, :, None]
    q_test, gain_test = curvature(eigenvalues, grid.alpha, grid.m, grid.steps)
    q_train, _ = curvature(eigenvalues, grid.alpha, grid.n_train, grid.steps)
    w_nal = weighted_solution(senv, grid.weights, eigenvalues)
    w_maml = weighted_solution(senv, grid.weights, q_train)
    w_best = w_maml if np.array_equal(grid.n_train, grid.m) else weighted_solution(senv, grid.weights, q_test)
    losses = np.stack([family_losses(senv, w, q_test, gain_test) for w in (w_nal, w_maml)], axis=-1)
    distance = np.stack([np.linalg.norm(w[:, None, :] - senv.w_means[None], axis=-1) for w in (w_nal, w_maml)], axis=-1)
    excess = np.stack([_quadratic(senv, grid.weights, q_test, w - w_best) for w in (w_nal, w_maml)], axis=-1)
    return Values(
        w_nal=w_nal, w_maml=w_maml, w_best=w_best,
        meta_test_loss=np.einsum("gk,gkj->gj", grid.weights, losses),
        floor=0.5 * senv.noise_var * np.einsum("gk,gk->g", grid.weights, gain_test),
        excess_risk=excess, family_loss=losses, family_distance=distance,
    )


def evaluate(senv: SpectralEnvironment, grid: Grid, curvature: CurvatureModel = fresh_batch_spectra) -> Values:
    """All exact answers at every setting of ``grid`` (vectorised, in chunks of bounded memory)."""
    parts = [_evaluate_chunk(senv, grid.take(rows), curvature) for rows in _chunks(grid, senv.dim)]
    return Values.concatenate(parts)


def maml_meta_test_loss(senv: SpectralEnvironment, grid: Grid, curvature: CurvatureModel) -> np.ndarray:
    """(G,) F(w_MAML): MAML's meta-test loss with w_MAML re-solved at each setting."""
    losses = []
    for rows in _chunks(grid, senv.dim):
        part = grid.take(rows)
        eigenvalues = senv.eigenvalues[None] * part.sigma_scales[:, :, None]
        q_test, gain_test = curvature(eigenvalues, part.alpha, part.m, part.steps)
        q_train = q_test if np.array_equal(part.n_train, part.m) else \
            curvature(eigenvalues, part.alpha, part.n_train, part.steps)[0]
        w_maml = weighted_solution(senv, part.weights, q_train)
        losses.append(np.einsum("gk,gk->g", part.weights, family_losses(senv, w_maml, q_test, gain_test)))
    return np.concatenate(losses)


def step_size_limits(senv: SpectralEnvironment, grid: Grid) -> np.ndarray:
    """(G,) 2/λ_max at every setting: larger steps diverge along the top eigenvector."""
    return 2.0 / (senv.eigenvalues.max(axis=1)[None] * grid.sigma_scales).max(axis=1)
