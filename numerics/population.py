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
from maml_landscape.validate import finite_array, finite_result, positive_finite, positive_int

#: What to do when a population quantity overflows float64 (shared hint of the finite checks).
_ENV_OVERFLOW_HINT = "env's sigma or w* entries, w or alpha are too large for float64; rescale them"


def check_step_size(alpha: float) -> float:
    """α as a float; ``ValueError`` unless it is positive and finite (:func:`validate.positive_finite`)."""
    return positive_finite("alpha (the inner SGD step size)", alpha)


def check_sample_count(name: str, value: int) -> int:
    """A count (m, n2, s, n, iterations) as an int: :func:`validate.positive_int`."""
    return positive_int(name, value)


def check_point(env: Environment, w: np.ndarray) -> np.ndarray:
    """w as a float vector of the environment's dimension with finite entries."""
    w = np.asarray(w, dtype=float)
    if w.shape != (env.dim,):
        raise ValueError(f"w must have shape (d,) = ({env.dim},), got {w.shape}")
    return finite_array("w", w)


def check_covariances(sigma: np.ndarray) -> np.ndarray:
    """Σ (d, d) or a stack (..., d, d) as floats: finite, square, symmetric, positive definite.

    Vectorised over the stack (one ``eigvalsh`` call). Positive definite means every
    computed eigenvalue > 0, the same Σ that a Cholesky factor (and so the Monte Carlo
    estimator :func:`numerics.monte_carlo.q_matrix_mc`) accepts.
    """
    sigma = finite_array("sigma", sigma)
    if sigma.ndim < 2 or sigma.shape[-1] != sigma.shape[-2] or sigma.shape[-1] == 0:
        raise ValueError(f"sigma must be square (..., d, d) with d ≥ 1, got shape {sigma.shape}")
    with np.errstate(over="ignore", invalid="ignore"):
        symmetric = np.allclose(sigma, np.swapaxes(sigma, -1, -2))
    if not symmetric:
        raise ValueError(
            "sigma must be symmetric: Q^(s) = E[PᵀΣP] is derived for symmetric Σ; "
            "symmetrize it, e.g. (S + S.T) / 2"
        )
    try:
        smallest = np.linalg.eigvalsh(sigma)[..., 0]
    except np.linalg.LinAlgError:
        raise ValueError(
            "sigma's eigenvalues could not be computed (entries too large for float64); rescale sigma"
        ) from None
    if not np.all(np.isfinite(smallest)):
        raise ValueError("sigma's eigenvalues overflowed float64; rescale sigma")
    if np.any(smallest <= 0):
        worst = np.unravel_index(np.argmin(smallest), smallest.shape)
        where = f"sigma[{', '.join(map(str, worst))}] has " if smallest.ndim else ""
        raise ValueError(
            f"sigma must be positive definite ({where}smallest eigenvalue "
            f"{smallest[worst]:.3g}); a data covariance needs every eigenvalue > 0"
        )
    return sigma


def _q_formula(sigma: np.ndarray, alpha: float, s: int) -> np.ndarray:
    """Q^(s) for validated inputs; overflow is left as inf/NaN for the caller to report."""
    eye, alpha = np.eye(sigma.shape[-1]), np.float64(alpha)  # numpy overflows to inf, not an error
    with np.errstate(over="ignore", invalid="ignore"):
        shrink = eye - alpha * sigma
        sigma_sq = sigma @ sigma
        trace_sq = np.trace(sigma_sq, axis1=-2, axis2=-1)[..., None, None]
        return shrink @ sigma @ shrink + (alpha**2 / s) * (trace_sq * sigma + sigma_sq @ sigma)


def q_matrix(sigma: np.ndarray, alpha: float, s: int) -> np.ndarray:
    """Q^(s) (below eq. (5)) for a symmetric positive definite Σ (d, d), or a stack (..., d, d).

    Q^(s) = (I - αΣ) Σ (I - αΣ) + (α²/s)(tr(Σ²) Σ + Σ³) = E[PᵀΣP] with
    P = I - (α/s) XᵀX and X (s, d) with rows ~ N(0, Σ) (Lemma 2 with A = Σ, eq. (84)).
    Raises ``ValueError`` (one line) for a bad Σ, α or s, and when the products of Σ and α
    overflow float64 instead of returning inf/NaN.
    """
    alpha = check_step_size(alpha)
    s = check_sample_count("s", s)
    sigma = check_covariances(sigma)
    return finite_result(
        f"q_matrix: the product of sigma (largest |entry| {np.max(np.abs(sigma)):.3g}) "
        f"and alpha = {alpha:.3g}",
        _q_formula(sigma, alpha, s),
        "rescale sigma (e.g. standardise the data) or use a smaller alpha",
    )


def _env_q(env: Environment, alpha: float, s: int, name: str) -> np.ndarray:
    """Q_k^(s) per family (K, d, d) for the caller ``name``; TaskFamily validated each Σ_k."""
    return finite_result(
        f"{name}: Q^(s) = E[PᵀΣP], the product of env's sigma and alpha,",
        _q_formula(env.sigmas, alpha, s),
        "rescale env's sigma or use a smaller alpha",
    )


def _weighted_solution(env: Environment, matrices: np.ndarray, name: str) -> np.ndarray:
    """E_i[M_i]⁻¹ E_i[M_i w_i*] for per-family matrices M_k (K, d, d); ``name`` is the caller."""
    weights = env.weights
    with np.errstate(over="ignore", invalid="ignore"):
        mean_matrix = np.einsum("k,kij->ij", weights, matrices)
        mean_vector = np.einsum("k,kij,kj->i", weights, matrices, env.w_means)
    finite_result(f"{name}: the mixture average of the matrices", mean_matrix, _ENV_OVERFLOW_HINT)
    finite_result(f"{name}: the mixture average of M_k w_k*", mean_vector, _ENV_OVERFLOW_HINT)
    try:
        solution = np.linalg.solve(mean_matrix, mean_vector)
    except np.linalg.LinAlgError:
        raise ValueError(
            f"{name}: the averaged matrix is singular to float64 precision; "
            "rescale env's sigma or change alpha"
        ) from None
    return finite_result(name, solution, _ENV_OVERFLOW_HINT)


def nal_solution(env: Environment) -> np.ndarray:
    """w_NAL* = E_i[Σ_i]⁻¹ E_i[Σ_i w_i*] (eq. (5)), the minimiser of E_i f_i(w)."""
    return _weighted_solution(env, env.sigmas, "nal_solution(env)")


def maml_solution(env: Environment, alpha: float, n2: int) -> np.ndarray:
    """w_MAML* = E_i[Q_i^(n2)]⁻¹ E_i[Q_i^(n2) w_i*] (eq. (5)), the minimiser of F_{n2}."""
    alpha, n2 = check_step_size(alpha), check_sample_count("n2", n2)
    name = f"maml_solution(env, alpha={alpha:.3g}, n2={n2})"
    return _weighted_solution(env, _env_q(env, alpha, n2, name), name)


def noise_floor(env: Environment, alpha: float, m: int) -> float:
    """½ E_i[ν² (1 + α² tr(Σ_i²)/m)]: the part of F_m(w) that no initialisation can remove.

    It equals E_i inf_w F_{m,i}(w), the mean over tasks of each task's own best
    post-adaptation loss (attained at w = w_i*); compare the printed eq. (16).
    """
    alpha = check_step_size(alpha)
    m = check_sample_count("m", m)
    with np.errstate(over="ignore", invalid="ignore"):
        trace_sq = np.einsum("kij,kji->k", env.sigmas, env.sigmas)
        value = 0.5 * env.noise_var * float(env.weights @ (1.0 + np.float64(alpha) ** 2 * trace_sq / m))
    return finite_result(f"noise_floor(env, alpha={alpha:.3g}, m={m})", value, _ENV_OVERFLOW_HINT)


def risk_above_task_optima(env: Environment, w: np.ndarray, alpha: float, m: int) -> float:
    """F_m(w) - E_i inf_w' F_{m,i}(w') = ½ E_i ‖w - w_i*‖²_{Q_i^(m)}, including the spread of w*.

    This is the quantity that the proof of Proposition 1 computes (eqs. (17)-(20));
    it exceeds the excess risk of eq. (2) by the constant ½ inf_w' E_i ‖w' - w_i*‖²_{Q_i^(m)}.
    """
    w = check_point(env, w)
    alpha, m = check_step_size(alpha), check_sample_count("m", m)
    name = f"risk_above_task_optima(env, w, alpha={alpha:.3g}, m={m})"
    q = _env_q(env, alpha, m, name)
    with np.errstate(over="ignore", invalid="ignore"):
        offset = w - env.w_means
        quadratic = np.einsum("ki,kij,kj->k", offset, q, offset)
        spread = np.einsum("kij,kji->k", q, env.w_covs)
        value = 0.5 * float(env.weights @ (quadratic + spread))
    return finite_result(name, value, _ENV_OVERFLOW_HINT)


def meta_loss(env: Environment, w: np.ndarray, alpha: float, m: int) -> float:
    """F_m(w) of eq. (1): expected loss after one SGD step of size α on m fresh samples.

    The step is on the averaged empirical loss (1/(2m))‖X̂w - ŷ‖², labels with noise ν².
    """
    value = risk_above_task_optima(env, w, alpha, m) + noise_floor(env, alpha, m)
    return finite_result(f"meta_loss(env, w, alpha={alpha:.3g}, m={m})", value, _ENV_OVERFLOW_HINT)


def min_meta_loss(env: Environment, alpha: float, m: int) -> float:
    """inf_w F_m(w) = F_m(w_MAML*) with n2 = m (exact)."""
    return meta_loss(env, maml_solution(env, alpha, m), alpha, m)


def excess_risk(env: Environment, w: np.ndarray, alpha: float, m: int) -> float:
    """E_m(w) = F_m(w) - inf_w' F_m(w') of eq. (2), computed without cancellation.

    Since F_m is quadratic with Hessian E_i[Q_i^(m)], E_m(w) = ½ (w - w°)ᵀ E_i[Q_i^(m)] (w - w°)
    with w° = w_MAML* for n2 = m.
    """
    w = check_point(env, w)
    alpha, m = check_step_size(alpha), check_sample_count("m", m)
    name = f"excess_risk(env, w, alpha={alpha:.3g}, m={m})"
    q = _env_q(env, alpha, m, name)
    offset = w - _weighted_solution(env, q, name)
    with np.errstate(over="ignore", invalid="ignore"):
        mean_q = np.einsum("k,kij->ij", env.weights, q)
        value = 0.5 * float(offset @ mean_q @ offset)
    return finite_result(name, value, _ENV_OVERFLOW_HINT)
