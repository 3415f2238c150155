"""Placement of the population solutions and the Remark 1 sample size (numerics/hardness.py)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from maml_landscape.numerics import hardness as hd
from maml_landscape.numerics.population import maml_solution, nal_solution


@given(seed=st.integers(0, 2**32 - 1), d=st.integers(1, 6), kind=st.sampled_from(hd.ENVIRONMENT_KINDS))
def test_random_environments_have_the_stated_hardness_order(seed, d, kind):
    env = hd.random_hard_easy_environment(np.random.default_rng(seed), d, kind)
    hard, easy = (np.linalg.eigvalsh(f.sigma) for f in env.families)
    assert hard[0] < easy[0] + 1e-12
    if kind != "lambda_min":
        assert hard[-1] <= easy[0] + 1e-9
    assert np.isclose(hd.largest_eigenvalue(env), 1.0)


def test_placement_matches_direct_distances():
    env = hd.random_hard_easy_environment(np.random.default_rng(1), 4, "ordered")
    p = hd.placement(env, 0.8, 50)
    hard, easy = env.w_means
    scale = np.linalg.norm(hard - easy)
    assert np.isclose(p.nal_to_hard, np.linalg.norm(nal_solution(env) - hard) / scale)
    assert np.isclose(p.maml_to_easy, np.linalg.norm(maml_solution(env, 0.8, 50) - easy) / scale)


def test_equal_hardness_puts_both_solutions_at_the_same_point():
    d = 3
    env = hd.two_task_environment(np.eye(d), np.eye(d), np.ones(d), -np.ones(d))
    p = hd.placement(env, 0.5, 10)
    assert np.isclose(p.nal_to_hard, p.maml_to_hard) and np.isclose(p.nal_to_hard, 0.5)


def test_gain_sample_size_is_the_last_crossing():
    d = 6
    D = np.eye(d)
    w = np.ones(d)
    env = hd.two_task_environment(0.25 * D, D, w, -w)
    m = hd.gain_sample_size(env, 1.0, 0.5)
    assert hd.risk_ratio(env, 1.0, m) <= 0.5 < hd.risk_ratio(env, 1.0, m - 1)
    assert all(hd.risk_ratio(env, 1.0, k) <= 0.5 for k in (m, 2 * m, 16 * m))


def test_effective_dimensions_of_identity_and_spike():
    eff = hd.effective_dimensions(np.eye(5))
    assert all(np.isclose(v, 5) for v in eff.values())
    spike = hd.effective_dimensions(np.diag([1.0, 1.0, 1e-9, 1e-9]))
    assert all(np.isclose(v, 2, atol=1e-6) for v in spike.values())


def test_bad_input_raises():
    with pytest.raises(ValueError, match="kind"):
        hd.random_hard_easy_environment(np.random.default_rng(0), 3, "round")
    env = hd.two_task_environment(np.eye(2), np.eye(2), np.ones(2), np.ones(2))
    with pytest.raises(ValueError, match="same centre"):
        hd.placement(env, 0.5, 10)
    with pytest.raises(ValueError, match="fraction"):
        hd.gain_sample_size(env, 0.5, 1.5)
