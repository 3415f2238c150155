"""Property tests: the exact formulas of numerics/ and theory/ against Monte Carlo.

Every Monte Carlo assertion is a z-test at family-wise false-alarm rate
FAMILY_ALARM_RATE = 1e-6 per test example (Bonferroni over its comparisons). The
Monte Carlo properties are defined in tests/helpers_monte_carlo.py (parameter
ranges, sample sizes and power there); tests/test_mutations.py shows that they fail
for subtly wrong formulas. The ``ci`` Hypothesis profile is derandomized.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from maml_landscape.numerics import population
from maml_landscape.numerics.closed_forms import lemma2_derived, q_derived
from maml_landscape.numerics.environments import hard_easy_mixture
from maml_landscape.numerics.order_counterexample import find_order_counterexample
from maml_landscape.theory import mixture
from tests import helpers_monte_carlo as h

test_lemma2_derived_matches_monte_carlo = h.lemma2_property(lemma2_derived)
test_q_matrix_matches_monte_carlo = h.q_property(population.q_matrix)
test_meta_loss_matches_simulated_sgd_step = h.meta_loss_property(population.meta_loss)
test_excess_risk_matches_monte_carlo = h.excess_risk_property(population.excess_risk)
test_risk_above_task_optima_matches_monte_carlo = h.risk_above_task_optima_property(
    population.risk_above_task_optima
)
test_corollary1_derived_matches_monte_carlo = h.mixture_property(mixture.excess_risks)


@given(seed=h.seeds, d=h.dims, n=h.counts, diagonal=st.booleans())
def test_lemma2_derived_transposes_with_A(seed, d, n, diagonal):
    """E[S A S]ᵀ = E[S Aᵀ S] for the symmetric S = XᵀX/n: the derivation respects it for any A (exact)."""
    sigma, A = h.covariance(seed, d, diagonal), h.fixed_matrix(seed + 1, d, symmetric=False)
    np.testing.assert_allclose(
        lemma2_derived(sigma, A, n).T, lemma2_derived(sigma, A.T, n), rtol=1e-10, atol=1e-12
    )


@given(
    seed=h.seeds,
    d=h.dims,
    s=st.integers(1, 1000),
    scale=st.floats(0.05, 2.0),
    diagonal=st.booleans(),
)
def test_q_matrix_equals_symbolic_derivation(seed, d, s, scale, diagonal):
    """The numeric closed form of Q^(s) (numerics.population) equals the Isserlis derivation (exact)."""
    sigma = h.covariance(seed, d, diagonal)
    alpha = h.step_size(sigma, scale)
    np.testing.assert_allclose(
        population.q_matrix(sigma, alpha, s), q_derived(sigma, alpha, s), rtol=1e-10, atol=1e-12
    )


@given(
    seed=h.seeds, d=h.dims, k=h.family_counts, m=st.integers(1, 1000), scale=st.floats(0.05, 2.0)
)
def test_maml_never_worse_than_nal_when_n2_equals_m(seed, d, k, m, scale):
    """S2.ORDER at the population solutions with n2 = m (exact): w_MAML* minimises F_m."""
    env = h.environment(seed, d, k)
    alpha = h.step_size(env.sigmas, scale)
    w_maml = population.maml_solution(env, alpha, m)
    maml = population.excess_risk(env, w_maml, alpha, m)
    nal = population.excess_risk(env, population.nal_solution(env), alpha, m)
    scale_f = population.meta_loss(env, w_maml, alpha, m)
    assert abs(maml) <= 1e-12 * max(1.0, scale_f)
    assert maml <= nal + 1e-12 * max(1.0, scale_f)
    other = h.point(seed + 1, d)
    assert (
        population.meta_loss(env, w_maml, alpha, m)
        <= population.meta_loss(env, other, alpha, m) + 1e-12 * scale_f
    )


@given(seed=h.seeds, d=h.dims, k=h.family_counts, m=h.counts, scale=h.steps)
def test_excess_risk_is_the_meta_loss_above_its_minimum(seed, d, k, m, scale):
    """E_m(w) = F_m(w) − F_m(w_MAML*) and F_m − E_m ≥ the noise floor (exact identities)."""
    env = h.environment(seed, d, k)
    alpha = h.step_size(env.sigmas, scale)
    w = h.point(seed + 1, d)
    loss = population.meta_loss(env, w, alpha, m)
    np.testing.assert_allclose(
        population.excess_risk(env, w, alpha, m),
        loss - population.min_meta_loss(env, alpha, m),
        rtol=1e-8,
        atol=1e-10 * max(1.0, loss),
    )
    assert population.min_meta_loss(env, alpha, m) >= population.noise_floor(env, alpha, m) - 1e-12


def test_order_counterexample_search_finds_a_verified_violation_for_n2_not_m():
    """The exact search for E_m(w_MAML*(n2)) > E_m(w_NAL*), n2 ≠ m, returns a violation that re-checks."""
    found, violations = find_order_counterexample(np.random.default_rng(20240601), 200)
    assert found is not None and violations >= 1
    assert found.n2 != found.m
    maml = population.excess_risk(
        found.env, population.maml_solution(found.env, found.alpha, found.n2), found.alpha, found.m
    )
    nal = population.excess_risk(
        found.env, population.nal_solution(found.env), found.alpha, found.m
    )
    assert maml == pytest.approx(found.maml_excess) and nal == pytest.approx(found.nal_excess)
    assert maml > nal


@given(
    d=h.dims,
    m=st.integers(1, 500),
    rho_e=st.floats(0.5, 2.0),
    ratio=st.floats(0.05, 1.0),
    R=st.floats(0.0, 3.0),
    r_h=st.floats(0.0, 1.0),
    r_e=st.floats(0.0, 1.0),
    scale=st.floats(0.1, 2.0),
)
def test_corollary1_derived_equals_exact_population_value(d, m, rho_e, ratio, R, r_h, r_e, scale):
    """theory.mixture.excess_risks equals population.risk_above_task_optima at w_NAL*, w_MAML* (exact)."""
    rho_h, alpha = ratio * rho_e, scale / rho_e
    env = hard_easy_mixture(d, rho_h, rho_e, R, r_h, r_e, noise_var=0.01)
    nal, maml = (float(v) for v in mixture.excess_risks(rho_h, rho_e, R, r_h, r_e, alpha, m, d))
    exact_nal = population.risk_above_task_optima(env, population.nal_solution(env), alpha, m)
    exact_maml = population.risk_above_task_optima(
        env, population.maml_solution(env, alpha, m), alpha, m
    )
    assert nal == pytest.approx(exact_nal, rel=1e-9, abs=1e-12)
    assert maml == pytest.approx(exact_maml, rel=1e-9, abs=1e-12)
