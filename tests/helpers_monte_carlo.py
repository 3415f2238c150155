"""Monte Carlo property tests, parametrised by the formula under test.

Each ``*_property(formula)`` returns a Hypothesis test that draws parameters,
simulates one quantity at a fixed sample size and z-tests it against
``formula``. tests/test_monte_carlo_properties.py instantiates them with the right
formulas; tests/test_mutations.py with subtly wrong ones and asserts that the very
same test (same strategies, sample sizes and thresholds) fails. Every z-test uses
the Bonferroni threshold of :func:`maml_landscape.stats.z_threshold` for the
family-wise false-alarm rate FAMILY_ALARM_RATE = 1e-6 over its comparisons.

Parameters: Σ random SPD with eigenvalues in [0.3, 2] (diagonal or not), A random
(symmetric or not), d ∈ 1..5, mixtures of 1-4 families, αλ_max ∈ [0.3, 1.5],
n, s, m ∈ 1..5.

Sample sizes, chosen for power (measured over 30 draws each, at these sizes):
- Lemma 2: 40,000 draws of X; the mutants are rejected on every draw with |z| ≥ 3.3×
  the threshold.
- Q^(s): 40,000 draws; every mutant rejected on every draw (|z| ≥ 3.3× threshold).
- F_m, E_m and F_m − E_i inf F_m,i: 40,000 tasks × 4 test points; a swapped α sign or a
  factor 2 is rejected on nearly every draw, the smaller mutants (Σ³ dropped, 1/(m+1))
  on ≥ 70% of draws, so a 12-example run rejects them with overwhelming probability.
- Corollary 1 (Sec. 3.2 mixture, n2 = m): the same 40,000 tasks × 4 test points at
  w_NAL* and w_MAML*.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from maml_landscape.numerics import population
from maml_landscape.numerics.environments import (
    Environment,
    hard_easy_mixture,
    random_covariance,
    random_environment,
)
from maml_landscape.numerics.monte_carlo import (
    excess_risk_mc,
    gram_sandwich_mc,
    meta_loss_mc,
    q_matrix_mc,
    risk_above_task_optima_mc,
)
from maml_landscape.stats import FAMILY_ALARM_RATE, z_threshold

LEMMA2_SAMPLES = 40_000
Q_SAMPLES = 40_000
LOSS_SAMPLES = 40_000
TEST_POINTS = 4

#: Parameter ranges shared by the property and mutation tests.
EIGENVALUE_RANGE = (0.3, 2.0)
STEP_RANGE = (0.3, 1.5)  # α λ_max
MAX_SAMPLES_PER_STEP = 5  # n, s, m ≤ 5


@dataclass(frozen=True)
class ZTest:
    """The largest |z| of one test's comparisons and its Bonferroni threshold."""

    max_abs_z: float
    threshold: float

    @property
    def rejects(self) -> bool:
        return not self.max_abs_z <= self.threshold  # NaN rejects too


def covariance(seed: int, d: int, diagonal: bool) -> np.ndarray:
    return random_covariance(np.random.default_rng(seed), d, *EIGENVALUE_RANGE, diagonal=diagonal)


def fixed_matrix(seed: int, d: int, symmetric: bool) -> np.ndarray:
    B = np.random.default_rng(seed).standard_normal((d, d))
    return (B + B.T) / 2 if symmetric else B


def environment(seed: int, d: int, families: int) -> Environment:
    return random_environment(
        np.random.default_rng(seed), d, families, eigenvalue_range=EIGENVALUE_RANGE
    )


def step_size(sigmas: np.ndarray, scale: float) -> float:
    """α = scale / λ_max over the given covariance matrices (…, d, d)."""
    return scale / float(np.linalg.eigvalsh(sigmas).max())


def point(seed: int, d: int) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(d)


def _matrix_ztest(mc, predicted: np.ndarray, upper_only: bool) -> ZTest:
    z = np.abs(mc.z(predicted))
    if upper_only:
        z = z[np.triu_indices(z.shape[0])]
    return ZTest(float(np.max(z)), z_threshold(z.size, FAMILY_ALARM_RATE))


def lemma2_ztest(
    seed: int,
    sigma: np.ndarray,
    A: np.ndarray,
    n: int,
    formula: Callable,
    samples: int = LEMMA2_SAMPLES,
) -> ZTest:
    """Entrywise z-test of E[(XᵀX/n)A(XᵀX/n)] against ``formula(sigma, A, n)``."""
    mc = gram_sandwich_mc(np.random.default_rng(seed), sigma, A, n, samples)
    return _matrix_ztest(mc, formula(sigma, A, n), upper_only=False)


def q_ztest(
    seed: int, sigma: np.ndarray, alpha: float, s: int, formula: Callable, samples: int = Q_SAMPLES
) -> ZTest:
    """Entrywise (upper triangle) z-test of E[PᵀΣP] against ``formula(sigma, alpha, s)``."""
    mc = q_matrix_mc(np.random.default_rng(seed), sigma, alpha, s, samples)
    return _matrix_ztest(mc, formula(sigma, alpha, s), upper_only=True)


def _loss_ztest(estimator: Callable, seed: int, env: Environment, w: np.ndarray, alpha: float, m: int,
                predicted: float, samples: int) -> float:
    """|z| of one simulated loss quantity ``estimator(rng, env, w, alpha, m, samples)`` against ``predicted``."""
    mc = estimator(np.random.default_rng(seed), env, w, alpha, m, samples, test_points=TEST_POINTS)
    return abs(mc.z(predicted))


def _single_loss_ztest(estimator: Callable, what: str) -> Callable[..., ZTest]:
    """A z-test (one comparison) of ``estimator``'s simulation against ``formula(env, w, alpha, m)``."""

    def ztest(seed: int, env: Environment, w: np.ndarray, alpha: float, m: int, formula: Callable,
              samples: int = LOSS_SAMPLES) -> ZTest:
        z = _loss_ztest(estimator, seed, env, w, alpha, m, formula(env, w, alpha, m), samples)
        return ZTest(z, z_threshold(1, FAMILY_ALARM_RATE))

    ztest.__doc__ = f"z-test of the simulated {what} against ``formula(env, w, alpha, m)``."
    return ztest


meta_loss_ztest = _single_loss_ztest(meta_loss_mc, "F_m(w) (SGD step and test points)")
risk_above_task_optima_ztest = _single_loss_ztest(
    risk_above_task_optima_mc, "F_m(w) - E_i inf F_{m,i} (paired with each task's w_i*)"
)


def excess_risk_ztest(seed: int, env: Environment, w: np.ndarray, alpha: float, m: int, formula: Callable,
                      samples: int = LOSS_SAMPLES) -> ZTest:
    """Both Monte Carlo excess risks (paired, and MC minus exact inf) against ``formula(env, w, alpha, m)``."""
    predicted = formula(env, w, alpha, m)
    z = [
        _loss_ztest(partial(excess_risk_mc, paired=paired), seed + k, env, w, alpha, m, predicted, samples)
        for k, paired in enumerate((True, False))
    ]
    return ZTest(max(z), z_threshold(2, FAMILY_ALARM_RATE))


# ---------------------------------------------------------------------------
# Property tests, parametrised by the formula under test
# ---------------------------------------------------------------------------

seeds = st.integers(0, 2**32 - 1)
dims = st.integers(1, 5)
counts = st.integers(1, MAX_SAMPLES_PER_STEP)
steps = st.floats(*STEP_RANGE)
family_counts = st.integers(1, 4)


def lemma2_property(formula: Callable, symmetric: st.SearchStrategy | None = None):
    """E[(XᵀX/n)A(XᵀX/n)] simulated vs ``formula(sigma, A, n)``, random SPD Σ and A.

    ``symmetric`` draws whether A is symmetric (both by default).
    """
    symmetric = st.booleans() if symmetric is None else symmetric

    @given(seed=seeds, d=dims, n=counts, diagonal=st.booleans(), symmetric=symmetric)
    def run(seed, d, n, diagonal, symmetric):
        sigma, A = covariance(seed, d, diagonal), fixed_matrix(seed + 1, d, symmetric)
        result = lemma2_ztest(seed + 2, sigma, A, n, formula)
        assert not result.rejects, result

    return run


def q_property(formula: Callable):
    """E[PᵀΣP] simulated vs ``formula(sigma, alpha, s)``."""

    @given(seed=seeds, d=dims, s=counts, scale=steps, diagonal=st.booleans())
    def run(seed, d, s, scale, diagonal):
        sigma = covariance(seed, d, diagonal)
        result = q_ztest(seed + 1, sigma, step_size(sigma, scale), s, formula)
        assert not result.rejects, result

    return run


def _loss_property(ztest: Callable, formula: Callable, start: Callable[[Environment, int, int], np.ndarray]):
    """A random mixture, α and m; ``ztest(seed, env, start(env, seed, d), alpha, m, formula)`` must not reject."""

    @given(seed=seeds, d=dims, k=family_counts, m=counts, scale=steps)
    def run(seed, d, k, m, scale):
        env = environment(seed, d, k)
        alpha = step_size(env.sigmas, scale)
        result = ztest(seed + 1, env, start(env, seed, d), alpha, m, formula)
        assert not result.rejects, result

    return run


def _random_point(env: Environment, seed: int, d: int) -> np.ndarray:
    return point(seed + 2, d)


def meta_loss_property(formula: Callable):
    """F_m(w) simulated (task, m samples, SGD step, test points) vs ``formula(env, w, alpha, m)``."""
    return _loss_property(meta_loss_ztest, formula, _random_point)


def excess_risk_property(formula: Callable):
    """E_m(w) of eq. (2), paired and unpaired Monte Carlo, vs ``formula(env, w, alpha, m)``."""
    return _loss_property(
        excess_risk_ztest,
        formula,
        lambda env, seed, d: population.nal_solution(env) + 0.5 * point(seed + 2, d),
    )


def risk_above_task_optima_property(formula: Callable):
    """F_m(w) − E_i inf F_{m,i} (paired with each task's w_i*) vs ``formula(env, w, alpha, m)``."""
    return _loss_property(risk_above_task_optima_ztest, formula, _random_point)


def mixture_property(formula: Callable):
    """Sec. 3.2 mixture: simulated F_m − E_i inf F_{m,i} at w_NAL* and w_MAML* (n2 = m) vs Corollary 1.

    ``formula(rho_h, rho_e, R, r_h, r_e, alpha, m, d)`` returns (E_m(w_NAL*), E_m(w_MAML*)) in
    Proposition 1's sense (theory.mixture.excess_risks). Two z-tests per example.
    """

    @given(
        seed=seeds,
        d=dims,
        m=counts,
        rho_e=st.floats(0.5, 2.0),
        ratio=st.floats(0.05, 1.0),
        R=st.floats(0.0, 3.0),
        r_h=st.floats(0.01, 1.0),
        r_e=st.floats(0.01, 1.0),
        scale=steps,
    )
    def run(seed, d, m, rho_e, ratio, R, r_h, r_e, scale):
        rho_h, alpha = ratio * rho_e, scale / rho_e
        env = hard_easy_mixture(d, rho_h, rho_e, R, r_h, r_e, noise_var=0.01)
        predicted = [float(v) for v in formula(rho_h, rho_e, R, r_h, r_e, alpha, m, d)]
        solutions = (population.nal_solution(env), population.maml_solution(env, alpha, m))
        z = [
            _loss_ztest(risk_above_task_optima_mc, seed + k, env, w, alpha, m, value, LOSS_SAMPLES)
            for k, (w, value) in enumerate(zip(solutions, predicted))
        ]
        result = ZTest(max(z), z_threshold(2, FAMILY_ALARM_RATE))
        assert not result.rejects, result

    return run
