"""Figure 2 (Sec. 3.1) and Figure 8 (App. C.1): two tasks of different hardness, versus ρ_H.

Environment: w_1* = 1_d (hard, Σ_1 = ρ_H I), w_2* = -1_d (easy, Σ_2 = ρ_E I), d = 10,
ν² = 0.01, ρ_E = 1 (reading: the x-axis ρ_H spans (0, 1)). Theory curves are exact
population quantities (eq. (5), Proposition 1); Fig. 8's empirical points are final
SGD iterates of the App. C.1 protocol (:mod:`maml_landscape.numerics.sgd`).

"Excess risk" here is the quantity of Proposition 1, ½ E_i ‖w - w_i*‖²_{Q_i^(m)} =
F_m(w) - E_i inf F_{m,i} (:func:`~maml_landscape.numerics.population.risk_above_task_optima`);
eq. (2)'s F_m(w) - inf F_m would be identically 0 for w_MAML* when n2 = m.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure as MplFigure

from maml_landscape.numerics.environments import Environment, two_tasks
from maml_landscape.numerics.figures import printed
from maml_landscape.numerics.figures.common import (
    MAML_COLOUR,
    NAL_COLOUR,
    PRINTED_RANGE_LABEL,
    T_INTERVAL,
    finish_figure,
    mark_printed_range,
    mark_task_solutions,
    mean_and_halfwidth,
)
from maml_landscape.numerics.population import maml_solution, nal_solution, risk_above_task_optima
from maml_landscape.numerics.sgd import (
    EnvironmentStack,
    Protocol,
    risk_above_optima_exact,
    risk_above_optima_mc,
    train,
)

RHO_E = 1.0
ALPHA = 1.0  # 1/ρ_E, "the natural choice" of Sec. 3.1 (unstated for Figs. 2 and 8)
#: The ρ_H grid of the theory curves.
THEORY_RHO = np.linspace(0.001, 0.999, 200)


def environment(rho_h: float, d: int = printed.FIG2_D) -> Environment:
    """The Fig. 2 environment at one ρ_H (ρ_E = 1)."""
    ones = np.ones(d)
    return two_tasks(rho_h, RHO_E, printed.FIG2_W1 * ones, printed.FIG2_W2 * ones, printed.FIG2_NOISE_VAR)


@dataclass(frozen=True)
class TheoryCurves:
    """Population solutions' first coordinates and excess risks on a ρ_H grid."""

    rho_h: np.ndarray
    m: int
    n2: int
    alpha: float
    nal_coordinate: np.ndarray
    maml_coordinate: np.ndarray
    nal_risk: np.ndarray
    maml_risk: np.ndarray


def theory_curves(rho_h: np.ndarray, m: int, n2: int, alpha: float) -> TheoryCurves:
    """w_NAL*, w_MAML* (eq. (5)) and their Proposition 1 excess risks at every ρ_H."""
    nal, maml, nal_risk, maml_risk = [], [], [], []
    for rho in rho_h:
        env = environment(float(rho))
        w_nal, w_maml = nal_solution(env), maml_solution(env, alpha, n2)
        nal.append(w_nal[0])
        maml.append(w_maml[0])
        nal_risk.append(risk_above_task_optima(env, w_nal, alpha, m))
        maml_risk.append(risk_above_task_optima(env, w_maml, alpha, m))
    return TheoryCurves(
        np.asarray(rho_h, float), m, n2, alpha, *(np.array(v) for v in (nal, maml, nal_risk, maml_risk))
    )


def figure2_readings() -> dict[str, TheoryCurves]:
    """Fig. 2's theory curves: m = n2 = 2000 for (a)-(b); (c)-(d) in the caption's m = 100 and the text's m = 500."""
    return {
        "m = n2 = 2000": theory_curves(THEORY_RHO, printed.FIG2_M_LARGE, printed.FIG2_M_LARGE, ALPHA),
        "m = n2 = 100 (caption)": theory_curves(
            THEORY_RHO, printed.FIG2_M_SMALL_CAPTION, printed.FIG2_M_SMALL_CAPTION, ALPHA),
        "m = n2 = 500 (text)": theory_curves(
            THEORY_RHO, printed.FIG2_M_SMALL_TEXT, printed.FIG2_M_SMALL_TEXT, ALPHA),
    }


@dataclass(frozen=True)
class SGDPoints:
    """SGD results on a ρ_H grid for one (m, n2) panel: arrays (grid, repetitions)."""

    rho_h: np.ndarray
    m: int
    n2: int
    nal_coordinate: np.ndarray  # first coordinate of the final iterate
    maml_coordinate: np.ndarray
    nal_mean_coordinate: np.ndarray  # mean over the d coordinates (all have the same law)
    maml_mean_coordinate: np.ndarray
    nal_risk: np.ndarray  # exact Proposition 1 risk of the final iterate
    maml_risk: np.ndarray
    nal_risk_mc: np.ndarray  # App. C.1 estimate from sampled tasks
    maml_risk_mc: np.ndarray
    nal_risk_mc_stderr: np.ndarray
    maml_risk_mc_stderr: np.ndarray


@lru_cache(maxsize=8)
def sgd_points(
    rho_h: tuple[float, ...],
    panels: tuple[tuple[int, int], ...],
    repetitions: int,
    iterations: int,
    alpha: float,
    evaluation_tasks: int,
    seed: int,
) -> tuple[SGDPoints, ...]:
    """Run App. C.1's SGD for every (panel, ρ_H) and repetition in one batch; evaluate the iterates.

    Rates n2/10000 (MAML) and 0.025 (NAL), n1 = 25, one task per iteration, w0 = 0.
    """
    rng = np.random.default_rng(seed)
    envs = [environment(rho) for _ in panels for rho in rho_h]
    m = np.repeat([p[0] for p in panels], len(rho_h))
    n2 = np.repeat([p[1] for p in panels], len(rho_h))
    stack = EnvironmentStack(tuple(envs))
    protocol = Protocol(
        iterations=iterations,
        n1=printed.SGD_N1,
        n2=n2,
        alpha=alpha,
        maml_step=n2 * printed.MAML_RATE_PER_N2,
        nal_step=printed.NAL_RATE,
    )
    trained = train(stack, protocol, repetitions, rng)
    both = np.concatenate([trained.nal, trained.maml], axis=1)
    exact = risk_above_optima_exact(stack, both, alpha, m)
    mc, mc_stderr = risk_above_optima_mc(stack, both, alpha, m, evaluation_tasks, rng)
    results, size = [], len(rho_h)
    for p, (panel_m, panel_n2) in enumerate(panels):
        rows = slice(p * size, (p + 1) * size)
        nal, maml = trained.nal[rows], trained.maml[rows]
        results.append(
            SGDPoints(
                np.array(rho_h), panel_m, panel_n2,
                nal[..., 0], maml[..., 0], nal.mean(-1), maml.mean(-1),
                exact[rows, :repetitions], exact[rows, repetitions:],
                mc[rows, :repetitions], mc[rows, repetitions:],
                mc_stderr[rows, :repetitions], mc_stderr[rows, repetitions:],
            )
        )
    return tuple(results)


# --------------------------------------------------------------------------- analysis


@dataclass(frozen=True)
class QualitativeFindings:
    """The statements of Sec. 3.1 about Fig. 2, measured on one pair of theory curves."""

    nal_closer_to_easy_everywhere: bool
    maml_closer_to_hard_interval: tuple[float, float] | None  # (first, last) ρ_H grid point
    maml_never_worse: bool
    largest_gap: float  # max over ρ_H of E(w_NAL*) - E(w_MAML*)
    largest_ratio: float
    risks_vanish_at_zero: bool  # both risks at the smallest ρ_H below 5% of their maxima
    max_risk: float


def qualitative_findings(curves: TheoryCurves) -> QualitativeFindings:
    """Closer-to-which-task, ordering and gap of one set of theory curves (w_1* at +1)."""
    inside = curves.rho_h < RHO_E
    closer_hard = curves.maml_coordinate > 0
    interval = None
    if np.any(closer_hard & inside):
        where = curves.rho_h[closer_hard & inside]
        interval = (float(where.min()), float(where.max()))
    max_risk = float(max(curves.nal_risk.max(), curves.maml_risk.max()))
    return QualitativeFindings(
        nal_closer_to_easy_everywhere=bool(np.all(curves.nal_coordinate[inside] < 0)),
        maml_closer_to_hard_interval=interval,
        maml_never_worse=bool(np.all(curves.maml_risk <= curves.nal_risk * (1 + 1e-12))),
        largest_gap=float(np.max(curves.nal_risk - curves.maml_risk)),
        largest_ratio=float(np.max(curves.nal_risk / curves.maml_risk)),
        risks_vanish_at_zero=bool(
            curves.nal_risk[0] < 0.05 * curves.nal_risk.max()
            and curves.maml_risk[0] < 0.05 * max(curves.maml_risk.max(), 1e-300)
        ),
        max_risk=max_risk,
    )


# ---------------------------------------------------------------------------- figures


def plot_figure2(large: TheoryCurves, small_caption: TheoryCurves, small_text: TheoryCurves) -> MplFigure:
    """Fig. 2's panels (a)-(d) in two rows; (c)-(d) show both readings (caption m = 100 solid, text m = 500 dashed)."""
    fig, axes = plt.subplots(2, 2, figsize=(13, 9.5), layout="constrained")
    solid = f"m = n2 = {large.m} in (a)-(b), {small_caption.m} in (c)-(d)"
    for row, (curves, extra) in enumerate(((large, None), (small_caption, small_text))):
        ax_w, ax_e = axes[row]
        _draw_theory(ax_w, ax_e, curves, "-", solid)
        if extra is not None:
            _draw_theory(ax_w, ax_e, extra, "--", f"m = n2 = {extra.m} (text's reading)")
        mark_task_solutions(ax_w, printed.FIG2_W1, printed.FIG2_W2)
        mark_printed_range(ax_w, *printed.FIG2_COORDINATE_AXIS, label=PRINTED_RANGE_LABEL)
        mark_printed_range(ax_e, *printed.FIG2_RISK_AXIS, label=PRINTED_RANGE_LABEL)
        title = f"m = n2 = {curves.m}" + (f" (caption), {extra.m} (text, dashed)" if extra else "")
        ax_w.set_title(f"({'ac'[row]}) Location of solutions\n{title}")
        ax_e.set_title(f"({'bd'[row]}) Excess risk\n{title}")
        ax_w.set_ylabel("coordinate in first dimension")
        ax_e.set_ylabel(r"excess risk $\mathcal{E}_m(w)$")
    return finish_figure(  # (c)-(d) first: their legend entries include both readings
        fig, axes[::-1], r"$\rho_H$",
        f"Paper's Fig. 2 regenerated: d = {printed.FIG2_D}, $\\nu^2$ = {printed.FIG2_NOISE_VAR}, "
        f"$\\rho_E$ = {RHO_E}, $\\alpha$ = {large.alpha} (chosen: $1/\\rho_E$)",
        legend_columns=2,
    )


def _draw_theory(ax_w: Axes, ax_e: Axes, curves: TheoryCurves, style: str, reading: str) -> None:
    """One reading's population solutions (first coordinate) on ``ax_w`` and their excess risks on ``ax_e``."""
    for name, colour, coordinate, risk in (
        ("MAML", MAML_COLOUR, curves.maml_coordinate, curves.maml_risk),
        ("NAL", NAL_COLOUR, curves.nal_coordinate, curves.nal_risk),
    ):
        label = f"$w^*_{{{name}}}$, {reading}"
        ax_w.plot(curves.rho_h, coordinate, style, color=colour, linewidth=2, label=label)
        ax_e.plot(curves.rho_h, risk, style, color=colour, linewidth=2, label=label)


def plot_figure8(theory: list[TheoryCurves], points: tuple[SGDPoints, ...]) -> MplFigure:
    """Fig. 8's 2×3 layout: coordinates (top) and excess risks (bottom), theory and SGD ± 95% CI."""
    fig, axes = plt.subplots(2, len(points), figsize=(5 * len(points), 9.5), squeeze=False, layout="constrained")
    for column, (curves, sgd) in enumerate(zip(theory, points)):
        ax_w, ax_e = axes[0, column], axes[1, column]
        for name, colour, coord, risk, t_coord, t_risk in (
            ("MAML", MAML_COLOUR, sgd.maml_coordinate, sgd.maml_risk, curves.maml_coordinate, curves.maml_risk),
            ("NAL", NAL_COLOUR, sgd.nal_coordinate, sgd.nal_risk, curves.nal_coordinate, curves.nal_risk),
        ):
            for ax, values, line in ((ax_w, coord, t_coord), (ax_e, risk, t_risk)):
                ax.plot(curves.rho_h, line, color=colour, linewidth=2, label=f"$w^*_{{{name}}}$: theory")
                mean, half = mean_and_halfwidth(values)
                ax.errorbar(sgd.rho_h, mean, half, fmt="o", color=colour, ms=6, capsize=4, zorder=4,
                            label=f"$w_{{{name}}}$: final SGD iterate, {T_INTERVAL}")
        mark_task_solutions(ax_w, printed.FIG2_W1, printed.FIG2_W2)
        mark_printed_range(ax_w, *printed.FIG2_COORDINATE_AXIS, label=PRINTED_RANGE_LABEL)
        mark_printed_range(ax_e, *printed.FIG8_RISK_AXIS, label=PRINTED_RANGE_LABEL)
        ax_w.set_title(f"m = {sgd.m}, n2 = {sgd.n2}")
        ax_w.set_ylabel("coordinate in first dimension")
        ax_e.set_ylabel(r"excess risk $\mathcal{E}_m(w)$")
    reps = points[0].nal_risk.shape[1]
    return finish_figure(
        fig, axes, r"$\rho_H$",
        f"Paper's Fig. 8 regenerated: SGD as in App. C.1 (n1 = {printed.SGD_N1}, rates n2/10000 and "
        f"{printed.NAL_RATE}), {reps} repetitions; $\\alpha$ = {theory[0].alpha}",
        legend_columns=2,
    )
