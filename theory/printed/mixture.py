"""Section 3.2 (task geography: ½ hard + ½ easy Gaussian mixture) as printed: eqs. (10)-(12), (23)-(27).

Data under test, typed from the paper *as printed* (typos included); never a source
of truth. Hard tasks: w* ~ N(R·1_d, r_H I_d), Σ = ρ_H I_d; easy tasks: w* ~ N(0_d, r_E I_d),
Σ = ρ_E I_d. a_E, a_H are the printed hardness weights of eq. (8) / eqs. (21)-(22)
(:func:`maml_landscape.theory.printed.two_tasks.hardness_weight`). Arguments may be
SymPy symbols or numbers; results are SymPy expressions.
"""

from __future__ import annotations

import sympy as sp


def _s(*values):
    return [sp.sympify(v) for v in values]


def nal_excess_risk(a_h, a_e, rho_h, rho_e, R, r_h, r_e, d) -> sp.Expr:
    """Corollary 1, eq. (10): E_m(w_NAL*)."""
    a_h, a_e, rho_h, rho_e, R, r_h, r_e, d = _s(a_h, a_e, rho_h, rho_e, R, r_h, r_e, d)
    bracket = (
        (a_e * rho_e**2 + 2 * a_e * rho_e * rho_h) * r_e
        + a_e * rho_h**2 * (r_e + R**2)
        + (a_h * rho_h**2 + 2 * a_h * rho_e * rho_h) * r_h
        + a_h * rho_e**2 * (r_h + R**2)
    )
    return d / (4 * (rho_e + rho_h) ** 2) * bracket


def maml_excess_risk(a_h, a_e, R, r_h, r_e, d) -> sp.Expr:
    """Corollary 1, eq. (11): E_m(w_MAML*)."""
    a_h, a_e, R, r_h, r_e, d = _s(a_h, a_e, R, r_h, r_e, d)
    bracket = (
        (a_e**3 + 2 * a_e**2 * a_h) * r_e
        + (a_h**3 + 2 * a_e * a_h**2) * r_h
        + a_e * a_h**2 * (r_e + R**2)
        + a_e**2 * a_h * (r_h + R**2)
    )
    return d / (4 * (a_e + a_h) ** 2) * bracket


def maml_coordinate_terms_a2(a_h, a_e, R, r_h, r_e) -> tuple[sp.Expr, ...]:
    """Appendix A.2, eq. (23): the six numerator terms of E^(l)(w_MAML), in printed order.

    Hard-task block (x², y², 2xy), then easy-task block; the common denominator is
    :func:`maml_coordinate_denominator_a2`.
    """
    a_h, a_e, R, r_h, r_e = _s(a_h, a_e, R, r_h, r_e)
    return (
        a_h**3 * r_h,
        a_h * a_e**2 * (r_h + R**2),
        2 * a_h**2 * a_e * r_h,
        a_e * a_h**2 * (r_e + R**2),
        a_e**3 * r_e,
        2 * a_e**2 * a_h * r_e,
    )


def maml_coordinate_denominator_a2(a_h, a_e) -> sp.Expr:
    """Appendix A.2, eq. (23): denominator 4(a_E + a_H)²."""
    a_h, a_e = _s(a_h, a_e)
    return 4 * (a_e + a_h) ** 2


def nal_coordinate_terms_a2(a_h, a_e, rho_h, rho_e, R, r_h, r_e) -> tuple[sp.Expr, ...]:
    """Appendix A.2, last display: the six numerator terms of E^(l)(w_NAL), as printed.

    The last term is printed 2a_E ρ_H ρ_E (no r_E factor).
    """
    a_h, a_e, rho_h, rho_e, R, r_h, r_e = _s(a_h, a_e, rho_h, rho_e, R, r_h, r_e)
    return (
        a_h * rho_h**2 * r_h,
        a_h * rho_e**2 * (r_h + R**2),
        2 * a_h * rho_h * rho_e * r_h,
        a_e * rho_h**2 * (r_e + R**2),
        a_e * rho_e**2 * r_e,
        2 * a_e * rho_h * rho_e,
    )


def nal_coordinate_denominator_a2(a_h, a_e) -> sp.Expr:
    """Appendix A.2, last display: the NAL denominator is printed 4(a_E + a_H)²."""
    a_h, a_e = _s(a_h, a_e)
    return 4 * (a_e + a_h) ** 2


def nal_easy_cross_term_integrand_a2(a_h, a_e, w_easy, R) -> sp.Expr:
    """Appendix A.2, NAL expansion, easy block, third term as printed (with a_H, a_E where ρ's belong).

    2 a_E E_{i'_H}[a_H (w_{i'_H} - w_{i_E})] E_{i'_E}[a_E (w_{i'_E} - w_{i_E})], with the inner
    expectations over the hard centre R and easy centre 0 already taken; ``w_easy`` is w_{i_E,l}.
    """
    a_h, a_e, w_easy, R = _s(a_h, a_e, w_easy, R)
    return 2 * a_e * (a_h * (R - w_easy)) * (a_e * (0 - w_easy))


def ratio_eq12(R, r_h) -> sp.Expr:
    """Corollary 2, eq. (12): E_m(w_NAL*)/E_m(w_MAML*) ≈ 1 + R²/r_H."""
    R, r_h = _s(R, r_h)
    return 1 + R**2 / r_h


def maml_eq25(a_h, rho_h, rho_e, r_h, d) -> tuple[sp.Expr, sp.Expr]:
    """Appendix A.3, eq. (25): E_m(w_MAML*) ≈ d a_H³ r_H/(4a_H²) = (dρ_H(1 - ρ_H/ρ_E)²/4) r_H."""
    a_h, rho_h, rho_e, r_h, d = _s(a_h, rho_h, rho_e, r_h, d)
    return d * a_h**3 / (4 * a_h**2) * r_h, d * rho_h * (1 - rho_h / rho_e) ** 2 / 4 * r_h


def nal_eq26(a_h, rho_h, rho_e, R, r_h, d) -> tuple[sp.Expr, sp.Expr]:
    """Appendix A.3, eq. (26): the two printed forms of the approximate E_m(w_NAL*)."""
    a_h, rho_h, rho_e, R, r_h, d = _s(a_h, rho_h, rho_e, R, r_h, d)
    first = (d * a_h * rho_h**2 + 2 * d * a_h * rho_e * rho_h) / (4 * (rho_h + rho_e) ** 2) * r_h + (
        d * a_h * rho_e**2 / (4 * (rho_h + rho_e) ** 2) * (r_h + R**2)
    )
    t = rho_h / rho_e
    second = d * rho_h * (1 - t) ** 2 / 4 * r_h + d * rho_h * rho_e**2 * (1 - t) ** 2 / (
        4 * (rho_h + rho_e) ** 2
    ) * R**2
    return first, second


def ratio_eq27(rho_h, rho_e, R, r_h) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """Appendix A.3, eq. (27), the lines after the quotient, as printed (r_H² in the last two).

    Returns (line 2, line 3, line 4):
    (r_H + ρ_E²R²/(ρ_H+ρ_E)²)/r_H, 1 + ρ_E²R²/((ρ_H+ρ_E)² r_H²), 1 + R²/r_H².
    """
    rho_h, rho_e, R, r_h = _s(rho_h, rho_e, R, r_h)
    line2 = (r_h + rho_e**2 / (rho_h + rho_e) ** 2 * R**2) / r_h
    line3 = 1 + rho_e**2 / (rho_h + rho_e) ** 2 * R**2 / r_h**2
    line4 = 1 + R**2 / r_h**2
    return line2, line3, line4


def eq27_factor_bounds() -> tuple[sp.Expr, sp.Expr]:
    """Appendix A.3, below eq. (27): 1/4 ≤ ρ_E²/(ρ_E + ρ_H)² ≤ 1; returns (1/4, 1)."""
    return sp.Rational(1, 4), sp.Integer(1)
