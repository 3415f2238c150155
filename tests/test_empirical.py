"""Training objectives (eqs. 3-4), printed minimisers (eqs. 41, 43) and the convergence machinery.

The printed closed forms are checked as typed (against per-episode loops); the minimisers
derived from the objectives are compared across independent routes (normal equations,
polarisation of objective values, finite differences, gradient descent, SGD); batched
code is compared with naive loops. Whether a printed form equals the minimiser is the
ledger checks' verdict, not asserted here.
"""

import numpy as np
import pytest

from maml_landscape.numerics import convergence as conv
from maml_landscape.numerics import empirical as emp
from maml_landscape.numerics.environments import hard_easy_mixture

ALPHA = 0.3


def _problem(seed=0, T=6, tau=3, n1=4, n2=3, d=3, noise=0.5, lead=()):
    """Random non-isotropic data with known w* and noise; episodes split."""
    rng = np.random.default_rng(seed)
    n = tau * (n1 + n2)
    A = rng.normal(size=(*lead, T, d, d)) / np.sqrt(d)
    X = np.einsum("...tnj,...tij->...tni", rng.normal(size=(*lead, T, n, d)), A + np.eye(d))
    w_star = rng.normal(size=(*lead, T, d))
    z = noise * rng.normal(size=(*lead, T, n))
    y = np.einsum("...tnd,...td->...tn", X, w_star) + z
    X_in, y_in, X_out, y_out = emp.split_episodes(X, y, tau, n2)
    _, z_in, _, z_out = emp.split_episodes(X, z, tau, n2)
    return dict(X=X, y=y, z=z, w_star=w_star, X_in=X_in, y_in=y_in, X_out=X_out, y_out=y_out, z_in=z_in, z_out=z_out)


def _episodes(p):
    return p["X_in"], p["y_in"], p["X_out"], p["y_out"]


def test_nal_printed_form_and_minimiser_routes():
    """Eq. (41) is evaluated as typed (vs a per-task loop); the minimiser of eq. (3) agrees across routes."""
    p = _problem()
    printed = emp.nal_solution_printed(p["X"], p["w_star"], p["z"])
    grams = [x.T @ x for x in p["X"]]
    loop = np.linalg.solve(sum(grams), sum(g @ w + x.T @ z for g, w, x, z in zip(grams, p["w_star"], p["X"], p["z"])))
    np.testing.assert_allclose(printed, loop, rtol=1e-10)
    normal = emp.nal_minimiser(p["X"], p["y"])
    for normalisation in emp.NORMALISATIONS:
        polarised = emp.quadratic_from_objective(lambda w, n=normalisation: emp.nal_objective(w, p["X"], p["y"], n), 3).solve()
        np.testing.assert_allclose(polarised, normal, rtol=1e-9)
    hessian = emp.nal_normal_equations(p["X"], p["y"]).hessian
    gd = emp.gradient_descent(lambda w: emp.nal_gradient(w, p["X"], p["y"]), np.zeros(3), 1 / np.linalg.eigvalsh(hessian)[-1], 2000)
    np.testing.assert_allclose(gd, normal, rtol=1e-8)


def _eq43_loop(p, z_in_sign: float) -> np.ndarray:
    """Eq. (43)'s expression evaluated episode by episode; ``z_in_sign`` = -1 as printed, +1 flipped (eq. 42's reading)."""
    n2, d = p["X_in"].shape[-2], 3
    total_q, total = np.zeros((d, d)), np.zeros(d)
    for X_in, z_in, X_out, z_out, w in zip(p["X_in"], p["z_in"], p["X_out"], p["z_out"], p["w_star"]):
        for xi, zi, xo, zo in zip(X_in, z_in, X_out, z_out):
            P = np.eye(d) - (ALPHA / n2) * xi.T @ xi
            G = xo.T @ xo
            total_q += P @ G @ P
            total += P @ G @ P @ w + P @ xo.T @ zo + z_in_sign * (ALPHA / n2) * P @ G @ xi.T @ zi
    return np.linalg.solve(total_q, total)


def test_maml_printed_form_and_minimiser_normalisations():
    """Eq. (43) is evaluated as typed; the minimiser of eq. (4) ignores the outer normalisation and the
    inner "sum" loss with α/n2 is the inner "mean" loss with α."""
    p = _problem()
    printed = emp.maml_solution_printed(p["X_in"], p["z_in"], p["X_out"], p["z_out"], p["w_star"], ALPHA)
    np.testing.assert_allclose(printed, _eq43_loop(p, -1.0), rtol=1e-10)
    mean_min = emp.maml_minimiser(*_episodes(p), ALPHA, "mean")
    for outer in emp.NORMALISATIONS:  # the outer normalisation does not move the minimiser
        polarised = emp.quadratic_from_objective(lambda w, o=outer: emp.maml_objective(w, *_episodes(p), ALPHA, "mean", o), 3)
        np.testing.assert_allclose(polarised.solve(), mean_min, rtol=1e-8)
    sum_min = emp.maml_minimiser(*_episodes(p), ALPHA, "sum")
    assert np.linalg.norm(sum_min - mean_min) > 1e-3 * np.linalg.norm(mean_min)
    rescaled = emp.maml_minimiser(*_episodes(p), ALPHA / p["X_in"].shape[-2], "sum")
    np.testing.assert_allclose(rescaled, mean_min, rtol=1e-10)


def test_a_sign_error_in_eq43_is_detected():
    """Flipping the sign of the z_in term (as eq. 42 reads) gives a different point: the comparison has power."""
    p = _problem(noise=1.0)
    flipped = _eq43_loop(p, +1.0)
    assert np.linalg.norm(flipped - emp.maml_minimiser(*_episodes(p), ALPHA)) > 1e-3


def test_maml_gradient_matches_finite_differences_and_normal_equations():
    p = _problem(seed=3)
    rng = np.random.default_rng(1)
    w = rng.normal(size=3)
    grad = emp.maml_gradient(w, *_episodes(p), ALPHA)
    h = 1e-5
    fd = np.array([
        (emp.maml_objective(w + h * e, *_episodes(p), ALPHA) - emp.maml_objective(w - h * e, *_episodes(p), ALPHA)) / (2 * h)
        for e in np.eye(3)
    ])
    np.testing.assert_allclose(grad, fd, rtol=1e-6, atol=1e-8)
    ne = emp.maml_normal_equations(*_episodes(p), ALPHA)
    np.testing.assert_allclose(grad, ne.hessian @ w - ne.rhs, rtol=1e-10, atol=1e-12)


def test_vectorised_matches_naive_loops():
    p = _problem(seed=5, lead=(4,))
    batched = emp.maml_solution_printed(p["X_in"], p["z_in"], p["X_out"], p["z_out"], p["w_star"], ALPHA)
    batched_min = emp.maml_minimiser(*_episodes(p), ALPHA)
    for r in range(4):
        H, b = np.zeros((3, 3)), np.zeros(3)
        T, tau, n2 = p["X_in"].shape[1:4]
        for i in range(T):
            for j in range(tau):
                Xi, yi, Xo, yo = (a[r, i, j] for a in _episodes(p))
                P = np.eye(3) - ALPHA / n2 * Xi.T @ Xi
                H += P @ Xo.T @ Xo @ P
                b += P @ Xo.T @ (yo - Xo @ (ALPHA / n2 * Xi.T @ yi))
        np.testing.assert_allclose(batched[r], np.linalg.solve(H, b), rtol=1e-9)
        np.testing.assert_allclose(batched_min[r], np.linalg.solve(H, b), rtol=1e-9)
        gram = sum(x.T @ x for x in p["X"][r])
        rhs = sum(x.T @ y for x, y in zip(p["X"][r], p["y"][r]))
        np.testing.assert_allclose(emp.nal_minimiser(p["X"], p["y"])[r], np.linalg.solve(gram, rhs), rtol=1e-9)


def test_sgd_one_task_per_step_approaches_the_minimiser():
    p = _problem(seed=7, T=8)
    target = emp.maml_minimiser(*_episodes(p), ALPHA)
    largest = np.linalg.eigvalsh(emp.maml_normal_equations(*_episodes(p), ALPHA).hessian)[-1]
    sgd = emp.sgd_one_task(
        lambda w, i: emp.maml_gradient(w, *(a[i : i + 1] for a in _episodes(p)), ALPHA),
        8, np.zeros(3), 0.5 / largest, 8000, np.random.default_rng(0), decay=0.01,
    )
    assert np.linalg.norm(sgd - target) < 0.1 * np.linalg.norm(target)


def test_bad_input_raises_clear_errors():
    p = _problem()
    with pytest.raises(ValueError, match="n = tau"):
        emp.split_episodes(p["X"], p["y"], tau=4, n2=3)
    with pytest.raises(ValueError, match="normalisation"):
        emp.nal_objective(np.zeros(3), p["X"], p["y"], "median")
    with pytest.raises(ValueError, match="unique minimiser"):
        emp.nal_minimiser(p["X"][:1, :2], p["y"][:1, :2])
    with pytest.raises(ValueError, match="log-log"):
        conv.fit_power_law(np.array([1.0, 2, 4]), -np.ones((3, 3)))


def test_power_law_fit_recovers_a_known_slope_and_flags_slower_rates():
    rng = np.random.default_rng(0)
    x = np.array([1.0, 2, 4, 8, 16])
    errors = x ** -0.5 * np.exp(0.1 * rng.normal(size=(50, 5)))
    fit = conv.fit_power_law(x, errors)
    assert abs(fit.slope + 0.5) < 5 * fit.stderr + 1e-12
    assert conv.compare_rate(fit, -0.5, 3.0, 0.0).relation == "matches"
    slow = conv.fit_power_law(x, x ** -0.2 * np.exp(0.1 * rng.normal(size=(50, 5))))
    assert conv.compare_rate(slow, -0.5, 3.0, 0.05).relation == "slower"


def test_error_decomposition_is_deterministic_and_consistent():
    env = hard_easy_mixture(3, 0.3, 1.0, 1.0, 0.2, 0.2, 0.1)
    a = conv.maml_errors(env, 0.5, 5, 4, 3, 3, 6, np.random.default_rng(2))
    b = conv.maml_errors(env, 0.5, 5, 4, 3, 3, 6, np.random.default_rng(2))
    np.testing.assert_array_equal(a.total, b.total)
    assert np.all(a.total <= a.sampling + a.tasks + 1e-12)  # triangle inequality (eq. 85)
    c = conv.nal_errors(env, 5, 10, 6, np.random.default_rng(2))
    assert c.total.shape == (6,) and np.all(c.total <= c.sampling + c.tasks + 1e-12)


def test_theorem3_thresholds_are_typed_and_derived():
    t = conv.theorem3_thresholds()
    s = conv.theorem3_symbols()
    # typed as printed: 32 d^3 α^4 L^6 log^6(100Td)/(c β̂) (statement), the same with d^2 (end of proof)
    point = {s["d"]: 3, s["alpha"]: 0.5, s["L"]: 2, s["c"]: 1, s["T"]: 10, s["hat_beta"]: 0.1}
    common = 32 * 0.5**4 * 2**6 * np.log(100 * 10 * 3) ** 6 / (1 * 0.1)
    assert np.isclose(float(t.statement.subs(point)), 3**3 * common)
    assert np.isclose(float(t.proof_end.subs(point)), 3**2 * common)
    # the derived requirement makes 1/(β̂ - γ/√τ) exactly 2/β̂ at the boundary
    values = {s["d"]: 3, s["alpha"]: 0.5, s["L"]: 1, s["c"]: 1, s["T"]: 10, s["hat_beta"]: 0.1}
    tau = float(t.required.subs(values))
    gamma = 4 * 3 * np.sqrt(0.5**4 / 1) * np.log(100 * 10 * 3) ** 3
    assert np.isclose(1 / (0.1 - gamma / np.sqrt(tau)), 2 / 0.1)
