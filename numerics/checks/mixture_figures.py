"""Figs. 1 and 3 (Secs. 1, 3.2): the hard/easy mixture's risks against the printed panels.

Risks are Proposition 1's, exact and linear in R², r_H and r_E
(:mod:`maml_landscape.numerics.figures.mixture_risks`); Fig. 1's unstated (R, r_H, r_E)
are scanned in :mod:`maml_landscape.numerics.figures.fig1`; Fig. 3's SGD runs, shared with
C1.SGD, and their agreement rule are in :mod:`maml_landscape.numerics.figures.sgd_runs`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from maml_landscape import sensitivity
from maml_landscape.context import CheckContext
from maml_landscape.evidence import Table, Text
from maml_landscape.numerics.figures import fig1, fig3, printed, sgd_runs
from maml_landscape.numerics.figures.common import mean_and_halfwidth
from maml_landscape.numerics.figures.mixture_risks import SIGNIFICANT_GAIN
from maml_landscape.plotting import figure_evidence
from maml_landscape.registry import check
from maml_landscape.sensitivity import Reading
from maml_landscape.verdicts import Choice, Outcome, Verdict, graded

#: The reading of Sec. 1's "E(w_NAL)/E(w_MAML) ≈ 3" in Fig. 1(d) that S32.FIG1 rests on (swept in the evidence).
FIG1_READINGS = (
    Reading("approximately", "E(w_NAL)/E(w_MAML) ≈ 3 in (d) (Sec. 1)", "ratio within 3 ± {}", fig1.RATIO_D_SLACK,
            0.05, 2.0, log=True, reason="the printed ratio to one significant digit"),
)


@dataclass(frozen=True)
class Figure1Findings:
    """Fig. 1's panels judged under one reading of "≈ 3" (:meth:`of`).

    Attributes:
        reproducible: every panel has choices that reproduce its printed axis (and in (d) the ratio).
        ratios: E(w_NAL*)/E(w_MAML*) of each panel's chosen (R, r_H, r_E).
        ranges: the ratio's range over each panel's matching choices (None: no matching choice).
        robust_d: the ratio in (d) exceeds that in (a)-(c) for every matching choice.
    """

    reproducible: bool
    ratios: list[float]
    ranges: list[tuple[float, float] | None]
    robust_d: bool

    @classmethod
    def of(cls, scans: Sequence[fig1.PanelScan]) -> Figure1Findings:
        ratios = [scan.chosen.ratio for scan in scans]
        ranges = [(min(c.ratio for c in sc.matching), max(c.ratio for c in sc.matching)) if sc.matching else None
                  for sc in scans]
        robust_d = ranges[3] is not None and all(r is None or r[1] < ranges[3][0] for r in ranges[:3])
        return cls(all(scan.matching for scan in scans), ratios, ranges, robust_d)

    @property
    def verdict(self) -> Verdict:
        """Holds if every panel is reproducible and MAML's gain is largest in (d) for every matching choice;
        approximate if only the chosen figure shows it (the chosen ratio largest in (d)); else fails."""
        largest_in_d = self.ratios[3] == max(self.ratios)
        return graded(self.reproducible and largest_in_d and self.robust_d, self.reproducible and largest_in_d)


def figure1_verdict(scans: Sequence[fig1.PanelScan], approximately: float = fig1.RATIO_D_SLACK) -> Verdict:
    """S32.FIG1's verdict with "≈ 3" read as 3 ± ``approximately`` (:func:`~.fig1.rematch`; no new risks)."""
    return Figure1Findings.of([fig1.rematch(scan, approximately) for scan in scans]).verdict


@check("S32.FIG1")
def figure1(ctx: CheckContext) -> Outcome:
    scans = fig1.scan_all()
    rho_a = scans[0].setting.rho_h
    rho_h_intro = printed.FIG1_RHO_E * printed.FIG1_RHO_RATIO_D_INTRO
    alternative = fig1.scan_all(rho_a, rho_h_intro)[3]
    panel_a = [(rho, len(fig1.scan_panel(0, fig1.panel_setting(0, rho)).matching)) for rho in fig1.PANEL_A_RHOS]
    found = Figure1Findings.of(scans)
    reproducible, ratios, ranges, robust_d = found.reproducible, found.ratios, found.ranges, found.robust_d
    sweeps = sensitivity.sweep_each(FIG1_READINGS, lambda approximately: figure1_verdict(scans, approximately))
    rows = []
    for scan, r in zip(scans, ranges):
        c = scan.chosen
        rows.append(("abcd"[scan.panel], f"{scan.setting.rho_h:.3g}/{scan.setting.rho_e:.3g}",
                     printed.FIG1_RISK_AXIS_MAX[scan.panel], f"{len(scan.matching)}/{len(scan.titled)}",
                     f"R={c.R}, r_H={c.r_h}, r_E={c.r_e}", f"{c.nal:.3g}", f"{c.maml:.3g}", f"{c.ratio:.2f}",
                     "-" if r is None else f"{r[0]:.2f}-{r[1]:.2f}"))
    figure = figure_evidence(fig1.plot(scans, ctx.rng("S32.FIG1/tasks")), "fig1",
                             "Fig. 1 regenerated with the chosen (R, r_H, r_E); dotted lines: printed axis ends; "
                             "dashed outline in (d): the NAL bar at Sec. 1's ratio ≈ 3.",
                             reproduces="Figure 1")
    return Outcome(
        verdict=found.verdict,
        summary=(f"all four printed axis ranges and the ratio ≈ 3 of (d) are reproducible by grid choices of "
                 f"(R, r_H, r_E): {reproducible}; MAML's gain is largest in (d) for every matching choice: "
                 f"{robust_d} (ratios {', '.join(f'{x:.2f}' for x in ratios)})"),
        evidence=[
            Text("Scan: R over " + str(fig1.R_GRID) + ", r_H and r_E over " + str(fig1.SPREAD_GRID) +
                 "; a choice obeys a panel's title when Large R means R ≥ 1, Small R means R ≤ 0.5, "
                 "Large r_H means r_H ≥ 1, Small r_H means r_H ≤ 0.5, and (II) means R²/r_H ≥ 4 "
                 "(not (II): ≤ 2). It matches the printed figure when the larger bar fills 60-100% of the "
                 "printed axis and, in (d), E(w_NAL*)/E(w_MAML*) lies in [2.5, 3.5]. Rule: holds if every "
                 "panel has matching choices and MAML's gain in (d) exceeds that in (a)-(c) for every "
                 "matching choice (ranges in the last column); approximate if only the chosen figure shows it."),
            Table(("panel", "ρ_H/ρ_E values", "printed axis end", "matching/titled", "chosen", "E(w_NAL*)",
                   "E(w_MAML*)", "ratio", "ratio range (matching)"), tuple(rows)),
            Text(f"Panel (a)'s common ρ (ρ_H = ρ_E), number of matching choices: {panel_a}. "
                 f"Sec. 1 says (d) has ρ_H/ρ_E = {printed.FIG1_RHO_RATIO_D_INTRO:g} while Sec. 3.2 gives ρ_H = "
                 f"{printed.FIG1_RHO_H:g}, ρ_E = {printed.FIG1_RHO_E:g} (ratio "
                 f"{printed.FIG1_RHO_H / printed.FIG1_RHO_E:.2f}); with ρ_H = {rho_h_intro:.3g}: "
                 f"{len(alternative.matching)} matching choices, chosen ratio {alternative.chosen.ratio:.2f} — "
                 + ("both readings reproduce the panel." if alternative.matching and scans[3].matching
                    else "the two readings do not both reproduce the panel.")),
            figure,
            *sensitivity.evidence(sweeps),
        ],
        choices=[
            Choice("α", "1/0.9", "the natural choice 1/ρ_E of Sec. 3.1, in all panels"),
            Choice("n2", printed.FIG1_M, "n2 = m (unstated)"),
            Choice("ρ in panel (a)", rho_a, "only ρ_H/ρ_E = 1 is given; the largest of 0.9, 0.5, 0.1 that "
                                             "reproduces the axis"),
            Choice("(R, r_H, r_E) per panel", [(s.chosen.R, s.chosen.r_h, s.chosen.r_e) for s in scans],
                   "unstated; the matching grid choice closest to the printed axis (and ratio 3 in (d))"),
            *(r.choice() for r in FIG1_READINGS),
        ],
        seeds={"sampled task solutions": ctx.seed_for("S32.FIG1/tasks")},
        data={"ratios": ratios, "matching": [len(s.matching) for s in scans], "robust_d": robust_d,
              "sensitivity": sensitivity.data(sweeps)},
    )


def _sensitivity_rows() -> list[tuple]:
    """Fig. 3's claim and axes in the other settings of :func:`~.fig3.sensitivity`, as table rows."""
    rows = []
    for x in fig3.sensitivity():
        fits = x.largest_risk <= printed.FIG3_RISK_AXIS[1] and max(x.ratio_b, x.ratio_d) <= printed.FIG3_RATIO_AXIS[1]
        claim = x.ratio_d >= SIGNIFICANT_GAIN > x.ratio_b
        rows.append((f"{x.setting.rho_h:.3g}/{x.setting.rho_e:.3g}", x.setting.m, f"{x.largest_risk:.2f}",
                     f"{x.ratio_b:.2f}", f"{x.ratio_d:.2f}", fits, claim))
    return rows


#: The readings of Sec. 3.2's "significantly outperforms" and App. C.1's agreement that S32.FIG3 rests on.
FIG3_READINGS = (
    Reading("significant", "MAML significantly outperforms NAL", "E(w_NAL*)/E(w_MAML*) ≥ {}", SIGNIFICANT_GAIN,
            1.05, 4.0, log=True, reason="H.GAIN's substantial gain"),
    sgd_runs.SLACK_READING,
)


def figure3_verdict(ratio_b: float, ratio_d: float, axis_ok: bool, comparisons: Sequence[sgd_runs.Comparison],
                    significant: float = SIGNIFICANT_GAIN, slack: float = sgd_runs.AGREEMENT_SLACK) -> Verdict:
    """S32.FIG3's rule: the claim is E(w_NAL*)/E(w_MAML*) ≥ ``significant`` in (c)-(d) and below it in (a)-(b)
    (``ratio_d``, ``ratio_b``; eq. (12) predicts 1 + R²/r_H); holds if the claim holds, theory fits the printed
    axes (``axis_ok``) and SGD agrees with theory (:func:`~.sgd_runs.agreement` with ``slack``); approximate
    if only the claim holds; else fails."""
    claim = ratio_d >= significant > ratio_b
    return graded(claim and axis_ok and sgd_runs.agreement(comparisons, slack)[1], claim)


@check("S32.FIG3")
def figure3(ctx: CheckContext) -> Outcome:
    s = sgd_runs.SIZES.of(ctx)
    setting = fig3.DEFAULT_SETTING
    R_theory = np.linspace(0.0, 5.0, 101)
    nal, maml = fig3.theory(setting, R_theory)
    positive = R_theory > 0
    ratio_b, ratio_d = (float(np.median(nal[k, positive] / maml[k, positive])) for k in (0, 1))
    flat = all(np.ptp(nal[k, positive] / maml[k, positive]) < 1e-9 for k in (0, 1))
    sgd = sgd_runs.figure3_runs(s, ctx.seed_for("S32.FIG3/sgd"))
    nal_at, maml_at = fig3.theory(setting, sgd.R)
    comparisons, rows = [], []
    for k in (0, 1):
        scale = max(nal_at[k].max(), maml_at[k].max())
        emp_ratio, ratio_half = mean_and_halfwidth(sgd.nal_risk[k] / sgd.maml_risk[k])
        for j, R in enumerate(sgd.R):
            for values, predicted in ((sgd.nal_risk[k, j], nal_at[k, j]), (sgd.maml_risk[k, j], maml_at[k, j])):
                mean, half = mean_and_halfwidth(values, level=sgd_runs.AGREEMENT_LEVEL)
                comparisons.append((mean, half, predicted, scale))
            rows.append((str(printed.FIG3_SETTINGS[k]), f"{R:.1f}", f"{nal_at[k, j]:.3f}",
                         f"{sgd.nal_risk[k, j].mean():.3f}", f"{maml_at[k, j]:.3f}", f"{sgd.maml_risk[k, j].mean():.3f}",
                         f"{nal_at[k, j] / maml_at[k, j]:.2f}", f"{emp_ratio[j]:.2f} ± {ratio_half[j]:.2f}"))
    top = float(max(nal.max(), maml.max(), sgd.nal_risk.mean(-1).max()))
    axis_ok = top <= printed.FIG3_RISK_AXIS[1] and max(ratio_b, ratio_d) <= printed.FIG3_RATIO_AXIS[1]
    agree, total = sgd_runs.agreement(comparisons)[0], len(comparisons)
    settings = _sensitivity_rows()
    claim_everywhere = all(row[-1] for row in settings)
    figure = figure_evidence(fig3.plot(setting, R_theory, sgd), "fig3",
                             "Fig. 3 regenerated: theory lines, SGD means with 95% t-intervals; dashed: eq. (12).",
                             reproduces="Figure 3")

    def decide(significant: float, slack: float) -> Verdict:
        return figure3_verdict(ratio_b, ratio_d, axis_ok, comparisons, significant, slack)

    sweeps = sensitivity.sweep_each(FIG3_READINGS, decide)
    eq12 = " and ".join(f"{1 + k_h:g}" for k_h, _ in printed.FIG3_SETTINGS)
    return Outcome(
        verdict=decide(**sensitivity.values(FIG3_READINGS)),
        summary=(f"theory ratio E(w_NAL*)/E(w_MAML*) = {ratio_b:.2f} in (b), {ratio_d:.2f} in (d), "
                 f"{'flat' if flat else 'not flat'} in R; SGD agrees at {agree}/{total} points; claim holds for "
                 f"{sum(r[-1] for r in settings)}/{len(settings)} (ρ_H/ρ_E, m) choices"),
        evidence=[
            Text(f"Rule: 'MAML significantly outperforms NAL' means a risk ratio ≥ {SIGNIFICANT_GAIN}; the claim "
                 f"holds if the ratio is ≥ {SIGNIFICANT_GAIN} in (c)-(d) and < {SIGNIFICANT_GAIN} in (a)-(b). The "
                 "verdict holds if the claim holds for the chosen setting, theory fits the printed axes (risk ≤ "
                 f"{printed.FIG3_RISK_AXIS[1]:g}, ratio ≤ {printed.FIG3_RATIO_AXIS[1]:g}), and "
                 f"{sgd_runs.agreement_rule(total)} with theory ({100 * sgd_runs.AGREEMENT_LEVEL:.0f}% CI + "
                 f"{100 * sgd_runs.AGREEMENT_SLACK:.0f}% of the panel's largest risk); approximate if only the "
                 "claim holds."),
            Text(f"Because r_H = R²/k_H and r_E = R²/k_E, every risk is R² times a constant (Corollary 1 is "
                 f"linear in R², r_H, r_E): the theoretical ratio is flat in R ({flat}). Eq. (12)'s 1 + R²/r_H "
                 f"would give {eq12}; the exact ratios are {ratio_b:.2f} and {ratio_d:.2f}."),
            Text(f"{s.reduction}: R grid {s.fig3_R}, {s.repetitions} repetitions, 5,000 iterations."),
            Table(("(R²/r_H, R²/r_E)", "R", "E(w_NAL*)", "E(w_NAL) SGD", "E(w_MAML*)", "E(w_MAML) SGD",
                   "ratio theory", "ratio SGD (95% CI)"), tuple(rows)),
            Table(("ρ_H/ρ_E", "m = n2", "largest risk at R = 5", "ratio (b)", "ratio (d)", "fits printed axes",
                   "claim holds"), tuple(settings),
                  caption="Sensitivity to the unstated ρ_H, ρ_E and m (d = 10, α = 1/ρ_E)."),
            figure,
            *sensitivity.evidence(sweeps),
        ],
        choices=[Choice("setting", str(setting), "unstated; Fig. 1's stated ρ_E = 0.9, ρ_H = 0.1, m = 500, "
                                                   "with n2 = m, α = 1/ρ_E, d = 10")]
        + sgd_runs.protocol_choices()[1:] + [r.choice() for r in FIG3_READINGS],
        seeds={"SGD": ctx.seed_for("S32.FIG3/sgd")},
        data={"ratio_b": ratio_b, "ratio_d": ratio_d, "agreeing": agree, "points": total,
              "claim_in_all_settings": claim_everywhere, "sensitivity": sensitivity.data(sweeps)},
    )
