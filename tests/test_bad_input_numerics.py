"""Bad input to the numeric Python API: one clear ValueError line, never a silent NaN or inf.

Each row of BAD_CALLS is (id, a call with one bad argument, a fragment of the expected
message); the message must be one line. The Hypothesis test feeds q_matrix arbitrary
floats (NaN, inf, huge) and requires a finite result or a ValueError, nothing else.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from maml_landscape.numerics import empirical as emp
from maml_landscape.numerics import monte_carlo, population
from maml_landscape.numerics.environments import (
    Environment,
    TaskFamily,
    hard_easy_mixture,
    table3_environment,
    two_tasks,
)
from tests.helpers_bad_input import log_message

EYE2, ZEROS2 = np.eye(2), np.zeros((2, 2))


def _data(T: int = 4, n: int = 12, d: int = 3) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.standard_normal((T, n, d)), rng.standard_normal((T, n))


def _with(array: np.ndarray, value: float) -> np.ndarray:
    """A copy of ``array`` with one entry replaced by ``value``."""
    copy = np.array(array, dtype=float)
    copy.flat[1] = value
    return copy


def _episodes(X=None, y=None):
    X0, y0 = _data()
    return emp.split_episodes(X0 if X is None else X, y0 if y is None else y, tau=2, n2=2)


X, Y = _data()
ENV = table3_environment()

BAD_CALLS = [
    # q_matrix: sigma
    ("q_matrix overflow", lambda: population.q_matrix(1e150 * EYE2, 0.5, 3), "overflowed float64"),
    ("q_matrix huge alpha", lambda: population.q_matrix(EYE2, 1e200, 3), "alpha = 1e+200"),
    (
        "q_matrix indefinite sigma",
        lambda: population.q_matrix(np.diag([1.0, -1.0]), 0.5, 3),
        "sigma must be positive definite (smallest eigenvalue -1)",
    ),
    (
        "q_matrix negative definite in a stack",
        lambda: population.q_matrix(np.stack([EYE2, -EYE2]), 0.5, 3),
        "sigma[1] has smallest eigenvalue -1",
    ),
    (
        "q_matrix NaN sigma",
        lambda: population.q_matrix(_with(EYE2, np.nan), 0.5, 3),
        "sigma has NaN or infinite entries",
    ),
    (
        "q_matrix inf sigma",
        lambda: population.q_matrix(_with(EYE2, np.inf), 0.5, 3),
        "sigma has NaN or infinite entries",
    ),
    ("q_matrix non-square", lambda: population.q_matrix(np.ones((2, 3)), 0.5, 3), "square"),
    (
        "q_matrix asymmetric",
        lambda: population.q_matrix(np.array([[1.0, 1.0], [0.0, 1.0]]), 0.5, 3),
        "symmetric",
    ),
    # q_matrix: alpha and s
    ("alpha nan", lambda: population.q_matrix(EYE2, np.nan, 3), "alpha (the inner SGD step size)"),
    ("alpha inf", lambda: population.q_matrix(EYE2, np.inf, 3), "positive finite number, got inf"),
    ("alpha 0", lambda: population.q_matrix(EYE2, 0.0, 3), "positive finite number, got 0.0"),
    ("alpha -1", lambda: population.q_matrix(EYE2, -1, 3), "positive finite number, got -1"),
    ("alpha True", lambda: population.q_matrix(EYE2, True, 3), "positive finite number, got True"),
    ("s 0", lambda: population.q_matrix(EYE2, 0.5, 0), "s must be an integer ≥ 1, got 0"),
    ("s 1.5", lambda: population.q_matrix(EYE2, 0.5, 1.5), "s must be an integer ≥ 1, got 1.5"),
    ("s text", lambda: population.q_matrix(EYE2, 0.5, "5"), "s must be an integer ≥ 1, got '5'"),
    # population functions of an environment
    ("meta_loss NaN w", lambda: population.meta_loss(ENV, _with(np.zeros(10), np.nan), 0.5, 5), "w has NaN"),
    (
        "maml_solution overflow",
        lambda: population.maml_solution(ENV, 1e200, 5),
        "maml_solution(env, alpha=1e+200, n2=5)",
    ),
    ("noise_floor overflow", lambda: population.noise_floor(ENV, 1e200, 5), "noise_floor(env, alpha=1e+200"),
    (
        "excess_risk overflow",
        lambda: population.excess_risk(ENV, np.full(10, 1e200), 0.5, 5),
        "excess_risk(env, w, alpha=0.5, m=5) overflowed float64",
    ),
    (
        "risk_above_task_optima overflow",
        lambda: population.risk_above_task_optima(ENV, np.full(10, 1e200), 0.5, 5),
        "risk_above_task_optima(env, w, alpha=0.5, m=5) overflowed",
    ),
    ("min_meta_loss overflow", lambda: population.min_meta_loss(ENV, 1e160, 5), "alpha=1e+160, n2=5"),
    # empirical minimisers and objectives
    ("maml_minimiser alpha nan", lambda: emp.maml_minimiser(*_episodes(), np.nan), "alpha"),
    ("maml_minimiser alpha inf", lambda: emp.maml_minimiser(*_episodes(), np.inf), "got inf"),
    ("maml_minimiser alpha 0", lambda: emp.maml_minimiser(*_episodes(), 0.0), "positive finite"),
    ("maml_objective alpha -1", lambda: emp.maml_objective(np.zeros(3), *_episodes(), -1.0), "got -1.0"),
    ("inner_step alpha True", lambda: emp.inner_step(np.zeros(3), X, Y, True), "got True"),
    ("nal_minimiser NaN X", lambda: emp.nal_minimiser(_with(X, np.nan), Y), "X has NaN"),
    ("nal_minimiser inf y", lambda: emp.nal_minimiser(X, _with(Y, np.inf)), "y has NaN or infinite"),
    ("maml_minimiser NaN X", lambda: emp.maml_minimiser(*_episodes(X=_with(X, np.nan)), 0.3), "X_in has NaN"),
    ("maml_minimiser inf y", lambda: emp.maml_minimiser(*_episodes(y=_with(Y, np.inf)), 0.3), "y_in has NaN"),
    ("maml_gradient NaN w", lambda: emp.maml_gradient(_with(np.zeros(3), np.nan), *_episodes(), 0.3), "w has NaN"),
    ("nal_objective inf y", lambda: emp.nal_objective(np.zeros(3), X, _with(Y, np.inf)), "y has NaN"),
    ("nal_minimiser overflow", lambda: emp.nal_minimiser(X * 1e160, Y), "nal_normal_equations(X, y) overflowed"),
    ("maml_minimiser overflow", lambda: emp.maml_minimiser(*_episodes(), 1e200), "maml_normal_equations"),
    (
        "maml_solution_printed alpha nan",
        lambda: emp.maml_solution_printed(*_episodes(), np.zeros((4, 3)), np.nan),
        "alpha",
    ),
    ("split_episodes tau 2.5", lambda: emp.split_episodes(X, Y, 2.5, 2), "tau must be an integer"),
    (
        "gradient_descent diverges",
        lambda: emp.gradient_descent(lambda w: 3 * w, np.ones(3), 1.0, 2000),
        "use a step below 2/λ_max(H)",
    ),
    ("gradient_descent step nan", lambda: emp.gradient_descent(lambda w: w, np.ones(3), np.nan, 5), "step"),
    # environments
    (
        "environment numerically singular sigma",
        lambda: TaskFamily(1.0, np.diag([1.0, 1e-10]), np.zeros(2), ZEROS2),
        "sigma is numerically singular: smallest eigenvalue 1e-10 is not above 1e-09 × max(1, largest eigenvalue 1)",
    ),
    (
        "environment singular sigma",
        lambda: TaskFamily(1.0, np.diag([1.0, 0.0]), np.zeros(2), ZEROS2),
        "sigma is not positive definite (smallest eigenvalue 0)",
    ),
    (
        "weights not summing to 1",
        lambda: Environment((TaskFamily(0.5, EYE2, np.zeros(2), ZEROS2),), 0.1),
        "mixture weights must sum to 1",
    ),
    ("weight text", lambda: TaskFamily("x", EYE2, np.zeros(2), ZEROS2), "weight must be a positive finite"),
    ("noise_var text", lambda: Environment((TaskFamily(1.0, EYE2, np.zeros(2), ZEROS2),), "a"), "noise_var"),
    ("R nan", lambda: hard_easy_mixture(3, 0.1, 1.0, np.nan, 1.0, 1.0, 0.1), "R has NaN"),
    ("d text", lambda: hard_easy_mixture("3", 0.1, 1.0, 1.0, 1.0, 1.0, 0.1), "d must be an integer ≥ 1"),
    ("w1 nan", lambda: two_tasks(0.1, 1.0, [np.nan, 0.0], [0.0, 0.0], 0.1), "w1 has NaN"),
    (
        "sample_data inf w_star",
        lambda: ENV.sample_data(np.random.default_rng(0), np.array([0]), np.full((1, 10), np.inf), 3),
        "w_star has NaN",
    ),
    # Monte Carlo
    (
        "q_matrix_mc NaN sigma",
        lambda: monte_carlo.q_matrix_mc(np.random.default_rng(0), _with(EYE2, np.nan), 0.5, 2, 10),
        "sigma has NaN or infinite entries",
    ),
    (
        "q_matrix_mc overflow",
        lambda: monte_carlo.q_matrix_mc(np.random.default_rng(0), EYE2, 1e200, 2, 10),
        "the Monte Carlo mean overflowed float64",
    ),
]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("call, fragment", [row[1:] for row in BAD_CALLS], ids=[row[0] for row in BAD_CALLS])
def test_bad_input_gives_one_line_value_error(call, fragment):
    with pytest.raises(ValueError) as caught:
        call()
    message = str(caught.value)
    assert "\n" not in message.strip(), message
    assert fragment in message, (fragment, message)
    log_message(message)


def test_good_input_still_gives_finite_numbers():
    assert np.isfinite(population.q_matrix(np.stack([EYE2, 2 * EYE2]), 0.5, 4.0)).all()
    assert np.isfinite(population.min_meta_loss(ENV, 0.5, 5))
    assert np.isfinite(emp.maml_minimiser(*_episodes(), 0.3)).all()
    assert np.isfinite(emp.nal_minimiser(X, Y)).all()


_extreme = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -1.0, 1e-300, 1e150, 1e300, np.nan, np.inf, -np.inf]),
)
#: Mostly ordinary values (so that valid inputs and finite results occur), often extreme ones.
_entries = st.one_of(*[st.floats(-3.0, 3.0)] * 4, _extreme)
_alphas = st.one_of(*[st.floats(1e-3, 2.0)] * 2, _extreme)
#: Mostly square (d, d) or (k, d, d), sometimes any shape.
_square = st.builds(
    lambda lead, d: (*lead, d, d), st.lists(st.integers(1, 2), max_size=1), st.integers(1, 3)
)
_shapes = st.one_of(_square, _square, hnp.array_shapes(min_dims=1, max_dims=3, max_side=3))


@settings(max_examples=60, deadline=None)
@given(
    sigma=hnp.arrays(np.float64, _shapes, elements=_entries),
    symmetrize=st.booleans(),
    alpha=_alphas,
    s=st.integers(1, 5),
)
def test_q_matrix_returns_finite_or_raises_value_error(sigma, symmetrize, alpha, s):
    if symmetrize and sigma.ndim >= 2 and sigma.shape[-1] == sigma.shape[-2]:
        with np.errstate(all="ignore"):
            sigma = sigma @ np.swapaxes(sigma, -1, -2) + np.eye(sigma.shape[-1])  # PD unless NaN/huge
    try:
        with np.errstate(all="ignore"):
            q = population.q_matrix(sigma, alpha, s)
    except ValueError as error:
        assert "\n" not in str(error).strip(), str(error)
        return
    assert q.shape == np.shape(sigma)
    assert np.isfinite(q).all()
