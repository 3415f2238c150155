"""Stationary points of the two-task population MAML (m = ∞) and NAL objectives (Section 4, Appendix B).

The MAML objective with a full inner gradient step is eq. (30),
``F_∞(W) = ½ f_1(W - α∇f_1(W)) + ½ f_2(W - α∇f_2(W))``, with gradient
``∇F_∞(W) = ½ Σ_i (I - α∇²f_i(W)) ∇f_i(W - α∇f_i(W))`` (the chain rule behind eq. 31);
NAL's is ``½ (f_1 + f_2)``. Stationary points are roots of these gradients, found by a
damped Newton–Broyden iteration on ``∇F = 0`` to a stated gradient-norm tolerance.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from maml_landscape.numerics.neural_tasks import NeuronTask

Gradient = Callable[[np.ndarray], np.ndarray]

#: Default stopping tolerance on ‖∇F‖₂ (quadrature error of the gradients is ~1e-11).
GRADIENT_TOLERANCE = 1e-10


def maml_gradient(tasks: Sequence[NeuronTask], alpha: float, W: np.ndarray) -> np.ndarray:
    """``∇F_∞(W)`` of eq. (30) for a uniform environment over ``tasks``."""
    if alpha < 0:
        raise ValueError(f"the inner step size alpha must be non-negative, got {alpha}")
    W = np.asarray(W, dtype=float).ravel()
    total = np.zeros_like(W)
    for task in tasks:
        g, hessian = task.gradient_and_hessian(W)
        adapted_gradient = task.gradient(W - alpha * g)
        total += adapted_gradient - alpha * hessian @ adapted_gradient
    return total / len(tasks)


def nal_gradient(tasks: Sequence[NeuronTask], W: np.ndarray) -> np.ndarray:
    """Gradient of the NAL population loss ``(1/T) Σ_i f_i(W)``."""
    W = np.asarray(W, dtype=float).ravel()
    return sum(task.gradient(W) for task in tasks) / len(tasks)


@dataclass(frozen=True)
class StationaryPoint:
    """A root of a gradient map: the point, ‖∇F‖₂ there, iterations, whether tol was met, last Jacobian."""

    W: np.ndarray
    gradient_norm: float
    iterations: int
    converged: bool
    jacobian: np.ndarray


def _jacobian(gradient: Gradient, W: np.ndarray, step: float) -> np.ndarray:
    columns = [(gradient(W + step * e) - gradient(W - step * e)) / (2 * step) for e in np.eye(W.size)]
    return np.array(columns).T


def find_stationary_point(gradient: Gradient, W0: np.ndarray, tol: float = GRADIENT_TOLERANCE,
                          jacobian: np.ndarray | None = None, max_iterations: int = 50,
                          fd_step: float = 1e-6) -> StationaryPoint:
    """Solve ``gradient(W) = 0`` from ``W0`` by a damped Newton–Broyden iteration.

    The Jacobian starts from ``jacobian`` (e.g. the previous point's, when continuing in α)
    or a central-difference one, and is updated by Broyden's rank-one formula; a step is
    halved until ‖g‖ decreases. When no decrease is found the Jacobian is recomputed by
    finite differences (a fresh Newton direction always descends ‖g‖²); the iteration stops
    when that fails too. Returns the last point, converged or not.
    """
    if tol <= 0:
        raise ValueError(f"tol must be positive, got {tol}")
    W = np.asarray(W0, dtype=float).ravel().copy()
    g = gradient(W)
    norm = float(np.linalg.norm(g))
    fresh = jacobian is None
    J = _jacobian(gradient, W, fd_step) if fresh else np.array(jacobian, dtype=float)
    iterations = 0
    while norm > tol and iterations < max_iterations:
        iterations += 1
        step = np.linalg.lstsq(J, -g, rcond=None)[0]
        for halving in range(12):
            candidate = W + 0.5**halving * step
            g_candidate = gradient(candidate)
            norm_candidate = float(np.linalg.norm(g_candidate))
            if norm_candidate < norm:
                break
        else:
            if fresh:
                break
            J, fresh = _jacobian(gradient, W, fd_step), True
            continue
        s, y = candidate - W, g_candidate - g
        J = J + np.outer(y - J @ s, s) / float(s @ s)
        W, g, norm, fresh = candidate, g_candidate, norm_candidate, False
    return StationaryPoint(W, norm, iterations, norm <= tol, J)


def nal_minimum(tasks: Sequence[NeuronTask], W0: np.ndarray, tol: float = GRADIENT_TOLERANCE,
                max_iterations: int = 200, curvature_floor: float = 1e-3) -> StationaryPoint:
    """A local minimum of the NAL population loss from ``W0`` by saddle-free Newton steps.

    The step is ``-U |Λ|⁻¹ Uᵀ g`` (Hessian eigenvalues replaced by ``max(|λ|, floor)``), a
    descent direction even at saddles, halved until the NAL loss decreases.
    """
    if tol <= 0:
        raise ValueError(f"tol must be positive, got {tol}")

    def loss(W: np.ndarray) -> float:
        return sum(task.loss(W) for task in tasks) / len(tasks)

    W = np.asarray(W0, dtype=float).ravel().copy()
    iterations = 0
    while True:
        pieces = [task.gradient_and_hessian(W) for task in tasks]
        g = sum(p[0] for p in pieces) / len(tasks)
        H = sum(p[1] for p in pieces) / len(tasks)
        norm = float(np.linalg.norm(g))
        if norm <= tol or iterations >= max_iterations:
            return StationaryPoint(W, norm, iterations, norm <= tol, H)
        iterations += 1
        eigenvalues, U = np.linalg.eigh(H)
        step = -U @ ((U.T @ g) / np.maximum(np.abs(eigenvalues), curvature_floor))
        current = loss(W)
        for halving in range(40):
            candidate = W + 0.5**halving * step
            if loss(candidate) <= current:
                break
        W = candidate
