"""Theorem 1 (eq. 13), Lemma 1 (eqs. 29, 36) and the NAL identity on two-layer network tasks.

Two tasks in d = 2 with M ∈ {1, 2} neurons, σ ∈ {ReLU, Softplus, Sigmoid, tanh}, in two
families: ``Σ_1 = Σ_2 = I`` (Theorem 1's setting, hardness through the teacher weights)
and ``Σ_1 = 0.5 I``, ``Σ_2 = I`` (Figure 4's hardness through the data variance). The pairs
are solved and measured in :mod:`maml_landscape.numerics.two_layer_pairs` and
compared with the printed constants under the rule of
:mod:`maml_landscape.theory.inequality_up_to_alpha2`. Only instances satisfying the
hypotheses count as tests; the others are reported separately.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from maml_landscape.context import CheckContext
from maml_landscape.evidence import Table, Text
from maml_landscape.numerics import two_layer_pairs as pairs
from maml_landscape.numerics.stationary import GRADIENT_TOLERANCE
from maml_landscape.numerics.theorem1_measurements import SEGMENT_POINTS
from maml_landscape.profiles import Sizes
from maml_landscape.registry import check
from maml_landscape.theory import inequality_up_to_alpha2 as up_to_alpha2
from maml_landscape.verdicts import Choice, Outcome, Verdict


@dataclass(frozen=True)
class NetworkSizes:
    """The sweep of one profile: α as fractions of 1/L̂, task pairs per cell, neuron counts per cell."""

    alpha_fractions: tuple[float, ...]
    pairs_per_cell: int
    alternate_neurons: bool  # M alternates between 1 and 2 across (family, σ) cells; else both in each


SIZES = Sizes(
    quick=NetworkSizes(alpha_fractions=(0.5, 0.9), pairs_per_cell=1, alternate_neurons=True),
    paper=NetworkSizes(alpha_fractions=(0.1, 0.25, 0.5, 0.75, 0.9, 1.0), pairs_per_cell=2, alternate_neurons=False),
)


def _choices(ctx: CheckContext) -> list[Choice]:
    s = SIZES.of(ctx)
    return [
        Choice("d, M", "d = 2, M ∈ {1, 2}", "the theorem allows any d, M; M ≤ d keeps s_{i,M} > 0 (finite κ_i)"),
        Choice("teachers", "W_a* with singular values in [0.5, 2]; W_b* = c W_a* + 0.4 G, c ~ U[0.6, 1.5] "
               "(similar) or U[2, 3] (norms ×2-3)",
               "nearby teachers so that the stationary point can lie in S_1 ∩ S_2; scaled ones for β_2 > L_1"),
        Choice("alpha", f"{{2·10⁻³, 10⁻³}}/L̂ and {s.alpha_fractions}/L̂, "
               "L̂ = max_i λ_max(∇²f_i(W_NAL))", "Theorem 1 allows α ≤ 1/L_2; checked at each point"),
        Choice("pairs per (family, σ, M)", s.pairs_per_cell,
               f"profile {ctx.profile}; M per (family, σ): "
               f"{'alternating 1, 2' if s.alternate_neurons else pairs.NEURON_COUNTS}"),
        Choice("solver tolerance", f"‖∇F‖₂ ≤ {GRADIENT_TOLERANCE:g}", "quadrature error of gradients ≈ 1e-10"),
        Choice("segment points", SEGMENT_POINTS, "Hessian bounds over [W, W - α∇f_i(W)] sampled at equal spacing"),
        Choice("violation tolerance", pairs.VIOLATION_TOLERANCE, "r - C above this counts as a violation"),
    ]


def _seeds(ctx: CheckContext) -> dict[str, int]:
    return {"task pairs": ctx.seed_for("S4.THM1/network-pairs")}


def _outcome(ctx: CheckContext, verdict: Verdict, summary: str, evidence: list, data: dict) -> Outcome:
    """An outcome of a network check, with the sweep's choices and seeds."""
    return Outcome(verdict=verdict, summary=summary, evidence=evidence, choices=_choices(ctx), seeds=_seeds(ctx),
                   data=data)


def _records(ctx: CheckContext):
    s = SIZES.of(ctx)
    return pairs.sweep(s.alpha_fractions, s.pairs_per_cell, s.alternate_neurons, ctx.seed_for("S4.THM1/network-pairs"))


def _worst_text(tally: up_to_alpha2.FormTally) -> str:
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
        tallies[form], others[form], regions[form] = pairs.tally(records, form, "segment", "theorem",
                                                                 pairs.THEOREM_FAMILIES)
    point13, _, _ = pairs.tally(records, "eq. 13", "point", "theorem", pairs.THEOREM_FAMILIES)
    verdict = tallies["eq. 13"].verdict
    t13 = tallies["eq. 13"]
    interpretation = pairs.interpretation(records)
    solver = pairs.solver_summary(records)
    summary = (f"networks (Σ = I, β/L over the adaptation segments): eq. 13 exact violations "
               f"{t13.exact_violations}/{t13.tested}, first-order violations {t13.first_order_violations}/"
               f"{t13.pairs_tested}; worst $(r - C)/\\alpha^2$ = {t13.worst_normalized:.3g}; eq. 36 violations "
               f"{tallies['eq. 36'].exact_violations}/{tallies['eq. 36'].tested}; "
               f"{others['eq. 13']['instances']} instances outside the hypotheses")
    if verdict is not Verdict.HOLDS:
        summary += f"; measured error: {regions['eq. 13'].text('eq. 13')}"
    evidence = [
        Text(f"Rule for '+ O(α²)': {up_to_alpha2.RULE}. Hypotheses counted: $0 < \\beta_1 < \\beta_2$, $L_1 < L_2$, "
             "$\\alpha \\le 1/L_2$ with $\\beta_i, L_i$ the extreme Hessian eigenvalues of $f_i$ over $W_{MAML}$ "
             "and the segment $[W_{MAML}, W_{MAML} - \\alpha\\nabla f_i]$ (the printed $\\beta_i, L_i$ have "
             "unstated constants)."),
        Table(up_to_alpha2.TALLY_HEADERS,
              tuple(tallies[f].row() for f in tallies) + (("eq. 13 (bounds at the point only)",) + point13.row()[1:],),
              caption="Network instances satisfying Theorem 1's hypotheses (Σ = I)."),
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
        tally, other, region = pairs.tally(records, form, "point", "lemma", None)
        tallies.append(tally)
        others.append(other)
        regions.append(region)
    segment36, _, _ = pairs.tally(records, "eq. 36", "segment", "lemma", None)
    verdict = up_to_alpha2.combined_verdict(tallies)
    summary = (f"networks (both families, β/L at $W_{{MAML}}$ as in eq. 28): eq. 29 violations "
               f"{tallies[0].exact_violations}/{tallies[0].tested}; eq. 36 violations "
               f"{tallies[1].exact_violations}/{tallies[1].tested} (worst $(r-C)/\\alpha^2$ = "
               f"{tallies[1].worst_normalized:.3g}); with segment bounds eq. 36 violations "
               f"{segment36.exact_violations}/{segment36.tested}")
    evidence = [
        Text(f"Rule for '+ O(α²)': {up_to_alpha2.RULE}. Eq. (31) is exact for any smooth $f_i$, so eq. (29) needs no "
             "remainder given eq. (28) at $W_{MAML}$; eqs. (34)-(35) are exact in mean-value form with Hessians "
             "averaged over the segments, so eq. (36) is exact with segment bounds and may exceed the printed "
             "constant by $O(\\alpha^2)$ with bounds at the point only."),
        Table(up_to_alpha2.TALLY_HEADERS,
              tuple(t.row() for t in tallies) + (("eq. 36 (segment bounds)",) + segment36.row()[1:],),
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
              "outside_hypotheses": dict(zip(("eq29", "eq36"), others)), "solver": pairs.solver_summary(records)},
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
