"""Figs. 4-6 (Sec. 4, App. C.3): NAL and MAML loss landscapes of one neuron, against Sec. 4's statements.

Landscapes, solutions and fresh-data losses come from
:mod:`maml_landscape.numerics.figures.neuron_landscapes`, which also reads each
environment's statement as conditions (:func:`~maml_landscape.numerics.figures.neuron_landscapes.statement_failures`);
``quick`` reduces the landscape grid and the α values tried, as stated in the outcome. The
verdict is a function of the readings of Sec. 4's words ("close", "far", "significantly
smaller", "similar"; :func:`figure4_verdict`), swept over a range of readings in the evidence
(:mod:`maml_landscape.sensitivity`) on the landscapes already computed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from maml_landscape import sensitivity
from maml_landscape.context import CheckContext
from maml_landscape.evidence import Table, Text
from maml_landscape.numerics.figures import neuron_landscapes as neurons
from maml_landscape.numerics.figures.common import PAPER_PROFILE, REDUCED_PROFILE
from maml_landscape.plotting import figure_evidence
from maml_landscape.profiles import Sizes
from maml_landscape.registry import check
from maml_landscape.sensitivity import Reading
from maml_landscape.stats import FAMILY_ALARM_RATE, z_threshold
from maml_landscape.verdicts import Choice, Outcome, Verdict, graded


@dataclass(frozen=True)
class NeuronSizes:
    """The landscape grid (points per side), fresh episodes per task, and α as factors of 1/L (1.0 decides)."""

    grid: int
    fresh_tau: int
    alpha_factors: tuple[float, ...]
    reduction: str


SIZES = Sizes(
    quick=NeuronSizes(grid=15, fresh_tau=400, alpha_factors=(1.0,), reduction=REDUCED_PROFILE),
    paper=NeuronSizes(grid=41, fresh_tau=400, alpha_factors=(1.0, 0.5, 2.0), reduction=PAPER_PROFILE),
)


#: The readings of Sec. 4's words that the statements of Figs. 4-6 rest on (swept in the evidence).
FIG4_READINGS = (
    Reading("close", "solutions coincide / are close", "‖w_NAL − w_MAML‖ ≤ {}", neurons.CLOSE, 0.05, 1.0, log=True,
            reason="1/16 of the printed -2..2 window"),
    Reading("far", "solutions far apart (Fig. 6(c)-(d))", "‖w_NAL − w_MAML‖ ≥ {}", neurons.FAR, 0.1, 2.0, log=True,
            reason="twice the reading of 'close'"),
    Reading("significant", "significantly smaller loss", "MAML's loss ≤ {} × NAL's (and paired z)",
            neurons.SIGNIFICANT, 0.5, 1.0, reason="a 10% smaller loss, besides the paired z-test"),
    Reading("similar", "similar losses", "relative difference ≤ {}", neurons.SIMILAR, 0.01, 0.5, log=True,
            percent=True),
)
#: What the statements are judged on: per (α factor, environment index), the environment, its landscape and paired z.
Measured = dict[tuple[float, int], tuple[neurons.NeuronEnvironment, neurons.Landscape, float]]


def _failures(measured: Measured, threshold: float, **readings: float) -> dict[tuple[float, int], list[str]]:
    """The failed conditions of each environment's statement (:func:`~.neuron_landscapes.statement_failures`)."""
    return {(factor, index): neurons.statement_failures(index, env, ls, z, threshold, **readings)
            for (factor, index), (env, ls, z) in measured.items()}


def _reproduced(failures: dict[tuple[float, int], list[str]],
                factors: tuple[float, ...]) -> tuple[list[bool], list[bool]]:
    """Per environment: whether its statement holds at α = 1/L, and at some α factor tried."""
    environments = range(len(neurons.ENVIRONMENTS))
    primary = [not failures[(1.0, i)] for i in environments]
    anywhere = [any(not failures[(f, i)] for f in factors) for i in environments]
    return primary, anywhere


def figure4_verdict(measured: Measured, factors: tuple[float, ...], threshold: float,
                    **readings: float) -> Verdict:
    """S4.FIG4's rule: holds if all four statements hold at α = 1/L; approximate if some does (at any α
    factor); fails if none does. ``readings``: those of :data:`FIG4_READINGS` (default: the check's)."""
    primary, anywhere = _reproduced(_failures(measured, threshold, **readings), factors)
    return graded(all(primary), any(primary) or any(anywhere))


@check("S4.FIG4")
def figures4to6(ctx: CheckContext) -> Outcome:
    s = SIZES.of(ctx)
    comparisons = len(neurons.ENVIRONMENTS) * len(s.alpha_factors)
    threshold = z_threshold(comparisons)
    rows, measured, figures = [], {}, []
    for factor in s.alpha_factors:
        landscapes = []
        for index, env in enumerate(neurons.ENVIRONMENTS):
            alpha = round(factor * neurons.natural_alpha(env, ctx.seed_for("S4.FIG4/alpha")), 3)
            ls = neurons.landscape(env, alpha, s.grid, s.fresh_tau, ctx.seed_for(f"S4.FIG4/{index}"))
            landscapes.append(ls)
            gap = float(np.linalg.norm(ls.nal_solution - ls.maml_solution))
            z = (ls.post_adaptation_nal - ls.post_adaptation_maml) / ls.difference_stderr
            nal_hard, maml_hard = ls.distance_to(env.centroid(True))
            measured[(factor, index)] = (env, ls, z)
            failed = neurons.statement_failures(index, env, ls, z, threshold)
            rows.append((factor, env.name, alpha, f"({ls.nal_solution[0]:.2f}, {ls.nal_solution[1]:.2f})",
                         f"({ls.maml_solution[0]:.2f}, {ls.maml_solution[1]:.2f})", f"{gap:.2f}",
                         f"{nal_hard:.2f} / {maml_hard:.2f}", f"{ls.post_adaptation_nal:.4f}",
                         f"{ls.post_adaptation_maml:.4f}", f"{z:.1f}", not failed,
                         "; ".join(failed) or "—"))
        if factor == 1.0:
            figures.append(figure_evidence(neurons.plot(landscapes[:2], "Figs. 4-5 regenerated (Softplus)"), "fig4",
                                           "Figs. 4-5 regenerated: NAL (left) and MAML (right) loss landscapes on "
                                           "the paper's -2..2 window.", reproduces="Figures 4-5"))
            figures.append(figure_evidence(neurons.plot(landscapes[2:], "Fig. 6 regenerated (Sigmoid)"), "fig6",
                                           "Fig. 6 regenerated: NAL (left) and MAML (right) loss landscapes on "
                                           "the paper's -2..2 window.", reproduces="Figure 6"))
    failures = _failures(measured, threshold)
    primary, anywhere = _reproduced(failures, s.alpha_factors)
    sweeps = sensitivity.sweep_each(
        FIG4_READINGS, lambda **readings: figure4_verdict(measured, s.alpha_factors, threshold, **readings))
    short = [e.name.split(":")[0] for e in neurons.ENVIRONMENTS]
    measured_misses = "; ".join(f"{short[i]}: {', '.join(failures[(1.0, i)])}"
                                for i, ok in enumerate(primary) if not ok)
    region = "; ".join(
        f"{short[i]} at α factors {[f for f in s.alpha_factors if not failures[(f, i)]] or 'none'}"
        for i in range(len(neurons.ENVIRONMENTS)))
    return Outcome(
        verdict=figure4_verdict(measured, s.alpha_factors, threshold),
        summary=(f"statements reproduced for {sum(primary)}/{len(primary)} environments at α = 1/L "
                 f"({', '.join(n + (' yes' if p else ' no') for n, p in zip(short, primary))}); "
                 f"at some tried α (factors {s.alpha_factors}): {sum(anywhere)}/{len(primary)}"
                 + (f"; measured misses at α = 1/L: {measured_misses}" if measured_misses else "")),
        evidence=[
            Text(f"Rule per environment: (equally hard / small R) the solutions are within {neurons.CLOSE} and "
                 f"their post-adaptation losses within {100 * neurons.SIMILAR:.0f}%; (one hard task / large R, "
                 f"small r_H) MAML's solution is closer to the hard tasks' centroid and NAL's closer to the "
                 f"easy tasks' centroid, MAML's post-adaptation loss is ≤ {neurons.SIGNIFICANT} × NAL's with "
                 f"paired z > {threshold:.2f} on fresh data, and for Fig. 6(c)-(d) the solutions are ≥ "
                 f"{neurons.FAR} apart (z threshold: Bonferroni over {comparisons} comparisons, family-wise "
                 f"rate {FAMILY_ALARM_RATE:g}). Holds if all four hold at α = 1/L; approximate if some do (at "
                 "any α); fails if none does."),
            Text(f"Where each statement holds (environment, α = factor/L): {region}."),
            Text(f"{s.reduction}: {s.grid}×{s.grid} landscape grid, minima refined on local grids, "
                 f"{s.fresh_tau} fresh episodes per task, α factors {s.alpha_factors}."),
            Table(("α factor", "environment", "α", "w_NAL", "w_MAML", "‖w_NAL − w_MAML‖",
                   "dist. to hard centroid NAL / MAML", "post-adapt. loss at w_NAL", "at w_MAML", "paired z",
                   "statement holds", "failed conditions (measured)"), tuple(rows)),
            Text("Chosen ground-truth neurons: " + "; ".join(
                f"{e.name}: {e.neurons} (hard: {e.hard})" for e in neurons.ENVIRONMENTS)),
            *figures,
            *sensitivity.evidence(sweeps),
        ],
        choices=[
            Choice("ground-truth neurons", "see evidence", "unstated; placed inside the printed -2..2 window"),
            Choice("α", "1/L, L the largest task Hessian eigenvalue at its own neuron",
                   "unstated; the analogue of Sec. 3.1's natural choice 1/ρ_E"),
            Choice("loss normalisation", "averaged", "Sec. 2"),
            *(r.choice() for r in FIG4_READINGS),
        ],
        seeds={"α = 1/L (Hessian Monte Carlo)": ctx.seed_for("S4.FIG4/alpha"),
               **{f"environment {i}": ctx.seed_for(f"S4.FIG4/{i}") for i in range(len(neurons.ENVIRONMENTS))}},
        data={"primary": primary, "any_alpha": anywhere,
              "failed_conditions": {f"{short[i]}, α factor {f}": v for (f, i), v in failures.items()},
              "sensitivity": sensitivity.data(sweeps)},
    )
