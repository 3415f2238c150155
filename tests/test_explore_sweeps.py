"""Sweeps: every point of a map equals the single-setting answer at that point's settings."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from maml_landscape import numerics
from maml_landscape.explore import explore, gain_map, parse_sweep
from maml_landscape.explore.environment_file import Adaptation, EnvironmentSpec

ROUNDING = 1e-10


@pytest.fixture
def spec() -> EnvironmentSpec:
    env = numerics.random_environment(np.random.default_rng(4), 3, 3, eigenvalue_range=(0.2, 1.0))
    return EnvironmentSpec(env, ("a", "b", "c"), Adaptation(0.6, 8, steps=2, n_train=12))


def _edited(spec: EnvironmentSpec, weights: np.ndarray, scales: np.ndarray) -> EnvironmentSpec:
    """``spec`` with new family weights and each Σ_k multiplied by scales[k]."""
    families = tuple(dataclasses.replace(f, weight=w, sigma=s * f.sigma)
                     for f, w, s in zip(spec.env.families, weights, scales))
    return dataclasses.replace(spec, env=dataclasses.replace(spec.env, families=families))


def test_weight_and_sigma_scale_sweeps_match_edited_environments(spec):
    sweeps = (parse_sweep("b.weight=0.1:0.7:3", spec), parse_sweep("c.sigma_scale=0.5:1.5:2", spec))
    found = gain_map(spec, sweeps)
    for i, weight in enumerate(sweeps[0].values):
        for j, scale in enumerate(sweeps[1].values):
            weights = spec.env.weights * (1 - weight) / (1 - spec.env.weights[1])
            weights[1] = weight
            edited = _edited(spec, weights, np.array([1.0, 1.0, scale]))
            assert found.gain.reshape(3, 2)[i, j] == pytest.approx(explore(edited).gain, rel=ROUNDING)


def test_steps_and_m_sweeps_keep_n_train_when_the_file_sets_it(spec):
    sweeps = (parse_sweep("steps=1:3:3", spec), parse_sweep("m=2:50:log4", spec))
    found = gain_map(spec, sweeps)
    for i, steps in enumerate(sweeps[0].values):
        for j, m in enumerate(sweeps[1].values):
            at = dataclasses.replace(spec, adaptation=Adaptation(0.6, int(m), int(steps), 12))
            assert found.gain.reshape(found.shape)[i, j] == pytest.approx(explore(at).gain, rel=ROUNDING)


def test_optimal_alpha_is_solved_at_every_point_and_swept_alpha_draws_the_curve(spec):
    optimal = dataclasses.replace(spec, adaptation=Adaptation(None, 8, 2, 12))
    sweep = parse_sweep("m=4:16:3", optimal)
    found = gain_map(optimal, (sweep,))
    for m, alpha in zip(sweep.values, found.alpha):
        at = dataclasses.replace(optimal, adaptation=Adaptation(None, int(m), 2, 12))
        assert alpha == pytest.approx(explore(at).alpha_star.alpha, rel=1e-6)  # the search resolution
    curve = gain_map(spec, (parse_sweep("alpha=0.1:1:4", spec), sweep)).alpha_star
    assert curve.shape == (3,) and curve[0] == pytest.approx(found.alpha[0], rel=1e-6)
