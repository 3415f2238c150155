"""Figs. 2 and 8 (Sec. 3.1, App. C.1): two tasks of different hardness, theory and SGD, against what is printed.

Theory curves are exact population quantities (eq. (5), Proposition 1) from
:mod:`maml_landscape.numerics.figures.fig2`; Fig. 8's SGD runs, shared with C1.SGD, and
the rule by which an SGD mean agrees with theory are in
:mod:`maml_landscape.numerics.figures.sgd_runs`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from maml_landscape import sensitivity
from maml_landscape.context import CheckContext
from maml_landscape.evidence import Table, Text
from maml_landscape.numerics.figures import fig2, printed, sgd_runs
from maml_landscape.numerics.figures.common import mean_and_halfwidth
from maml_landscape.plotting import figure_evidence
from maml_landscape.registry import check
from maml_landscape.verdicts import Choice, Outcome, Verdict, graded


@check("S31.FIG2")
def figure2(ctx: CheckContext) -> Outcome:
    curves = fig2.figure2_readings()
    findings = {name: fig2.qualitative_findings(c) for name, c in curves.items()}
    large = findings["m = n2 = 2000"]
    axis_low, axis_high = printed.FIG2_RISK_AXIS
    rows, picture, fits = [], {}, {}
    for name, f in findings.items():
        interval = f.maml_closer_to_hard_interval
        interior = interval is not None and (interval[0] > fig2.THEORY_RHO[0] or interval[1] < fig2.THEORY_RHO[-1])
        picture[name] = f.nal_closer_to_easy_everywhere and interval is not None and f.maml_never_worse and (
            name == "m = n2 = 2000" or large.largest_gap > f.largest_gap)
        fits[name] = 0.5 * axis_high <= f.max_risk <= axis_high
        rows.append((
            name, f.nal_closer_to_easy_everywhere,
            "none" if interval is None
            else f"[{interval[0]:.3f}, {interval[1]:.3f}]" + ("" if interior else " (whole grid)"),
            f.maml_never_worse, f"{f.largest_gap:.3f}", f"{f.largest_ratio:.2f}", f"{f.max_risk:.3f}", fits[name],
        ))
    qualitative_ok = all(picture.values())
    axis_ok = fits["m = n2 = 2000"] and fits["m = n2 = 100 (caption)"]  # the panels as printed (caption)
    text_in_axis = fits["m = n2 = 500 (text)"]
    readings_agree = picture["m = n2 = 100 (caption)"] == picture["m = n2 = 500 (text)"]
    figure = figure_evidence(
        fig2.plot_figure2(curves["m = n2 = 2000"], curves["m = n2 = 100 (caption)"], curves["m = n2 = 500 (text)"]),
        "fig2", "Fig. 2 regenerated; (c)-(d) caption reading solid, text reading dashed; dotted lines: "
                "printed axis ranges.", reproduces="Figure 2")
    return Outcome(
        verdict=graded(qualitative_ok and axis_ok, qualitative_ok),
        summary=(
            "MAML closer to the hard task for ρ_H in "
            + ("no interval" if large.maml_closer_to_hard_interval is None
               else "[{:.3f}, {:.3f}]".format(*large.maml_closer_to_hard_interval))
            + f" (m=2000); MAML never worse: {large.maml_never_worse}; "
            f"largest gap {large.largest_gap:.2f} (m=2000) vs {findings['m = n2 = 100 (caption)'].largest_gap:.2f} "
            f"(m=100) / {findings['m = n2 = 500 (text)'].largest_gap:.2f} (m=500); risks peak at "
            f"{large.max_risk:.2f}; within the printed {axis_low:g}-{axis_high:g} axis: {axis_ok}"
        ),
        evidence=[
            Text("Rule: the statement holds if, on a 200-point ρ_H grid of (0, 1), (i) w_NAL* is on the easy "
                 "side (first coordinate < 0) everywhere, (ii) w_MAML* is on the hard side (> 0) on a ρ_H "
                 "interval, (iii) E(w_MAML*) ≤ E(w_NAL*) everywhere, (iv) the largest gap E(w_NAL*) − E(w_MAML*) "
                 "is larger for m = 2000 than for the small-m panel, and (v) the largest plotted risk fills "
                 f"50-100% of the printed {axis_low:g}-{axis_high:g} axis (panels as captioned). "
                 "Risks are Proposition 1's ½E_i‖w − w_i*‖²_{Q_i^(m)} "
                 "(eq. (2)'s F_m(w) − inf F_m is identically 0 at w_MAML* when n2 = m, so it cannot be "
                 "what is plotted). Both readings of panels (c)-(d) are computed."),
            Table(("panel", "NAL easy side", "MAML hard side on ρ_H in", "MAML never worse",
                   "largest gap", "largest ratio", "largest risk", "fits printed axis"), tuple(rows)),
            Text(f"The text's m = 500 reading fits the printed axis: {text_in_axis}. Statements (i)-(iv) hold "
                 f"for the caption's m = 100: {picture['m = n2 = 100 (caption)']}, for the text's m = 500: "
                 f"{picture['m = n2 = 500 (text)']}; "
                 + ("so the caption/text discrepancy does not change the qualitative claim." if readings_agree
                    else "the caption/text discrepancy changes the qualitative claim.")),
            figure,
        ],
        choices=[
            Choice("ρ_E", 1.0, "the x-axis ρ_H spans (0, 1), read as ρ_E = 1"),
            Choice("α", fig2.ALPHA, "unstated; 1/ρ_E is called the natural choice in Sec. 3.1"),
        ],
        data={name: {"max_risk": f.max_risk, "largest_gap": f.largest_gap, "largest_ratio": f.largest_ratio,
                     "maml_hard_interval": f.maml_closer_to_hard_interval} for name, f in findings.items()},
    )


def figure8_verdict(ordering_ok: bool, axis_ok: bool, comparisons: Sequence[sgd_runs.Comparison],
                    slack: float = sgd_runs.AGREEMENT_SLACK) -> Verdict:
    """C1.FIG8's rule: holds if SGD keeps theory's order (``ordering_ok``), agrees with theory
    (:func:`~.sgd_runs.agreement` with ``slack``) and stays inside the printed axis (``axis_ok``);
    approximate if only the order is kept; else fails."""
    return graded(ordering_ok and sgd_runs.agreement(comparisons, slack)[1] and axis_ok, ordering_ok)


@check("C1.FIG8")
def figure8(ctx: CheckContext) -> Outcome:
    s = sgd_runs.SIZES.of(ctx)
    points = sgd_runs.figure8_runs(s, ctx.seed_for("C1.FIG8/sgd"))
    rows, ordering_ok, comparisons, top = [], True, [], 0.0
    theory_dense = [fig2.theory_curves(fig2.THEORY_RHO, p.m, p.n2, fig2.ALPHA) for p in points]
    for p in points:
        theory = fig2.theory_curves(p.rho_h, p.m, p.n2, fig2.ALPHA)
        scale = max(theory.nal_risk.max(), theory.maml_risk.max())
        nal_mean, nal_half = mean_and_halfwidth(p.nal_risk, level=sgd_runs.AGREEMENT_LEVEL)
        maml_mean, maml_half = mean_and_halfwidth(p.maml_risk, level=sgd_runs.AGREEMENT_LEVEL)
        top = max(top, float(np.max(nal_mean + nal_half)), float(np.max(maml_mean + maml_half)))
        for i, rho in enumerate(p.rho_h):
            separated = theory.nal_risk[i] - theory.maml_risk[i] > nal_half[i] + maml_half[i]
            same_order = nal_mean[i] >= maml_mean[i]
            if separated:
                ordering_ok &= bool(same_order)
            for mean, half, predicted in ((nal_mean[i], nal_half[i], theory.nal_risk[i]),
                                          (maml_mean[i], maml_half[i], theory.maml_risk[i])):
                comparisons.append((mean, half, predicted, scale))
            rows.append((f"m={p.m}, n2={p.n2}", f"{rho:.2f}", f"{theory.nal_risk[i]:.3f}",
                         f"{nal_mean[i]:.3f} ± {nal_half[i]:.3f}", f"{theory.maml_risk[i]:.3f}",
                         f"{maml_mean[i]:.3f} ± {maml_half[i]:.3f}"))
    agree, total = sgd_runs.agreement(comparisons)[0], len(comparisons)
    axis_low, axis_high = printed.FIG8_RISK_AXIS
    axis_ok = top <= axis_high
    figure = figure_evidence(fig2.plot_figure8(theory_dense, points), "fig8",
                             "Fig. 8 regenerated: theory lines, SGD means with 95% t-intervals.", reproduces="Figure 8")

    def decide(slack: float) -> Verdict:
        return figure8_verdict(bool(ordering_ok), axis_ok, comparisons, slack)

    sweeps = sensitivity.sweep_each((sgd_runs.SLACK_READING,), decide)
    verdict = decide(sgd_runs.AGREEMENT_SLACK)
    return Outcome(
        verdict=verdict,
        summary=(f"SGD agrees with theory at {agree}/{total} points (CI + "
                 f"{100 * sgd_runs.AGREEMENT_SLACK:.0f}% slack), ordering {'preserved' if ordering_ok else 'violated'}; "
                 f"largest upper CI {top:.2f} vs printed axis {axis_low:g}-{axis_high:g}"),
        evidence=[
            Text(f"Rule: at every grid point where theory separates the two risks by more than the two "
                 f"{100 * sgd_runs.AGREEMENT_LEVEL:.0f}% half-widths, the SGD means keep theory's order; an SGD "
                 f"mean agrees with theory when |mean − theory| ≤ its {100 * sgd_runs.AGREEMENT_LEVEL:.0f}% t "
                 f"half-width + {100 * sgd_runs.AGREEMENT_SLACK:.0f}% of the panel's largest theory risk (allowance "
                 "for the SGD-noise excess of a final iterate); holds if the order is kept "
                 f"everywhere, {sgd_runs.agreement_rule(total)} and every upper CI end lies inside the printed "
                 f"{axis_low:g}-{axis_high:g} axis; approximate if only the order is kept."),
            Text(f"{s.reduction}: ρ_H grid {s.fig8_rho}, {s.repetitions} repetitions, "
                 f"{printed.SGD_ITERATIONS} iterations, exact risks of the final iterates."),
            Table(("panel", "ρ_H", "E(w_NAL*)", "E(w_NAL) SGD", "E(w_MAML*)", "E(w_MAML) SGD"), tuple(rows)),
            figure,
            *sensitivity.evidence(sweeps),
        ],
        choices=[*sgd_runs.protocol_choices(), sgd_runs.SLACK_READING.choice()],
        seeds={"SGD and evaluation": ctx.seed_for("C1.FIG8/sgd")},
        data={"agreeing": agree, "points": total, "ordering_ok": ordering_ok, "largest_upper_ci": top,
              "sensitivity": sensitivity.data(sweeps)},
    )
