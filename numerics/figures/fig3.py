"""Figure 3 (Sec. 3.2): excess risks and their ratio versus R for fixed R²/r_H and R²/r_E.

Theory: Proposition 1's risks of w_NAL*, w_MAML* (exact; :mod:`.mixture_risks`).
Empirical: final SGD iterates of the App. C.1 protocol, evaluated exactly. With
r_H = R²/k_H and r_E = R²/k_E every risk is R² times a constant, so the theoretical
ratio E(w_NAL*)/E(w_MAML*) does not depend on R (a flat line in (b) and (d)).
ρ_E, ρ_H, d, m, n2 and α are unstated; the default is Fig. 1's stated setting.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure as MplFigure

from maml_landscape.numerics.figures import printed
from maml_landscape.numerics.figures.common import (
    MAML_COLOUR,
    NAL_COLOUR,
    PRINTED_RANGE_LABEL,
    REFERENCE,
    T_INTERVAL,
    finish_figure,
    mark_printed_range,
    mean_and_halfwidth,
)
from maml_landscape.numerics.figures.mixture_risks import MixtureSetting, environment, risk_grid
from maml_landscape.numerics.sgd import EnvironmentStack, Protocol, risk_above_optima_exact, train

#: Default choice: Fig. 1's stated ρ_E = 0.9, ρ_H = 0.1, m = 500 (n2 = m), α = 1/ρ_E, d = 10.
DEFAULT_SETTING = MixtureSetting(d=10, rho_h=0.1, rho_e=0.9, m=500, n2=500, alpha=1 / 0.9)
#: The unstated ρ_H/ρ_E and m = n2 tried around the default (d = 10, ρ_E = 0.9, α = 1/ρ_E).
SENSITIVITY_RHO_RATIOS = (0.1, 0.2, 0.5)
SENSITIVITY_M = (100, 500, 2000)


def spreads(R: np.ndarray, ratios: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """(r_H, r_E) = (R²/k_H, R²/k_E) for one panel pair's printed (R²/r_H, R²/r_E) = (k_H, k_E)."""
    R = np.asarray(R, dtype=float)
    return R**2 / ratios[0], R**2 / ratios[1]


def theory(setting: MixtureSetting, R: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(E_NAL, E_MAML) of shape (2 panel pairs, len(R)) on an R grid."""
    nal, maml = [], []
    for ratios in printed.FIG3_SETTINGS:
        a, b = risk_grid(setting, R, *spreads(R, ratios))
        nal.append(a)
        maml.append(b)
    return np.array(nal), np.array(maml)


@dataclass(frozen=True)
class SettingRatios:
    """Theory in one setting at the end of the printed R axis (R = 5): the largest risk and both ratios."""

    setting: MixtureSetting
    largest_risk: float
    ratio_b: float  # E(w_NAL*)/E(w_MAML*) of panel (b)
    ratio_d: float  # ... of panel (d)


def sensitivity() -> list[SettingRatios]:
    """:class:`SettingRatios` for every ρ_H/ρ_E of :data:`SENSITIVITY_RHO_RATIOS` and m of :data:`SENSITIVITY_M`."""
    results = []
    for ratio in SENSITIVITY_RHO_RATIOS:
        for m in SENSITIVITY_M:
            setting = MixtureSetting(10, ratio * 0.9, 0.9, m, m, 1 / 0.9)
            nal, maml = theory(setting, np.array([5.0]))
            results.append(SettingRatios(setting, float(max(nal.max(), maml.max())),
                                         float(nal[0, 0] / maml[0, 0]), float(nal[1, 0] / maml[1, 0])))
    return results


@dataclass(frozen=True)
class Fig3SGD:
    """Exact risks of the final SGD iterates: arrays (2 panel pairs, len(R), repetitions)."""

    R: np.ndarray
    nal_risk: np.ndarray
    maml_risk: np.ndarray
    nal_coordinate: np.ndarray  # mean coordinate of the iterate (hard centre at R, easy at 0)
    maml_coordinate: np.ndarray


@lru_cache(maxsize=8)
def sgd_points(
    setting: MixtureSetting, R: tuple[float, ...], repetitions: int, iterations: int, seed: int
) -> Fig3SGD:
    """App. C.1's SGD (n1 = 25, rates n2/10000 and 0.025, one task per iteration) at every (panel, R)."""
    grid = np.array(R)
    envs = [
        environment(setting, r, *spreads(r, ratios))
        for ratios in printed.FIG3_SETTINGS
        for r in grid
    ]
    stack = EnvironmentStack(tuple(envs))
    protocol = Protocol(
        iterations=iterations,
        n1=printed.SGD_N1,
        n2=setting.n2,
        alpha=setting.alpha,
        maml_step=setting.n2 * printed.MAML_RATE_PER_N2,
        nal_step=printed.NAL_RATE,
    )
    trained = train(stack, protocol, repetitions, np.random.default_rng(seed))
    both = np.concatenate([trained.nal, trained.maml], axis=1)
    exact = risk_above_optima_exact(stack, both, setting.alpha, setting.m)
    shape = (len(printed.FIG3_SETTINGS), grid.size, repetitions)
    return Fig3SGD(
        grid,
        exact[:, :repetitions].reshape(shape),
        exact[:, repetitions:].reshape(shape),
        trained.nal.mean(-1).reshape(shape),
        trained.maml.mean(-1).reshape(shape),
    )


def plot(setting: MixtureSetting, R_theory: np.ndarray, sgd: Fig3SGD) -> MplFigure:
    """Fig. 3's panels in two rows: risks (a), (c) and ratios (b), (d); theory lines, SGD means ± 95% CI."""
    nal, maml = theory(setting, R_theory)
    fig, axes = plt.subplots(2, 2, figsize=(13, 9.5), layout="constrained")
    for pair, (k_h, k_e) in enumerate(printed.FIG3_SETTINGS):
        ax_risk, ax_ratio = axes[pair]
        for name, colour, curve, points in (
            ("MAML", MAML_COLOUR, maml[pair], sgd.maml_risk[pair]),
            ("NAL", NAL_COLOUR, nal[pair], sgd.nal_risk[pair]),
        ):
            ax_risk.plot(R_theory, curve, color=colour, linewidth=2, label=f"$w^*_{{{name}}}$: theory")
            mean, half = mean_and_halfwidth(points)
            ax_risk.errorbar(sgd.R, mean, half, fmt="o", ms=6, capsize=4, color=colour, zorder=4,
                             label=f"$w_{{{name}}}$: final SGD iterate, {T_INTERVAL}")
        _draw_ratio(ax_ratio, R_theory, nal[pair], maml[pair], sgd.nal_risk[pair] / sgd.maml_risk[pair], sgd.R, k_h)
        mark_printed_range(ax_risk, *printed.FIG3_RISK_AXIS, label=PRINTED_RANGE_LABEL)
        mark_printed_range(ax_ratio, *printed.FIG3_RATIO_AXIS, label=PRINTED_RANGE_LABEL)
        label = f"$R^2/r_H$ = {k_h:g}, $R^2/r_E$ = {k_e:g}"
        ax_risk.set_title(f"({'ac'[pair]}) Model performance\n{label}")
        ax_ratio.set_title(f"({'bd'[pair]}) Ratio $\\mathcal{{E}}(w_{{NAL}})/\\mathcal{{E}}(w_{{MAML}})$\n{label}")
        ax_risk.set_ylabel("excess risk")
        ax_ratio.set_ylabel("NAL / MAML excess risk")
    reps = sgd.nal_risk.shape[-1]
    return finish_figure(
        fig, axes, "R",
        f"Paper's Fig. 3 regenerated; chosen: d = {setting.d}, $\\rho_H$ = {setting.rho_h}, "
        f"$\\rho_E$ = {setting.rho_e}, m = {setting.m}, n2 = {setting.n2}, $\\alpha$ = {setting.alpha:.3g}\n"
        f"SGD as in App. C.1, {reps} repetitions",
    )


def _draw_ratio(ax: Axes, R_theory: np.ndarray, nal: np.ndarray, maml: np.ndarray, sgd_ratio: np.ndarray,
                R_sgd: np.ndarray, k_h: float) -> None:
    """One ratio panel: theory's E(w_NAL*)/E(w_MAML*), the SGD ratios ± 95% CI and eq. (12)'s 1 + R²/r_H."""
    positive = R_theory > 0
    ax.plot(R_theory[positive], nal[positive] / maml[positive], color="k", linewidth=2, label="ratio: theory")
    mean, half = mean_and_halfwidth(sgd_ratio)
    ax.errorbar(R_sgd, mean, half, fmt="s", ms=6, capsize=4, color="tab:green", zorder=4,
                label=f"ratio: SGD, {T_INTERVAL}")
    ax.axhline(1 + k_h, color="0.4", linestyle="--", linewidth=1.6, gid=REFERENCE,
               label=r"$1 + R^2/r_H$ (eq. (12))")
    ax.set_ylim(0.9, max(4.2, min(1 + k_h, 12) + 0.3))
