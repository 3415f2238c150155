"""The general linear-regression derivations (gaussian_moments, adaptation, population) vs independent routes.

Independent routes: fourth moments from the moment generating function (not Isserlis
pairings), vectorised Monte Carlo with z-tests, and first-order optimality checked by
differentiation. Nothing here asserts what the paper's verdicts are.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from maml_landscape.stats import z_threshold
from maml_landscape.theory import population
from maml_landscape.theory.adaptation import q_isotropic, q_matrix
from maml_landscape.theory.comparison import compare
from maml_landscape.theory.exact_environments import random_environment, random_spd
from maml_landscape.theory.gaussian_moments import (
    expected_sandwich,
    expected_sandwich_isotropic,
    expected_sandwich_structural,
    isserlis_moment,
)
from maml_landscape.theory.population import (
    TaskFamily,
    excess_risk,
    maml_solution,
    meta_loss,
    nal_solution,
    task_oracle_gap,
)

rho, alpha, s, d_sym, n = sympy.symbols("rho alpha s d n", positive=True)


def _mgf_fourth_moment_sandwich(Sigma: sympy.Matrix, A: sympy.Matrix) -> sympy.Matrix:
    """E[x xᵀ A x xᵀ] from fourth derivatives of the Gaussian MGF exp(½ tᵀΣt) at t = 0 (no pairings)."""
    d = Sigma.shape[0]
    t = sympy.symbols(f"t0:{d}")
    tv = sympy.Matrix(t)
    mgf = sympy.exp((tv.T * Sigma * tv)[0, 0] / 2)
    zero = {v: 0 for v in t}

    def moment(i, j, k, r):
        return sympy.diff(mgf, t[i], t[j], t[k], t[r]).subs(zero)

    return sympy.Matrix(
        d, d, lambda i, r: sum(A[j, k] * moment(i, j, k, r) for j in range(d) for k in range(d))
    )


small_ints = st.integers(-3, 3)


@given(
    d=st.integers(1, 3),
    entries=st.lists(small_ints, min_size=18, max_size=18),
    samples=st.integers(1, 4),
)
@settings(deadline=None, max_examples=8)
def test_expected_sandwich_matches_mgf_moments(d, entries, samples):
    B = sympy.Matrix(d, d, entries[: d * d])
    Sigma = B * B.T + sympy.eye(d)
    A = sympy.Matrix(d, d, entries[9 : 9 + d * d])  # general, not symmetric
    independent = (
        (samples - 1) * Sigma * A * Sigma + _mgf_fourth_moment_sandwich(Sigma, A)
    ) / samples
    assert expected_sandwich(Sigma, A, samples) == independent


def test_isserlis_odd_moments_vanish_and_second_is_sigma():
    Sigma = sympy.Matrix([[2, 1], [1, 3]])
    assert isserlis_moment(Sigma, (0, 1, 1)) == 0
    assert isserlis_moment(Sigma, (0, 1)) == 1
    assert isserlis_moment(Sigma, (1, 1, 1, 1)) == 3 * 9


def test_expected_sandwich_monte_carlo():
    rng = np.random.default_rng(11)
    Sigma = sympy.Matrix([[1, sympy.Rational(1, 3)], [sympy.Rational(1, 3), sympy.Rational(1, 2)]])
    A = sympy.Matrix([[1, 2], [-1, sympy.Rational(1, 2)]])
    samples, draws = 3, 400_000
    X = (
        rng.standard_normal((draws, samples, 2))
        @ np.linalg.cholesky(np.array(Sigma, dtype=float)).T
    )
    G = np.einsum("nki,nkj->nij", X, X) / samples
    values = G @ np.array(A, dtype=float) @ G
    mean, se = values.mean(axis=0), values.std(axis=0, ddof=1) / np.sqrt(draws)
    predicted = np.array(expected_sandwich(Sigma, A, samples), dtype=float)
    assert np.all(np.abs(mean - predicted) / se <= z_threshold(4))


@pytest.mark.parametrize("d", [2, 3])
def test_structural_form_equals_explicit(d):
    Sigma = sympy.Matrix(d, d, lambda i, j: sympy.Symbol(f"s{min(i, j)}{max(i, j)}"))
    A = sympy.Matrix(d, d, lambda i, j: sympy.Symbol(f"a{i}{j}"))
    S, M = sympy.MatrixSymbol("S", d, d), sympy.MatrixSymbol("M", d, d)
    structural = sympy.Matrix(expected_sandwich_structural(S, M, n).subs({S: Sigma, M: A}).doit())
    assert (structural - expected_sandwich(Sigma, A, n)).applyfunc(sympy.expand).is_zero_matrix


@pytest.mark.parametrize("d", [1, 2, 3])
def test_q_isotropic_matches_q_matrix(d):
    difference = q_matrix(rho * sympy.eye(d), alpha, s) - q_isotropic(rho, alpha, s, d_sym).subs(
        d_sym, d
    ) * sympy.eye(d)
    assert difference.applyfunc(sympy.simplify).is_zero_matrix
    iso = expected_sandwich_isotropic(rho, 2 * rho, s, d_sym).subs(d_sym, d)
    explicit = expected_sandwich(rho * sympy.eye(d), 2 * rho * sympy.eye(d), s)
    assert (explicit - iso * sympy.eye(d)).applyfunc(sympy.simplify).is_zero_matrix


def test_q_matrix_is_psd_expectation_monte_carlo():
    rng = np.random.default_rng(5)
    Sigma = sympy.Matrix([[1, sympy.Rational(1, 4)], [sympy.Rational(1, 4), sympy.Rational(1, 2)]])
    step, samples, draws = sympy.Rational(1, 2), 4, 400_000
    Sf = np.array(Sigma, dtype=float)
    X = rng.standard_normal((draws, samples, 2)) @ np.linalg.cholesky(Sf).T
    P = np.eye(2) - float(step) / samples * np.einsum("nki,nkj->nij", X, X)
    values = np.transpose(P, (0, 2, 1)) @ Sf @ P
    mean, se = values.mean(axis=0), values.std(axis=0, ddof=1) / np.sqrt(draws)
    predicted = np.array(q_matrix(Sigma, step, samples), dtype=float)
    assert np.all(np.abs(mean - predicted) / se <= z_threshold(4))


@pytest.mark.parametrize("inner_loss", ["mean", "sum"])
def test_meta_loss_monte_carlo(inner_loss):
    """The symbolic F_m (eq. (1)) against the one simulator of it (numerics.meta_loss_mc), w* spread."""
    from maml_landscape.numerics import Environment, meta_loss_mc
    from maml_landscape.numerics import TaskFamily as NumericFamily

    sigma = [[sympy.Rational(3, 4), 0], [0, sympy.Rational(1, 3)]]
    mean, cov = [sympy.Rational(-1, 2), 1], [[sympy.Rational(1, 5), sympy.Rational(1, 10)], [sympy.Rational(1, 10), sympy.Rational(1, 5)]]
    w = sympy.Matrix([sympy.Rational(1, 2), 0])
    env = Environment((NumericFamily(1.0, np.array(sigma, dtype=float), np.array(mean, dtype=float),
                                     np.array(cov, dtype=float)),), noise_var=0.2)
    estimate = meta_loss_mc(np.random.default_rng(3), env, np.array(w, dtype=float).ravel(), 0.3, 4, 400_000,
                            normalisation=inner_loss)
    family = TaskFamily(1, sympy.Matrix(sigma), mean, sympy.Matrix(cov))
    predicted = float(meta_loss(w, [family], sympy.Rational(1, 5), sympy.Rational(3, 10), 4, inner_loss))
    assert abs(estimate.estimate - predicted) / estimate.stderr <= z_threshold(1)


def _gradient_at(objective, point: sympy.Matrix) -> sympy.Matrix:
    w = sympy.Matrix(sympy.symbols(f"g0:{point.shape[0]}"))
    value = objective(w)
    return sympy.Matrix([sympy.diff(value, v) for v in w]).subs(dict(zip(w, point)))


@given(seed=st.integers(0, 10_000), m=st.integers(1, 30))
@settings(deadline=None, max_examples=6)
def test_solutions_are_stationary_and_excess_risk_nonnegative(seed, m):
    rng = np.random.default_rng(seed)
    families = random_environment(rng, d=2, tasks=3)
    values = {
        sym: sympy.Rational(int(rng.integers(-5, 6)), 2) for f in families for sym in f.w_mean
    }
    families = [
        TaskFamily(f.weight, f.Sigma, f.w_mean.subs(values), random_spd(rng, 2) / 4)
        for f in families
    ]
    step = sympy.Rational(int(rng.integers(1, 8)), 8)
    best = maml_solution(families, step, m)
    assert _gradient_at(lambda w: meta_loss(w, families, 1, step, m), best).is_zero_matrix
    assert _gradient_at(
        lambda w: meta_loss(w, families, 1, 0, m), nal_solution(families)
    ).is_zero_matrix
    assert excess_risk(best, families, 1, step, m) == 0
    for _ in range(3):
        w = sympy.Matrix([sympy.Rational(int(rng.integers(-9, 10)), 3) for _ in range(2)])
        risk = excess_risk(w, families, 1, step, m)
        assert risk >= 0
        # the per-task-optimum gap exceeds eq. (2) by a constant ≥ 0
        assert (
            task_oracle_gap(w, families, 1, step, m) - risk
            == task_oracle_gap(best, families, 1, step, m)
            >= 0
        )


def test_one_task_gap_is_zero_and_meta_loss_exact():
    family = TaskFamily(1, sympy.Symbol("r", positive=True), sympy.Symbol("u"))
    assert sympy.simplify(task_oracle_gap(family.w_mean, [family], 1, alpha, n)) == 0


@pytest.mark.parametrize("seed", [0, 1])
def test_infimum_closed_form_equals_value_at_the_stationary_point(seed):
    rng = np.random.default_rng(seed)
    families = [
        TaskFamily(f.weight, f.Sigma, f.w_mean.subs({sym: 1 for sym in f.w_mean}) * (k + 1), random_spd(rng, 2) / 4)
        for k, f in enumerate(random_environment(rng, d=2, tasks=3))
    ]
    step, m = sympy.Rational(1, 4), 5
    closed = population.meta_loss_infimum_closed_form(families, sympy.Rational(1, 10), step, m)
    assert closed == population.meta_loss_infimum(families, sympy.Rational(1, 10), step, m)


def test_inner_loss_gradients_sum_is_m_times_mean():
    grad_sum, grad_mean, closed = population.inner_loss_gradients(4, 2)
    assert (grad_sum - 4 * grad_mean).is_zero_matrix
    assert (grad_sum - closed).applyfunc(sympy.expand).is_zero_matrix


def test_compare_finds_identities_and_counterexamples():
    x, y = sympy.symbols("x y")
    rng = np.random.default_rng(0)
    assert compare((x + y) ** 2, x**2 + 2 * x * y + y**2, rng).holds is True
    wrong = compare((x + y) ** 2, x**2 + y**2, rng)
    assert wrong.holds is False and wrong.derived_at != wrong.printed_at


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"weight": 1, "Sigma": [[1, 2], [0, 1]], "w_mean": [0, 0]}, "symmetric"),
        ({"weight": 1, "Sigma": [[1, 0], [0, 1]], "w_mean": [0, 0, 0]}, "column"),
        ({"weight": -1, "Sigma": 1, "w_mean": 0}, "non-negative"),
    ],
)
def test_task_family_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        TaskFamily(**kwargs)


def test_environment_and_inner_loss_validation():
    family = TaskFamily(sympy.Rational(1, 2), 1, 0)
    with pytest.raises(ValueError, match="sum to 1"):
        meta_loss(0, [family], 1, 1, 1)
    with pytest.raises(ValueError, match="inner_loss"):
        meta_loss(0, [TaskFamily(1, 1, 0)], 1, 1, 1, inner_loss="median")
    with pytest.raises(ValueError, match="Sigma"):
        expected_sandwich(sympy.Matrix([[1, 2], [0, 1]]), sympy.eye(2), 2)
