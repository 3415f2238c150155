"""Sec. 3.2 machinery (theory/mixture.py) against Monte Carlo, mpmath quadrature and the population module."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy as sp

from maml_landscape.numerics.population import q_matrix as numeric_q
from maml_landscape.stats import z_threshold
from maml_landscape.theory import mixture as mx
from maml_landscape.theory import population
from maml_landscape.theory.comparison import DIGITS, to_mpf
from maml_landscape.theory.mixture_approximations import relative_errors
from maml_landscape.theory.mixture_routes import mp_mixture_reference, random_mixture_point
from maml_landscape.theory.two_tasks import coordinate_gap

TOLERANCE = mpmath.mpf(10) ** -40


def _values(p):
    return (p["rho_h"], p["rho_e"], p["R"], p["r_h"], p["r_e"], p["alpha"], p["m"], p["d"])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_excess_risks_match_gauss_hermite_reference(seed):
    p = random_mixture_point(np.random.default_rng(seed))
    reference = mp_mixture_reference(p)
    mine = mx.excess_risks(*_values(p))
    with mpmath.workdps(DIGITS):
        for a, b in zip(mine, reference):
            assert abs(to_mpf(sp.nsimplify(a)) - b) < TOLERANCE * (1 + abs(b))


def test_excess_risks_match_population_module_at_d3():
    p = random_mixture_point(np.random.default_rng(7)) | {"d": 3}
    d = 3
    families = [
        population.TaskFamily(sp.Rational(1, 2), p["rho_h"] * sp.eye(d), sp.Matrix([p["R"]] * d), p["r_h"] * sp.eye(d)),
        population.TaskFamily(sp.Rational(1, 2), p["rho_e"] * sp.eye(d), sp.zeros(d, 1), p["r_e"] * sp.eye(d)),
    ]
    gap = lambda w: population.task_oracle_gap(w, families, 0, p["alpha"], p["m"])  # noqa: E731
    expected = (gap(population.nal_solution(families)), gap(population.maml_solution(families, p["alpha"], p["m"])))
    assert all(sp.simplify(a - b) == 0 for a, b in zip(mx.excess_risks(*_values(p)), expected))


def test_maml_risk_matches_monte_carlo_over_task_solutions():
    """Sample w* from the mixture, average ½ q ‖w_MAML* - w*‖² (Prop. 1's gap); z-test against the formula.

    q comes from the NumPy implementation of Q^(m) (numerics/population.py), independent of the code under test.
    """
    rng = np.random.default_rng(2024)
    rho_h, rho_e, R, r_h, r_e, alpha, m, d = 0.1, 0.9, 1.5, 0.2, 1.0, 1 / 0.9, 500, 10
    q_h, q_e = (numeric_q(rho * np.eye(d), alpha, m)[0, 0] for rho in (rho_h, rho_e))
    s = mx.symbols()
    w_maml = float(mx.coordinate_results_symbolic()["w_maml"].subs({s["a_H"]: q_h, s["a_E"]: q_e, s["R"]: R}))
    n = 200_000
    hard = rng.random(n) < 0.5
    w_star = np.where(hard[:, None], R + np.sqrt(r_h) * rng.standard_normal((n, d)),
                      np.sqrt(r_e) * rng.standard_normal((n, d)))
    samples = 0.5 * np.where(hard, q_h, q_e) * ((w_maml - w_star) ** 2).sum(axis=1)
    predicted = float(mx.excess_risks(rho_h, rho_e, R, r_h, r_e, alpha, m, d)[1])
    z = (samples.mean() - predicted) / (samples.std(ddof=1) / np.sqrt(n))
    assert abs(z) <= z_threshold(1)


def test_a2_terms_sum_to_the_coordinate_gap_at_numbers():
    fam = mx.coordinate_families(sp.Rational(1, 7), sp.Rational(4, 5), sp.Rational(3, 2), sp.Rational(1, 3), 2)
    for lam in ((sp.Rational(1, 7), sp.Rational(4, 5)), (sp.Rational(2, 9), sp.Rational(1, 11))):
        q = (sp.Rational(2, 9), sp.Rational(1, 11))
        terms, denominator = mx.a2_terms(fam, lam, q)
        w = sum(f.weight * lam_k * f.w_mean[0, 0] for f, lam_k in zip(fam, lam)) / sum(f.weight * lam_k for f, lam_k in zip(fam, lam))
        assert sum(terms) / denominator == coordinate_gap(w, fam, q)


def test_reduced_ratio_equals_exact_ratio():
    rho_e, rho_h, R, r_h, r_e, m, d = sp.Rational(9, 10), sp.Rational(1, 5), 2, sp.Rational(1, 3), 3, 77, 6
    exact = mx.exact_ratio(rho_h, rho_e, R, r_h, r_e, 1 / rho_e, m, d)
    reduced = mx.reduced_ratio().subs({mx.T: rho_h / rho_e, mx.EPS: sp.Rational(d + 1, m), mx.U: R**2 / r_h, mx.V: r_e / r_h})
    assert sp.simplify(exact - reduced) == 0
    assert np.isclose(mx.ratio_grid(float(rho_h / rho_e), (d + 1) / m, float(R**2 / r_h), float(r_e / r_h)), float(reduced), rtol=1e-12)


def test_limits_match_numerics():
    t, eps, v = 0.2, 0.01, 3.0
    assert np.isclose(mx.ratio_grid(t, eps, 1e12, v), float(mx.ratio_large_R_limit().subs({mx.T: t, mx.EPS: eps})), rtol=1e-9)
    assert np.isclose(mx.ratio_grid(t, 1e-13, 5.0, v), float(mx.ratio_large_m_limit().subs({mx.T: t, mx.U: 5.0})), rtol=1e-9)


def test_relative_errors_vanish_where_the_approximation_is_exact():
    """eq. (27) line 2 is the m → ∞ limit; at tiny (d+1)/m its relative error must vanish."""
    errors = relative_errors(np.array([0.1, 0.3]), 1e-13, 4.0, 2.0)
    assert np.all(np.abs(errors["eq. (27) line 2"]) < 1e-9)
    assert np.all(errors["eq. (12)"] > 0.05)


def test_ratio_grid_rejects_bad_input():
    with pytest.raises(ValueError, match="rho_H/rho_E > 0"):
        mx.ratio_grid(-0.1, 0.01, 1, 1)


@pytest.mark.slow
@pytest.mark.parametrize("claim", ["S32.COR1", "S32.A2", "S32.COR2", "S32.A3"])
def test_checks_cross_checks_agree(claim, tmp_path):
    """Each check's independent routes agree with the derivation (a 'not checked' outcome would mean a bug)."""
    from maml_landscape.context import CheckContext
    from maml_landscape.registry import checks_for
    from maml_landscape.verdicts import Verdict

    for registered in checks_for(claim):
        outcome = registered.function(CheckContext("quick", 0, tmp_path))
        assert outcome.verdict is not Verdict.NOT_CHECKED, outcome.summary
    if claim == "S32.COR2":
        assert (tmp_path / "figures" / "cor2_error_map.png").exists()
        assert (tmp_path / "figures" / "cor2_error_map.pdf").exists()
