"""Two-layer network task pairs for Theorem 1 (eq. 13), Lemma 1 (eqs. 29, 36) and the NAL identity.

Two tasks in d = 2 with M ∈ {1, 2} neurons, σ ∈ {ReLU, Softplus, Sigmoid, tanh}, in the
families of :data:`FAMILIES`: ``Σ_1 = Σ_2 = I`` (Theorem 1's setting, hardness through
the teacher weights) and ``Σ_1 = 0.5 I``, ``Σ_2 = I`` (Figure 4's hardness through the
data variance). For each pair the NAL stationary point is found first, then MAML
stationary points of eq. (30) by continuation in α from it; at each the gradient ratios
and curvature bounds are measured (:mod:`maml_landscape.numerics.theorem1_measurements`).
:func:`tally` compares them with the printed constants under the rule of
:mod:`maml_landscape.theory.inequality_up_to_alpha2`, counting only instances that satisfy
the hypotheses; :class:`ExactRegion` says where the exact form held.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from maml_landscape.numerics.neural_tasks import ACTIVATIONS, NeuronTask
from maml_landscape.numerics.stationary import find_stationary_point, maml_gradient, nal_minimum
from maml_landscape.numerics.theorem1_measurements import (
    compare,
    first_order_coefficients,
    measure_pair,
)
from maml_landscape.theory.inequality_up_to_alpha2 import FormTally

#: family -> ((variance of task a, of task b), range of the teacher scale c in W_b* = c W_a* + 0.4 G).
FAMILIES = {
    "Σ = I, similar teachers": ((1.0, 1.0), (0.6, 1.5)),
    "Σ = I, teacher norms ×2-3": ((1.0, 1.0), (2.0, 3.0)),
    "Σ = 0.5I vs I (Figure 4)": ((0.5, 1.0), (0.6, 1.5)),
}
#: The families in Theorem 1's setting (Σ_i = I).
THEOREM_FAMILIES = ("Σ = I, similar teachers", "Σ = I, teacher norms ×2-3")
#: Neuron counts M run in every (family, σ) cell, unless the sweep alternates them across cells.
NEURON_COUNTS = (1, 2)
#: α for the first-order (α → 0) estimate, as a fraction of 1/L̂; and its double.
SMALL_ALPHA = 1e-3
#: A ratio exceeds a printed constant when r - C > this (quadrature error ~1e-10, ‖∇F‖ ≤ 1e-10).
VIOLATION_TOLERANCE = 1e-7
#: A measured first-order coefficient exceeds a printed one when larger by more than this.
FIRST_ORDER_TOLERANCE = 1e-4


def _teachers(rng: np.random.Generator, M: int, scale: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """Two teachers: W_a* with singular values in [0.5, 2], W_b* = c W_a* + 0.4 G, c ~ U[scale].

    c ~ U[0.6, 1.5] keeps the teachers close (Theorem 1 needs W_MAML ∈ S_1 ∩ S_2) while the
    curvatures differ; c ~ U[2, 3] separates the curvatures more (for β_2 > L_1) at the cost
    of distance.
    """
    while True:
        W1 = rng.normal(size=(M, 2)) * 1.2
        s = np.linalg.svd(W1, compute_uv=False)
        if 0.5 <= s.min() and s.max() <= 2.0:
            break
    W2 = rng.uniform(*scale) * W1 + 0.4 * rng.normal(size=(M, 2))
    return W1, W2


@dataclass
class PairRecord:
    """Everything measured for one task pair."""

    label: str
    family: str
    activation: str
    M: int
    teachers: tuple[np.ndarray, np.ndarray]
    nal_gradient_norm: float
    nal_norms: tuple[float, float]
    converged: bool
    measurements: list = field(default_factory=list)
    first_order: dict = field(default_factory=dict)
    small_alpha_slopes: dict = field(default_factory=dict)
    distances: list = field(default_factory=list)
    max_stationarity: float = 0.0
    branch_end: float | None = None


def _solve_pair(label: str, family: str, tasks: list[NeuronTask], fractions: tuple[float, ...]) -> PairRecord:
    W0 = (tasks[0].teacher + tasks[1].teacher).ravel() / 2
    nal = nal_minimum(tasks, W0)
    norms = tuple(float(np.linalg.norm(t.gradient(nal.W))) for t in tasks)
    record = PairRecord(label, family, tasks[0].activation, tasks[0].neurons,
                        (tasks[0].teacher, tasks[1].teacher), nal.gradient_norm, norms, nal.converged)
    if not nal.converged:
        return record
    record.first_order = first_order_coefficients(tasks, nal.W)
    L_hat = max(np.linalg.eigvalsh(t.hessian(nal.W))[-1] for t in tasks)
    small = SMALL_ALPHA / L_hat
    W, J = nal.W, nal.jacobian
    ratios_small = {}
    for alpha in (small, 2 * small) + tuple(q / L_hat for q in fractions):
        point = find_stationary_point(lambda V, a=alpha: maml_gradient(tasks, a, V), W, jacobian=J)
        if not point.converged:
            # The branch continued from W_NAL ends (the Jacobian of ∇F_∞ turns singular) or the
            # solver stalls: keep what was measured, record where it stopped.
            record.branch_end = alpha * L_hat
            record.converged = alpha > 2 * small
            break
        W, J = point.W, point.jacobian
        record.max_stationarity = max(record.max_stationarity, point.gradient_norm)
        measurement = measure_pair(tasks, alpha, W, point.gradient_norm)
        if alpha <= 2 * small:
            c = compare(measurement, "point")
            ratios_small[alpha] = (c.ratio, c.adapted_ratio)
            continue
        record.measurements.append(measurement)
        record.distances.append(tuple(float(np.linalg.norm(W.reshape(-1, 2) - t.teacher, 2)
                                            / np.linalg.norm(t.teacher, 2)) for t in tasks))
    if not record.converged:
        return record
    # Richardson estimate of dr/dα at 0 from r(α_s), r(2α_s) (r(0) = 1 at the NAL point).
    (a1, (p1, q1)), (a2, (p2, q2)) = sorted(ratios_small.items())
    record.small_alpha_slopes = {"pre": 2 * (p1 - 1) / a1 - (p2 - 1) / a2,
                                 "post": 2 * (q1 - 1) / a1 - (q2 - 1) / a2}
    return record


@lru_cache(maxsize=4)
def sweep(alpha_fractions: tuple[float, ...], pairs_per_cell: int, alternate_neurons: bool,
          seed: int) -> tuple[PairRecord, ...]:
    """All task pairs, solved and measured at α = ``alpha_fractions``/L̂ (shared by the three checks).

    ``pairs_per_cell`` pairs per (family, σ, M); M runs over :data:`NEURON_COUNTS` in every
    (family, σ) cell, or alternates between 1 and 2 across cells if ``alternate_neurons``.
    """
    rng = np.random.default_rng(seed)
    records = []
    for f, (family, (variances, scale)) in enumerate(FAMILIES.items()):
        for a, activation in enumerate(ACTIVATIONS):
            for M in (1 + (f + a) % 2,) if alternate_neurons else NEURON_COUNTS:
                for n in range(pairs_per_cell):
                    teachers = _teachers(rng, M, scale)
                    tasks = [NeuronTask(t, activation, v) for t, v in zip(teachers, variances)]
                    label = f"{activation}, M={M}, {family}, #{n}"
                    records.append(_solve_pair(label, family, tasks, alpha_fractions))
    return tuple(records)


@dataclass
class ExactRegion:
    """The admissible instances of one printed form: where ``r ≤ C`` held, and by how much it failed."""

    instances: list[tuple[float, float, float]] = field(default_factory=list)  # (α·max_i L_i, r − C, α)

    def add(self, scaled_alpha: float, excess: float, alpha: float) -> None:
        self.instances.append((float(scaled_alpha), float(excess), float(alpha)))

    @property
    def first_violation(self) -> float | None:
        """The smallest α·max_i L_i at which ``r - C`` exceeded the tolerance (None: nowhere)."""
        return min((s for s, e, _ in self.instances if e > VIOLATION_TOLERANCE), default=None)

    @property
    def largest_tested(self) -> float | None:
        return max((s for s, _, _ in self.instances), default=None)

    @property
    def alpha2_constant(self) -> float | None:
        """The smallest K with ``r - C ≤ K α²`` at every tested instance."""
        return max((e / a**2 for _, e, a in self.instances), default=None)

    def as_data(self) -> dict[str, float | int | None]:
        return {"instances": len(self.instances), "first_violation_alpha_max_L": self.first_violation,
                "largest_tested_alpha_max_L": self.largest_tested, "excess_over_alpha2_max": self.alpha2_constant}

    def text(self, form: str) -> str:
        """The measured error of the exact form and the α range where it stays within tolerance."""
        if not self.instances:
            return f"{form}: no admissible instance"
        n, start = len(self.instances), self.first_violation
        head = (f"{form}: over {n} instances with $\\alpha \\max_i L_i \\le$ {self.largest_tested:.3g}, "
                f"$r - C \\le$ {self.alpha2_constant:.3g}$\\,\\alpha^2$")
        if start is None:
            return head + f"; exact ($r \\le C$ + {VIOLATION_TOLERANCE:g}) at all of them"
        violations = sum(e > VIOLATION_TOLERANCE for _, e, _ in self.instances)
        below = sum(s < start for s, _, _ in self.instances)
        return (head + f"; exact ($r \\le C$ + {VIOLATION_TOLERANCE:g}) at {n - violations}/{n}; violated from "
                f"$\\alpha \\max_i L_i$ = {start:.3g}, "
                + (f"exact at all {below} instances below it" if below else "the smallest value tested"))


def tally(records, form: str, variant: str, hypotheses: str, families: tuple[str, ...] | None):
    """Tally ``form`` over measurements meeting ``hypotheses`` ("theorem"/"lemma") under ``variant`` bounds.

    Returns ``(counts, others, region)``: ``counts`` the :class:`FormTally` of the admissible
    instances, ``others`` counts the instances outside the hypotheses
    (and, when ``families`` is given, outside those families) with their violations;
    ``region`` where the exact form held among the tested instances.
    """
    counts = FormTally(form)
    region = ExactRegion()
    others = {"instances": 0, "violations": 0}
    for record in records:
        if not record.converged:
            continue
        in_family = families is None or record.family in families
        fo = record.first_order
        if in_family and fo["hypotheses"]:
            kind = "post" if form == "eq. 29" else "pre"
            measured = record.small_alpha_slopes[kind]
            gap = measured - fo[f"c1 {form}"]
            counts.add_first_order(gap, gap > FIRST_ORDER_TOLERANCE * max(1.0, abs(fo[f"c1 {form}"])))
        for m in record.measurements:
            c = compare(m, variant)
            excess = c.measured(form) - c.printed(form)
            violated = excess > VIOLATION_TOLERANCE
            holds = c.theorem_hypotheses if hypotheses == "theorem" else c.lemma_hypotheses
            if form == "eq. 29" and c.alpha * max(c.L1, c.L2) >= 1:
                holds = False
            if in_family and holds:
                region.add(c.alpha * max(c.L1, c.L2), excess, c.alpha)
                counts.add_instance(excess, c.alpha, violated,
                                    {"pair": record.label, "alpha": c.alpha, "ratio": c.measured(form),
                                     "printed_constant": c.printed(form), "beta1": c.beta1, "L1": c.L1,
                                     "beta2": c.beta2, "L2": c.L2})
            else:
                others["instances"] += 1
                others["violations"] += int(violated)
    return counts, others, region


def interpretation(records) -> dict[str, tuple[int, int]]:
    """Per family: instances meeting Theorem 1's hypotheses with β_2 > L_1, and those with ratio < 1."""
    counts = {family: [0, 0] for family in FAMILIES}
    for record in records:
        for m in record.measurements if record.converged else ():
            c = compare(m, "segment")
            if c.theorem_hypotheses and c.beta2 > c.L1:
                counts[record.family][0] += 1
                counts[record.family][1] += int(c.ratio < 1)
    return {family: tuple(n) for family, n in counts.items()}


def solver_summary(records) -> dict:
    """How well the stationary points were solved, and the derived first-order coefficient against Richardson's."""
    converged = [r for r in records if r.converged]
    return {
        "pairs": len(records),
        "converged_pairs": len(converged),
        "max_maml_gradient_norm": max((r.max_stationarity for r in converged), default=None),
        "max_nal_gradient_norm": max((r.nal_gradient_norm for r in converged), default=None),
        "first_order_formula_vs_richardson": max(
            (abs(r.small_alpha_slopes["pre"] - r.first_order["r1_pre"]) for r in converged), default=None),
    }
