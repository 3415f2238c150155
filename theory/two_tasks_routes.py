"""Independent routes to Sec. 3.1's quantities (eqs. (8)-(9)), to cross-check :mod:`maml_landscape.theory.two_tasks`.

Two routes, neither using the per-coordinate reduction: (i) the d-dimensional matrices of
:mod:`maml_landscape.theory.population` at d = 2, 3 (exact, random rational points);
(ii) mpmath at 50 digits from explicit d × d matrices (:func:`mp_two_task_reference`:
numerical minimisation of the objectives and Proposition 1's nested form, eqs. (6)-(7)).
The limits m → ∞ and ρ_H → 0 are probed by mpmath at m = 10^40 and ρ_H = 10^-30.
"""

from __future__ import annotations

import mpmath
import sympy as sp

from maml_landscape.theory import population
from maml_landscape.theory import two_tasks as derived
from maml_landscape.theory.adaptation import q_matrix
from maml_landscape.theory.comparison import DIGITS, to_mpf
from maml_landscape.theory.symbols import ALPHA, RHO_E, RHO_H, W1, W2, D, M


def random_rational_between(rng, low, high) -> sp.Rational:
    """A random rational in ``(low, high)`` on a grid of 1000 steps."""
    return sp.Rational(low) + (sp.Rational(high) - sp.Rational(low)) * sp.Rational(int(rng.integers(1, 1000)), 1000)


def random_two_task_point(rng, d: int) -> dict[str, object]:
    """A random rational instance: 0 < ρ_H < ρ_E, α, integer m, and w_1*, w_2* in R^d."""
    rho_e = random_rational_between(rng, sp.Rational(1, 2), 2)
    return {
        "rho_h": rho_e * random_rational_between(rng, sp.Rational(1, 20), sp.Rational(19, 20)),
        "rho_e": rho_e,
        "alpha": random_rational_between(rng, sp.Rational(1, 10), 2) / rho_e,
        "m": int(rng.integers(5, 500)),
        "w1": [random_rational_between(rng, -3, 3) for _ in range(d)],
        "w2": [random_rational_between(rng, -3, 3) for _ in range(d)],
    }


def two_task_families(point: dict, d: int) -> list[population.TaskFamily]:
    """The environment of a :func:`random_two_task_point` as d-dimensional population families."""
    return [
        population.TaskFamily(sp.Rational(1, 2), point["rho_h"] * sp.eye(d), sp.Matrix(point["w1"])),
        population.TaskFamily(sp.Rational(1, 2), point["rho_e"] * sp.eye(d), sp.Matrix(point["w2"])),
    ]


def mp_two_task_reference(rho_h, rho_e, alpha, m, w1, w2) -> dict[str, object]:
    """Sec. 3.1 at one rational point in d = len(w1) dimensions, by mpmath at 50 digits.

    Q_k from the explicit Isserlis route (:func:`~maml_landscape.theory.adaptation.q_matrix`
    on ρ_k I_d); w_NAL*, w_MAML* by Newton's method on the numerically differentiated
    objectives ½ Σ_k ½ (w - w_k)ᵀ M_k (w - w_k) (M = Σ for NAL, Q for MAML); the risks from
    Proposition 1's nested form ½ E_i ‖E_i'[M]⁻¹ E_i'[M(w_i'* - w_i*)]‖²_{Q_i} (eqs. 6-7).
    """
    d = len(w1)
    sigmas = [sp.Rational(rho_h) * sp.eye(d), sp.Rational(rho_e) * sp.eye(d)]
    with mpmath.workdps(DIGITS):
        to_mp = lambda A: mpmath.matrix([[to_mpf(A[i, j]) for j in range(d)] for i in range(d)])  # noqa: E731
        S = [to_mp(s) for s in sigmas]
        Q = [to_mp(q_matrix(s, alpha, m)) for s in sigmas]
        W = [mpmath.matrix([to_mpf(v) for v in w]) for w in (w1, w2)]

        def minimiser(mats):
            def objective(*w):
                w = mpmath.matrix(list(w))
                return sum(((w - wk).T * A * (w - wk))[0] for A, wk in zip(mats, W)) / 4

            def gradient(*w):
                return [mpmath.diff(objective, w, tuple(int(j == i) for j in range(d))) for i in range(d)]

            root = mpmath.findroot(gradient, tuple([mpmath.mpf(0)] * d))
            return mpmath.matrix(root) if d > 1 else mpmath.matrix([root])

        def nested_risk(mats):
            mean_inv = (mats[0] / 2 + mats[1] / 2) ** -1
            total = mpmath.mpf(0)
            for i in range(2):
                v = mean_inv * sum((mats[k] * (W[k] - W[i]) / 2 for k in range(2)), mpmath.zeros(d, 1))
                total += (v.T * Q[i] * v)[0] / 2
            return total / 2

        return {
            "w_nal": minimiser(S),
            "w_maml": minimiser(Q),
            "risk_nal": nested_risk(S),
            "risk_maml": nested_risk(Q),
        }


def cross_check_two_tasks(rng, points: int) -> dict[str, float | bool]:
    """Compare :mod:`~maml_landscape.theory.two_tasks` with population (exact) and mpmath at random points.

    Returns the worst mpmath relative error and whether every exact d = 2, 3 comparison
    with :mod:`maml_landscape.theory.population` matched.
    """
    coordinate = derived.coordinate_results_symbolic()
    args = (RHO_H, RHO_E, ALPHA, M, D, W1, W2)
    lambdas = {k: sp.lambdify(args, derived.with_derived_weights(v), "mpmath") for k, v in coordinate.items()}
    worst = mpmath.mpf(0)
    exact_match = True
    for index in range(points):
        d = 2 + index % 2
        p = random_two_task_point(rng, d)
        reference = mp_two_task_reference(p["rho_h"], p["rho_e"], p["alpha"], p["m"], p["w1"], p["w2"])
        with mpmath.workdps(DIGITS):
            for key in ("w_nal", "w_maml", "risk_nal", "risk_maml"):
                values = [
                    lambdas[key](*(to_mpf(x) for x in (p["rho_h"], p["rho_e"], p["alpha"], p["m"], d, a, b)))
                    for a, b in zip(p["w1"], p["w2"])
                ]
                value = sum(values) if key.startswith("risk") else mpmath.matrix(values)
                ref = reference[key]
                error = (
                    abs(value - ref) / (1 + abs(ref))
                    if key.startswith("risk")
                    else mpmath.norm(value - ref) / (1 + mpmath.norm(ref))
                )
                worst = max(worst, error)
        # exact comparison with the d-dimensional population module
        families = two_task_families(p, d)
        w_nal, w_maml = derived.solutions(p["rho_h"], p["rho_e"], p["alpha"], p["m"], d, p["w1"], p["w2"])
        risk_nal, risk_maml = derived.excess_risks(p["rho_h"], p["rho_e"], p["alpha"], p["m"], d, p["w1"], p["w2"])
        pop_nal = population.nal_solution(families)
        pop_maml = population.maml_solution(families, p["alpha"], p["m"])
        gap = lambda w, fams=families, p=p: population.task_oracle_gap(w, fams, 0, p["alpha"], p["m"])  # noqa: E731
        exact_match &= (
            (w_nal - pop_nal).applyfunc(sp.simplify).is_zero_matrix
            and (w_maml - pop_maml).applyfunc(sp.simplify).is_zero_matrix
            and sp.simplify(risk_nal - gap(pop_nal)) == 0
            and sp.simplify(risk_maml - gap(pop_maml)) == 0
        )
    return {"mp_worst_relative_error": float(worst), "population_exact_match": bool(exact_match)}


def literal_eq2_values(rng) -> dict[str, object]:
    """Eq. (2) taken literally at a random rational point (d = 2): population.excess_risk at both solutions.

    ``maml``: E_m(w_MAML*) by eq. (2); ``nal_consistent``: eq. (2)'s E_m(w_NAL*) equals
    Proposition 1's NAL value minus its MAML value.
    """
    p = random_two_task_point(rng, 2)
    families = two_task_families(p, 2)
    w_nal = population.nal_solution(families)
    w_maml = population.maml_solution(families, p["alpha"], p["m"])
    literal_maml = population.excess_risk(w_maml, families, 0, p["alpha"], p["m"])
    literal_nal = population.excess_risk(w_nal, families, 0, p["alpha"], p["m"])
    prop1 = [population.task_oracle_gap(w, families, 0, p["alpha"], p["m"]) for w in (w_nal, w_maml)]
    return {"maml": literal_maml, "nal_consistent": sp.simplify(literal_nal - (prop1[0] - prop1[1])) == 0}


def threshold_signs_agree(rng, threshold: sp.Expr, points: int) -> bool:
    """a_H - a_E from explicit d × d Q matrices (mpmath) has the sign predicted by m* on both sides of it."""
    ok = True
    for _ in range(points):
        p = random_two_task_point(rng, 2)
        d_value = int(rng.integers(1, 5))  # explicit Isserlis Q is d^4 work: keep d small
        m_star = threshold.subs({RHO_H: p["rho_h"], RHO_E: p["rho_e"], D: d_value})
        for m_value, expected in ((int(sp.floor(m_star)), -1), (int(sp.ceiling(m_star)) + (1 if m_star.is_integer else 0), 1)):
            if m_value < 1:
                continue
            with mpmath.workdps(DIGITS):
                q = [q_matrix(rho * sp.eye(d_value), 1 / p["rho_e"], m_value)[0, 0] for rho in (p["rho_h"], p["rho_e"])]
                difference = to_mpf(q[0]) - to_mpf(q[1])
            ok &= (difference > 0) == (expected > 0) or difference == 0
    return ok


def large_m_deviation(rng, nal, maml, nal_limit, points: int) -> mpmath.mpf:
    """Worst deviation of the per-unit risks (in ρ_H, ρ_E, m, d) from their m → ∞ limits at m = 10^40 (mpmath)."""
    args = (RHO_H, RHO_E, M, D)
    f_nal, f_maml, f_lim = (sp.lambdify(args, e, "mpmath") for e in (nal, maml, nal_limit))
    worst = mpmath.mpf(0)
    with mpmath.workdps(DIGITS):
        for _ in range(points):
            p = random_two_task_point(rng, 1)
            values = [to_mpf(p["rho_h"]), to_mpf(p["rho_e"]), mpmath.mpf(10) ** 40, mpmath.mpf(int(rng.integers(1, 30)))]
            limit = f_lim(*values)
            worst = max(worst, abs(f_nal(*values) - limit) / limit, abs(f_maml(*values)))
    return worst


def small_rho_h_risk(rng, risks: dict[str, sp.Expr], points: int) -> mpmath.mpf:
    """Worst risk per unit (w_1* - w_2*)²/4 at ρ_H = 10^-30 and random ρ_E, α, m, d, w* (mpmath)."""
    f = {k: sp.lambdify((RHO_H, RHO_E, ALPHA, M, D, W1, W2), v, "mpmath") for k, v in risks.items()}
    worst = mpmath.mpf(0)
    with mpmath.workdps(DIGITS):
        for _ in range(points):
            p = random_two_task_point(rng, 1)
            values = [mpmath.mpf(10) ** -30] + [to_mpf(x) for x in (p["rho_e"], p["alpha"], p["m"], int(rng.integers(1, 30)), p["w1"][0], p["w2"][0])]
            scale = (values[5] - values[6]) ** 2 / 4
            worst = max(worst, *(abs(f[k](*values)) / scale for k in f))
    return worst
