"""Batched SGD (numerics/sgd.py): equal to a per-run loop, exact sampler moments, convergence."""

from __future__ import annotations

import numpy as np
import pytest

from maml_landscape.numerics.empirical import maml_gradient, nal_gradient
from maml_landscape.numerics.environments import hard_easy_mixture, two_tasks
from maml_landscape.numerics.population import maml_solution, nal_solution, risk_above_task_optima
from maml_landscape.numerics.sgd import (
    EnvironmentStack,
    Protocol,
    nal_batch_weights,
    risk_above_optima_exact,
    risk_above_optima_mc,
    sgd_step,
    train,
)
from maml_landscape.stats import FAMILY_ALARM_RATE, t_quantile, z_threshold


def _tiny_stack() -> EnvironmentStack:
    return EnvironmentStack((
        hard_easy_mixture(3, 0.3, 1.0, 1.0, 0.5, 0.2, 0.05),
        hard_easy_mixture(3, 0.6, 0.9, -0.5, 0.1, 0.3, 0.01),
    ))


def test_batched_step_equals_per_run_loop_on_raw_samples():
    """sgd_step on Gram statistics == a per-run loop with the chain-rule gradients of eqs. (3)-(4)."""
    rng = np.random.default_rng(0)
    stack, G, R, B, n1, n2, d = _tiny_stack(), 2, 3, 2, 4, 5, 3
    alpha, nal_rate, maml_rate = np.array([0.4, 0.7]), np.array([0.05, 0.1]), np.array([0.02, 0.03])
    family_weights = np.array([[3.0, 1.0], [1.0, 1.0]])
    w_nal = rng.standard_normal((G, R, d))
    w_maml = rng.standard_normal((G, R, d))
    loop_nal, loop_maml = w_nal.copy(), w_maml.copy()
    for _ in range(4):
        family, w_star = stack.sample_tasks(rng, (R, B))
        X_in = rng.standard_normal((G, R, B, n2, d))
        X_out = rng.standard_normal((G, R, B, n1, d))
        y_in = np.einsum("grbnd,grbd->grbn", X_in, w_star) + 0.1 * rng.standard_normal((G, R, B, n2))
        y_out = np.einsum("grbnd,grbd->grbn", X_out, w_star) + 0.1 * rng.standard_normal((G, R, B, n1))
        gram = lambda X: np.einsum("...ni,...nj->...ij", X, X)  # noqa: E731
        xty = lambda X, y: np.einsum("...ni,...n->...i", X, y)  # noqa: E731
        weights = nal_batch_weights(family, family_weights)
        w_nal, w_maml = sgd_step(
            w_nal, w_maml, (gram(X_in), xty(X_in, y_in)), (gram(X_out), xty(X_out, y_out)), weights,
            np.full(G, float(n1)), np.full(G, float(n2)), alpha, nal_rate, maml_rate,
        )
        for g in range(G):
            for r in range(R):
                X_all = np.concatenate([X_in[g, r], X_out[g, r]], axis=1)
                y_all = np.concatenate([y_in[g, r], y_out[g, r]], axis=1)
                per_task = [nal_gradient(loop_nal[g, r], X_all[b][None], y_all[b][None], "mean") for b in range(B)]
                loop_nal[g, r] = loop_nal[g, r] - nal_rate[g] * np.einsum("b,bd->d", weights[g, r], np.array(per_task))
                grads = [
                    maml_gradient(loop_maml[g, r], X_in[g, r, b][None, None], y_in[g, r, b][None, None],
                                  X_out[g, r, b][None, None], y_out[g, r, b][None, None], alpha[g],
                                  inner="mean", outer="mean")
                    for b in range(B)
                ]
                loop_maml[g, r] = loop_maml[g, r] - maml_rate[g] * np.mean(grads, axis=0)
    np.testing.assert_allclose(w_nal, loop_nal, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(w_maml, loop_maml, rtol=1e-10, atol=1e-12)


def test_batch_weights_follow_table3_example():
    """6 hard and 4 easy tasks with ν = 2: weights 1/8 on hard, 1/16 on easy (App. C.1)."""
    family = np.array([[[0] * 6 + [1] * 4]])
    weights = nal_batch_weights(family, np.array([[2.0, 1.0]]))
    np.testing.assert_allclose(weights[0, 0, :6], 1 / 8)
    np.testing.assert_allclose(weights[0, 0, 6:], 1 / 16)


def test_wishart_statistics_have_the_gaussian_moments():
    """E[XᵀX] = nΣ, Var[(XᵀX)_ij] = n(Σ_ij² + Σ_ii Σ_jj), E[Xᵀy] = nΣ E[w*] for the exact sampler."""
    stack = EnvironmentStack((hard_easy_mixture(3, 0.4, 1.0, 1.0, 0.0, 0.0, 0.2),))
    env = stack.environments[0]
    rng = np.random.default_rng(1)
    n, count = 12, 40000
    family = np.zeros((1, count), dtype=int)
    w_star = np.broadcast_to(env.w_means[0], (1, count, 3))
    gram, xty = stack.sample_statistics(rng, family, w_star, n)
    sigma = env.sigmas[0]
    threshold = z_threshold(9 + 9 + 3)
    mean = gram[0].mean(0)
    stderr = gram[0].std(0) / np.sqrt(count)
    assert np.all(np.abs((mean - n * sigma) / stderr) < threshold)
    variance = gram[0].var(0)
    predicted = n * (sigma**2 + np.outer(np.diag(sigma), np.diag(sigma)))
    variance_se = np.sqrt(((gram[0] - mean) ** 2).var(0) / count)
    assert np.all(np.abs((variance - predicted) / variance_se) < threshold)
    z = (xty[0].mean(0) - n * sigma @ env.w_means[0]) / (xty[0].std(0) / np.sqrt(count))
    assert np.all(np.abs(z) < threshold)


def test_wishart_sampler_rejects_too_few_samples():
    stack = _tiny_stack()
    family, w_star = stack.sample_tasks(np.random.default_rng(0), (2,))
    with pytest.raises(ValueError, match=">= d"):
        stack.sample_statistics(np.random.default_rng(0), family, w_star, 2)


def test_protocol_and_train_validate_inputs():
    with pytest.raises(ValueError):
        Protocol(iterations=0, n1=5, n2=5, alpha=0.1, maml_step=0.1, nal_step=0.1)
    protocol = Protocol(iterations=2, n1=5, n2=5, alpha=0.1, maml_step=-0.1, nal_step=0.1)
    with pytest.raises(ValueError, match="maml_step"):
        train(_tiny_stack(), protocol, 2, np.random.default_rng(0))
    protocol = Protocol(iterations=2, n1=5, n2=5, alpha=0.1, maml_step=0.1, nal_step=0.1)
    with pytest.raises(ValueError, match="w0"):
        train(_tiny_stack(), protocol, 2, np.random.default_rng(0), w0=np.zeros(5))


def test_trainers_converge_to_population_solutions():
    """Two tasks, d = 2: the mean final iterates match w_NAL*, w_MAML* (eq. (5)) and reject the other one.

    The stochastic gradients are affine in w with coefficients independent of the iterate, so
    E[w_t] follows gradient descent on the population objective and its bias after 2000
    iterations is negligible. Rule: each coordinate's mean over 8 repetitions is t-tested
    against its solution (7 dof, Bonferroni over the 8 comparisons, family-wise false-alarm
    rate FAMILY_ALARM_RATE); power: the other algorithm's solution must be rejected.
    """
    envs = (two_tasks(0.3, 1.0, np.ones(2), -np.ones(2), 0.01), two_tasks(0.6, 1.0, np.ones(2), -np.ones(2), 0.01))
    protocol = Protocol(iterations=2000, n1=20, n2=200, alpha=1.0, maml_step=0.1, nal_step=0.025)
    repetitions = 8
    trained = train(EnvironmentStack(envs), protocol, repetitions, np.random.default_rng(3))
    threshold = t_quantile(1 - FAMILY_ALARM_RATE / (2 * 8), repetitions - 1)
    for g, env in enumerate(envs):
        nal, maml = nal_solution(env), maml_solution(env, 1.0, 200)
        for iterates, target, other in ((trained.nal[g], nal, maml), (trained.maml[g], maml, nal)):
            stderr = iterates.std(0, ddof=1) / np.sqrt(repetitions)
            assert np.all(np.abs(iterates.mean(0) - target) / stderr < threshold)
            assert np.all(np.abs(iterates.mean(0) - other) / stderr > threshold)


def test_monte_carlo_risk_matches_exact_risk():
    """App. C.1's sampled-task estimate agrees with Proposition 1's exact risk (z-test)."""
    stack = _tiny_stack()
    rng = np.random.default_rng(4)
    points = rng.standard_normal((2, 3, 3))
    exact = risk_above_optima_exact(stack, points, 0.5, 20)
    estimate, stderr = risk_above_optima_mc(stack, points, 0.5, 20, 20000, rng)
    assert np.all(np.abs((estimate - exact) / stderr) < z_threshold(exact.size))
    env = stack.environments[1]
    assert exact[1, 2] == pytest.approx(risk_above_task_optima(env, points[1, 2], 0.5, 20))
