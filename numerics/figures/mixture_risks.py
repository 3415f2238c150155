"""Excess risks of the Sec. 3.2 hard/easy mixture as exact linear functions of R², r_H and r_E.

For fixed (d, ρ_H, ρ_E, m, n2, α) both population solutions (eq. (5)) are linear in the
task means (R·1_d and 0_d), and Proposition 1's risk ½ E_i ‖w - w_i*‖²_{Q_i^(m)} is
a quadratic form in the means plus tr(Q_k C_k) with C_k = r_k I_d. Hence

    E(w*) = c_R R² + c_H r_H + c_E r_E

exactly, with the three coefficients read off the population functions at
(R, r_H, r_E) = (1, 0, 0), (0, 1, 0), (0, 0, 1). This makes sensitivity scans over
thousands of unstated (R, r_H, r_E) choices cost three population evaluations.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from maml_landscape.numerics.environments import Environment, hard_easy_mixture
from maml_landscape.numerics.population import maml_solution, nal_solution, risk_above_task_optima

#: Label noise ν² used for the Sec. 3.2 environments (the paper's σ² = 0.01 of Fig. 2).
NOISE_VAR = 0.01


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
