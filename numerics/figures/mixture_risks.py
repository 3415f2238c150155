"""Excess risks of the Sec. 3.2 hard/easy mixture as exact linear functions of R², r_H and r_E.

For fixed (d, ρ_H, ρ_E, m, n2, α) both population solutions (eq. (5)) are linear in the
task means (R·1_d and 0_d), and Proposition 1's risk ½ E_i ‖w - w_i*‖²_{Q_i^(m)} is
a quadratic form in the means plus tr(Q_k C_k) with C_k = r_k I_d. Hence

    E(w*) = c_R R² + c_H r_H + c_E r_E

exactly, with the three coefficients read off the population functions at
(R, r_H, r_E) = (1, 0, 0), (0, 1, 0), (0, 0, 1). This makes sensitivity scans over
thousands of unstated (R, r_H, r_E) choices cost three population evaluations.
:func:`gain_ratios` evaluates E(w_NAL*)/E(w_MAML*) on the grid of H.GAIN, the gain that
eq. (12) approximates by 1 + R²/r_H under Corollary 2's condition (:func:`corollary2_strength`);
:func:`gain_cases` holds them for the whole grid, computed once per check.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from maml_landscape.numerics.environments import Environment, hard_easy_mixture
from maml_landscape.numerics.population import maml_solution, nal_solution, risk_above_task_optima

#: Label noise ν² used for the Sec. 3.2 environments (the paper's σ² = 0.01 of Fig. 2).
NOISE_VAR = 0.01
SIGNIFICANT_GAIN = 1.5  # E(w_NAL)/E(w_MAML) counted as a substantial MAML gain
#: The grid of H.GAIN: ρ_H/ρ_E, m = n2, R²/r_E and R²/r_H (d = 10, ρ_E = 1, α = 1/ρ_E, R = 1).
GAIN_RHO_RATIOS = (0.01, 0.05, 0.1, 0.2, 0.5, 0.8, 1.0)
GAIN_M = (100, 500, 2000, 100000)
GAIN_R2_OVER_RE = (0.5, 10.0)
GAIN_R2_OVER_RH = (0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 50.0)


@dataclass(frozen=True)
class MixtureSetting:
    """The parameters of Sec. 3.2 that the excess-risk coefficients depend on."""

    d: int
    rho_h: float
    rho_e: float
    m: int
    n2: int
    alpha: float


def environment(setting: MixtureSetting, R: float, r_h: float, r_e: float) -> Environment:
    """The ½ hard + ½ easy mixture of Sec. 3.2 for one (R, r_H, r_E)."""
    return hard_easy_mixture(setting.d, setting.rho_h, setting.rho_e, R, r_h, r_e, NOISE_VAR)


def risks(setting: MixtureSetting, R: float, r_h: float, r_e: float) -> tuple[float, float]:
    """(E(w_NAL*), E(w_MAML*)) of Proposition 1 at one point, from the population functions."""
    env = environment(setting, R, r_h, r_e)
    return (
        risk_above_task_optima(env, nal_solution(env), setting.alpha, setting.m),
        risk_above_task_optima(env, maml_solution(env, setting.alpha, setting.n2), setting.alpha, setting.m),
    )


@lru_cache(maxsize=256)
def coefficients(setting: MixtureSetting) -> np.ndarray:
    """(2, 3) array: rows NAL, MAML; columns the coefficients of R², r_H, r_E."""
    units = ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0))
    return np.array([risks(setting, *unit) for unit in units]).T


def risk_grid(
    setting: MixtureSetting, R: np.ndarray, r_h: np.ndarray, r_e: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(E_NAL, E_MAML) on broadcast arrays of R, r_H, r_E (exact, by linearity)."""
    features = np.stack(np.broadcast_arrays(np.square(R), r_h, r_e), axis=-1)
    values = features @ coefficients(setting).T
    return values[..., 0], values[..., 1]


def gain_ratios(rho_ratio: float, m: int, k_e: float, d: int = 10, rho_e: float = 1.0) -> np.ndarray:
    """E(w_NAL*)/E(w_MAML*) at every R²/r_H of :data:`GAIN_R2_OVER_RH`, for R = 1, R²/r_E = ``k_e``, α = 1/ρ_E."""
    setting = MixtureSetting(d, rho_ratio * rho_e, rho_e, m, m, 1 / rho_e)
    k_h, R = np.array(GAIN_R2_OVER_RH), 1.0
    nal, maml = risk_grid(setting, np.full(k_h.size, R), R**2 / k_h, np.full(k_h.size, R**2 / k_e))
    return nal / maml


def corollary2_strength(rho_ratio: float, m: int, d: int = 10) -> float:
    """(ρ_H/ρ_E)(1 − ρ_H/ρ_E)² m/d: Corollary 2's condition holds when this is ≫ 1."""
    return rho_ratio * (1 - rho_ratio) ** 2 * m / d


@dataclass(frozen=True, eq=False)
class GainCase:
    """One (ρ_H/ρ_E, m = n2, R²/r_E) of H.GAIN's grid: the gain at every R²/r_H, and Corollary 2's strength."""

    rho_ratio: float
    m: int
    k_e: float
    #: E(w_NAL*)/E(w_MAML*) at every R²/r_H of :data:`GAIN_R2_OVER_RH` (:func:`gain_ratios`)
    ratios: np.ndarray
    #: (ρ_H/ρ_E)(1 − ρ_H/ρ_E)² m/d (:func:`corollary2_strength`)
    strength: float


def gain_cases() -> tuple[GainCase, ...]:
    """H.GAIN's grid (:data:`GAIN_RHO_RATIOS` × :data:`GAIN_M` × :data:`GAIN_R2_OVER_RE`), in that order."""
    return tuple(GainCase(rho_ratio, m, k_e, gain_ratios(rho_ratio, m, k_e), corollary2_strength(rho_ratio, m))
                 for rho_ratio in GAIN_RHO_RATIOS for m in GAIN_M for k_e in GAIN_R2_OVER_RE)
