"""App. C.1's SGD protocol: do the stated rates reach the population solutions, and is the risk estimate sound?

The runs are Figs. 3 and 8's (:mod:`maml_landscape.numerics.figures.sgd_runs`): every
final iterate is compared with the population solution of eq. (5), and App. C.1's
3,000-task Monte Carlo risk with the exact Proposition 1 risk of the same iterate.
"""

from __future__ import annotations

import numpy as np

from maml_landscape.context import CheckContext
from maml_landscape.evidence import Table, Text
from maml_landscape.numerics.figures import fig2, fig3, printed
from maml_landscape.numerics.figures.sgd_runs import (
    SIZES,
    figure3_runs,
    figure8_runs,
    population_targets,
    protocol_choices,
)
from maml_landscape.registry import check
from maml_landscape.stats import FAMILY_ALARM_RATE, t_quantile, z_threshold
from maml_landscape.verdicts import Choice, Outcome, graded

CONVERGED_FRACTION = 0.02  # SGD bias tolerance: 2% of the distance between the task centres
CONVERGENCE_ALARM_RATE = 0.01  # family-wise rate of the t-tests of SGD bias (few repetitions)


@check("C1.SGD")
def sgd_protocol(ctx: CheckContext) -> Outcome:
    s = SIZES.of(ctx)
    points = figure8_runs(s, ctx.seed_for("C1.FIG8/sgd"))
    checks = population_targets(points, figure3_runs(s, ctx.seed_for("S32.FIG3/sgd")))
    repetitions = points[0].nal_risk.shape[1]
    threshold = t_quantile(1 - CONVERGENCE_ALARM_RATE / (2 * len(checks)), repetitions - 1)
    rows, converged, significant = [], 0, 0
    worst = (0.0, "")
    for label, iterate, target, gap in checks:
        bias = float(iterate.mean() - target)
        stderr = float(iterate.std(ddof=1) / np.sqrt(iterate.size))
        z = bias / stderr if stderr > 0 else np.inf
        tolerance = CONVERGED_FRACTION * gap
        ok = abs(bias) <= tolerance or abs(z) <= threshold
        converged += ok
        significant += abs(z) > threshold
        if abs(bias) / gap > worst[0]:
            worst = (abs(bias) / gap, label)
        rows.append((label, f"{target:.4f}", f"{iterate.mean():.4f}", f"{bias:+.4f}", f"{z:+.1f}", ok))
    convergence_note = f"{significant} pairs have |t| above the threshold."
    # Monte Carlo (App. C.1's 3,000 tasks) against the exact risks of the same iterates
    mc_z = np.concatenate([((p.nal_risk_mc - p.nal_risk) / p.nal_risk_mc_stderr).ravel()
                           for p in points] + [((p.maml_risk_mc - p.maml_risk) / p.maml_risk_mc_stderr).ravel()
                                              for p in points])
    mc_threshold = z_threshold(mc_z.size)
    mc_ok = bool(np.all(np.abs(mc_z) <= mc_threshold))
    relative_se = np.concatenate([(p.nal_risk_mc_stderr / p.nal_risk).ravel() for p in points]
                                 + [(p.maml_risk_mc_stderr / p.maml_risk).ravel() for p in points])
    excess = np.concatenate([
        (p.maml_risk.mean(1) / fig2.theory_curves(p.rho_h, p.m, p.n2, fig2.ALPHA).maml_risk - 1) for p in points])
    all_converged = converged == len(checks)
    approximately = worst[0] <= 2.5 * CONVERGED_FRACTION
    tasks = f"{printed.EVALUATION_TASKS:,}"
    return Outcome(
        verdict=graded(all_converged and mc_ok, approximately and mc_ok),
        summary=(f"with the stated rates SGD reaches the population solutions in {printed.SGD_ITERATIONS:,} "
                 f"iterations at {converged}/{len(checks)} (grid point, algorithm) pairs (worst bias "
                 f"{100 * worst[0]:.1f}% of the task-centre gap); {tasks}-task Monte Carlo risks "
                 f"{'agree' if mc_ok else 'disagree'} with the exact ones (max |z| {np.abs(mc_z).max():.1f} vs "
                 f"{mc_threshold:.2f}), relative s.e. {100 * np.median(relative_se):.1f}%"),
        evidence=[
            Text(f"Rule: at each grid point the mean over repetitions and coordinates of the final iterate is "
                 f"compared with the population solution (eq. (5)); converged if the bias is within "
                 f"{100 * CONVERGED_FRACTION:.0f}% of the distance between the task centres or |t| ≤ "
                 f"{threshold:.2f} (Student t with {repetitions - 1} degrees of freedom, Bonferroni over "
                 f"{len(checks)} comparisons, family-wise alarm rate {CONVERGENCE_ALARM_RATE:g}). Holds if every "
                 f"pair converged and the App. C.1 Monte Carlo estimate ({tasks} tasks, paired with w_i*) agrees "
                 f"with the exact risk at all {mc_z.size} iterates (|z| ≤ {mc_threshold:.2f}, Bonferroni, "
                 f"family-wise alarm rate {FAMILY_ALARM_RATE:g}); approximate if the Monte Carlo agrees and the "
                 f"worst bias is within {250 * CONVERGED_FRACTION:.0f}%; fails otherwise."),
            Text(f"{s.reduction}: Fig. 8 grid {s.fig8_rho}, Fig. 3 grid {s.fig3_R}, {s.repetitions} "
                 f"repetitions (the paper: {printed.REPETITIONS}), {printed.SGD_ITERATIONS:,} iterations as printed."),
            Text(f"{convergence_note} The SGD-noise excess of the "
                 f"final MAML iterate over E(w_MAML*) is {100 * np.median(excess):.1f}% (median over Fig. 8 grid "
                 f"points); the Monte Carlo estimate's median relative standard error is "
                 f"{100 * np.median(relative_se):.1f}%."),
            Table(("run", "population", "SGD mean", "bias", "t", "converged"), tuple(rows)),
        ],
        choices=protocol_choices() + [Choice("Fig. 3 setting", str(fig3.DEFAULT_SETTING), "see S32.FIG3")],
        seeds={"Fig. 8 SGD": ctx.seed_for("C1.FIG8/sgd"), "Fig. 3 SGD": ctx.seed_for("S32.FIG3/sgd")},
        data={"converged": converged, "pairs": len(checks), "worst_relative_bias": worst[0],
              "mc_max_abs_z": float(np.abs(mc_z).max()), "median_relative_mc_se": float(np.median(relative_se)),
              "median_sgd_noise_excess": float(np.median(excess))},
    )
