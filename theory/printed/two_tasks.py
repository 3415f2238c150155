"""Section 3.1 (two tasks of different hardness) as printed: eqs. (8)-(9) and the text around them.

Data under test, typed from the paper *as printed* (typos included); never a source
of truth. Arguments may be SymPy symbols or numbers; results are SymPy expressions.
Setting: n2 = m, Σ_1 = ρ_H I_d (hard task, w_1*), Σ_2 = ρ_E I_d (easy task, w_2*),
uniform over the two tasks.
"""

from __future__ import annotations

import sympy as sp


def _s(*values):
    return [sp.sympify(v) for v in values]


def hardness_weight(rho, alpha, m, d) -> sp.Expr:
    """a_E, a_H below eq. (8): ρ(1 - αρ)² + ((d + 1)/m) α² ρ³ (with ρ = ρ_E resp. ρ_H)."""
    rho, alpha, m, d = _s(rho, alpha, m, d)
    return rho * (1 - alpha * rho) ** 2 + (d + 1) / m * alpha**2 * rho**3


def nal_weights(rho_h, rho_e) -> tuple[sp.Expr, sp.Expr]:
    """Eq. (8): w_NAL* = ρ_H/(ρ_H+ρ_E) w_1* + ρ_E/(ρ_H+ρ_E) w_2*; returns the two weights."""
    rho_h, rho_e = _s(rho_h, rho_e)
    return rho_h / (rho_h + rho_e), rho_e / (rho_h + rho_e)


def maml_weights(a_h, a_e) -> tuple[sp.Expr, sp.Expr]:
    """Eq. (8): w_MAML* = a_H/(a_H+a_E) w_1* + a_E/(a_H+a_E) w_2*; returns the two weights."""
    a_h, a_e = _s(a_h, a_e)
    return a_h / (a_h + a_e), a_e / (a_h + a_e)


def a_e_at_inverse_rho_e(rho_e, m, d) -> sp.Expr:
    """Sec. 3.1 (and eq. 24): with α = 1/ρ_E, a_E = ((d + 1)/m) ρ_E."""
    rho_e, m, d = _s(rho_e, m, d)
    return (d + 1) / m * rho_e


def a_h_at_inverse_rho_e(rho_h, rho_e, m, d) -> sp.Expr:
    """Sec. 3.1 (and eq. 24): with α = 1/ρ_E, a_H = ρ_H(1 - ρ_H/ρ_E)² + (d + 1)ρ_H³/(m ρ_E²)."""
    rho_h, rho_e, m, d = _s(rho_h, rho_e, m, d)
    return rho_h * (1 - rho_h / rho_e) ** 2 + (d + 1) * rho_h**3 / (m * rho_e**2)


def nal_excess_risk(a_h, a_e, rho_h, rho_e) -> sp.Expr:
    """Eq. (9): E_m(w_NAL) = (a_E ρ_H² + a_H ρ_E²)/(ρ_E + ρ_H)² (no ‖w_1* - w_2*‖², no ½: as printed)."""
    a_h, a_e, rho_h, rho_e = _s(a_h, a_e, rho_h, rho_e)
    return (a_e * rho_h**2 + a_h * rho_e**2) / (rho_e + rho_h) ** 2


def maml_excess_risk(a_h, a_e) -> sp.Expr:
    """Eq. (9): E_m(w_MAML) = a_E a_H/(a_E + a_H) (as printed)."""
    a_h, a_e = _s(a_h, a_e)
    return a_e * a_h / (a_e + a_h)


def nal_excess_risk_large_m(a_h, rho_h, rho_e) -> sp.Expr:
    """Sec. 3.1, below Fig. 2: for a_E ≈ 0, E_m(w_NAL) = ρ_E² a_H/(ρ_E + ρ_H)²."""
    a_h, rho_h, rho_e = _s(a_h, rho_h, rho_e)
    return rho_e**2 * a_h / (rho_e + rho_h) ** 2


def gain_condition(rho_h, rho_e, m, d) -> tuple[sp.Expr, sp.Expr]:
    """Sec. 3.1 (and Cor. 2): MAML gains when (ρ_H/ρ_E)(1 - ρ_H/ρ_E)² ≫ d/m; returns (lhs, rhs)."""
    rho_h, rho_e, m, d = _s(rho_h, rho_e, m, d)
    t = rho_h / rho_e
    return t * (1 - t) ** 2, d / m


def maml_near_zero_condition(rho_h, rho_e, m, d) -> tuple[sp.Expr, sp.Expr]:
    """Sec. 3.1: MAML's near-zero excess risk "requires" ρ_H(1 - ρ_H/ρ_E)² ≫ dρ_E/m; returns (lhs, rhs)."""
    rho_h, rho_e, m, d = _s(rho_h, rho_e, m, d)
    return rho_h * (1 - rho_h / rho_e) ** 2, d * rho_e / m
