"""The hard/easy Gaussian mixture of Sec. 3.2 (Corollaries 1-2, eqs. (10)-(12), App. A.2-A.3), derived.

Environment: with probability ½ a hard task (Σ = ρ_H I_d, w* ~ N(R·1_d, r_H I_d)), else an
easy task (Σ = ρ_E I_d, w* ~ N(0_d, r_E I_d)); n2 = m. Every coordinate is alike, so the
excess risks are d times one coordinate's (the reduction of
:mod:`maml_landscape.theory.two_tasks`); the expectation over the Gaussian task
solutions is taken in :func:`~maml_landscape.theory.two_tasks.coordinate_gap`.
"Excess risk" is Proposition 1's quantity (see :mod:`~maml_landscape.theory.two_tasks`).

Corollary 2 sets α = 1/ρ_E; then the ratio E_m(w_NAL*)/E_m(w_MAML*) depends only on
t = ρ_H/ρ_E, ε = (d + 1)/m, u = R²/r_H and v = r_E/r_H (:func:`reduced_ratio`).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np
import sympy as sp

from maml_landscape.theory.population import TaskFamily
from maml_landscape.theory.symbols import (
    A_E,
    A_H,
    ALPHA,
    EPS,
    HALF,
    R_E,
    R_H,
    RHO_E,
    RHO_H,
    D,
    M,
    R,
    T,
    U,
    V,
)
from maml_landscape.theory.two_tasks import (
    coordinate_results_in_weights,
    gaussian_expectation,
    substitute_weights,
)


def coordinate_families(rho_h, rho_e, R, r_h, r_e) -> tuple[TaskFamily, TaskFamily]:
    """One coordinate of the mixture: hard N(R, r_H) with ρ_H, easy N(0, r_E) with ρ_E, ½ each (1x1 families)."""
    return TaskFamily(HALF, rho_h, R, r_h), TaskFamily(HALF, rho_e, 0, r_e)


@cache
def coordinate_results_symbolic() -> dict[str, sp.Expr]:
    """Per-coordinate w_NAL*, w_MAML* and Proposition 1's gaps, with a_H, a_E left as symbols (cached).

    Symbols are those of :func:`symbols`.
    """
    return coordinate_results_in_weights(coordinate_families(RHO_H, RHO_E, R, R_H, R_E), A_H, A_E)


def symbols() -> dict[str, sp.Symbol]:
    """The positive symbols used by the cached derivations: rho_H, rho_E, R, r_H, r_E, alpha, m, d, a_H, a_E.

    They are those of :mod:`maml_landscape.theory.symbols`.
    """
    return dict(zip(("rho_H", "rho_E", "R", "r_H", "r_E", "alpha", "m", "d", "a_H", "a_E"),
                    (RHO_H, RHO_E, R, R_H, R_E, ALPHA, M, D, A_H, A_E)))


def excess_risks_in_weights() -> tuple[sp.Expr, sp.Expr]:
    """d × the per-coordinate gaps (E_m(w_NAL*), E_m(w_MAML*)) with a_H, a_E as symbols (cf. eqs. 10-11)."""
    results = coordinate_results_symbolic()
    return D * results["risk_nal"], D * results["risk_maml"]


def excess_risks(rho_h, rho_e, R, r_h, r_e, alpha, m, d) -> tuple[sp.Expr, sp.Expr]:
    """Proposition 1's (E_m(w_NAL*), E_m(w_MAML*)) in the Sec. 3.2 mixture (Corollary 1, derived).

    Arguments may be numbers or symbols; a_H, a_E are the derived hardness weights.
    """
    s = symbols()
    nal, maml = excess_risks_in_weights()
    values = dict(zip((s["rho_H"], s["rho_E"], s["R"], s["r_H"], s["r_E"], s["alpha"], s["m"], s["d"]),
                      (rho_h, rho_e, R, r_h, r_e, alpha, m, d)))
    out = []
    for expr in (nal, maml):
        expr = substitute_weights(expr, s["a_H"], s["a_E"], s["rho_H"], s["rho_E"], s["alpha"], s["m"], s["d"])
        out.append(expr.subs(values, simultaneous=True))
    return out[0], out[1]


def exact_ratio(rho_h, rho_e, R, r_h, r_e, alpha, m, d) -> sp.Expr:
    """E_m(w_NAL*)/E_m(w_MAML*) in closed form (the exact quantity behind eq. 12)."""
    nal, maml = excess_risks(rho_h, rho_e, R, r_h, r_e, alpha, m, d)
    return nal / maml


def a2_terms(families: Sequence[TaskFamily], estimator_weights: Sequence, test_curvatures: Sequence) -> tuple[tuple[sp.Expr, ...], sp.Expr]:
    """App. A.2's six-term split of one coordinate's gap at w = E[λw*]/E[λ] (λ = estimator weights).

    With w - w_i = Σ_k p_k λ_k (μ_k - w_i)/Σ_k p_k λ_k, the gap ½ Σ_j p_j q_j E_j[(w - w_j*)²]
    expands, for each test family j (hard, then easy), into the terms x_H², x_E², 2x_H x_E with
    x_k = p_k λ_k (μ_k - w_j*). Returns (six numerators, common denominator) written over
    4(λ_H + λ_E)² as in eq. (23), in the printed order (hard block, then easy block).
    NAL: λ = (ρ_H, ρ_E); MAML: λ = (a_H, a_E); q = (a_H, a_E) in both.
    """
    families = tuple(families)
    lam = [sp.sympify(v) for v in estimator_weights]
    q = [sp.sympify(v) for v in test_curvatures]
    x = sp.Dummy("w_star")
    mean_weight = sum(f.weight * lam_k for f, lam_k in zip(families, lam))
    denominator = 4 * (lam[0] + lam[1]) ** 2
    numerators = []
    for j, test in enumerate(families):
        pieces = [f.weight * lam_k * (f.w_mean[0, 0] - x) for f, lam_k in zip(families, lam)]
        for integrand in (pieces[0] ** 2, pieces[1] ** 2, 2 * pieces[0] * pieces[1]):
            expected = gaussian_expectation(integrand, x, test.w_mean[0, 0], test.w_cov[0, 0])
            term = HALF * test.weight * q[j] * expected / mean_weight**2
            numerators.append(sp.factor(sp.cancel(term * denominator)))
    return tuple(numerators), denominator


@cache
def reduced_ratio() -> sp.Expr:
    """Corollary 2's exact ratio at α = 1/ρ_E in the variables t, ε, u, v (:data:`T`, :data:`EPS`, :data:`U`, :data:`V`).

    Obtained from :func:`excess_risks` by substituting ρ_H = tρ_E, m = (d+1)/ε, R² = u r_H,
    r_E = v r_H; raises if the result still depends on ρ_E, r_H or d (it must not).
    """
    nal, maml = reduced_risks()
    return sp.factor(sp.cancel(nal / maml))


@cache
def reduced_risks() -> tuple[sp.Expr, sp.Expr]:
    """E_m(w_NAL*), E_m(w_MAML*) at α = 1/ρ_E divided by d ρ_E r_H / 4, in t, ε, u, v."""
    nal, maml = excess_risks(T * RHO_E, RHO_E, sp.sqrt(U * R_H), R_H, V * R_H, 1 / RHO_E, (D + 1) / EPS, D)
    scale = D * RHO_E * R_H / 4
    reduced = tuple(sp.factor(sp.cancel(e / scale)) for e in (nal, maml))
    leftover = set().union(*(e.free_symbols for e in reduced)) - {T, EPS, U, V}
    if leftover:
        raise RuntimeError(f"the reduced risks still depend on {leftover}; the reduction is wrong")
    return reduced


@cache
def ratio_large_R_limit() -> sp.Expr:
    """lim_{R→∞} of the exact ratio at α = 1/ρ_E (r_H, r_E fixed): u → ∞ in :func:`reduced_ratio`."""
    return sp.factor(sp.limit(reduced_ratio(), U, sp.oo))


@cache
def ratio_large_m_limit() -> sp.Expr:
    """lim_{m→∞} of the exact ratio at α = 1/ρ_E: ε → 0 in :func:`reduced_ratio`."""
    return sp.factor(sp.limit(reduced_ratio(), EPS, 0))


@cache
def _ratio_numpy():
    return sp.lambdify((T, EPS, U, V), reduced_ratio(), "numpy")


def ratio_grid(t, eps, u, v) -> np.ndarray:
    """The exact ratio at α = 1/ρ_E evaluated with NumPy (broadcasting arrays of t, ε, u, v)."""
    t, eps, u, v = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (t, eps, u, v)))
    if np.any((t <= 0) | (eps <= 0) | (u < 0) | (v < 0)):
        raise ValueError("need t = rho_H/rho_E > 0, eps = (d+1)/m > 0, u = R^2/r_H >= 0, v = r_E/r_H >= 0")
    return _ratio_numpy()(t, eps, u, v)
