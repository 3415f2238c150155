"""Theorem 1 (eq. 13), Lemma 1 (eqs. 29, 36) and the NAL identity on two-layer network tasks.

Two tasks in d = 2 with M ∈ {1, 2} neurons, σ ∈ {ReLU, Softplus, Sigmoid, tanh}, in two
families: ``Σ_1 = Σ_2 = I`` (Theorem 1's setting, hardness through the teacher weights)
and ``Σ_1 = 0.5 I``, ``Σ_2 = I`` (Figure 4's hardness through the data variance). For each
pair the NAL stationary point is found first, then MAML stationary points of eq. (30) by
continuation in α from it; at each the gradient ratios and curvature bounds are measured
(:mod:`maml_landscape.numerics.theorem1_measurements`) and compared with the printed
constants under the rule of :mod:`maml_landscape.theory.inequality_up_to_alpha2`. Only
instances satisfying the hypotheses count as tests; the others are reported separately.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from maml_landscape.context import CheckContext
from maml_landscape.evidence import Table, Text
from maml_landscape.numerics.neural_tasks import ACTIVATIONS, NeuronTask
from maml_landscape.numerics.stationary import (
    GRADIENT_TOLERANCE,
    find_stationary_point,
    maml_gradient,
    nal_minimum,
)
from maml_landscape.numerics.theorem1_measurements import (
    SEGMENT_POINTS,
    compare,
    first_order_coefficients,
    measure_pair,
)
from maml_landscape.registry import check
from maml_landscape.theory.inequality_up_to_alpha2 import (
    RULE,
    TALLY_HEADERS,
    FormTally,
    combined_verdict,
)
from maml_landscape.verdicts import Choice, Outcome, Verdict

#: family -> ((variance of task a, of task b), range of the teacher scale c in W_b* = c W_a* + 0.4 G).
FAMILIES = {
    "Σ = I, similar teachers": ((1.0, 1.0), (0.6, 1.5)),
    "Σ = I, teacher norms ×2-3": ((1.0, 1.0), (2.0, 3.0)),
    "Σ = 0.5I vs I (Figure 4)": ((0.5, 1.0), (0.6, 1.5)),
}
#: The families in Theorem 1's setting (Σ_i = I).
THEOREM_FAMILIES = ("Σ = I, similar teachers", "Σ = I, teacher norms ×2-3")
ALPHA_FRACTIONS = {"quick": (0.5, 0.9), "paper": (0.1, 0.25, 0.5, 0.75, 0.9, 1.0)}
PAIRS_PER_CELL = {"quick": 1, "paper": 2}
#: Neuron counts per (family, σ) cell: quick alternates M = 1, 2 across cells; paper runs both.
NEURONS = {"quick": None, "paper": (1, 2)}
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
def _sweep(profile: str, seed: int) -> tuple[PairRecord, ...]:
    """All task pairs of one profile, solved and measured (shared by the three checks)."""
    rng = np.random.default_rng(seed)
    records = []
    for f, (family, (variances, scale)) in enumerate(FAMILIES.items()):
        for a, activation in enumerate(ACTIVATIONS):
            for M in NEURONS[profile] or (1 + (f + a) % 2,):
                for n in range(PAIRS_PER_CELL[profile]):
                    teachers = _teachers(rng, M, scale)
                    tasks = [NeuronTask(t, activation, v) for t, v in zip(teachers, variances)]
                    label = f"{activation}, M={M}, {family}, #{n}"
                    records.append(_solve_pair(label, family, tasks, ALPHA_FRACTIONS[profile]))
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


def _tally(records, form: str, variant: str, hypotheses: str, families: tuple[str, ...] | None):
    """Tally ``form`` over measurements meeting ``hypotheses`` ("theorem"/"lemma") under ``variant`` bounds.

    Returns ``(tally, others, region)``: ``others`` counts the instances outside the hypotheses
    (and, when ``families`` is given, outside those families) with their violations;
    ``region`` where the exact form held among the tested instances.
    """
    tally = FormTally(form)
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
            tally.add_first_order(gap, gap > FIRST_ORDER_TOLERANCE * max(1.0, abs(fo[f"c1 {form}"])))
        for m in record.measurements:
            c = compare(m, variant)
            excess = c.measured(form) - c.printed(form)
            violated = excess > VIOLATION_TOLERANCE
            holds = c.theorem_hypotheses if hypotheses == "theorem" else c.lemma_hypotheses
            if form == "eq. 29" and c.alpha * max(c.L1, c.L2) >= 1:
                holds = False
            if in_family and holds:
                region.add(c.alpha * max(c.L1, c.L2), excess, c.alpha)
                tally.add_instance(excess, c.alpha, violated,
                                   {"pair": record.label, "alpha": c.alpha, "ratio": c.measured(form),
                                    "printed_constant": c.printed(form), "beta1": c.beta1, "L1": c.L1,
                                    "beta2": c.beta2, "L2": c.L2})
            else:
                others["instances"] += 1
                others["violations"] += int(violated)
    return tally, others, region


def _interpretation(records) -> dict[str, tuple[int, int]]:
    """Per family: instances meeting Theorem 1's hypotheses with β_2 > L_1, and those with ratio < 1."""
    counts = {family: [0, 0] for family in FAMILIES}
    for record in records:
        for m in record.measurements if record.converged else ():
            c = compare(m, "segment")
            if c.theorem_hypotheses and c.beta2 > c.L1:
                counts[record.family][0] += 1
                counts[record.family][1] += int(c.ratio < 1)
    return {family: tuple(n) for family, n in counts.items()}


def _solver_summary(records) -> dict:
    converged = [r for r in records if r.converged]
    return {
        "pairs": len(records),
        "converged_pairs": len(converged),
        "max_maml_gradient_norm": max((r.max_stationarity for r in converged), default=None),
        "max_nal_gradient_norm": max((r.nal_gradient_norm for r in converged), default=None),
        "first_order_formula_vs_richardson": max(
            (abs(r.small_alpha_slopes["pre"] - r.first_order["r1_pre"]) for r in converged), default=None),
    }


def _choices(ctx: CheckContext) -> list[Choice]:
    return [
        Choice("d, M", "d = 2, M ∈ {1, 2}", "the theorem allows any d, M; M ≤ d keeps s_{i,M} > 0 (finite κ_i)"),
        Choice("teachers", "W_a* with singular values in [0.5, 2]; W_b* = c W_a* + 0.4 G, c ~ U[0.6, 1.5] "
               "(similar) or U[2, 3] (norms ×2-3)",
               "nearby teachers so that the stationary point can lie in S_1 ∩ S_2; scaled ones for β_2 > L_1"),
        Choice("alpha", f"{{2·10⁻³, 10⁻³}}/L̂ and {ALPHA_FRACTIONS[ctx.profile]}/L̂, "
               "L̂ = max_i λ_max(∇²f_i(W_NAL))", "Theorem 1 allows α ≤ 1/L_2; checked at each point"),
        Choice("pairs per (family, σ, M)", PAIRS_PER_CELL[ctx.profile],
               f"profile {ctx.profile}; M per (family, σ): {NEURONS[ctx.profile] or 'alternating 1, 2'}"),
        Choice("solver tolerance", f"‖∇F‖₂ ≤ {GRADIENT_TOLERANCE:g}", "quadrature error of gradients ≈ 1e-10"),
        Choice("segment points", SEGMENT_POINTS, "Hessian bounds over [W, W - α∇f_i(W)] sampled at equal spacing"),
        Choice("violation tolerance", VIOLATION_TOLERANCE, "r - C above this counts as a violation"),
    ]


def _seeds(ctx: CheckContext) -> dict[str, int]:
    return {"task pairs": ctx.seed_for("S4.THM1/network-pairs")}


def _outcome(ctx: CheckContext, verdict: Verdict, summary: str, evidence: list, data: dict) -> Outcome:
    """An outcome of a network check, with the sweep's choices and seeds."""
    return Outcome(verdict=verdict, summary=summary, evidence=evidence, choices=_choices(ctx), seeds=_seeds(ctx),
                   data=data)


def _records(ctx: CheckContext):
    return _sweep(ctx.profile, ctx.seed_for("S4.THM1/network-pairs"))


def _worst_text(tally: FormTally) -> str:
    w = tally.worst_instance
    if not w:
        return f"{tally.form}: no admissible instance"
    return (f"{tally.form}: worst $r - C$ = {tally.worst_excess:.3g} (($r - C)/\\alpha^2$ = "
            f"{tally.worst_normalized:.3g}) at {w['pair']}, α = {w['alpha']:.4g}: r = {w['ratio']:.6g}, "
            f"C = {w['printed_constant']:.6g}, β₁ = {w['beta1']:.4g}, L₁ = {w['L1']:.4g}, "
            f"β₂ = {w['beta2']:.4g}, L₂ = {w['L2']:.4g}")


@check("S4.THM1")
def theorem1_networks(ctx: CheckContext) -> Outcome:
    """Eq. (13) at MAML stationary points of network task pairs with Σ_i = I (segment curvature bounds)."""
    records = _records(ctx)
    tallies, others, regions = {}, {}, {}
    for form in ("eq. 13", "eq. 36", "eq. 29"):
        tallies[form], others[form], regions[form] = _tally(records, form, "segment", "theorem", THEOREM_FAMILIES)
    point13, _, _ = _tally(records, "eq. 13", "point", "theorem", THEOREM_FAMILIES)
    verdict = tallies["eq. 13"].verdict
    t13 = tallies["eq. 13"]
    interpretation = _interpretation(records)
    solver = _solver_summary(records)
    summary = (f"networks (Σ = I, β/L over the adaptation segments): eq. 13 exact violations "
               f"{t13.exact_violations}/{t13.tested}, first-order violations {t13.first_order_violations}/"
               f"{t13.pairs_tested}; worst $(r - C)/\\alpha^2$ = {t13.worst_normalized:.3g}; eq. 36 violations "
               f"{tallies['eq. 36'].exact_violations}/{tallies['eq. 36'].tested}; "
               f"{others['eq. 13']['instances']} instances outside the hypotheses")
    if verdict is not Verdict.HOLDS:
        summary += f"; measured error: {regions['eq. 13'].text('eq. 13')}"
    evidence = [
        Text(f"Rule for '+ O(α²)': {RULE}. Hypotheses counted: $0 < \\beta_1 < \\beta_2$, $L_1 < L_2$, "
             "$\\alpha \\le 1/L_2$ with $\\beta_i, L_i$ the extreme Hessian eigenvalues of $f_i$ over $W_{MAML}$ "
             "and the segment $[W_{MAML}, W_{MAML} - \\alpha\\nabla f_i]$ (the printed $\\beta_i, L_i$ have "
             "unstated constants)."),
        Table(TALLY_HEADERS, tuple(tallies[f].row() for f in tallies) + (("eq. 13 (bounds at the point only)",)
              + point13.row()[1:],), caption="Network instances satisfying Theorem 1's hypotheses (Σ = I)."),
        Text(_worst_text(t13)),
        Text("Measured error and region (segment bounds): "
             + "; ".join(regions[f].text(f) for f in tallies) + "."),
        Table(("family", "instances with hypotheses and β₂ > L₁", "of which ‖∇f₁‖ < ‖∇f₂‖"),
              tuple((f, *counts) for f, counts in interpretation.items()),
              caption="Interpretation: 'the hard task has the smaller gradient norm when β₂ > L₁' "
                      "(Theorem 1's hypotheses with segment bounds; Σ = 0.5I rows are outside Σ_i = I)."),
        Table(("printed form", "instances outside hypotheses or family", "violations there"),
              tuple((f, o["instances"], o["violations"]) for f, o in others.items()),
              caption="Not tests of the theorem (hypotheses fail, or Σ_1 = 0.5I as in Figure 4)."),
        Text(f"Solver: {solver['converged_pairs']}/{solver['pairs']} pairs converged; max ‖∇F_∞‖ = "
             f"{solver['max_maml_gradient_norm']}, max ‖∇F_NAL‖ = {solver['max_nal_gradient_norm']}; derived "
             f"first-order coefficient vs Richardson estimate: max difference "
             f"{solver['first_order_formula_vs_richardson']}."),
    ]
    return _outcome(
        ctx, verdict, summary, evidence,
        data={"eq13": t13.as_data(), "eq36": tallies["eq. 36"].as_data(), "eq29": tallies["eq. 29"].as_data(),
              "exact_region": {f: r.as_data() for f, r in regions.items()},
              "eq13_point_bounds": point13.as_data(), "outside_hypotheses": others,
              "interpretation": {f: {"admissible_with_beta2_gt_L1": n, "hard_task_smaller_gradient": k}
                                 for f, (n, k) in interpretation.items()},
              "solver": solver},
    )


@check("B.LEMMA1")
def lemma1_networks(ctx: CheckContext) -> Outcome:
    """Eqs. (29) and (36) at MAML stationary points of network pairs, Hessian bounds at the point (eq. 28)."""
    records = _records(ctx)
    tallies, others, regions = [], [], []
    for form in ("eq. 29", "eq. 36"):
        tally, other, region = _tally(records, form, "point", "lemma", None)
        tallies.append(tally)
        others.append(other)
        regions.append(region)
    segment36, _, _ = _tally(records, "eq. 36", "segment", "lemma", None)
    verdict = combined_verdict(tallies)
    summary = (f"networks (both families, β/L at $W_{{MAML}}$ as in eq. 28): eq. 29 violations "
               f"{tallies[0].exact_violations}/{tallies[0].tested}; eq. 36 violations "
               f"{tallies[1].exact_violations}/{tallies[1].tested} (worst $(r-C)/\\alpha^2$ = "
               f"{tallies[1].worst_normalized:.3g}); with segment bounds eq. 36 violations "
               f"{segment36.exact_violations}/{segment36.tested}")
    evidence = [
        Text(f"Rule for '+ O(α²)': {RULE}. Eq. (31) is exact for any smooth $f_i$, so eq. (29) needs no "
             "remainder given eq. (28) at $W_{MAML}$; eqs. (34)-(35) are exact in mean-value form with Hessians "
             "averaged over the segments, so eq. (36) is exact with segment bounds and may exceed the printed "
             "constant by $O(\\alpha^2)$ with bounds at the point only."),
        Table(TALLY_HEADERS, tuple(t.row() for t in tallies) + (("eq. 36 (segment bounds)",) + segment36.row()[1:],),
              caption="Instances satisfying Lemma 1's hypotheses ($0 < \\beta_1 < \\beta_2$, $\\alpha < 1/\\max L_i$)."),
        Text(_worst_text(tallies[0])),
        Text(_worst_text(tallies[1])),
        Text("Measured error and region (bounds at the point): "
             + "; ".join(r.text(t.form) for r, t in zip(regions, tallies)) + "."),
        Table(("printed form", "instances outside hypotheses", "violations there"),
              tuple((t.form, o["instances"], o["violations"]) for t, o in zip(tallies, others))),
    ]
    return _outcome(
        ctx, verdict, summary, evidence,
        data={"eq29": tallies[0].as_data(), "eq36": tallies[1].as_data(),
              "eq36_segment_bounds": segment36.as_data(),
              "exact_region": {f: r.as_data() for f, r in zip(("eq29", "eq36"), regions)},
              "outside_hypotheses": dict(zip(("eq29", "eq36"), others)), "solver": _solver_summary(records)},
    )


@check("S4.NAL")
def nal_networks(ctx: CheckContext) -> Outcome:
    """‖∇f_1‖ = ‖∇f_2‖ at NAL stationary points of network task pairs (both families)."""
    records = [r for r in _records(ctx) if r.nal_gradient_norm <= GRADIENT_TOLERANCE]
    if not records:
        return Outcome(Verdict.NOT_CHECKED, "no NAL stationary point was found to tolerance")
    # ∇F_NAL = ½(∇f_1 + ∇f_2), so at a point with ‖∇F_NAL‖ ≤ tol the norms may differ by ≤ 2 tol
    # (plus rounding): the tolerance is set a priori from the solver's stopping rule.
    rel = [abs(r.nal_norms[0] - r.nal_norms[1]) / max(r.nal_norms) for r in records]
    allowed = [(2 * GRADIENT_TOLERANCE + 1e-13) / max(r.nal_norms) for r in records]
    worst = int(np.argmax(np.array(rel) / np.array(allowed)))
    verdict = Verdict.HOLDS if all(x <= a for x, a in zip(rel, allowed)) else Verdict.FAILS
    return _outcome(
        ctx, verdict,
        summary=(f"networks: at {len(records)} NAL stationary points ($\\|\\nabla F_{{NAL}}\\| \\le$ "
                 f"{GRADIENT_TOLERANCE:g}) the relative difference of $\\|\\nabla f_1\\|$ and "
                 f"$\\|\\nabla f_2\\|$ is at most {max(rel):.2g}, within the solver bound"
                 if verdict is Verdict.HOLDS else
                 f"networks: NAL gradient norms differ beyond the solver bound at {records[worst].label}"),
        evidence=[Table(("pair", "‖∇f₁‖", "‖∇f₂‖", "‖∇F_NAL‖"),
                        tuple((r.label, f"{r.nal_norms[0]:.10g}", f"{r.nal_norms[1]:.10g}",
                               f"{r.nal_gradient_norm:.2g}") for r in records)),
                  Text("For any losses, $\\nabla F_{NAL} = \\tfrac12(\\nabla f_1 + \\nabla f_2)$, so stationarity "
                       "forces $\\nabla f_1 = -\\nabla f_2$: this is a consistency check of the solver and the "
                       "gradients (allowed relative difference $2\\,\\mathrm{tol}/\\max_i\\|\\nabla f_i\\|$); "
                       f"closest to the bound: {records[worst].label}.")],
        data={"pairs": len(records), "max_relative_difference": max(rel)},
    )
