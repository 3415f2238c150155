"""The paper's closed forms, as printed and as derived, evaluated in float64 for the simulation checks.

- Lemma 2, eq. (77), and Q^(s) below eq. (5): as printed (:mod:`maml_landscape.theory.printed.general`)
  and as derived (:mod:`maml_landscape.theory.gaussian_moments`, :mod:`maml_landscape.theory.adaptation`);
- Proposition 1, eqs. (6)-(7), as printed, for a mixture with spread task solutions;
- the population NAL objective E_i f_i(w), the expectation of eq. (3);
- eq. (42) as printed, an objective on a training set;
- Theorem 3's τ-thresholds (eq. (81), the end of its proof, and what the proof requires)
  at an environment's β and L (Assumption 2).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import sympy

from maml_landscape.numerics import convergence
from maml_landscape.numerics.environments import Environment
from maml_landscape.numerics.population import q_matrix
from maml_landscape.numerics.training_sets import TrainingSet
from maml_landscape.theory import adaptation, gaussian_moments
from maml_landscape.theory.printed import general as printed_general


def _numeric(matrix: sympy.MatrixBase) -> np.ndarray:
    return np.array(matrix.evalf(), dtype=float)


def lemma2_printed(sigma: np.ndarray, A: np.ndarray, n: int) -> np.ndarray:
    """Lemma 2, eq. (77) as printed: ΣAΣ + (1/n)(tr(ΣA) I_d + ΣA) Σ (theory.printed.general)."""
    return _numeric(printed_general.lemma2_rhs(sympy.Matrix(sigma), sympy.Matrix(A), n))


def q_printed(sigma: np.ndarray, alpha: float, s: int) -> np.ndarray:
    """Q^(s) as printed below eq. (5) (theory.printed.general)."""
    return _numeric(printed_general.q_matrix(sympy.Matrix(sigma), sympy.Float(alpha, 30), s))


def lemma2_derived(sigma: np.ndarray, A: np.ndarray, n: int) -> np.ndarray:
    """E[(XᵀX/n) A (XᵀX/n)] from :func:`theory.gaussian_moments.expected_sandwich` (any A)."""
    return _numeric(gaussian_moments.expected_sandwich(sympy.Matrix(sigma), sympy.Matrix(A), n))


def q_derived(sigma: np.ndarray, alpha: float, s: int) -> np.ndarray:
    """E[PᵀΣP] from :func:`theory.adaptation.q_matrix` (Isserlis expansion of PᵀΣP)."""
    return _numeric(adaptation.q_matrix(sympy.Matrix(sigma), sympy.Float(alpha, 30), s))


def proposition1_printed(env: Environment, matrices: np.ndarray, alpha: float, m: int) -> float:
    """Eqs. (6)-(7) as printed: ½ E_i ‖E_i'[M_i']⁻¹ E_i'[M_i'(w_i'* - w_i*)]‖²_{Q_i^(m)}.

    ``matrices`` (K, d, d) are the M_k of the family: Σ_k for eq. (6), Q_k^(n2) for eq. (7).
    The outer E_i runs over the families and over w_i* ~ N(μ_k, C_k) within each:
    the inner vector is u - w_i* with u = E[M]⁻¹E[M w*], so E‖u - w_i*‖²_Q = ‖u - μ_k‖²_Q + tr(Q C_k).
    """
    weights = env.weights
    mean_matrix = np.einsum("k,kij->ij", weights, matrices)
    u = np.linalg.solve(mean_matrix, np.einsum("k,kij,kj->i", weights, matrices, env.w_means))
    q = q_matrix(env.sigmas, alpha, m)
    offsets = u - env.w_means
    norms = np.einsum("ki,kij,kj->k", offsets, q, offsets) + np.einsum("kij,kji->k", q, env.w_covs)
    return 0.5 * float(weights @ norms)


def expected_task_loss(env: Environment, w: np.ndarray) -> float:
    """E_i f_i(w) = ½ Σ_k π_k [(w - μ_k)ᵀΣ_k(w - μ_k) + tr(Σ_k C_k) + ν²], the population NAL objective."""
    offset = w - env.w_means
    quadratic = np.einsum("ki,kij,kj->k", offset, env.sigmas, offset)
    spread = np.einsum("kij,kji->k", env.sigmas, env.w_covs)
    return 0.5 * float(env.weights @ (quadratic + spread + env.noise_var))


def eq42_objective_printed(data: TrainingSet, alpha: float) -> Callable[[np.ndarray], np.ndarray]:
    """Eq. (42) as printed *(reading of the dump)*: ‖X^out P̂(w - w*) - z^out - (α/n2) X^out X^inᵀ z^in‖² / (Tτ)."""
    X_in, X_out, z_in, z_out, w_star = data.X_in, data.X_out, data.z_in, data.z_out, data.w_star
    n2, d = X_in.shape[-2], X_in.shape[-1]
    P = np.eye(d) - (alpha / n2) * np.einsum("...ni,...nj->...ij", X_in, X_in)
    shift = np.einsum("...ni,...n->...i", X_in, z_in)

    def objective(w: np.ndarray) -> np.ndarray:
        offset = np.einsum("...ij,...j->...i", P, w[..., None, None, :] - w_star[:, None, :])
        residual = (
            np.einsum("...ni,...i->...n", X_out, offset) - z_out
            - (alpha / n2) * np.einsum("...ni,...i->...n", X_out, shift)
        )
        return np.mean(np.sum(residual**2, axis=-1), axis=(-2, -1))

    return objective


def theorem3_threshold_values(env: Environment, alpha: float, T: int, n2: int) -> dict[str, float]:
    """The three τ-thresholds of Theorem 3 at this environment's β, L (Assumption 2), α, d, n2 and T, with c = 1."""
    eigenvalues = np.concatenate([np.linalg.eigvalsh(s) for s in env.sigmas])
    beta, L = float(eigenvalues.min()), float(eigenvalues.max())
    values = {"d": env.dim, "alpha": alpha, "L": L, "c": 1, "T": T, "hat_beta": convergence.beta_hat(beta, L, alpha, env.dim, n2)}
    symbols = convergence.theorem3_symbols()
    subs = {symbols[k]: v for k, v in values.items()}
    exprs = convergence.theorem3_thresholds()
    return {
        "statement": float(exprs.statement.subs(subs)),
        "proof_end": float(exprs.proof_end.subs(subs)),
        "required": float(exprs.required.subs(subs)),
        "beta_hat": values["hat_beta"],
        "lambda_min_Q": float(np.linalg.eigvalsh(q_matrix(env.sigmas, alpha, n2)).min()),
    }
