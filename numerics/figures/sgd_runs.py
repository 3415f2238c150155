"""The App. C.1 SGD runs behind Figs. 3 and 8, shared by S32.FIG3, C1.FIG8 and C1.SGD.

:data:`SIZES` holds the grids and repetitions of each profile, one object for the three
checks so that they judge the same runs (cached in :func:`~.fig2.sgd_points` and
:func:`~.fig3.sgd_points`); ``quick`` keeps App. C.1's iteration counts and reduces grid
points and repetitions, as the checks' evidence states. An SGD mean agrees with theory (Proposition 1's risk of the
population solution, eq. (5)) under :func:`agrees`; :func:`false_alarm` is that rule's
false-alarm rate. :func:`population_targets` pairs every final iterate with the
population solution it should approach, and :func:`protocol_choices` states what App.
C.1 leaves unstated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import comb

import numpy as np

from maml_landscape.numerics.figures import fig2, fig3, printed
from maml_landscape.numerics.figures.common import PAPER_PROFILE, REDUCED_PROFILE
from maml_landscape.numerics.population import maml_solution, nal_solution
from maml_landscape.profiles import Sizes
from maml_landscape.sensitivity import Reading
from maml_landscape.verdicts import Choice

AGREEMENT_SLACK = 0.05  # SGD vs theory: CI half-width + 5% of the panel's largest theory risk
AGREEMENT_SHARE = 0.9  # share of SGD means that must agree with theory
AGREEMENT_LEVEL = 0.99  # level of each SGD mean's t-interval (family-wise alarm rate: false_alarm)


@dataclass(frozen=True)
class SgdSizes:
    """The SGD runs of one profile: Fig. 8's ρ_H grid, Fig. 3's R grid, repetitions per point."""

    fig8_rho: tuple[float, ...]
    fig3_R: tuple[float, ...]
    repetitions: int
    reduction: str  # how the sizes relate to the paper's protocol, for the evidence


SIZES = Sizes(
    quick=SgdSizes(fig8_rho=(0.1, 0.3, 0.5, 0.8), fig3_R=(1.0, 3.0, 5.0), repetitions=4,
                   reduction=REDUCED_PROFILE),
    paper=SgdSizes(fig8_rho=tuple(np.round(np.arange(0.05, 1.0, 0.1), 2)), fig3_R=tuple(np.arange(0.5, 5.01, 0.5)),
                   repetitions=printed.REPETITIONS, reduction=PAPER_PROFILE),
)


def figure8_runs(sizes: SgdSizes, seed: int) -> tuple[fig2.SGDPoints, ...]:
    """Fig. 8's three (m, n2) panels on the ρ_H grid, App. C.1's iterations, α = 1/ρ_E."""
    return fig2.sgd_points(sizes.fig8_rho, printed.FIG8_PANELS, sizes.repetitions, printed.SGD_ITERATIONS,
                           fig2.ALPHA, printed.EVALUATION_TASKS, seed)


def figure3_runs(sizes: SgdSizes, seed: int) -> fig3.Fig3SGD:
    """Fig. 3's two panel pairs on the R grid in the default setting, App. C.1's iterations."""
    return fig3.sgd_points(fig3.DEFAULT_SETTING, sizes.fig3_R, sizes.repetitions, printed.SGD_ITERATIONS, seed)


#: The reading of "SGD agrees with theory" (App. C.1) that S32.FIG3 and C1.FIG8 rest on (swept in their evidence).
SLACK_READING = Reading("slack", "SGD agrees with theory", "|mean − theory| ≤ CI half-width + {} of the largest risk",
                        AGREEMENT_SLACK, 0.0, 0.25, percent=True,
                        reason="allowance for the SGD-noise excess of a final iterate over the population risk")

#: One SGD mean against theory: (mean, its half-width, theory's risk, the panel's largest theory risk).
Comparison = tuple[float, float, float, float]


def agrees(mean: float, half: float, predicted: float, scale: float, slack: float = AGREEMENT_SLACK) -> bool:
    """An SGD mean agrees with theory: |mean − theory| ≤ its half-width + ``slack`` × the panel's scale."""
    return abs(mean - predicted) <= half + slack * scale


def agreement(comparisons: Sequence[Comparison], slack: float = AGREEMENT_SLACK) -> tuple[int, bool]:
    """How many SGD means agree with theory (:func:`agrees`), and whether that is ≥ AGREEMENT_SHARE of them."""
    agreeing = sum(agrees(*c, slack) for c in comparisons)
    return agreeing, agreeing / len(comparisons) >= AGREEMENT_SHARE


def false_alarm(points: int) -> float:
    """P(share of agreeing SGD means < AGREEMENT_SHARE) if each interval missed independently w.p. 1 − level.

    The false-alarm rate of the SGD-vs-theory agreement rule for unbiased SGD means; the
    slack of the rule only lowers it.
    """
    miss = 1 - AGREEMENT_LEVEL
    return float(sum(comb(points, k) * miss**k * (1 - miss) ** (points - k)
                     for k in range(points + 1) if (points - k) / points < AGREEMENT_SHARE))


def agreement_rule(points: int) -> str:
    """The agreement rule over ``points`` SGD means, with its false-alarm rate, as stated in evidence."""
    return (f"≥ {100 * AGREEMENT_SHARE:.0f}% of the {points} SGD means agree (false-alarm rate "
            f"{false_alarm(points):.2g} if every SGD mean were unbiased and the {points} intervals "
            "independent: binomial tail; the slack lowers it)")


def population_targets(fig8: tuple[fig2.SGDPoints, ...],
                       fig3_sgd: fig3.Fig3SGD) -> list[tuple[str, np.ndarray, float, float]]:
    """(run, final iterates' mean coordinates, population solution (eq. (5)), task-centre distance) per run.

    Fig. 8: the first coordinate of w_NAL*, w_MAML* (task centres ±1, distance 2); Fig. 3:
    the mean coordinate (hard centre at R, easy at 0, distance R).
    """
    targets = []
    for p in fig8:
        for i, rho in enumerate(p.rho_h):
            env = fig2.environment(float(rho))
            for name, iterate, target in (("NAL", p.nal_mean_coordinate[i], nal_solution(env)[0]),
                                          ("MAML", p.maml_mean_coordinate[i], maml_solution(env, fig2.ALPHA, p.n2)[0])):
                targets.append((f"Fig. 8 m={p.m}, ρ_H={rho:.2f}, {name}", iterate, target, 2.0))
    setting = fig3.DEFAULT_SETTING
    for pair, ratios in enumerate(printed.FIG3_SETTINGS):
        for j, R in enumerate(fig3_sgd.R):
            env = fig3.environment(setting, R, *fig3.spreads(R, ratios))
            for name, iterate, target in (("NAL", fig3_sgd.nal_coordinate[pair, j], nal_solution(env).mean()),
                                          ("MAML", fig3_sgd.maml_coordinate[pair, j],
                                           maml_solution(env, setting.alpha, setting.n2).mean())):
                targets.append((f"Fig. 3 R²/r_H={ratios[0]}, R={R:.1f}, {name}", iterate, target, R))
    return targets


def protocol_choices() -> list[Choice]:
    """What App. C.1 leaves unstated about the SGD runs, with the values chosen."""
    return [
        Choice("α", fig2.ALPHA, "unstated; 1/ρ_E"),
        Choice("loss normalisation", "averaged (1/n) in inner, outer and NAL losses",
               "Sec. 2's averaged loss; with the summed loss the NAL rate 0.025 diverges for n = 2025"),
        Choice("initialisation", "w0 = 0", "unstated"),
        Choice("task draws", "NAL uses the MAML episode's n2 + n1 samples (common random numbers)",
               "App. C.1 gives NAL n = n1 + n2 samples per task"),
        Choice("risk of the final iterate", "exact (Proposition 1); Monte Carlo with 3,000 tasks as a check",
               "exact evaluation removes the estimator's noise; C1.SGD compares both"),
    ]
