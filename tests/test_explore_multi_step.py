"""The k-step fresh-batch curvature: derived symbolically, equal to Lemma 2 at k = 1, confirmed by Monte Carlo.

Routes: (1) SymPy from the definitions (:mod:`maml_landscape.theory.multi_step`): the SGD
step by differentiation, then Isserlis; at k = 1 it must be Lemma 2's Q^(m)
(:func:`maml_landscape.theory.adaptation.q_matrix`). (2) The O(d) eigenvalue recursion of
:mod:`maml_landscape.explore.multi_step` against route (1) at rational points, k = 2, 3.
(3) Monte Carlo (task, batches, noise and the SGD steps simulated) against the exact losses,
with Hypothesis over random environments, α, m and k. A mutated coefficient must fail (3).
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from maml_landscape.explore import multi_step
from maml_landscape.explore.landscape import Grid, SpectralEnvironment, evaluate
from maml_landscape.explore.mc import MAML, NAL, OWN, mean_estimate, simulate
from maml_landscape.numerics import random_environment
from maml_landscape.stats import FAMILY_ALARM_RATE, z_threshold
from maml_landscape.theory import multi_step as theory
from maml_landscape.theory.adaptation import q_matrix
from maml_landscape.theory.population import TaskFamily, task_optimum_loss

ALPHA, M, NOISE = sp.symbols("alpha m nu2", positive=True)
A, B, C = sp.symbols("a b c", real=True)
SIGMA = sp.Matrix([[A, B], [B, C]])  # a general symmetric 2 x 2 covariance


def test_sgd_step_on_the_averaged_loss_gives_the_error_update():
    """Step 1: w - α∇f̂ with y = Xw* + z, minus w*, is P(w - w*) + (α/m)Xᵀz (m = 3, d = 2 symbolic entries)."""
    X = sp.Matrix(3, 2, sp.symbols("x0:6"))
    w, w_star, z = (sp.Matrix(sp.symbols(f"{n}0:{k}")) for n, k in (("w", 2), ("s", 2), ("z", 3)))
    stepped = theory.sgd_step(w, X, X * w_star + z, ALPHA) - w_star
    assert (stepped - theory.error_update(w - w_star, X, z, ALPHA)).applyfunc(sp.expand) == sp.zeros(2, 1)


def test_one_step_curvature_is_lemma_2():
    """k = 1: the Hessian of the derived loss is Q^(m) of Lemma 2 (below eq. (5)), symbolic Σ, α, m."""
    difference = theory.curvature(SIGMA, ALPHA, M, 1) - q_matrix(SIGMA, ALPHA, M)
    assert difference.applyfunc(sp.simplify) == sp.zeros(2, 2)


def test_one_step_best_loss_is_the_population_modules():
    """k = 1: the loss at w = w* is ½ν²(1 + α² tr(Σ²)/m), as theory.population derives it."""
    family = TaskFamily(1, SIGMA, sp.zeros(2, 1))
    expected = task_optimum_loss(family, NOISE, ALPHA, M)
    assert sp.simplify(theory.best_loss(SIGMA, NOISE, ALPHA, M, 1) - expected) == 0


def test_the_step_map_is_self_adjoint():
    """⟨A, T(M)⟩ = ⟨T(A), M⟩ (trace inner product): why Q^(m,k) = T^k(Σ) and the noise gain sum."""
    A_, M_ = sp.Matrix(2, 2, sp.symbols("p0:4")), sp.Matrix(2, 2, sp.symbols("r0:4"))
    A_, M_ = (A_ + A_.T) / 2, (M_ + M_.T) / 2
    left = (A_ * theory.step_map(SIGMA, M_, ALPHA, M)).trace()
    right = (theory.step_map(SIGMA, A_, ALPHA, M) * M_).trace()
    assert sp.expand(left - right) == 0


RATIONAL = {"sigma": sp.Matrix([[sp.Rational(7, 10), sp.Rational(1, 5)], [sp.Rational(1, 5), sp.Rational(3, 10)]]),
            "alpha": sp.Rational(9, 10), "m": 3, "noise": sp.Rational(1, 4)}


@pytest.mark.parametrize("steps", [1, 2, 3])
def test_eigenvalue_recursion_matches_the_derivation(steps):
    """Q^(m,k) and the best loss from the O(d) recursion equal the SymPy derivation (k = 1, 2, 3)."""
    sigma, alpha, m, noise = RATIONAL["sigma"], RATIONAL["alpha"], RATIONAL["m"], RATIONAL["noise"]
    derived_q = np.array(theory.curvature(sigma, alpha, m, steps), dtype=float)
    derived_best = float(theory.best_loss(sigma, noise, alpha, m, steps))
    eigenvalues, basis = np.linalg.eigh(np.array(sigma, dtype=float))
    q, gain = multi_step.fresh_batch_spectra(eigenvalues[None, None], np.array([float(alpha)]),
                                             np.array([float(m)]), np.array([steps]))
    np.testing.assert_allclose((basis * q[0, 0]) @ basis.T, derived_q, rtol=1e-12, atol=1e-14)
    assert 0.5 * float(noise) * gain[0, 0] == pytest.approx(derived_best, rel=1e-12)


# ------------------------------------------------------------------------------ Monte Carlo

#: Examples × quantities compared per run of the Hypothesis test (the Bonferroni count).
EXAMPLES, QUANTITIES = 12, 3
Z_EXACT = z_threshold(EXAMPLES * QUANTITIES, FAMILY_ALARM_RATE)
SAMPLES = 6000


def _mc_z(env, alpha: float, m: int, steps: int, seed: int) -> np.ndarray:
    """z of the simulated F(w_NAL), F(w_MAML) and MAML's risk above the task optima against the exact values."""
    senv = SpectralEnvironment.from_environment(env)
    values = evaluate(senv, Grid.point(senv, alpha, m, m, steps))
    inits = np.stack([values.w_nal[0], values.w_maml[0], values.w_best[0]])
    run = simulate(np.random.default_rng(seed), env, inits, alpha, m, steps, SAMPLES)
    return np.array([
        mean_estimate(run.losses[:, NAL]).z(values.meta_test_loss[0, NAL]),
        mean_estimate(run.losses[:, MAML]).z(values.meta_test_loss[0, MAML]),
        mean_estimate(run.paired(MAML, OWN)).z(values.risk_above_task_optima[0, MAML]),
    ])


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True)
@given(seed=st.integers(0, 2**32 - 1), d=st.integers(1, 4), families=st.integers(1, 3),
       alpha_fraction=st.floats(0.05, 0.9), m=st.integers(1, 30), steps=st.integers(1, 3))
def test_exact_losses_agree_with_monte_carlo(seed, d, families, alpha_fraction, m, steps):
    """Random environments, α ∈ (0.05, 0.9)·2/λ_max, m ≤ 30, k ≤ 3: |z| ≤ Z_EXACT (family-wise rate FAMILY_ALARM_RATE)."""
    env = random_environment(np.random.default_rng(seed), d, families, eigenvalue_range=(0.2, 2.0))
    alpha = alpha_fraction * 2 / max(np.linalg.eigvalsh(f.sigma)[-1] for f in env.families)
    z = _mc_z(env, alpha, m, steps, seed)
    assert np.all(np.abs(z) <= Z_EXACT), (z, Z_EXACT)


MUTATION_ENV_SEED = 7


def test_a_mutated_coefficient_is_detected(monkeypatch):
    """α²/m → α²/(2m) in the step map: the same Monte Carlo comparison rejects it (and passes the real one)."""
    env = random_environment(np.random.default_rng(MUTATION_ENV_SEED), 3, 2, eigenvalue_range=(0.5, 1.5))
    threshold = z_threshold(2 * QUANTITIES, FAMILY_ALARM_RATE)
    assert np.all(np.abs(_mc_z(env, 0.8, 2, 2, seed=1)) <= threshold)
    original = multi_step.step_spectrum
    monkeypatch.setattr(multi_step, "step_spectrum", lambda q, lam, alpha, m: original(q, lam, alpha, 2 * m))
    assert np.any(np.abs(_mc_z(env, 0.8, 2, 2, seed=1)) > threshold)
