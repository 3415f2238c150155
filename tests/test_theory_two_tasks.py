"""Sec. 3.1 machinery (theory/two_tasks.py) against independent numerics and the d-dimensional population module."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from maml_landscape.theory import population
from maml_landscape.theory import two_tasks as tt
from maml_landscape.theory.adaptation import q_matrix
from maml_landscape.theory.comparison import DIGITS, to_mpf
from maml_landscape.theory.two_tasks_routes import mp_two_task_reference, random_two_task_point

TOLERANCE = mpmath.mpf(10) ** -40


rationals = st.fractions(min_value=-3, max_value=3, max_denominator=20).map(sp.Rational)
positives = st.fractions(min_value=sp.Rational(1, 20), max_value=3, max_denominator=20).map(sp.Rational)


@given(coefficients=st.lists(rationals, min_size=1, max_size=5), mean=rationals, variance=positives)
def test_gaussian_expectation_matches_gauss_hermite(coefficients, mean, variance):
    x = sp.Symbol("x")
    polynomial = sum(c * x**k for k, c in enumerate(coefficients))
    exact = tt.gaussian_expectation(polynomial, x, mean, variance)
    with mpmath.workdps(DIGITS):
        nodes, weights = mpmath.gauss_quadrature(8, "hermite")
        f = sp.lambdify(x, polynomial, "mpmath")
        numeric = sum(w * f(to_mpf(mean) + mpmath.sqrt(2 * to_mpf(variance)) * z) for z, w in zip(nodes, weights))
        numeric /= mpmath.sqrt(mpmath.pi)
        assert abs(to_mpf(exact) - numeric) < TOLERANCE * (1 + abs(numeric))


@pytest.mark.parametrize("d", [1, 2, 3, 4])
def test_hardness_weight_is_the_explicit_q_matrix_entry(d):
    rho, alpha, m = sp.Rational(3, 7), sp.Rational(5, 4), 11
    assert tt.hardness_weight(rho, alpha, m, d) == q_matrix(rho * sp.eye(d), alpha, m)[0, 0]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_solutions_and_risks_match_mpmath_reference(seed):
    rng = np.random.default_rng(seed)
    d = 2 + seed % 2
    p = random_two_task_point(rng, d)
    ref = mp_two_task_reference(p["rho_h"], p["rho_e"], p["alpha"], p["m"], p["w1"], p["w2"])
    w_nal, w_maml = tt.solutions(p["rho_h"], p["rho_e"], p["alpha"], p["m"], d, p["w1"], p["w2"])
    risks = tt.excess_risks(p["rho_h"], p["rho_e"], p["alpha"], p["m"], d, p["w1"], p["w2"])
    with mpmath.workdps(DIGITS):
        for mine, theirs in ((w_nal, ref["w_nal"]), (w_maml, ref["w_maml"])):
            assert max(abs(to_mpf(a) - b) for a, b in zip(mine, theirs)) < TOLERANCE
        assert abs(to_mpf(risks[0]) - ref["risk_nal"]) < TOLERANCE
        assert abs(to_mpf(risks[1]) - ref["risk_maml"]) < TOLERANCE


def test_matches_population_module_with_symbols_at_d2():
    rho_h, rho_e, alpha, m = sp.symbols("rho_H rho_E alpha m", positive=True)
    w1, w2 = sp.Matrix(sp.symbols("x0:2")), sp.Matrix(sp.symbols("y0:2"))
    families = [population.TaskFamily(sp.Rational(1, 2), rho_h * sp.eye(2), w1),
                population.TaskFamily(sp.Rational(1, 2), rho_e * sp.eye(2), w2)]
    w_nal, w_maml = tt.solutions(rho_h, rho_e, alpha, m, 2, list(w1), list(w2))
    assert (w_nal - population.nal_solution(families)).applyfunc(sp.cancel).is_zero_matrix
    assert (w_maml - population.maml_solution(families, alpha, m)).applyfunc(sp.cancel).is_zero_matrix
    risk_nal, _ = tt.excess_risks(rho_h, rho_e, alpha, m, 2, list(w1), list(w2))
    gap = population.task_oracle_gap(population.nal_solution(families), families, 0, alpha, m)
    assert sp.cancel(risk_nal - gap) == 0


def test_scalar_w_means_constant_vector_with_symbolic_d():
    rho_h, rho_e, alpha, m, d = sp.symbols("rho_H rho_E alpha m d", positive=True)
    symbolic = tt.excess_risks(rho_h, rho_e, alpha, m, d, 1, -1)
    explicit = tt.excess_risks(rho_h, rho_e, alpha, m, 3, [1, 1, 1], [-1, -1, -1])
    assert all(sp.cancel(a.subs(d, 3) - b) == 0 for a, b in zip(symbolic, explicit))


def test_bad_inputs_raise_value_errors():
    with pytest.raises(ValueError, match="need d = 2"):
        tt.solutions(1, 2, 1, 10, 3, [1, 2], [0, 0])
    with pytest.raises(ValueError, match="one curvature per family"):
        tt.coordinate_gap(0, tt.coordinate_task_families(1, 2, 0, 1), [1])
    with pytest.raises(ValueError, match="1x1 TaskFamily"):
        two_d = population.TaskFamily(1, sp.eye(2), [0, 0])
        tt.coordinate_minimiser([two_d], [1])


@pytest.mark.slow
@pytest.mark.parametrize("claim", ["S31.SOL", "S31.ALPHA", "S31.RISK", "S31.LARGE_M", "S31.ZERO"])
def test_checks_cross_checks_agree(claim, tmp_path):
    """Each check's independent routes agree with the derivation (a 'not checked' outcome would mean a bug)."""
    from maml_landscape.context import CheckContext
    from maml_landscape.registry import checks_for
    from maml_landscape.verdicts import Verdict

    for registered in checks_for(claim):
        outcome = registered.function(CheckContext("quick", 0, tmp_path))
        assert outcome.verdict is not Verdict.NOT_CHECKED, outcome.summary
