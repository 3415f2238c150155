"""Corollary 2's printed approximations (eqs. (12), (25)-(27)) against the exact ratio, in the reduced variables.

At α = 1/ρ_E the exact ratio E_m(w_NAL*)/E_m(w_MAML*) depends only on t = ρ_H/ρ_E,
ε = (d+1)/m, u = R²/r_H and v = r_E/r_H (:func:`~maml_landscape.theory.mixture.reduced_ratio`);
the printed approximations are written in the same variables here and compared with it by
:func:`relative_errors`.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import sympy as sp

from maml_landscape.theory import mixture as derived
from maml_landscape.theory.printed import mixture as printed
from maml_landscape.theory.symbols import A_H, R_H, RHO_E, RHO_H, D, R, T, U

#: Tolerance of Corollary 2's "≈" (relative error of the printed ratio).
TOLERANCE = 0.10
#: "≫" in the condition (ρ_H/ρ_E)(1 - ρ_H/ρ_E)² ≫ d/m read as "at least this many times".
MUCH_GREATER = 10
#: The printed approximations of the ratio itself (the others approximate single risks).
RATIO_APPROXIMATIONS = ("eq. (12)", "eq. (27) line 2")


@cache
def approximations() -> dict[str, sp.Expr]:
    """The printed approximations in the reduced variables at α = 1/ρ_E (t, u; risks per d ρ_E r_H / 4).

    Ratios: eq. (12) and eq. (27) line 2; single risks: eq. (25) (MAML) and eq. (26) (NAL), second forms.
    """
    rho_e, r_h = sp.Symbol("rho_E_", positive=True), sp.Symbol("r_H_", positive=True)
    reduce = {RHO_H: T * rho_e, RHO_E: rho_e, R: sp.sqrt(U * r_h), R_H: r_h}
    scale = D * rho_e * r_h / 4
    return {
        "eq. (12)": sp.simplify(printed.ratio_eq12(R, R_H).subs(reduce, simultaneous=True)),
        "eq. (27) line 2": sp.simplify(printed.ratio_eq27(RHO_H, RHO_E, R, R_H)[0].subs(reduce, simultaneous=True)),
        "eq. (25)": sp.simplify(printed.maml_eq25(A_H, RHO_H, RHO_E, R_H, D)[1].subs(reduce, simultaneous=True) / scale),
        "eq. (26)": sp.simplify(printed.nal_eq26(A_H, RHO_H, RHO_E, R, R_H, D)[1].subs(reduce, simultaneous=True) / scale),
    }


@cache
def _approx_numpy():
    return {k: sp.lambdify((T, U), approximations()[k], "numpy") for k in RATIO_APPROXIMATIONS}


def relative_errors(t, eps, u, v) -> dict[str, np.ndarray]:
    """(printed approximation)/(exact ratio) - 1 at α = 1/ρ_E, for eq. (12) and eq. (27) line 2."""
    exact = derived.ratio_grid(t, eps, u, v)
    return {k: np.broadcast_to(f(np.asarray(t, float), np.asarray(u, float)), exact.shape) / exact - 1
            for k, f in _approx_numpy().items()}
