"""k inner steps that reuse one batch of m samples: the curvature by Monte Carlo (no closed form here).

With one batch X reused by every step, e_k = P^k e_0 + (Σ_{j<k} P^j)(α/m) Xᵀz with
P = I - (α/m) XᵀX, so a task's post-adaptation loss is still
½ [(w - w*)ᵀ Q (w - w*) + ν² g] with Q = E[(P^k)ᵀ Σ P^k] and
g = 1 + (α²/m) E[tr(Sᵀ Σ S XᵀX/m)], S = Σ_{j<k} P^j. Flipping the sign of any eigenvector
of Σ leaves the law of X unchanged, so Q is diagonal in Σ's eigenbasis: only its
eigenvalues are estimated, by the sample means below. For k = 1 both equal the fresh-batch
values (Lemma 2's Q^(m) and 1 + α² tr(Σ²)/m).

:class:`ReusedBatchCurvature` is a curvature model for :mod:`maml_landscape.explore.landscape`
(a plug-in estimate): every call draws the same standardised Gram matrices Zᵀ Z/m for a
given (family, m) (common random numbers), so the estimates are smooth in α and in a scale
of Σ and the step-size search of :mod:`maml_landscape.explore.step_size` works on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

#: Standardised Gram matrices drawn per (family, m), at most REUSE_FLOATS floats in all.
REUSE_SAMPLES = 4000
REUSE_FLOATS = 2**22
#: Floats drawn at once while building the Gram matrices.
CHUNK_FLOATS = 2**21


@lru_cache(maxsize=16)
def _grams(seed: int, family: int, m: float, dim: int, samples: int) -> np.ndarray:
    """(samples, d, d) matrices Zᵀ Z/m, Z with m i.i.d. N(0, I_d) rows; the identity when m = ∞."""
    if np.isinf(m):
        return np.broadcast_to(np.eye(dim), (1, dim, dim))
    rows = int(m)
    rng = np.random.default_rng([seed, family, rows])
    chunk = max(1, CHUNK_FLOATS // (rows * dim))
    grams = []
    for start in range(0, samples, chunk):
        Z = rng.standard_normal((min(chunk, samples - start), rows, dim))
        grams.append(np.einsum("sni,snj->sij", Z, Z) / rows)
    return np.concatenate(grams)


def _family_estimate(grams: np.ndarray, eigenvalues: np.ndarray, alpha: float, m: float, steps: int) -> tuple[np.ndarray, float]:
    """Eigenvalues of Q and the noise gain g for one family (Σ = diag(eigenvalues))."""
    root = np.sqrt(eigenvalues)
    gram = root[:, None] * grams * root[None, :]  # XᵀX/m in Σ's eigenbasis
    P = np.eye(eigenvalues.size) - alpha * gram
    power, partial = np.broadcast_to(np.eye(eigenvalues.size), P.shape), np.zeros_like(P)
    for _ in range(steps):
        partial = partial + power
        power = P @ power
    q = eigenvalues @ (power**2).mean(axis=0)  # diag of E[Φᵀ Λ Φ], Φ = P^k
    weighted = np.swapaxes(partial, 1, 2) @ (eigenvalues[:, None] * partial)  # Sᵀ Λ S
    noise = np.mean(np.sum(weighted * np.swapaxes(gram, 1, 2), axis=(1, 2)))  # E tr(Sᵀ Λ S XᵀX/m)
    return q, 1.0 + (alpha**2 / m) * noise if np.isfinite(m) else 1.0


@dataclass(frozen=True)
class ReusedBatchCurvature:
    """Curvature model (see :data:`~maml_landscape.explore.landscape.CurvatureModel`) for a reused batch."""

    seed: int
    samples: int = REUSE_SAMPLES

    def __call__(self, eigenvalues: np.ndarray, alpha: np.ndarray, m: np.ndarray,
                 steps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        dim = eigenvalues.shape[-1]
        samples = max(2, min(self.samples, REUSE_FLOATS // (dim * dim)))
        q, gain = np.empty_like(eigenvalues), np.empty(eigenvalues.shape[:2])
        for g, k in np.ndindex(*eigenvalues.shape[:2]):
            grams = _grams(self.seed, k, float(m[g]), dim, samples)
            q[g, k], gain[g, k] = _family_estimate(grams, eigenvalues[g, k], float(alpha[g]), float(m[g]), int(steps[g]))
        return q, gain
