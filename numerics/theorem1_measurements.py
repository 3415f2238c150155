"""What Theorem 1 and Lemma 1 compare, measured at a stationary point of two network tasks.

At a MAML stationary point ``W`` (eq. 30, m = ∞) this module measures the gradient norms
``‖∇f_i(W)‖`` (eqs. 13, 36) and ``‖∇f_i(W_i)‖`` with ``W_i = W - α∇f_i(W)`` (eq. 29), and
the Hessian eigenvalue bounds ``β_i ≤ λ(∇²f_i) ≤ L_i`` two ways:

- ``point``: at W only — Lemma 1's hypothesis (eq. 28);
- ``segment``: over W and the segment ``[W, W - α∇f_i(W)]`` — the smallest part of
  Theorem 1's region S_i that its proof's Taylor steps (eqs. 34-35) pass through. With
  these bounds eq. (36) holds with no remainder (mean-value form of eqs. 34-35).

Task labels follow the theorem: "task 1" is the one with the smaller β (the hard task).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from maml_landscape.numerics.neural_tasks import NeuronTask
from maml_landscape.theory.printed.theorem1 import PRINTED_FORMS

#: Points sampled on each segment [W, W - α∇f_i(W)] (endpoints included).
SEGMENT_POINTS = 9

BOUND_VARIANTS = ("point", "segment")

#: Strict inequalities between measured curvature bounds must hold by more than this
#: (Hessian entries are accurate to ~1e-10; e.g. ReLU single neurons have L_1 = L_2 = 1/2 exactly).
HYPOTHESIS_MARGIN = 1e-8


def hessian_bounds(task: NeuronTask, points: Sequence[np.ndarray]) -> tuple[float, float]:
    """``(min λ_min, max λ_max)`` of ``∇²f_i`` over ``points``."""
    eigenvalues = np.concatenate([np.linalg.eigvalsh(task.hessian(p)) for p in points])
    return float(eigenvalues.min()), float(eigenvalues.max())


@dataclass(frozen=True)
class PairMeasurement:
    """Gradient norms and curvature bounds of two tasks at one point W, inner step α.

    Indices 0 and 1 follow the order of the ``tasks`` argument (not yet hard/easy).
    """

    alpha: float
    W: np.ndarray
    stationarity: float
    gradient_norms: tuple[float, float]
    adapted_gradient_norms: tuple[float, float]
    bounds: dict[str, tuple[tuple[float, float], tuple[float, float]]]


def measure_pair(tasks: Sequence[NeuronTask], alpha: float, W: np.ndarray, stationarity: float,
                 segment_points: int = SEGMENT_POINTS) -> PairMeasurement:
    """Measure gradients and curvature bounds of ``tasks`` (two) at W for inner step α."""
    if len(tasks) != 2:
        raise ValueError(f"Theorem 1 concerns two tasks, got {len(tasks)}")
    if segment_points < 2:
        raise ValueError(f"a segment needs at least its two endpoints, got segment_points={segment_points}")
    W = np.asarray(W, dtype=float).ravel()
    gradients = [task.gradient(W) for task in tasks]
    adapted = [task.gradient(W - alpha * g) for task, g in zip(tasks, gradients)]
    ts = np.linspace(0.0, 1.0, segment_points)
    bounds = {
        "point": tuple(hessian_bounds(task, [W]) for task in tasks),
        "segment": tuple(hessian_bounds(task, [W - t * alpha * g for t in ts])
                         for task, g in zip(tasks, gradients)),
    }
    return PairMeasurement(alpha, W, float(stationarity),
                           tuple(float(np.linalg.norm(g)) for g in gradients),
                           tuple(float(np.linalg.norm(g)) for g in adapted), bounds)


@dataclass(frozen=True)
class Comparison:
    """One measurement read in Theorem 1's labels (task 1 = smaller β) under one bound variant."""

    variant: str
    alpha: float
    hard: int
    beta1: float
    L1: float
    beta2: float
    L2: float
    ratio: float
    adapted_ratio: float
    denominator: float

    @property
    def theorem_hypotheses(self) -> bool:
        """``0 < β_1 < β_2``, ``L_1 < L_2`` (by :data:`HYPOTHESIS_MARGIN`) and ``α ≤ 1/L_2`` (Theorem 1)."""
        m = HYPOTHESIS_MARGIN
        return m < self.beta1 < self.beta2 - m and self.L1 < self.L2 - m and self.alpha * self.L2 <= 1

    @property
    def lemma_hypotheses(self) -> bool:
        """``0 < β_1 < β_2`` (by :data:`HYPOTHESIS_MARGIN`) and ``α < 1/max(L_1, L_2)`` (Lemma 1, eq. 28)."""
        m = HYPOTHESIS_MARGIN
        return m < self.beta1 < self.beta2 - m and self.alpha * max(self.L1, self.L2) < 1

    def printed(self, form: str) -> float:
        """The printed constant of ``form`` ("eq. 13", "eq. 29", "eq. 36") at these bounds."""
        constant, _ = PRINTED_FORMS[form]
        return float(constant(self.alpha, self.beta2, self.L1))

    def measured(self, form: str) -> float:
        """The ratio the printed form bounds: post-adaptation for eq. 29, pre-adaptation otherwise."""
        return self.adapted_ratio if PRINTED_FORMS[form][1] == "post-adaptation" else self.ratio


def compare(measurement: PairMeasurement, variant: str) -> Comparison:
    """Read a measurement in Theorem 1's labels under the ``point`` or ``segment`` bounds."""
    if variant not in BOUND_VARIANTS:
        raise ValueError(f"variant must be one of {BOUND_VARIANTS}, got {variant!r}")
    bounds = measurement.bounds[variant]
    hard = int(bounds[1][0] < bounds[0][0])
    easy = 1 - hard
    g, a = measurement.gradient_norms, measurement.adapted_gradient_norms
    return Comparison(variant, measurement.alpha, hard, bounds[hard][0], bounds[hard][1],
                      bounds[easy][0], bounds[easy][1],
                      g[hard] / g[easy] if g[easy] > 0 else float("inf"),
                      a[hard] / a[easy] if a[easy] > 0 else float("inf"),
                      min(g[easy], a[easy]))


def first_order_coefficients(tasks: Sequence[NeuronTask], W_nal: np.ndarray) -> dict[str, float]:
    """Derived α-coefficients of the ratios at the NAL point (α → 0), in Theorem 1's labels.

    Expanding eq. (31) and eqs. (34)-(35) around α = 0, where W_MAML → W_NAL and
    ``∇f_1 = -∇f_2 =: -u``: ``‖∇f_1‖/‖∇f_2‖ = 1 + 2α uᵀ(H_1 - H_2)u/‖u‖² + O(α²)`` and
    ``‖∇f_1(W_1)‖/‖∇f_2(W_2)‖ = 1 + α uᵀ(H_1 - H_2)u/‖u‖² + O(α²)`` (H_i at W_NAL).
    Also returns the pointwise bounds there and each printed constant's α-coefficient.
    """
    W_nal = np.asarray(W_nal, dtype=float).ravel()
    hessians = [task.hessian(W_nal) for task in tasks]
    spectra = [np.linalg.eigvalsh(h) for h in hessians]
    hard = int(spectra[1][0] < spectra[0][0])
    easy = 1 - hard
    u = tasks[easy].gradient(W_nal)
    rayleigh = float(u @ (hessians[hard] - hessians[easy]) @ u / (u @ u))
    beta1, L1, beta2, L2 = spectra[hard][0], spectra[hard][-1], spectra[easy][0], spectra[easy][-1]
    coefficients = {"hard": hard, "beta1": beta1, "L1": L1, "beta2": beta2, "L2": L2,
                    "r1_pre": 2 * rayleigh, "r1_post": rayleigh,
                    "hypotheses": bool(HYPOTHESIS_MARGIN < beta1 < beta2 - HYPOTHESIS_MARGIN
                                       and L1 < L2 - HYPOTHESIS_MARGIN)}
    h = 1e-6
    for form, (constant, _) in PRINTED_FORMS.items():
        coefficients[f"c1 {form}"] = float((constant(h, beta2, L1) - constant(-h, beta2, L1)) / (2 * h))
    return coefficients
