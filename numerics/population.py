"""Exact population quantities of Sec. 3 for any finite-mixture environment (no sampling).

With P := I_d - (α/m) X̂ᵀX̂ for X̂ (m, d) with rows ~ N(0, Σ), Isserlis' theorem gives
E[PᵀΣP] = Q^(m), the matrix printed below eq. (5):

    Q^(s) = (I - αΣ) Σ (I - αΣ) + (α²/s) (tr(Σ²) Σ + Σ³)        (symmetric Σ).

Then one SGD step on the *averaged* empirical loss (Sec. 2) from w gives, per task,
E f_i(w_i) = ½ [(w - w_i*)ᵀ Q_i^(m) (w - w_i*) + ν² (1 + α² tr(Σ_i²)/m)], so the meta
loss F_m of eq. (1) is a quadratic in w whose mixture expectation only needs the
moments of w* within each family (mean μ_k, covariance C_k):

    F_m(w) = ½ Σ_k π_k [(w - μ_k)ᵀ Q_k (w - μ_k) + tr(Q_k C_k) + ν² (1 + α² tr(Σ_k²)/m)].

Its minimiser is w_MAML* of eq. (5) with n2 = m, and the excess risk of eq. (2) is
E_m(w) = ½ (w - w_MAML*)ᵀ E_i[Q_i^(m)] (w - w_MAML*).
"""

from __future__ import annotations

import numpy as np

from maml_landscape.numerics.environments import Environment


def check_step_size(alpha: float) -> float:
    """α as a float; ``ValueError`` unless it is positive and finite."""
    if isinstance(alpha, bool):
        raise ValueError(f"alpha must be a positive number, got {alpha!r}")
    alpha = float(alpha)
    if not np.isfinite(alpha) or alpha <= 0:
        raise ValueError(
            f"alpha (the inner SGD step size) must be positive and finite, got {alpha}"
        )
    return alpha


def check_sample_count(name: str, value: int) -> int:
    """A number of samples (m, n2, s, n) as an int; ``ValueError`` unless an integer ≥ 1."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer, float, np.floating)):
        raise ValueError(f"{name} must be an integer ≥ 1, got {value!r}")
    if not float(value).is_integer() or value < 1:
        raise ValueError(f"{name} must be an integer ≥ 1 (a number of samples), got {value!r}")
    return int(value)


def check_point(env: Environment, w: np.ndarray) -> np.ndarray:
    """w as a float vector of the environment's dimension."""
    w = np.asarray(w, dtype=float)
    if w.shape != (env.dim,):
        raise ValueError(f"w must have shape (d,) = ({env.dim},), got {w.shape}")
    if not np.all(np.isfinite(w)):
        raise ValueError("w must have finite entries")
    return w


def q_matrix(sigma: np.ndarray, alpha: float, s: int) -> np.ndarray:
    """Q^(s) (below eq. (5)) for a symmetric Σ of shape (d, d), or a stack (..., d, d).

    Q^(s) = (I - αΣ) Σ (I - αΣ) + (α²/s)(tr(Σ²) Σ + Σ³) = E[PᵀΣP] with
    P = I - (α/s) XᵀX and X (s, d) with rows ~ N(0, Σ) (Lemma 2 with A = Σ, eq. (84)).
    """
    alpha = check_step_size(alpha)
    s = check_sample_count("s", s)
    sigma = np.asarray(sigma, dtype=float)
    if sigma.ndim < 2 or sigma.shape[-1] != sigma.shape[-2]:
        raise ValueError(f"sigma must be square (..., d, d), got shape {sigma.shape}")
    if not np.allclose(sigma, np.swapaxes(sigma, -1, -2)):
        raise ValueError("sigma must be symmetric: Q^(s) = E[PᵀΣP] is derived for symmetric Σ")
    eye = np.eye(sigma.shape[-1])
    shrink = eye - alpha * sigma
    sigma_sq = sigma @ sigma
    trace_sq = np.trace(sigma_sq, axis1=-2, axis2=-1)[..., None, None]
    return shrink @ sigma @ shrink + (alpha**2 / s) * (trace_sq * sigma + sigma_sq @ sigma)


def _weighted_solution(env: Environment, matrices: np.ndarray) -> np.ndarray:
    """E_i[M_i]⁻¹ E_i[M_i w_i*] for per-family matrices M_k (K, d, d)."""
    weights = env.weights
    mean_matrix = np.einsum("k,kij->ij", weights, matrices)
    mean_vector = np.einsum("k,kij,kj->i", weights, matrices, env.w_means)
    return np.linalg.solve(mean_matrix, mean_vector)


def nal_solution(env: Environment) -> np.ndarray:
    """w_NAL* = E_i[Σ_i]⁻¹ E_i[Σ_i w_i*] (eq. (5)), the minimiser of E_i f_i(w)."""
    return _weighted_solution(env, env.sigmas)


def maml_solution(env: Environment, alpha: float, n2: int) -> np.ndarray:
    """w_MAML* = E_i[Q_i^(n2)]⁻¹ E_i[Q_i^(n2) w_i*] (eq. (5)), the minimiser of F_{n2}."""
    return _weighted_solution(
        env, q_matrix(env.sigmas, check_step_size(alpha), check_sample_count("n2", n2))
    )


def noise_floor(env: Environment, alpha: float, m: int) -> float:
    """½ E_i[ν² (1 + α² tr(Σ_i²)/m)]: the part of F_m(w) that no initialisation can remove.

    It equals E_i inf_w F_{m,i}(w), the mean over tasks of each task's own best
    post-adaptation loss (attained at w = w_i*); compare the printed eq. (16).
    """
    alpha = check_step_size(alpha)
    m = check_sample_count("m", m)
    trace_sq = np.einsum("kij,kji->k", env.sigmas, env.sigmas)
    return 0.5 * env.noise_var * float(env.weights @ (1.0 + alpha**2 * trace_sq / m))


def risk_above_task_optima(env: Environment, w: np.ndarray, alpha: float, m: int) -> float:
    """F_m(w) - E_i inf_w' F_{m,i}(w') = ½ E_i ‖w - w_i*‖²_{Q_i^(m)}, including the spread of w*.

    This is the quantity that the proof of Proposition 1 computes (eqs. (17)-(20));
    it exceeds the excess risk of eq. (2) by the constant ½ inf_w' E_i ‖w' - w_i*‖²_{Q_i^(m)}.
    """
    w = check_point(env, w)
    q = q_matrix(env.sigmas, check_step_size(alpha), check_sample_count("m", m))
    offset = w - env.w_means
    quadratic = np.einsum("ki,kij,kj->k", offset, q, offset)
    spread = np.einsum("kij,kji->k", q, env.w_covs)
    return 0.5 * float(env.weights @ (quadratic + spread))


def meta_loss(env: Environment, w: np.ndarray, alpha: float, m: int) -> float:
    """F_m(w) of eq. (1): expected loss after one SGD step of size α on m fresh samples.

    The step is on the averaged empirical loss (1/(2m))‖X̂w - ŷ‖², labels with noise ν².
    """
    return risk_above_task_optima(env, w, alpha, m) + noise_floor(env, alpha, m)


def min_meta_loss(env: Environment, alpha: float, m: int) -> float:
    """inf_w F_m(w) = F_m(w_MAML*) with n2 = m (exact)."""
    return meta_loss(env, maml_solution(env, alpha, m), alpha, m)


def excess_risk(env: Environment, w: np.ndarray, alpha: float, m: int) -> float:
    """E_m(w) = F_m(w) - inf_w' F_m(w') of eq. (2), computed without cancellation.

    Since F_m is quadratic with Hessian E_i[Q_i^(m)], E_m(w) = ½ (w - w°)ᵀ E_i[Q_i^(m)] (w - w°)
    with w° = w_MAML* for n2 = m.
    """
    w = check_point(env, w)
    q = q_matrix(env.sigmas, check_step_size(alpha), check_sample_count("m", m))
    mean_q = np.einsum("k,kij->ij", env.weights, q)
    offset = w - _weighted_solution(env, q)
    return 0.5 * float(offset @ mean_q @ offset)
