"""The exact answers of ``explore``: equal to numerics.population at k = 1, α* a true minimum, reuse by Monte Carlo.

For one inner step the answers must agree to rounding with the existing population functions
(eqs. (1), (2), (5), Proposition 1), which compute them by another route (matrix Q^(m),
no eigenbasis). Reused batches have no closed form here: their plug-in curvature is checked
against the fresh-batch one at k = 1 and against a direct simulation at k = 2.
"""

from __future__ import annotations

import dataclasses
import doctest

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import maml_landscape.explore as explore_api
from maml_landscape import numerics
from maml_landscape.explore import answers, landscape, multi_step, parse_environment
from maml_landscape.explore.environment_file import Adaptation, EnvironmentSpec
from maml_landscape.explore.mc import MAML, NAL, confirm, mean_estimate, simulate
from maml_landscape.explore.reuse import ReusedBatchCurvature
from maml_landscape.stats import FAMILY_ALARM_RATE, z_threshold

ROUNDING = 1e-9


def _spec(env, alpha, m, n_train=None, steps=1, reuse=False) -> EnvironmentSpec:
    names = tuple(f"f{k}" for k in range(len(env.families)))
    return EnvironmentSpec(env, names, Adaptation(alpha, m, steps, n_train, reuse))


@settings(deadline=None, derandomize=True)
@given(seed=st.integers(0, 2**32 - 1), d=st.integers(1, 6), families=st.integers(1, 4),
       alpha=st.floats(0.01, 0.95), m=st.integers(1, 500), n_train=st.integers(1, 500))
def test_one_step_answers_equal_the_population_functions(seed, d, families, alpha, m, n_train):
    """k = 1: solutions, F, Proposition 1's risk and eq. (2)'s excess risk equal numerics.population."""
    env = numerics.random_environment(np.random.default_rng(seed), d, families)
    found = answers.explore(_spec(env, alpha, m, n_train))
    w_nal, w_maml = numerics.nal_solution(env), numerics.maml_solution(env, alpha, n_train)
    np.testing.assert_allclose(found.w_nal, w_nal, rtol=ROUNDING, atol=ROUNDING)
    np.testing.assert_allclose(found.w_maml, w_maml, rtol=ROUNDING, atol=ROUNDING)
    for name, function in (("meta_test_loss", numerics.meta_loss), ("excess_risk", numerics.excess_risk),
                           ("risk_above_task_optima", numerics.risk_above_task_optima)):
        pair = getattr(found, name)
        assert pair.nal == pytest.approx(function(env, w_nal, alpha, m), rel=ROUNDING, abs=ROUNDING)
        assert pair.maml == pytest.approx(function(env, w_maml, alpha, m), rel=ROUNDING, abs=ROUNDING)


def test_per_question_functions_agree_with_explore():
    env = numerics.random_environment(np.random.default_rng(3), 3, 2)
    spec = _spec(env, 0.4, 12, steps=2)
    everything = answers.explore(spec)
    assert answers.gain(spec) == everything.gain
    assert answers.meta_test_loss(spec) == everything.meta_test_loss
    assert answers.excess_risk(spec) == everything.excess_risk
    assert answers.risk_above_task_optima(spec) == everything.risk_above_task_optima
    assert answers.families(spec) == everything.families
    np.testing.assert_array_equal(answers.solutions(spec)[1], everything.w_maml)


def test_alpha_star_beats_a_dense_scan():
    """α* is at least as good as every α of a 4000-point scan of (0, 2/λ_max), within rounding."""
    env = numerics.random_environment(np.random.default_rng(11), 4, 3)
    spec = _spec(env, None, 15, n_train=40, steps=2)
    star = answers.alpha_star(spec)
    senv = landscape.SpectralEnvironment.from_environment(env)
    grid = landscape.Grid.point(senv, 1.0, 15, 40, 2)
    scan = np.linspace(1e-4, 1 - 1e-4, 4000) * landscape.step_size_limits(senv, grid)[0]
    losses = landscape.maml_meta_test_loss(senv, grid.repeat(scan.size).with_alpha(scan), multi_step.fresh_batch_spectra)
    assert star.maml <= losses.min() + 1e-10
    assert answers.explore(spec).alpha == star.alpha  # alpha = "optimal" uses α*


def test_reused_batch_equals_fresh_batch_for_one_step():
    """k = 1: one batch is one batch, so the plug-in estimate must match Lemma 2 within its Monte Carlo error."""
    eigenvalues = np.array([[[0.3, 1.0, 0.6]]])
    args = (np.array([0.7]), np.array([5.0]), np.array([1]))
    exact_q, exact_gain = multi_step.fresh_batch_spectra(eigenvalues, *args)
    plug_q, plug_gain = ReusedBatchCurvature(seed=0, samples=20000)(eigenvalues, *args)
    np.testing.assert_allclose(plug_q, exact_q, rtol=0.03)
    np.testing.assert_allclose(plug_gain, exact_gain, rtol=0.03)


def test_reused_batches_are_monte_carlo_and_confirmed_by_simulation():
    """k = 2 reused: the plug-in losses lie within the simulation's intervals (8 comparisons, rate FAMILY_ALARM_RATE)."""
    env = numerics.random_environment(np.random.default_rng(5), 2, 2)
    spec = _spec(env, 0.5, 4, steps=2, reuse=True)
    found = answers.explore(spec)
    assert found.method == answers.PLUG_IN
    simulated = confirm(found, 20000, seed=9)
    threshold = z_threshold(8, FAMILY_ALARM_RATE)
    for name in ("meta_test_loss", "risk_above_task_optima", "alpha_star"):
        for side in ("nal", "maml"):
            exact = getattr(getattr(found, name), side)
            assert abs(getattr(getattr(simulated, name), side).z(exact)) <= threshold, name
    assert abs(simulated.gain.z(found.gain)) <= threshold
    fresh = answers.explore(dataclasses.replace(spec, adaptation=Adaptation(0.5, 4, 2)))
    run = simulate(np.random.default_rng(2), env, np.stack([fresh.w_nal, fresh.w_maml]), 0.5, 4, 2, 20000, reuse=True)
    assert abs(mean_estimate(run.losses[:, MAML]).z(fresh.meta_test_loss.maml)) > threshold  # reuse ≠ fresh
    assert run.losses.shape[1] == 3 and np.all(run.losses[:, NAL] > 0)


def test_doctests_of_the_explore_modules():
    for module in (answers, multi_step):
        assert doctest.testmod(module).failed == 0


def test_public_api_names_exist():
    assert explore_api.__all__ and all(hasattr(explore_api, name) for name in explore_api.__all__)


def test_parse_environment_accepts_the_documented_shapes():
    spec = parse_environment({"d": 2, "noise_variance": 0, "adaptation": {"alpha": "optimal", "m": 3},
                              "family": [{"weight": 1, "sigma": [[1, 0.2], [0.2, 1]], "w_mean": [0, 1],
                                          "w_cov": [[0.1, 0], [0, 0.2]]}]})
    assert spec.adaptation.alpha is None and spec.names == ("family1",) and spec.adaptation.training_samples == 3
