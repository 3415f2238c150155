"""The setting shared by the checks of the training objectives and of Theorems 2-3: one environment, one step size.

:mod:`.training_objectives` (eqs. (3)-(4), (41), (43)) and :mod:`.convergence_rates`
(Theorems 2-3) draw their training sets from :func:`environment` and adapt with
:data:`ALPHA`; the choices state both in the ledger.
"""

from __future__ import annotations

from maml_landscape.numerics.environments import Environment, hard_easy_mixture
from maml_landscape.verdicts import Choice

#: Family-wise false-alarm rate of the Monte Carlo and slope tests of these checks.
ALARM_RATE = 1e-3


def environment() -> Environment:
    """The environment of every check here: Sec. 3.2's hard/easy mixture, small d, with noise."""
    return hard_easy_mixture(d=4, rho_h=0.25, rho_e=1.0, R=1.0, r_h=0.25, r_e=0.5, noise_var=0.1)


ENVIRONMENT_CHOICE = Choice(
    "environment",
    "hard/easy mixture (Sec. 3.2): d=4, ρ_H=0.25, ρ_E=1, R=1, r_H=0.25, r_E=0.5, ν²=0.1",
    "small d keeps the checks fast; two hardness levels and spread w* give Var(Σ_i), Var(Σ_i w_i*) > 0",
)
ALPHA = 0.5
ALPHA_CHOICE = Choice("alpha", ALPHA, "α = 1/(2L) with L = ρ_E = 1: inside the stable range α < 1/L of Theorem 3")
