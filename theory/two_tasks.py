"""Two task families of different hardness in isotropic environments (Sec. 3.1, eqs. (8)-(9)), derived.

Setting of Sec. 3.1: Σ_1 = ρ_H I_d (hard task, solution w_1*), Σ_2 = ρ_E I_d (easy task,
w_2*), each with probability ½, n2 = m. The hard/easy mixture of Sec. 3.2
(:mod:`maml_landscape.theory.mixture`) is the same environment with Gaussian solutions.

Reduction per coordinate (as in App. A.2). For Σ_k = ρ_k I_d,
:func:`~maml_landscape.theory.adaptation.q_isotropic` gives Q_k^(m) = q_k I_d for a
*symbolic* d, and with w_k* ~ N(μ_k, c_k I_d) the gap of Proposition 1,
½ Σ_k p_k E[(w - w_k*)ᵀ Q_k (w - w_k*)], splits into a sum over coordinates l of
½ Σ_k p_k q_k E[(w_l - w*_{k,l})²]. So every coordinate is a 1-D problem with curvature
q_k (d enters only through q_k), minimised separately; summing over the coordinates
(``d ×`` one coordinate when all coordinates are alike) gives the d-dimensional value.
:mod:`maml_landscape.theory.population` (explicit d × d matrices) cross-checks this at
d = 2, 3 in the checks and tests.

"Excess risk" here is Proposition 1's quantity (the loss above each task's own optimum,
:func:`~maml_landscape.theory.population.task_oracle_gap`), which Sec. 3 uses; eq. (2)
taken literally (``F_m - inf F_m``, :func:`~maml_landscape.theory.population.excess_risk`)
would give E_m(w_MAML*) = 0 whenever n2 = m.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import sympy as sp

from maml_landscape.theory.adaptation import q_isotropic
from maml_landscape.theory.population import TaskFamily, environment_dimension, stationary_point
from maml_landscape.theory.symbols import A_E, A_H, ALPHA, HALF, RHO_E, RHO_H, W1, W2, D, M, T


def hardness_weight(rho, alpha, m, d) -> sp.Expr:
    """a = q with Q^(m)(ρ I_d) = q I_d: the weight a_E (ρ = ρ_E) or a_H (ρ = ρ_H) of eq. (8), derived."""
    return q_isotropic(rho, alpha, m, d)


def gaussian_expectation(polynomial: sp.Expr, variable: sp.Symbol, mean, variance) -> sp.Expr:
    """E[p(X)] for X ~ N(mean, variance) and a polynomial p in ``variable``.

    Uses the Gaussian moments M_0 = 1, M_1 = μ, M_k = μ M_{k-1} + (k - 1) v M_{k-2}
    (Stein's identity E[(X - μ) g(X)] = v E[g'(X)] with g = X^{k-1}).
    """
    mean, variance = sp.sympify(mean), sp.sympify(variance)
    poly = sp.Poly(sp.expand(polynomial), variable)
    if poly.is_zero:
        return sp.Integer(0)
    moments = [sp.Integer(1), mean]
    for k in range(2, poly.degree() + 1):
        moments.append(sp.expand(mean * moments[k - 1] + (k - 1) * variance * moments[k - 2]))
    return sp.expand(sum(c * moments[k] for (k,), c in poly.terms()))


def _coordinate_families(families: Sequence[TaskFamily]) -> tuple[TaskFamily, ...]:
    families = tuple(families)
    if environment_dimension(families) != 1:
        raise ValueError(
            "coordinate functions take 1x1 TaskFamily objects (one coordinate: Sigma = [[rho]], "
            "w_mean = [[mu_l]], w_cov = [[c]]); pass the dimension d separately"
        )
    return families


def isotropic_curvatures(families: Sequence[TaskFamily], alpha, m, d) -> list[sp.Expr]:
    """q_k = :func:`hardness_weight` (ρ_k, α, m, d) for each 1x1 family (Σ_k = ρ_k I_d); α = 0 gives q_k = ρ_k."""
    return [hardness_weight(f.Sigma[0, 0], alpha, m, d) for f in _coordinate_families(families)]


def coordinate_gap(w, families: Sequence[TaskFamily], curvatures: Sequence) -> sp.Expr:
    """One coordinate of Proposition 1's gap, ½ Σ_k p_k q_k E[(w - w*_k)²].

    ``families`` are 1x1 :class:`TaskFamily` objects: Sigma = [[ρ_k]] (the environment
    has Σ_k = ρ_k I_d), w_mean = [[μ_k]] and w_cov = [[c_k]] the coordinate's solution
    distribution; ``curvatures`` are the q_k (:func:`isotropic_curvatures`, or symbols
    standing for them, e.g. a_H, a_E).
    """
    families = _coordinate_families(families)
    if len(curvatures) != len(families):
        raise ValueError(f"need one curvature per family: {len(families)} families, {len(curvatures)} curvatures")
    x = sp.Dummy("w_star")
    w = sp.sympify(w)
    total = sp.Integer(0)
    for family, q in zip(families, curvatures):
        expected = gaussian_expectation((w - x) ** 2, x, family.w_mean[0, 0], family.w_cov[0, 0])
        total += family.weight * sp.sympify(q) * expected
    return HALF * total


def coordinate_minimiser(families: Sequence[TaskFamily], curvatures: Sequence) -> sp.Expr:
    """The w minimising :func:`coordinate_gap` (∇ = 0 solved): one coordinate of eq. (5)'s solutions.

    Curvatures ρ_k (α = 0) give w_NAL*, curvatures q_k^(n2) give w_MAML*.
    """
    families = _coordinate_families(families)
    return stationary_point(lambda w: coordinate_gap(w[0], families, curvatures), 1)[0]


def coordinate_task_families(rho_h, rho_e, w1, w2) -> tuple[TaskFamily, TaskFamily]:
    """One coordinate of the two-task environment: hard task (ρ_H, w_1*), easy task (ρ_E, w_2*), ½ each."""
    return TaskFamily(HALF, rho_h, w1), TaskFamily(HALF, rho_e, w2)


def coordinate_results_in_weights(families: Sequence[TaskFamily], a_h, a_e) -> dict[str, sp.Expr]:
    """w_NAL*, w_MAML* and their gaps in one coordinate, with the MAML curvatures left as a_H, a_E.

    ``families`` = (hard, easy) 1x1 families; n2 = m, so MAML's inner curvatures are the
    test curvatures a_H, a_E. The NAL curvatures are derived (α = 0: ρ_H, ρ_E).
    Keys: ``w_nal``, ``w_maml``, ``risk_nal``, ``risk_maml``.
    """
    families = _coordinate_families(families)
    weights = (a_h, a_e)
    w_nal = sp.factor(coordinate_minimiser(families, isotropic_curvatures(families, 0, 1, 1)))
    w_maml = sp.factor(coordinate_minimiser(families, weights))
    return {
        "w_nal": w_nal,
        "w_maml": w_maml,
        "risk_nal": sp.factor(coordinate_gap(w_nal, families, weights)),
        "risk_maml": sp.factor(coordinate_gap(w_maml, families, weights)),
    }


def substitute_weights(expr: sp.Expr, a_h, a_e, rho_h, rho_e, alpha, m, d) -> sp.Expr:
    """Replace the symbols a_h, a_e in ``expr`` by the derived :func:`hardness_weight` values."""
    return expr.subs(
        {a_h: hardness_weight(rho_h, alpha, m, d), a_e: hardness_weight(rho_e, alpha, m, d)},
        simultaneous=True,
    )


def coordinate_results(rho_h, rho_e, alpha, m, d, w1, w2) -> dict[str, sp.Expr]:
    """:func:`coordinate_results_in_weights` for the two-task coordinate (w1 hard, w2 easy), a's substituted."""
    a_h, a_e = sp.Dummy("a_H", positive=True), sp.Dummy("a_E", positive=True)
    results = coordinate_results_in_weights(coordinate_task_families(rho_h, rho_e, w1, w2), a_h, a_e)
    return {k: substitute_weights(v, a_h, a_e, rho_h, rho_e, alpha, m, d) for k, v in results.items()}


def _coordinates(w1, w2, d) -> tuple[list, list, sp.Expr]:
    """Coordinate lists of w1, w2 and the multiplicity of each (d for scalar = constant vectors)."""
    def as_list(w):
        if isinstance(w, (sp.MatrixBase, list, tuple)):
            return [sp.sympify(v) for v in sp.Matrix(w)]
        return None

    v1, v2 = as_list(w1), as_list(w2)
    d = sp.sympify(d)
    if v1 is None and v2 is None:
        return [sp.sympify(w1)], [sp.sympify(w2)], d
    length = len(v1) if v1 is not None else len(v2)
    if not d.is_Integer or int(d) != length:
        raise ValueError(
            f"w1, w2 given as vectors of length {length} need d = {length} (got d = {d}); "
            "for a symbolic d pass scalars, meaning w = (scalar) * 1_d"
        )
    v1 = v1 if v1 is not None else [sp.sympify(w1)] * length
    v2 = v2 if v2 is not None else [sp.sympify(w2)] * length
    if len(v1) != len(v2):
        raise ValueError(f"w1 and w2 must have the same length, got {len(v1)} and {len(v2)}")
    return v1, v2, sp.Integer(1)


def solutions(rho_h, rho_e, alpha, m, d, w1, w2) -> tuple[sp.Matrix, sp.Matrix]:
    """(w_NAL*, w_MAML*) of eq. (8), derived, as column vectors (n2 = m).

    ``w1``, ``w2``: vectors of length d (then d must be that integer) or scalars meaning
    w = scalar · 1_d (then d may be a symbol, and one coordinate is returned as a 1-vector).
    """
    v1, v2, _ = _coordinates(w1, w2, d)
    per_coordinate = [coordinate_results(rho_h, rho_e, alpha, m, d, a, b) for a, b in zip(v1, v2)]
    return sp.Matrix([r["w_nal"] for r in per_coordinate]), sp.Matrix([r["w_maml"] for r in per_coordinate])


def excess_risks(rho_h, rho_e, alpha, m, d, w1, w2) -> tuple[sp.Expr, sp.Expr]:
    """Proposition 1's (E_m(w_NAL*), E_m(w_MAML*)) for the two-task environment (eq. 9, derived).

    Arguments as in :func:`solutions`; the result is the sum over the d coordinates.
    """
    v1, v2, multiplicity = _coordinates(w1, w2, d)
    per_coordinate = [coordinate_results(rho_h, rho_e, alpha, m, d, a, b) for a, b in zip(v1, v2)]
    return tuple(multiplicity * sum(r[key] for r in per_coordinate) for key in ("risk_nal", "risk_maml"))


# ---------------------------------------------------------------------------
# One coordinate with the symbols of maml_landscape.theory.symbols (cached)
# ---------------------------------------------------------------------------


@cache
def coordinate_results_symbolic() -> dict[str, sp.Expr]:
    """:func:`coordinate_results_in_weights` for symbols ρ_H, ρ_E, w_1, w_2, a_H, a_E (cached)."""
    families = coordinate_task_families(RHO_H, RHO_E, W1, W2)
    return coordinate_results_in_weights(families, A_H, A_E)


def with_derived_weights(expr: sp.Expr, alpha=ALPHA) -> sp.Expr:
    """Substitute the derived a_H, a_E (:func:`hardness_weight` at step ``alpha``) for the symbols."""
    return substitute_weights(expr, A_H, A_E, RHO_H, RHO_E, alpha, M, D)


@cache
def normalised_risks_inverse_rho_e() -> tuple[sp.Expr, sp.Expr]:
    """(NAL, MAML) gaps per unit (w_1 - w_2)²/4 at α = 1/ρ_E, one coordinate."""
    unit = (W1 - W2) ** 2 / 4
    results = coordinate_results_symbolic()
    return tuple(
        sp.factor(sp.cancel(with_derived_weights(results[k], 1 / RHO_E) / unit)) for k in ("risk_nal", "risk_maml")
    )


def hardness_weight_inverse_rho_e(rho) -> sp.Expr:
    """:func:`hardness_weight` at α = 1/ρ_E (Corollary 2's step): a_H for ρ = ρ_H, a_E for ρ = ρ_E."""
    return hardness_weight(rho, 1 / RHO_E, M, D)


@cache
def inverse_rho_e_threshold() -> tuple[sp.Expr, sp.Expr]:
    """m* with a_H > a_E ⟺ m > m* at α = 1/ρ_E, and m* in terms of t = ρ_H/ρ_E."""
    a_h = hardness_weight_inverse_rho_e(RHO_H)
    a_e = hardness_weight_inverse_rho_e(RHO_E)
    roots = sp.solve(sp.Eq(a_h, a_e), M)
    if len(roots) != 1:
        raise RuntimeError(f"expected one threshold m*, got {roots}")
    threshold = sp.factor(roots[0])
    in_t = sp.factor(sp.cancel(threshold.subs(RHO_H, T * RHO_E)))
    return threshold, sp.factor(-sp.numer(in_t)) / sp.expand(-sp.denom(in_t))
