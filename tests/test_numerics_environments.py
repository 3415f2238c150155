"""Task environments, exact population quantities and Monte Carlo estimators: validation and basics.

Sampling is checked against the environment's own parameters by z-tests at the
family-wise false-alarm rate FAMILY_ALARM_RATE (Bonferroni over each test's comparisons).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from maml_landscape.numerics import monte_carlo, population
from maml_landscape.numerics.environments import (
    Environment,
    TaskFamily,
    hard_easy_mixture,
    random_covariance,
    table3_environment,
    two_tasks,
)
from maml_landscape.stats import FAMILY_ALARM_RATE, z_threshold
from tests import helpers_monte_carlo as h

EYE2, ZEROS2 = np.eye(2), np.zeros((2, 2))


def family(**overrides) -> TaskFamily:
    arguments = {"weight": 1.0, "sigma": EYE2, "w_mean": np.zeros(2), "w_cov": ZEROS2} | overrides
    return TaskFamily(**arguments)


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"sigma": np.diag([1.0, -1.0])}, "positive definite"),
        ({"sigma": np.diag([1.0, 0.0])}, "positive definite"),
        ({"sigma": np.array([[1.0, 0.5], [0.0, 1.0]])}, "symmetric"),
        ({"sigma": np.eye(3)}, "dimension"),
        ({"sigma": np.ones(2)}, "square"),
        ({"w_cov": np.diag([1.0, -0.1])}, "semi-definite"),
        ({"w_cov": np.array([[1.0, 2.0], [2.0, 1.0]])}, "semi-definite"),
        ({"w_cov": np.eye(3)}, "dimension"),
        ({"w_mean": np.zeros((2, 1))}, "vector"),
        ({"w_mean": np.array([0.0, np.nan])}, "finite"),
        ({"weight": 0.0}, "positive"),
        ({"weight": -0.5}, "positive"),
    ],
)
def test_task_family_rejects_bad_input(overrides, message):
    with pytest.raises(ValueError, match=message):
        family(**overrides)


def test_task_family_accepts_singular_w_cov_and_freezes_arrays():
    member = family(w_cov=np.diag([1.0, 0.0]))
    with pytest.raises(ValueError):
        member.sigma[0, 0] = 5.0


def test_environment_rejects_bad_input():
    with pytest.raises(ValueError, match="sum to 1"):
        Environment((family(weight=0.5), family(weight=0.4)), 0.1)
    with pytest.raises(ValueError, match="same dimension"):
        Environment(
            (family(weight=0.5), TaskFamily(0.5, np.eye(3), np.zeros(3), np.zeros((3, 3)))), 0.1
        )
    with pytest.raises(ValueError, match="noise_var"):
        Environment((family(),), -0.1)
    with pytest.raises(ValueError, match="non-empty"):
        Environment((), 0.1)


def test_weights_within_tolerance_are_accepted():
    env = Environment((family(weight=0.5), family(weight=0.5 + 1e-9)), 0.0)
    assert env.weights.sum() == pytest.approx(1.0, abs=1e-15)


def test_constructors_reject_bad_input():
    with pytest.raises(ValueError, match="rho_h"):
        two_tasks(0.0, 1.0, np.ones(2), np.ones(2), 0.1)
    with pytest.raises(ValueError, match="same shape"):
        two_tasks(0.5, 1.0, np.ones(2), np.ones(3), 0.1)
    with pytest.raises(ValueError, match="r_h"):
        hard_easy_mixture(3, 0.1, 1.0, 1.0, -1.0, 1.0, 0.1)
    with pytest.raises(ValueError, match="d must be an integer ≥ 1"):
        hard_easy_mixture(2.5, 0.1, 1.0, 1.0, 1.0, 1.0, 0.1)


@pytest.mark.parametrize("alpha", [0.0, -0.1, np.nan, np.inf, True])
def test_population_functions_reject_bad_step_sizes(alpha):
    env = table3_environment()
    with pytest.raises(ValueError, match="alpha"):
        population.meta_loss(env, np.zeros(10), alpha, 5)
    with pytest.raises(ValueError, match="alpha"):
        population.q_matrix(np.eye(2), alpha, 5)


@pytest.mark.parametrize("m", [0, -3, 2.5, True, "5", np.nan])
def test_population_functions_reject_bad_sample_counts(m):
    env = table3_environment()
    with pytest.raises(ValueError, match="m must be an integer"):
        population.excess_risk(env, np.zeros(10), 0.5, m)
    with pytest.raises(ValueError, match="n2 must be an integer"):
        population.maml_solution(env, 0.5, m)


def test_population_functions_reject_bad_points_and_matrices():
    env = table3_environment()
    with pytest.raises(ValueError, match="shape"):
        population.meta_loss(env, np.zeros(3), 0.5, 5)
    with pytest.raises(ValueError, match="symmetric"):
        population.q_matrix(np.array([[1.0, 1.0], [0.0, 1.0]]), 0.5, 2)
    assert population.q_matrix(np.eye(2), 0.5, 4.0).shape == (2, 2)  # integral floats are fine


def test_monte_carlo_functions_reject_bad_input():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="samples"):
        monte_carlo.gram_sandwich_mc(rng, EYE2, EYE2, 2, 1)
    with pytest.raises(ValueError, match="shape"):
        monte_carlo.gram_sandwich_mc(rng, EYE2, np.eye(3), 2, 10)
    with pytest.raises(ValueError, match="positive definite"):
        monte_carlo.q_matrix_mc(rng, np.diag([1.0, -1.0]), 0.5, 2, 10)
    with pytest.raises(ValueError, match="normalisation"):
        monte_carlo.meta_loss_mc(
            rng, table3_environment(), np.zeros(10), 0.5, 2, 10, normalisation="median"
        )
    env = table3_environment()
    with pytest.raises(ValueError, match="family_index"):
        env.sample_data(rng, np.array([0, 2]), np.zeros((2, 10)), 3)
    with pytest.raises(ValueError, match="w_star"):
        env.sample_data(rng, np.array([0, 1]), np.zeros((2, 9)), 3)


# ---------------------------------------------------------------------------
# Constructors
# ---------------------------------------------------------------------------


def test_two_tasks_environment_is_the_sec31_setting():
    w1, w2 = np.arange(3.0), -np.ones(3)
    env = two_tasks(0.2, 1.0, w1, w2, 0.01)
    np.testing.assert_array_equal(env.weights, [0.5, 0.5])
    np.testing.assert_array_equal(env.sigmas, [0.2 * np.eye(3), np.eye(3)])
    np.testing.assert_array_equal(env.w_means, [w1, w2])
    assert not env.w_covs.any() and env.noise_var == 0.01 and env.dim == 3


def test_hard_easy_and_table3_environments():
    env = hard_easy_mixture(4, 0.1, 0.9, 1.5, 0.2, 0.3, 0.05)
    np.testing.assert_array_equal(env.w_means, [np.full(4, 1.5), np.zeros(4)])
    np.testing.assert_array_equal(env.w_covs, [0.2 * np.eye(4), 0.3 * np.eye(4)])
    np.testing.assert_array_equal(env.sigmas, [0.1 * np.eye(4), 0.9 * np.eye(4)])
    table3 = table3_environment()
    assert table3.dim == 10 and table3.noise_var == 0.01
    np.testing.assert_array_equal(table3.w_means, [np.full(10, 2.0), np.zeros(10)])
    np.testing.assert_array_equal(table3.sigmas, [0.1 * np.eye(10), np.eye(10)])


# ---------------------------------------------------------------------------
# Sampling: moments by z-tests
# ---------------------------------------------------------------------------


@given(seed=h.seeds, d=h.dims, k=h.family_counts)
def test_sampled_tasks_and_data_have_the_environment_moments(seed, d, k):
    """Family frequencies, E[w*], E[xxᵀ] per family and the label-noise variance, by z-tests.

    T = 20,000 tasks × n = 4 samples; comparisons: K frequencies + K·d means + K·d²
    second moments + 1 noise variance, Bonferroni at FAMILY_ALARM_RATE.
    """
    env = h.environment(seed, d, k)
    rng = np.random.default_rng(seed + 1)
    T, n = 20_000, 4
    index, w_star = env.sample_tasks(rng, T)
    X, y = env.sample_data(rng, index, w_star, n)
    assert (
        index.shape == (T,)
        and w_star.shape == (T, d)
        and X.shape == (T, n, d)
        and y.shape == (T, n)
    )
    threshold = z_threshold(k + k * d + k * d * d + 1, FAMILY_ALARM_RATE)
    z_scores = []
    for j, member in enumerate(env.families):
        chosen = index == j
        count = int(chosen.sum())
        z_scores.append(
            (count - T * member.weight) / np.sqrt(T * member.weight * (1 - member.weight) + 1e-12)
        )
        if count < 2:
            continue
        mean_w = w_star[chosen].mean(axis=0)
        se_w = np.sqrt(np.diag(member.w_cov) / count)
        z_scores += list(
            np.where(se_w > 0, (mean_w - member.w_mean) / np.where(se_w > 0, se_w, 1), 0.0)
        )
        outer = np.einsum("tni,tnj->tnij", X[chosen], X[chosen]).reshape(-1, d, d)
        z_scores += list(
            ((outer.mean(0) - member.sigma) / (outer.std(0, ddof=1) / np.sqrt(len(outer)))).ravel()
        )
    noise = (y - np.einsum("tnd,td->tn", X, w_star)).ravel()
    if env.noise_var > 0:
        squares = noise**2
        z_scores.append(
            (squares.mean() - env.noise_var) / (squares.std(ddof=1) / np.sqrt(squares.size))
        )
    else:
        assert np.abs(noise).max() < 1e-10
    assert np.max(np.abs(z_scores)) <= threshold


def test_sampled_w_star_covariance_matches_w_cov():
    member = TaskFamily(
        1.0,
        np.eye(3),
        np.array([1.0, -1.0, 0.5]),
        random_covariance(np.random.default_rng(3), 3, 0.2, 1.0),
    )
    env = Environment((member,), 0.1)
    _, w_star = env.sample_tasks(np.random.default_rng(4), 50_000)
    centred = w_star - member.w_mean
    products = np.einsum("ti,tj->tij", centred, centred)
    z = (products.mean(0) - member.w_cov) / (products.std(0, ddof=1) / np.sqrt(len(products)))
    assert np.abs(z).max() <= z_threshold(9, FAMILY_ALARM_RATE)


# ---------------------------------------------------------------------------
# Population quantities: exact identities (no sampling)
# ---------------------------------------------------------------------------


@given(seed=h.seeds, d=h.dims, k=h.family_counts, n2=st.integers(1, 200), scale=h.steps)
def test_population_solutions_are_stationary_points(seed, d, k, n2, scale):
    """w_NAL* zeroes ∇E_i f_i, w_MAML* zeroes ∇F_{n2} (central differences of the exact quadratics)."""
    env = h.environment(seed, d, k)
    alpha = h.step_size(env.sigmas, scale)
    w_nal, w_maml = population.nal_solution(env), population.maml_solution(env, alpha, n2)
    nal_gradient = np.einsum("k,kij,kj->i", env.weights, env.sigmas, w_nal - env.w_means)
    np.testing.assert_allclose(nal_gradient, 0.0, atol=1e-10)
    step = 1e-4
    for direction in np.eye(d):
        plus = population.meta_loss(env, w_maml + step * direction, alpha, n2)
        minus = population.meta_loss(env, w_maml - step * direction, alpha, n2)
        assert abs(plus - minus) / (2 * step) <= 1e-6 * max(1.0, plus)


def test_excess_risk_is_zero_at_the_optimum_and_positive_elsewhere():
    env = table3_environment()
    w_opt = population.maml_solution(env, 1.0, 25)
    assert population.excess_risk(env, w_opt, 1.0, 25) == pytest.approx(0.0, abs=1e-14)
    assert population.excess_risk(env, w_opt + 0.1, 1.0, 25) > 0
    assert (
        population.risk_above_task_optima(env, w_opt, 1.0, 25) > 0
    )  # spread tasks cannot all be matched


# ---------------------------------------------------------------------------
# Monte Carlo machinery
# ---------------------------------------------------------------------------


def test_chunked_moments_equal_one_pass_moments():
    """Chunking changes nothing: the same normal stream, combined by the pairwise update."""
    sigma = random_covariance(np.random.default_rng(1), 3, 0.5, 2.0)
    A = np.random.default_rng(2).standard_normal((3, 3))
    one_pass = monte_carlo.gram_sandwich_mc(np.random.default_rng(5), sigma, A, 3, 1000)
    chunked = monte_carlo.gram_sandwich_mc(
        np.random.default_rng(5), sigma, A, 3, 1000, max_floats=200
    )
    np.testing.assert_allclose(chunked.estimate, one_pass.estimate, rtol=1e-12)
    np.testing.assert_allclose(chunked.stderr, one_pass.stderr, rtol=1e-10)
    X = np.random.default_rng(5).standard_normal((1000, 3, 3)) @ np.linalg.cholesky(sigma).T
    gram = np.einsum("cni,cnj->cij", X, X) / 3
    products = gram @ A @ gram
    np.testing.assert_allclose(one_pass.estimate, products.mean(0), rtol=1e-12)
    np.testing.assert_allclose(one_pass.stderr, products.std(0, ddof=1) / np.sqrt(1000), rtol=1e-10)
    assert one_pass.n == 1000


def test_paired_difference_of_identical_points_is_exactly_zero():
    env = table3_environment()
    w = np.ones(10)
    result = monte_carlo.meta_loss_difference_mc(np.random.default_rng(0), env, w, w, 0.5, 5, 100)
    assert result.estimate == 0.0 and result.stderr == 0.0 and result.z(0.0) == 0.0


def test_sum_normalisation_is_the_mean_normalisation_with_step_m_alpha():
    """Sec. 3's ½‖X̂w − ŷ‖² step equals the averaged-loss step with α → mα on the same draws."""
    env = table3_environment()
    w, m = np.ones(10), 7
    total = monte_carlo.meta_loss_mc(
        np.random.default_rng(3), env, w, 0.01, m, 200, normalisation="sum"
    )
    mean = monte_carlo.meta_loss_mc(np.random.default_rng(3), env, w, 0.01 * m, m, 200)
    assert total.estimate == pytest.approx(mean.estimate, rel=1e-10)
