"""Empirical training objectives of NAL and MAML (eqs. 3-4) and their minimisers (eqs. 41, 43).

Two routes to the training solutions, vectorised over tasks and episodes (and any
leading batch axes, e.g. independent replicates):

1. The objectives themselves, eq. (3) and eq. (4), evaluated literally: for MAML an
   inner SGD step on the inner samples, then the loss on the outer samples. Both are
   quadratics in ``w``; their exact gradient (chain rule through the inner step) and
   normal equations ``H w = b`` are derived here from the objective, from ``(X, y)``
   only, and :func:`quadratic_from_objective` recovers ``H`` and ``b`` from objective
   values alone (polarisation, exact for a quadratic) as an independent check.
2. The closed forms of Appendix D *as printed*, eq. (41) and eq. (43), which are
   written in terms of the ground truth ``w_i*`` and the noise ``z``
   (:func:`nal_solution_printed`, :func:`maml_solution_printed`).

Loss normalisation. Sec. 2 defines the task loss as an *average* over samples,
``f̂(w; X, y) = ‖Xw - y‖² / (2n)``; Sec. 3 prints ``½‖Xw - y‖²`` (no 1/n). The
minimiser of eq. (3) does not depend on the choice (all tasks have n samples), nor
does that of eq. (4) on the *outer* normalisation (all episodes have n1 samples); the
*inner* normalisation changes the inner step: ``"mean"`` gives
``P̂ = I - (α/n2) X_inᵀX_in`` (the ``α/n2`` of eq. 43), ``"sum"`` gives
``I - α X_inᵀX_in``.

Array layout: NAL data ``X (..., T, n, d)``, ``y (..., T, n)``; MAML episodes
``X_in (..., T, τ, n2, d)``, ``y_in (..., T, τ, n2)``, ``X_out (..., T, τ, n1, d)``,
``y_out (..., T, τ, n1)``; parameters ``w (..., d)`` broadcast against the leading axes.

Bad input. ``alpha`` must be a positive finite number (α = 0 would be NAL: use the NAL
functions); arrays must be finite. To stay cheap inside Monte Carlo loops, the hot path
makes one ``np.isfinite(...).all()`` on each result; only when that fails are the inputs
inspected, so the ``ValueError`` names the argument that holds a NaN or inf, or else says
that the computation overflowed float64.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from maml_landscape.validate import (
    finite_array,
    finite_result,
    non_negative_int,
    positive_finite,
    positive_int,
)

NORMALISATIONS = ("mean", "sum")
#: What to do when finite data overflow float64 (hint of every finite-result check).
_OVERFLOW_HINT = "the data, w or alpha are too large for float64; rescale X and y or lower alpha"


def _check_alpha(alpha: float) -> float:
    """α as a float in (0, ∞) (:func:`validate.positive_finite`)."""
    return positive_finite("alpha (the inner SGD step size)", alpha)


def _finite(what: str, result, **inputs):
    """``result`` if finite (one check on the hot path); otherwise name the bad input.

    A NaN or inf among ``inputs`` propagates into the result, so a finite result clears
    them all; a non-finite one is blamed on the first non-finite input, else on overflow.
    """
    if np.isfinite(result).all():
        return result
    for name, value in inputs.items():
        finite_array(name, value)
    return finite_result(what, result, _OVERFLOW_HINT)


def _check_normalisation(normalisation: str) -> None:
    if normalisation not in NORMALISATIONS:
        raise ValueError(f"normalisation must be one of {NORMALISATIONS}, got {normalisation!r}")


def _scale(normalisation: str, samples: int) -> float:
    """The factor in front of ``½‖Xw - y‖²``: 1/n for the average loss, 1 for the sum."""
    _check_normalisation(normalisation)
    return 1.0 / samples if normalisation == "mean" else 1.0


def _check_nal_data(X: np.ndarray, y: np.ndarray) -> None:
    if X.ndim < 3 or y.shape != X.shape[:-1]:
        raise ValueError(
            f"NAL data must be X of shape (..., T, n, d) and y of shape (..., T, n); got {X.shape} and {y.shape}"
        )


def _check_episodes(
    X_in: np.ndarray, y_in: np.ndarray, X_out: np.ndarray, y_out: np.ndarray, alpha: float
) -> float:
    """Check the episode layout (the targets may be the noise ``z``), then α; return α as a float."""
    if X_in.ndim < 4 or y_in.shape != X_in.shape[:-1] or y_out.shape != X_out.shape[:-1]:
        raise ValueError(
            "MAML episodes must be X_in (..., T, tau, n2, d), y_in (..., T, tau, n2), "
            f"X_out (..., T, tau, n1, d), y_out (..., T, tau, n1); got {X_in.shape}, {y_in.shape}, "
            f"{X_out.shape}, {y_out.shape}"
        )
    if X_in.shape[:-2] != X_out.shape[:-2] or X_in.shape[-1] != X_out.shape[-1]:
        raise ValueError(
            f"inner and outer episodes must share (..., T, tau) and d; got X_in {X_in.shape}, X_out {X_out.shape} "
            "(split each task's samples with split_episodes)"
        )
    return _check_alpha(alpha)


def _gram(X: np.ndarray) -> np.ndarray:
    """``XᵀX`` over the sample axis: (..., n, d) -> (..., d, d)."""
    return np.einsum("...ni,...nj->...ij", X, X)


def _xty(X: np.ndarray, v: np.ndarray) -> np.ndarray:
    """``Xᵀv`` over the sample axis: (..., n, d), (..., n) -> (..., d)."""
    return np.einsum("...ni,...n->...i", X, v)


def _predict(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``X w``: (..., n, d), (..., d) -> (..., n); the leading axes broadcast."""
    return np.einsum("...ni,...i->...n", X, w)


def split_episodes(X: np.ndarray, y: np.ndarray, tau: int, n2: int) -> tuple[np.ndarray, ...]:
    """Split each task's n samples into τ episodes of n2 inner then n1 outer samples (Sec. 2, τ(n1+n2) = n).

    Returns ``(X_in, y_in, X_out, y_out)`` in the episode layout of this module.
    """
    _check_nal_data(X, y)
    tau, n2 = positive_int("tau", tau), positive_int("n2", n2)
    n = X.shape[-2]
    if tau < 1 or n2 < 1 or n % tau or n // tau <= n2:
        raise ValueError(f"need n = tau*(n1 + n2) with n1, n2 >= 1; got n={n}, tau={tau}, n2={n2}")
    per_episode = n // tau
    Xe = X.reshape(*X.shape[:-2], tau, per_episode, X.shape[-1])
    ye = y.reshape(*y.shape[:-1], tau, per_episode)
    return Xe[..., :n2, :], ye[..., :n2], Xe[..., n2:, :], ye[..., n2:]


# ---------------------------------------------------------------------------- objectives


def empirical_loss(w: np.ndarray, X: np.ndarray, y: np.ndarray, normalisation: str = "sum") -> np.ndarray:
    """The task loss f̂(w; X, y): ``½‖Xw - y‖²`` (Sec. 3, ``"sum"``) or divided by n (Sec. 2, ``"mean"``)."""
    return _finite(
        "empirical_loss(w, X, y)", _loss(w, X, y, normalisation), w=w, X=X, y=y
    )


def _loss(w: np.ndarray, X: np.ndarray, y: np.ndarray, normalisation: str) -> np.ndarray:
    with np.errstate(over="ignore", invalid="ignore"):
        residual = _predict(X, w) - y
        return 0.5 * _scale(normalisation, X.shape[-2]) * np.sum(residual**2, axis=-1)


def nal_objective(w: np.ndarray, X: np.ndarray, y: np.ndarray, normalisation: str = "sum") -> np.ndarray:
    """F^tr_NAL(w) = (1/T) Σ_i f̂_i(w; X_i, y_i), eq. (3); ``w (..., d)``, returns shape (...)."""
    _check_nal_data(X, y)
    with np.errstate(over="ignore", invalid="ignore"):
        value = np.mean(_loss(w[..., None, :], X, y, normalisation), axis=-1)
    return _finite("nal_objective(w, X, y)", value, w=w, X=X, y=y)


def nal_gradient(w: np.ndarray, X: np.ndarray, y: np.ndarray, normalisation: str = "sum") -> np.ndarray:
    """∇F^tr_NAL(w) = (1/T) Σ_i c X_iᵀ(X_i w - y_i), c = 1/n or 1, eq. (3)."""
    _check_nal_data(X, y)
    with np.errstate(over="ignore", invalid="ignore"):
        residual = _predict(X, w[..., None, :]) - y
        value = _scale(normalisation, X.shape[-2]) * np.mean(_xty(X, residual), axis=-2)
    return _finite("nal_gradient(w, X, y)", value, w=w, X=X, y=y)


def inner_step(w: np.ndarray, X_in: np.ndarray, y_in: np.ndarray, alpha: float, normalisation: str = "mean") -> np.ndarray:
    """One SGD step on the inner samples, ``w - α ∇f̂(w; X_in, y_in)`` (eq. 4's adapted parameters).

    ``alpha`` must be positive and finite.
    """
    alpha = _check_alpha(alpha)
    return _finite(
        "inner_step(w, X_in, y_in, alpha)",
        _inner_step(w, X_in, y_in, alpha, normalisation),
        w=w, X_in=X_in, y_in=y_in,
    )


def _inner_step(w: np.ndarray, X_in: np.ndarray, y_in: np.ndarray, alpha: float, normalisation: str) -> np.ndarray:
    with np.errstate(over="ignore", invalid="ignore"):
        residual = _predict(X_in, w) - y_in
        return w - alpha * _scale(normalisation, X_in.shape[-2]) * _xty(X_in, residual)


def maml_objective(
    w: np.ndarray,
    X_in: np.ndarray,
    y_in: np.ndarray,
    X_out: np.ndarray,
    y_out: np.ndarray,
    alpha: float,
    inner: str = "mean",
    outer: str = "sum",
) -> np.ndarray:
    """F^tr_MAML(w) = (1/(Tτ)) Σ_ij f̂_i(w - α∇f̂_i(w; X^in_ij, y^in_ij); X^out_ij, y^out_ij), eq. (4).

    ``w (..., d)`` broadcasts against the leading axes of the data; returns shape (...).
    ``alpha`` must be positive and finite.
    """

    def mean_outer_loss(alpha: float, adapted: np.ndarray) -> np.ndarray:
        return np.mean(_loss(adapted, X_out, y_out, outer), axis=(-2, -1))

    return _after_inner_step("maml_objective", mean_outer_loss, w, X_in, y_in, X_out, y_out, alpha, inner)


def maml_gradient(
    w: np.ndarray,
    X_in: np.ndarray,
    y_in: np.ndarray,
    X_out: np.ndarray,
    y_out: np.ndarray,
    alpha: float,
    inner: str = "mean",
    outer: str = "sum",
) -> np.ndarray:
    """∇F^tr_MAML(w) by the chain rule through the inner step: mean_ij P̂_ij ∇f̂^out_ij(w_ij), eq. (4).

    ``P̂_ij = I - α c_in X^inᵀX^in`` is the (symmetric) Jacobian of the inner step;
    ``alpha`` must be positive and finite.
    """

    def mean_chain_rule(alpha: float, adapted: np.ndarray) -> np.ndarray:
        outer_gradient = _scale(outer, X_out.shape[-2]) * _xty(X_out, _predict(X_out, adapted) - y_out)
        through_inner = outer_gradient - alpha * _scale(inner, X_in.shape[-2]) * np.einsum(
            "...ij,...j->...i", _gram(X_in), outer_gradient
        )
        return np.mean(through_inner, axis=(-3, -2))

    return _after_inner_step("maml_gradient", mean_chain_rule, w, X_in, y_in, X_out, y_out, alpha, inner)


def _after_inner_step(name: str, value_at: Callable[[float, np.ndarray], np.ndarray], w: np.ndarray,
                      X_in: np.ndarray, y_in: np.ndarray, X_out: np.ndarray, y_out: np.ndarray,
                      alpha: float, inner: str) -> np.ndarray:
    """``value_at(α, adapted)`` at every episode's adapted point, checked finite (eq. 4's objective, gradient).

    ``adapted (..., T, τ, d)`` is the inner step from ``w`` on each episode's inner samples;
    a non-finite value is blamed on the input that holds a NaN or inf (the message names ``name``).
    """
    alpha = _check_episodes(X_in, y_in, X_out, y_out, alpha)
    adapted = _inner_step(w[..., None, None, :], X_in, y_in, alpha, inner)
    with np.errstate(over="ignore", invalid="ignore"):
        value = value_at(alpha, adapted)
    return _finite(
        f"{name}(w, X_in, y_in, X_out, y_out, alpha)", value,
        w=w, X_in=X_in, y_in=y_in, X_out=X_out, y_out=y_out,
    )


# ---------------------------------------------------------------------- normal equations


@dataclass(frozen=True)
class NormalEquations:
    """A quadratic objective's stationarity condition ``H w = b`` (``H (..., d, d)``, ``b (..., d)``)."""

    hessian: np.ndarray
    rhs: np.ndarray

    def solve(self) -> np.ndarray:
        """The unique minimiser ``H⁻¹ b``; raises ValueError when H is not positive definite.

        Also when H or b holds a NaN or inf, or the solution overflows float64.
        """
        finite_array("the normal equations' Hessian H", self.hessian)
        finite_array("the normal equations' right-hand side b", self.rhs)
        eigenvalues = np.linalg.eigvalsh(self.hessian)
        if np.any(eigenvalues[..., 0] <= 1e-12 * np.abs(eigenvalues[..., -1])):
            raise ValueError(
                "the training objective has no unique minimiser (singular Hessian); "
                "use more samples (T*n >= d for NAL, T*tau*n1 >= d for MAML)"
            )
        with np.errstate(over="ignore", invalid="ignore"):
            solution = np.linalg.solve(self.hessian, self.rhs[..., None])[..., 0]
        return finite_result("the minimiser H⁻¹ b", solution, _OVERFLOW_HINT)


def nal_normal_equations(X: np.ndarray, y: np.ndarray, normalisation: str = "sum") -> NormalEquations:
    """∇F^tr_NAL(w) = H w - b with H = (c/T) Σ_i X_iᵀX_i, b = (c/T) Σ_i X_iᵀy_i, from eq. (3)."""
    _check_nal_data(X, y)
    c = _scale(normalisation, X.shape[-2])
    with np.errstate(over="ignore", invalid="ignore"):
        hessian, rhs = c * np.mean(_gram(X), axis=-3), c * np.mean(_xty(X, y), axis=-2)
    what = "nal_normal_equations(X, y)"
    return NormalEquations(_finite(what, hessian, X=X), _finite(what, rhs, X=X, y=y))


def maml_normal_equations(
    X_in: np.ndarray,
    y_in: np.ndarray,
    X_out: np.ndarray,
    y_out: np.ndarray,
    alpha: float,
    inner: str = "mean",
    outer: str = "sum",
) -> NormalEquations:
    """∇F^tr_MAML(w) = H w - b, from eq. (4) with the data ``(X, y)`` only.

    With ``P̂ = I - α c_in X^inᵀX^in`` and ``u = α c_in X^inᵀ y^in`` the adapted point is
    ``P̂ w + u``, so ``H = c_out mean_ij P̂ X^outᵀX^out P̂`` and
    ``b = c_out mean_ij P̂ X^outᵀ (y^out - X^out u)``. ``alpha`` must be positive and finite.
    """
    alpha = _check_episodes(X_in, y_in, X_out, y_out, alpha)
    d = X_in.shape[-1]
    c_in, c_out = _scale(inner, X_in.shape[-2]), _scale(outer, X_out.shape[-2])
    with np.errstate(over="ignore", invalid="ignore"):
        P = np.eye(d) - alpha * c_in * _gram(X_in)
        shift = alpha * c_in * _xty(X_in, y_in)
        outer_gram = _gram(X_out)
        hessian = c_out * np.mean(P @ outer_gram @ P, axis=(-4, -3))
        target = _xty(X_out, y_out - _predict(X_out, shift))
        rhs = c_out * np.mean(np.einsum("...ij,...j->...i", P, target), axis=(-3, -2))
    what = "maml_normal_equations(X_in, y_in, X_out, y_out, alpha)"
    return NormalEquations(
        _finite(what, hessian, X_in=X_in, X_out=X_out),
        _finite(what, rhs, X_in=X_in, y_in=y_in, X_out=X_out, y_out=y_out),
    )


def nal_minimiser(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """w_NAL, the unique minimiser of eq. (3) (independent of the loss normalisation)."""
    return nal_normal_equations(X, y).solve()


def maml_minimiser(
    X_in: np.ndarray, y_in: np.ndarray, X_out: np.ndarray, y_out: np.ndarray, alpha: float, inner: str = "mean"
) -> np.ndarray:
    """w_MAML, the unique minimiser of eq. (4) (independent of the outer normalisation)."""
    return maml_normal_equations(X_in, y_in, X_out, y_out, alpha, inner).solve()


def quadratic_from_objective(objective: Callable[[np.ndarray], np.ndarray], d: int, scale: float = 1.0) -> NormalEquations:
    """Recover ``H`` and ``b`` of a quadratic ``F(w) = ½wᵀHw - bᵀw + c`` from values of F alone.

    Polarisation is exact for a quadratic (up to rounding): with ``h = scale``,
    ``H_kl = (F(h e_k + h e_l) - F(h e_k) - F(h e_l) + F(0)) / h²`` and
    ``b_k = (F(-h e_k) - F(h e_k)) / (2h)``. ``objective`` maps ``w (p, ..., d)`` to ``(p, ...)``;
    all probe points are evaluated in one call.
    """
    d, scale = positive_int("d", d), positive_finite("scale", scale)
    basis = scale * np.eye(d)
    pairs = (basis[:, None, :] + basis[None, :, :]).reshape(d * d, d)
    probes = np.concatenate([np.zeros((1, d)), basis, -basis, pairs])
    values = finite_result("the objective's values at the probe points", np.asarray(objective(probes)),
                           "the objective returned NaN or inf; check its data or use a smaller scale")
    zero, plus, minus = values[0], values[1 : d + 1], values[d + 1 : 2 * d + 1]
    both = values[2 * d + 1 :].reshape(d, d, *values.shape[1:])
    hessian = (both - plus[:, None] - plus[None, :] + zero) / scale**2
    rhs = (minus - plus) / (2 * scale)
    hessian = np.moveaxis(hessian, (0, 1), (-2, -1))
    return NormalEquations(0.5 * (hessian + np.swapaxes(hessian, -1, -2)), np.moveaxis(rhs, 0, -1))


# ------------------------------------------------------------------- printed closed forms


def nal_solution_printed(X: np.ndarray, w_star: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Eq. (41) as printed: w_NAL = (Σ_i X_iᵀX_i)⁻¹ Σ_i (X_iᵀX_i w_i* + X_iᵀz_i).

    ``X (..., T, n, d)``, ``w_star (..., T, d)``, ``z (..., T, n)`` (the noise, ``y = X w* + z``).
    """
    _check_nal_data(X, z)
    with np.errstate(over="ignore", invalid="ignore"):
        gram = _gram(X)
        total = np.sum(np.einsum("...ij,...j->...i", gram, w_star) + _xty(X, z), axis=-2)
    what = "nal_solution_printed(X, w_star, z)"
    _finite(what, total, X=X, w_star=w_star, z=z)
    return _finite(what, _solve(np.sum(gram, axis=-3), total, what), X=X)


def maml_solution_printed(
    X_in: np.ndarray,
    z_in: np.ndarray,
    X_out: np.ndarray,
    z_out: np.ndarray,
    w_star: np.ndarray,
    alpha: float,
) -> np.ndarray:
    """Eq. (43) as printed: w_MAML = (Σ_ij Q̂_ij)⁻¹ Σ_ij (Q̂_ij w_i* + P̂_ij X^outᵀ z^out - (α/n2) P̂_ij X^outᵀX^out X^inᵀ z^in).

    ``Q̂_ij = P̂_ij X^outᵀX^out P̂_ij``, ``P̂_ij = I_d - (α/n2) X^inᵀX^in``; ``w_star (..., T, d)``,
    ``z_in``/``z_out`` the noise of the inner/outer samples.
    """
    alpha = _check_episodes(X_in, z_in, X_out, z_out, alpha)
    n2, d = X_in.shape[-2], X_in.shape[-1]
    with np.errstate(over="ignore", invalid="ignore"):
        P = np.eye(d) - (alpha / n2) * _gram(X_in)
        outer_gram = _gram(X_out)
        Q = P @ outer_gram @ P
        terms = (
            np.einsum("...ij,...j->...i", Q, w_star[..., None, :])
            + np.einsum("...ij,...j->...i", P, _xty(X_out, z_out))
            - (alpha / n2) * np.einsum("...ij,...jk,...k->...i", P, outer_gram, _xty(X_in, z_in))
        )
        total = np.sum(terms, axis=(-3, -2))
    what = "maml_solution_printed(X_in, z_in, X_out, z_out, w_star, alpha)"
    inputs = {"X_in": X_in, "z_in": z_in, "X_out": X_out, "z_out": z_out, "w_star": w_star}
    _finite(what, total, **inputs)
    return _finite(what, _solve(np.sum(Q, axis=(-4, -3)), total, what), **inputs)


def _solve(matrix: np.ndarray, rhs: np.ndarray, what: str) -> np.ndarray:
    """``matrix⁻¹ rhs`` over a stack; a singular or non-finite matrix is a one-line ValueError."""
    if not np.isfinite(matrix).all():
        raise ValueError(f"{what}: the matrix to invert overflowed float64; {_OVERFLOW_HINT}")
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            return np.linalg.solve(matrix, rhs[..., None])[..., 0]
    except np.linalg.LinAlgError:
        raise ValueError(
            f"{what}: the matrix to invert is singular; "
            "use more samples (T*n >= d for NAL, T*tau*n1 >= d for MAML)"
        ) from None


# ------------------------------------------------------------------------ iterative routes


def gradient_descent(
    gradient: Callable[[np.ndarray], np.ndarray], w0: np.ndarray, step: float, iterations: int
) -> np.ndarray:
    """Plain gradient descent ``w ← w - step ∇F(w)`` from ``w0`` (converges for step < 2/λ_max(H))."""
    step, iterations = positive_finite("step", step), non_negative_int("iterations", iterations)
    w = finite_array("w0", w0).copy()
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported below
        for _ in range(iterations):
            w = w - step * gradient(w)
    return finite_result(
        "gradient_descent's iterate", w, "it diverged: use a step below 2/λ_max(H)"
    )


def sgd_one_task(
    task_gradient: Callable[[np.ndarray, int], np.ndarray],
    tasks: int,
    w0: np.ndarray,
    step: float,
    iterations: int,
    rng: np.random.Generator,
    decay: float = 0.0,
) -> np.ndarray:
    """SGD with one training task per iteration (as in App. C.1), Polyak-averaged over the second half.

    ``task_gradient(w, i)`` is the gradient of task i's term of eq. (3) or eq. (4); the step
    at iteration t is ``step / (1 + decay·t)``. Returns the averaged iterate.
    """
    tasks, step = positive_int("tasks", tasks), positive_finite("step", step)
    iterations = positive_int("iterations", iterations)
    if iterations < 2:
        raise ValueError(f"iterations must be ≥ 2 (the average is over the second half), got {iterations}")
    decay = float(decay)
    if not (np.isfinite(decay) and decay >= 0):
        raise ValueError(f"decay must be finite and ≥ 0, got {decay!r}")
    w = finite_array("w0", w0).copy()
    picks = rng.integers(0, tasks, size=iterations)
    average, counted = np.zeros_like(w), 0
    for t, task in enumerate(picks):
        w = w - step / (1.0 + decay * t) * task_gradient(w, int(task))
        if t >= iterations // 2:
            average += w
            counted += 1
    return finite_result(
        "sgd_one_task's averaged iterate", average / counted, "it diverged: use a smaller step"
    )
