"""Figure 1 (Secs. 1, 3.2): four hard/easy environments, sampled task solutions and risk bars.

Stated: d = 10, 100 sampled solutions per panel, ρ_E = 0.9, ρ_H = 0.1, m = 500 in
(b)-(d), ρ_H/ρ_E = 1 in (a); the bars' axes end at 5, 12, 0.15 and 6; Sec. 1 says
(d) has ρ_H/ρ_E = 0.2 and E(w_NAL)/E(w_MAML) ≈ 3. Unstated: R, r_H, r_E per panel,
ρ in (a), α, n2. This module scans those choices (exactly, by the linearity of
:mod:`.mixture_risks`) and reports which reproduce the printed axis ranges and ratio.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure as MplFigure

from maml_landscape.numerics.figures import printed
from maml_landscape.numerics.figures.common import (
    EASY_COLOUR,
    HARD_COLOUR,
    MAML_COLOUR,
    NAL_COLOUR,
    PRINTED_STYLE,
    REFERENCE,
    figure_legend,
)
from maml_landscape.numerics.figures.mixture_risks import MixtureSetting, environment, risk_grid
from maml_landscape.numerics.population import maml_solution, nal_solution

ALPHA = 1 / printed.FIG1_RHO_E  # the "natural choice" 1/ρ_E, for all four panels
R_GRID = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0)
SPREAD_GRID = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0)
LARGE_R, SMALL_R = 1.0, 0.5  # reading of the titles: "Large R" means R >= 1, "Small R" R <= 0.5
LARGE_SPREAD, SMALL_SPREAD = 1.0, 0.5  # "Large r_H" r_H >= 1, "Small r_H" r_H <= 0.5
#: Reading of "(II)" in the titles (benign geography, R²/r_H large): holds if R²/r_H >= 4,
#: fails ("not (II)") if R²/r_H <= 2.
GEOGRAPHY_HOLDS, GEOGRAPHY_FAILS = 4.0, 2.0
AXIS_FILL = (0.6, 1.0)  # the largest bar fills 60-100% of an autoscaled axis
#: Reading of Sec. 1's "E(w_NAL)/E(w_MAML) ≈ 3" in (d): a ratio within 3 ± 0.5.
RATIO_D_SLACK = 0.5
#: ρ_H = ρ_E in panel (a): candidate common values (the paper gives only the ratio 1).
PANEL_A_RHOS = (0.1, 0.5, 0.9)

# Title constraints per panel: (R condition, r_H condition, whether (II) holds).
TITLE_CONDITIONS = (
    (lambda R: R >= LARGE_R, lambda r: r <= SMALL_SPREAD, True),  # (a) (II): Large R, Small r_H
    (lambda R: R >= LARGE_R, lambda r: r >= LARGE_SPREAD, False),  # (b) not (II): Large R, r_H
    (lambda R: R <= SMALL_R, lambda r: r <= SMALL_SPREAD, False),  # (c) not (II): Small R, r_H
    (lambda R: R >= LARGE_R, lambda r: r <= SMALL_SPREAD, True),  # (d) (II): Large R, Small r_H
)


def _title_allows(panel: int, R: float, r_h: float) -> bool:
    R_ok, r_ok, geography = TITLE_CONDITIONS[panel]
    ratio = R**2 / r_h
    return R_ok(R) and r_ok(r_h) and (ratio >= GEOGRAPHY_HOLDS if geography else ratio <= GEOGRAPHY_FAILS)


def panel_setting(panel: int, rho_a: float = 0.9, rho_h_d: float = printed.FIG1_RHO_H) -> MixtureSetting:
    """The stated (or chosen) hardness setting of one panel, with n2 = m = 500 and α = 1/ρ_E."""
    rho_e = printed.FIG1_RHO_E
    rho_h = {0: rho_a * printed.FIG1_RHO_RATIO_A, 3: rho_h_d}.get(panel, printed.FIG1_RHO_H)
    if panel == 0:
        rho_e = rho_a
    return MixtureSetting(printed.FIG1_D, rho_h, rho_e, printed.FIG1_M, printed.FIG1_M, ALPHA)


@dataclass(frozen=True)
class Candidate:
    """One (R, r_H, r_E) choice for a panel and its exact risks."""

    R: float
    r_h: float
    r_e: float
    nal: float
    maml: float

    @property
    def ratio(self) -> float:
        return self.nal / self.maml

    @property
    def largest(self) -> float:
        return max(self.nal, self.maml)


@dataclass(frozen=True)
class PanelScan:
    """The candidates of one panel that satisfy its title, and those matching the printed axis."""

    panel: int
    setting: MixtureSetting
    titled: tuple[Candidate, ...]
    matching: tuple[Candidate, ...]  # axis (and for (d) the ratio ≈ 3) reproduced
    chosen: Candidate


def scan_panel(panel: int, setting: MixtureSetting) -> PanelScan:
    """All grid choices of (R, r_H, r_E) allowed by the panel's title, scored against the printed axis."""
    grid = [
        (R, r_h, r_e)
        for R, r_h, r_e in itertools.product(R_GRID, SPREAD_GRID, SPREAD_GRID)
        if _title_allows(panel, R, r_h)
    ]
    R, r_h, r_e = (np.array(column) for column in zip(*grid))
    nal, maml = risk_grid(setting, R, r_h, r_e)
    titled = tuple(Candidate(*values) for values in zip(R, r_h, r_e, nal, maml))
    return match_panel(panel, setting, titled)


def match_panel(panel: int, setting: MixtureSetting, titled: tuple[Candidate, ...],
                ratio_slack: float = RATIO_D_SLACK) -> PanelScan:
    """The choices of ``titled`` that reproduce the printed axis (and in (d) a ratio within 3 ± ``ratio_slack``,
    Sec. 1's "≈ 3"), and the one chosen: the matching choice nearest the printed axis (and ratio 3)."""
    axis_max = printed.FIG1_RISK_AXIS_MAX[panel]
    low, high = printed.FIG1_RISK_RATIO_D - ratio_slack, printed.FIG1_RISK_RATIO_D + ratio_slack

    def matches(c: Candidate) -> bool:
        fills = AXIS_FILL[0] * axis_max <= c.largest <= AXIS_FILL[1] * axis_max
        return fills and (panel != 3 or low <= c.ratio <= high)

    matching = tuple(c for c in titled if matches(c))

    def score(c: Candidate) -> float:
        axis_miss = abs(np.log(c.largest / (0.85 * axis_max)))
        return axis_miss + (abs(np.log(c.ratio / printed.FIG1_RISK_RATIO_D)) if panel == 3 else 0.0)

    chosen = min(matching or titled, key=score)
    return PanelScan(panel, setting, titled, matching, chosen)


def rematch(scan: PanelScan, ratio_slack: float) -> PanelScan:
    """``scan`` with Sec. 1's "≈ 3" read as 3 ± ``ratio_slack`` (the risks already computed, :func:`match_panel`)."""
    return match_panel(scan.panel, scan.setting, scan.titled, ratio_slack)


def scan_all(rho_a: float | None = None, rho_h_d: float = printed.FIG1_RHO_H) -> tuple[PanelScan, ...]:
    """:func:`scan_panel` for the four panels.

    ``rho_a`` (ρ_H = ρ_E in panel (a)) defaults to the first of :data:`PANEL_A_RHOS`, tried
    from 0.9 (the ρ_E of the other panels) down, for which some choice matches the axis.
    """
    if rho_a is None:
        for rho in sorted(PANEL_A_RHOS, reverse=True):
            if scan_panel(0, panel_setting(0, rho)).matching:
                rho_a = rho
                break
        else:
            rho_a = max(PANEL_A_RHOS)
    return tuple(scan_panel(p, panel_setting(p, rho_a, rho_h_d)) for p in range(4))


def plot(scans: tuple[PanelScan, ...], rng: np.random.Generator) -> MplFigure:
    """Fig. 1's panels (a)-(d) in a 2×2 grid: sampled solutions (first two coordinates) above NAL/MAML risk bars."""
    fig = plt.figure(figsize=(14, 13), layout="constrained")
    grid = fig.add_gridspec(4, 2, height_ratios=[3, 1, 3, 1])
    axes = []
    for scan in scans:
        row, column = divmod(scan.panel, 2)
        solutions, bars = fig.add_subplot(grid[2 * row, column]), fig.add_subplot(grid[2 * row + 1, column])
        _draw_solutions(solutions, scan, rng)
        _draw_risks(bars, scan)
        axes += [solutions, bars]
    figure_legend(fig, axes, columns=4)
    fig.suptitle(
        f"Paper's Fig. 1 regenerated: d = {printed.FIG1_D}, m = n2 = {printed.FIG1_M}, $\\alpha$ = 1/0.9\n"
        "R, $r_H$, $r_E$ chosen from a grid to match the printed axes (see the scan)"
    )
    return fig


def _draw_solutions(ax: Axes, scan: PanelScan, rng: np.random.Generator) -> None:
    """Sampled task solutions of one panel's environment and the population solutions (first two coordinates)."""
    c, s = scan.chosen, scan.setting
    env = environment(s, c.R, c.r_h, c.r_e)
    family, w_star = env.sample_tasks(rng, printed.FIG1_SAMPLED_SOLUTIONS)
    hard = family == 0
    ax.scatter(w_star[hard, 0], w_star[hard, 1], s=18, color=HARD_COLOUR, label="hard task solutions $w_i^*$")
    ax.scatter(w_star[~hard, 0], w_star[~hard, 1], s=18, color=EASY_COLOUR, label="easy task solutions $w_i^*$")
    w_nal, w_maml = nal_solution(env), maml_solution(env, s.alpha, s.n2)
    ax.scatter(*w_maml[:2], marker="*", s=400, color=MAML_COLOUR, edgecolor="k", zorder=4, label="$w^*_{MAML}$")
    ax.scatter(*w_nal[:2], marker="*", s=400, color=NAL_COLOUR, edgecolor="k", zorder=4, label="$w^*_{NAL}$")
    ax.set_title(
        f"({'abcd'[scan.panel]}) {printed.FIG1_TITLES[scan.panel]}\n"
        f"chosen R = {c.R:g}, $r_H$ = {c.r_h:g}, $r_E$ = {c.r_e:g}, $\\rho_H$ = {s.rho_h:.3g}, $\\rho_E$ = {s.rho_e:g}"
    )
    ax.set_xlabel("coordinate 1")
    ax.set_ylabel("coordinate 2")


def _draw_risks(ax: Axes, scan: PanelScan) -> None:
    """One panel's risk bars, the printed axis end and, in (d), the NAL bar that Sec. 1's ratio ≈ 3 implies."""
    c = scan.chosen
    ax.barh(1, c.nal, color=NAL_COLOUR, label=r"$\mathcal{E}(w^*_{NAL})$")
    ax.barh(0, c.maml, color=MAML_COLOUR, label=r"$\mathcal{E}(w^*_{MAML})$")
    ax.set_yticks([1, 0], ["NAL", "MAML"])
    axis_max = printed.FIG1_RISK_AXIS_MAX[scan.panel]
    ax.axvline(axis_max, zorder=3, gid=REFERENCE, label="paper's printed axis end", **PRINTED_STYLE)
    ax.set_xlim(0, 1.1 * max(axis_max, c.largest))
    ratio = f"measured ratio NAL/MAML {c.ratio:.2f}"
    if scan.panel == 3:
        paper = printed.FIG1_RISK_RATIO_D
        ax.barh(1, paper * c.maml, fill=False, edgecolor="k", linestyle="--", linewidth=1.6, zorder=3,
                label=f"{paper:g} × MAML: the paper's ratio NAL/MAML ≈ {paper:g} (d)")
        ratio += f" (paper: ≈ {paper:g})"
    ax.set_xlabel(f"excess risk; {ratio}")
