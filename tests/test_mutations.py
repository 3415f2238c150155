"""Power of the Monte Carlo property tests: each z-test rejects subtly wrong formulas.

The mutants are alternative implementations of the formulas under test:
- Q^(s) without its Σ³ term;
- Lemma 2 with ΣAΣ in place of ΣAᵀΣ (non-symmetric A);
- "n instead of n+1": Lemma 2 with (n+1)/n · ΣAΣ replaced by (n/n) ΣAΣ, and Q^(s) with
  the 1/s of its correction replaced by 1/(s+1);
- a factor 2 in F_m (the quadratic term without its ½, as in eq. (17));
- a swapped sign of α (the step w + α∇f̂, i.e. (I + αΣ)Σ(I + αΣ));
- Corollary 1 (theory.mixture) with d/m in place of (d+1)/m in a_E, a_H.

Each mutation test builds the *same* Hypothesis property test as
tests/test_monte_carlo_properties.py (tests/helpers_monte_carlo.py: same strategies,
sample sizes and z-test thresholds; under the derandomized ``ci`` profile even the
same examples) with the mutant in place of the formula, and asserts that it fails.
The tests marked ``mutation`` cover every mutant; the unmarked ones run by default.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from hypothesis import Phase, settings
from hypothesis import strategies as st

from maml_landscape.numerics import population
from maml_landscape.theory import mixture
from tests import helpers_monte_carlo as h

# ---------------------------------------------------------------------------
# Mutants
# ---------------------------------------------------------------------------


def lemma2_n_for_n_plus_1(sigma, A, n):
    """Lemma 2 with the coefficient (n+1)/n of ΣAΣ written as n/n."""
    return sigma @ A @ sigma + np.trace(sigma @ A) * sigma / n


def lemma2_without_transpose(sigma, A, n):
    """Lemma 2 with ΣAᵀΣ written as ΣAΣ (right only for symmetric A)."""
    return sigma @ A @ sigma + (np.trace(sigma @ A) * sigma + sigma @ A @ sigma) / n


def _q(sigma, alpha, s, sign=1.0, cube=1.0, s_offset=0):
    eye = np.eye(sigma.shape[-1])
    shrink = eye - sign * alpha * sigma
    sigma_sq = sigma @ sigma
    trace_sq = np.trace(sigma_sq, axis1=-2, axis2=-1)[..., None, None]
    return shrink @ sigma @ shrink + alpha**2 / (s + s_offset) * (
        trace_sq * sigma + cube * sigma_sq @ sigma
    )


def q_without_cube(sigma, alpha, s):
    return _q(sigma, alpha, s, cube=0.0)


def q_swapped_alpha(sigma, alpha, s):
    return _q(sigma, alpha, s, sign=-1.0)


def q_s_plus_1(sigma, alpha, s):
    return _q(sigma, alpha, s, s_offset=1)


def _risk_above_optima(env, w, q):
    offset = w - env.w_means
    quadratic = np.einsum("ki,kij,kj->k", offset, q, offset) + np.einsum(
        "kij,kji->k", q, env.w_covs
    )
    return 0.5 * float(env.weights @ quadratic)


def _excess(env, w, q):
    mean_q = np.einsum("k,kij->ij", env.weights, q)
    optimum = np.linalg.solve(mean_q, np.einsum("k,kij,kj->i", env.weights, q, env.w_means))
    return 0.5 * float((w - optimum) @ mean_q @ (w - optimum))


def with_q(mutant_q):
    """F_m, E_m and F_m − E_i inf F_m,i built from a mutated Q."""

    def meta_loss(env, w, alpha, m):
        return _risk_above_optima(env, w, mutant_q(env.sigmas, alpha, m)) + population.noise_floor(
            env, alpha, m
        )

    def excess(env, w, alpha, m):
        return _excess(env, w, mutant_q(env.sigmas, alpha, m))

    def above_optima(env, w, alpha, m):
        return _risk_above_optima(env, w, mutant_q(env.sigmas, alpha, m))

    return {"meta_loss": meta_loss, "excess": excess, "above_optima": above_optima}


def factor_2():
    """The quadratic term of F_m without its ½ (eq. (17) drops it)."""
    return {
        "meta_loss": lambda env, w, a, m: (
            2 * population.risk_above_task_optima(env, w, a, m) + population.noise_floor(env, a, m)
        ),
        "excess": lambda env, w, a, m: 2 * population.excess_risk(env, w, a, m),
        "above_optima": lambda env, w, a, m: 2 * population.risk_above_task_optima(env, w, a, m),
    }


LOSS_MUTANTS = {
    "Q without Σ³": with_q(q_without_cube),
    "1/(m+1) for 1/m": with_q(q_s_plus_1),
    "swapped sign of α": with_q(q_swapped_alpha),
    "factor 2": factor_2(),
}


# ---------------------------------------------------------------------------
# Tests: the property tests of tests/test_monte_carlo_properties.py, run with a mutant
# ---------------------------------------------------------------------------


def assert_property_fails(prop) -> None:
    """Run a Hypothesis property test (profile's examples, no shrinking) and require it to fail.

    Shrinking would rerun Monte Carlo for nothing; the database is off so that the
    mutant's failures are not replayed by the real property test.
    """
    test = settings(database=None, phases=[Phase.explicit, Phase.generate])(prop)
    with pytest.raises(AssertionError):
        test()


def test_lemma2_property_rejects_n_for_n_plus_1():
    assert_property_fails(h.lemma2_property(lemma2_n_for_n_plus_1))


@pytest.mark.mutation
def test_lemma2_property_rejects_dropped_transpose_for_non_symmetric_A():
    assert_property_fails(h.lemma2_property(lemma2_without_transpose, st.just(False)))


def test_q_property_rejects_q_without_cube():
    assert_property_fails(h.q_property(q_without_cube))


@pytest.mark.mutation
@pytest.mark.parametrize(
    "mutant", [q_swapped_alpha, q_s_plus_1], ids=["swapped sign of α", "1/(s+1) for 1/s"]
)
def test_q_property_rejects_mutants(mutant):
    assert_property_fails(h.q_property(mutant))


def test_meta_loss_property_rejects_factor_2():
    assert_property_fails(h.meta_loss_property(LOSS_MUTANTS["factor 2"]["meta_loss"]))


@pytest.mark.mutation
@pytest.mark.parametrize("mutant", list(LOSS_MUTANTS))
def test_meta_loss_property_rejects_mutants(mutant):
    assert_property_fails(h.meta_loss_property(LOSS_MUTANTS[mutant]["meta_loss"]))


@pytest.mark.mutation
@pytest.mark.parametrize("mutant", list(LOSS_MUTANTS))
def test_excess_risk_property_rejects_mutants(mutant):
    assert_property_fails(h.excess_risk_property(LOSS_MUTANTS[mutant]["excess"]))


@pytest.mark.mutation
@pytest.mark.parametrize("mutant", list(LOSS_MUTANTS))
def test_risk_above_task_optima_property_rejects_mutants(mutant):
    assert_property_fails(h.risk_above_task_optima_property(LOSS_MUTANTS[mutant]["above_optima"]))


def corollary1_d_for_d_plus_1(rho_h, rho_e, R, r_h, r_e, alpha, m, d):
    """Corollary 1 with d/m in place of (d+1)/m in a_E, a_H ("n instead of n+1").

    The derived risks depend on m only through (d+1)/m, and (d+1)/m' = d/m for m' = m(d+1)/d.
    """
    return mixture.excess_risks(rho_h, rho_e, R, r_h, r_e, alpha, sympy.Rational(m * (d + 1), d), d)


@pytest.mark.mutation
def test_corollary1_property_rejects_d_for_d_plus_1():
    assert_property_fails(h.mixture_property(corollary1_d_for_d_plus_1))
