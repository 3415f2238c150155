"""Exact population quantities after k inner SGD steps, each on a fresh batch of m samples.

Step j draws X_j (m rows ~ N(0, Σ)) and labels y_j = X_j w* + z_j and steps on the averaged
loss (1/(2m))‖X_j w - y_j‖² of eq. (1), so the error e_j = w_j - w* obeys

    e_j = P_j e_{j-1} + (α/m) X_jᵀ z_j,     P_j = I - (α/m) X_jᵀX_j.

Its second moment evolves by M_j = T(M_{j-1}) + (α²ν²/m) Σ with the linear map
(Isserlis, derived symbolically in :mod:`maml_landscape.theory.multi_step`)

    T(M) = E[P M Pᵀ] = (I - αΣ) M (I - αΣ) + (α²/m) (Σ M Σ + tr(Σ M) Σ).

T is self-adjoint for the trace inner product, so the post-adaptation loss of a task is

    ½ [(w - w*)ᵀ Q^(m,k) (w - w*) + ν² g^(m,k)],   Q^(m,k) = T^k(Σ),
    g^(m,k) = 1 + (α²/m) Σ_{i<k} tr(Σ T^i(Σ)).

For k = 1 these are Lemma 2's Q^(m) (below eq. (5)) and 1 + α² tr(Σ²)/m. Every T^i(Σ) is a
function of Σ, so in Σ's eigenbasis (eigenvalues λ_a) the map acts on the eigenvalues q_a
of T^i(Σ) alone: q_a ← (1 - αλ_a)² q_a + (α²/m) (λ_a² q_a + (Σ_b λ_b q_b) λ_a). That
recursion, O(d) per step and vectorised over any grid of (α, m, k), is all this module does.
"""

from __future__ import annotations

import numpy as np


def fresh_batch_spectra(
    eigenvalues: np.ndarray, alpha: np.ndarray, m: np.ndarray, steps: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues of Q^(m,k) = T^k(Σ) and the noise gain g^(m,k), per family and grid point.

    Args:
        eigenvalues: (G, K, d) eigenvalues of each family's Σ at each grid point.
        alpha: (G,) step sizes α.
        m: (G,) samples per step (``np.inf`` gives the m → ∞ limit, T(M) = (I - αΣ)M(I - αΣ)).
        steps: (G,) integers k ≥ 1.

    Returns:
        q: (G, K, d), the eigenvalues of Q^(m,k) in the same eigenbasis as Σ;
        gain: (G, K), g^(m,k), the factor of ν² in twice the task's best post-adaptation loss.

    >>> q, g = fresh_batch_spectra(np.array([[[1.0]]]), np.array([0.5]), np.array([2]), np.array([1]))
    >>> float(q[0, 0, 0]), float(g[0, 0])  # (1 - α)² + (α²/m)(1 + 1) = 0.5; 1 + α²/m
    (0.5, 1.125)
    """
    steps = np.asarray(steps)
    alpha, m = alpha[:, None, None], np.asarray(m, dtype=float)[:, None, None]
    q = eigenvalues.copy()
    traces = np.zeros(eigenvalues.shape[:2])
    for step in range(int(steps.max())):
        active = (steps > step)[:, None]
        traces = traces + np.where(active, np.einsum("gka,gka->gk", eigenvalues, q), 0.0)  # tr(Σ T^step(Σ))
        q = np.where(active[..., None], step_spectrum(q, eigenvalues, alpha, m), q)
    gain = 1.0 + (alpha**2 / m)[:, :, 0] * traces
    return q, gain


def step_spectrum(q: np.ndarray, eigenvalues: np.ndarray, alpha: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Eigenvalues of T(M) for M = U diag(q) Uᵀ and Σ = U diag(λ) Uᵀ (same shapes; α, m broadcast).

    T(M) = (I - αΣ) M (I - αΣ) + (α²/m)(Σ M Σ + tr(Σ M) Σ), so each eigenvalue becomes
    (1 - αλ_a)² q_a + (α²/m)(λ_a² q_a + (Σ_b λ_b q_b) λ_a).
    """
    trace = np.sum(eigenvalues * q, axis=-1, keepdims=True)
    return (1.0 - alpha * eigenvalues) ** 2 * q + (alpha**2 / m) * (eigenvalues**2 * q + trace * eigenvalues)
