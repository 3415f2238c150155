"""Independent routes to Sec. 3.2's risks (Corollary 1, eqs. (10)-(11)), to cross-check :mod:`maml_landscape.theory.mixture`.

(i) Exact comparison with :mod:`maml_landscape.theory.population` (explicit d × d
matrices, d = 2, 3); (ii) mpmath at 50 digits (:func:`mp_mixture_reference`: Proposition
1's nested expectations by Gauss-Hermite quadrature, Q from the explicit Isserlis route);
(iii) Corollary 2's reduced ratio against the unreduced risks (:func:`reduced_ratio_deviation`).
"""

from __future__ import annotations

import mpmath
import sympy as sp

from maml_landscape.theory import mixture as derived
from maml_landscape.theory import population
from maml_landscape.theory.adaptation import q_matrix
from maml_landscape.theory.comparison import DIGITS, to_mpf
from maml_landscape.theory.symbols import ALPHA, EPS, R_E, R_H, RHO_E, RHO_H, D, M, R, T, U, V
from maml_landscape.theory.two_tasks_routes import random_rational_between


def random_mixture_point(rng) -> dict[str, object]:
    """A random rational mixture instance with 0 < ρ_H < ρ_E, integer m and d ∈ {2, 3}."""
    rho_e = random_rational_between(rng, sp.Rational(1, 2), 2)
    return {
        "rho_h": rho_e * random_rational_between(rng, sp.Rational(1, 20), sp.Rational(19, 20)),
        "rho_e": rho_e,
        "R": random_rational_between(rng, -3, 3),
        "r_h": random_rational_between(rng, sp.Rational(1, 20), 3),
        "r_e": random_rational_between(rng, sp.Rational(1, 20), 3),
        "alpha": random_rational_between(rng, sp.Rational(1, 10), 2) / rho_e,
        "m": int(rng.integers(5, 500)),
        "d": int(rng.integers(2, 4)),
    }


def mp_mixture_reference(p: dict) -> tuple[mpmath.mpf, mpmath.mpf]:
    """(E_m(w_NAL*), E_m(w_MAML*)) by mpmath at 50 digits from Proposition 1's nested form (eqs. 6-7).

    ½ E_i [q_i (E_i'[λ_i'(w_i'* - w_i*)]/E_i'[λ_i'])²] per coordinate, both expectations over
    the Gaussian mixture by 8-point Gauss-Hermite quadrature (exact for these polynomials);
    q from :func:`~maml_landscape.theory.adaptation.q_matrix` on explicit ρ I_d; times d.
    """
    d = p["d"]
    with mpmath.workdps(DIGITS):
        nodes, weights = mpmath.gauss_quadrature(8, "hermite")
        families = [(mpmath.mpf(1) / 2, to_mpf(p["R"]), to_mpf(p["r_h"])), (mpmath.mpf(1) / 2, mpmath.mpf(0), to_mpf(p["r_e"]))]
        q = [to_mpf(q_matrix(rho * sp.eye(d), p["alpha"], p["m"])[0, 0]) for rho in (p["rho_h"], p["rho_e"])]
        rho = [to_mpf(p["rho_h"]), to_mpf(p["rho_e"])]

        def expect(f, mean, var):
            return sum(w * f(mean + mpmath.sqrt(2 * var) * x) for x, w in zip(nodes, weights)) / mpmath.sqrt(mpmath.pi)

        def risk(lam):
            norm = sum(fam[0] * lam_k for fam, lam_k in zip(families, lam))

            def inner(w_i):
                return sum(fam[0] * lam_k * expect(lambda y: y - w_i, fam[1], fam[2]) for fam, lam_k in zip(families, lam)) / norm

            outer = sum(fam[0] * qj * expect(lambda x: inner(x) ** 2, fam[1], fam[2]) for fam, qj in zip(families, q))
            return d * outer / 2

        return risk(rho), risk(q)


def cross_check_mixture(rng, points: int) -> dict[str, object]:
    """Derived risks vs mpmath (Gauss-Hermite) and vs the d-dimensional population module (exact)."""
    args = (RHO_H, RHO_E, R, R_H, R_E, ALPHA, M, D)
    lambdas = [sp.lambdify(args, derived.excess_risks(*args)[k], "mpmath") for k in (0, 1)]
    worst, exact_match = mpmath.mpf(0), True
    for _ in range(points):
        p = random_mixture_point(rng)
        values = (p["rho_h"], p["rho_e"], p["R"], p["r_h"], p["r_e"], p["alpha"], p["m"], p["d"])
        reference = mp_mixture_reference(p)
        with mpmath.workdps(DIGITS):
            for f, ref in zip(lambdas, reference):
                worst = max(worst, abs(f(*(to_mpf(v) for v in values)) - ref) / (1 + abs(ref)))
        d = p["d"]
        families = [
            population.TaskFamily(sp.Rational(1, 2), p["rho_h"] * sp.eye(d), sp.Matrix([p["R"]] * d), p["r_h"] * sp.eye(d)),
            population.TaskFamily(sp.Rational(1, 2), p["rho_e"] * sp.eye(d), sp.zeros(d, 1), p["r_e"] * sp.eye(d)),
        ]
        gap = lambda w, fams=families, p=p: population.task_oracle_gap(w, fams, 0, p["alpha"], p["m"])  # noqa: E731
        pop = (gap(population.nal_solution(families)), gap(population.maml_solution(families, p["alpha"], p["m"])))
        mine = derived.excess_risks(*values)
        exact_match &= all(sp.simplify(a - b) == 0 for a, b in zip(mine, pop))
    return {"mp_worst_relative_error": float(worst), "population_exact_match": bool(exact_match)}


def reduced_ratio_deviation(rng, points: int) -> mpmath.mpf:
    """Worst relative deviation of :func:`~maml_landscape.theory.mixture.reduced_ratio` from the unreduced risks' ratio.

    At random points with α = 1/ρ_E; the unreduced ratio is exact, the reduced one evaluated by mpmath.
    """
    worst = mpmath.mpf(0)
    f_ratio = sp.lambdify((T, EPS, U, V), derived.reduced_ratio(), "mpmath")
    for _ in range(points):
        p = random_mixture_point(rng)
        nal, maml = derived.excess_risks(p["rho_h"], p["rho_e"], p["R"], p["r_h"], p["r_e"], 1 / p["rho_e"], p["m"], p["d"])
        with mpmath.workdps(DIGITS):
            args = [to_mpf(p["rho_h"] / p["rho_e"]), to_mpf(sp.Rational(p["d"] + 1, p["m"])), to_mpf(p["R"] ** 2 / p["r_h"]), to_mpf(p["r_e"] / p["r_h"])]
            reference = to_mpf(sp.cancel(nal / maml))
            worst = max(worst, abs(f_ratio(*args) - reference) / reference)
    return worst
