"""The SymPy symbols of the derivations and checks, each defined once with its assumptions.

SymPy tells symbols apart by name *and* assumptions, so a symbol defined twice with other
assumptions is a different variable. The sample sizes and the dimension of Secs. 2-3,
App. A.1 and Lemma 2 (eq. (77)) are positive integers; Secs. 3.1-3.2 treat m and d as
positive reals (their statements take m → ∞ and solve for a threshold m*), so those have
symbols of their own.
"""

from __future__ import annotations

import sympy as sp

HALF = sp.Rational(1, 2)

#: The step size α of the adaptation (every section).
ALPHA = sp.Symbol("alpha", positive=True)
#: The label-noise variance σ² of App. A.1 (the ν² of Sec. 3).
NOISE = sp.Symbol("sigma^2", positive=True)
#: An isotropic covariance Σ = ρ I_d (below eq. (5)).
RHO = sp.Symbol("rho", positive=True)

# Secs. 2-3, App. A.1, Lemma 2: integer sample sizes n (eq. (77)), s (Q^(s)), m (F_m, eq. (1))
# and the dimension d.
N = sp.Symbol("n", positive=True, integer=True)
S = sp.Symbol("s", positive=True, integer=True)
M_INT = sp.Symbol("m", positive=True, integer=True)
D_INT = sp.Symbol("d", positive=True, integer=True)

# Secs. 3.1-3.2 (eqs. (8)-(12), App. A.2-A.3): hard and easy covariances ρ_H I_d, ρ_E I_d, the
# weights a_H, a_E of eq. (8), the two tasks' solutions w_1*, w_2* (one coordinate), the
# mixture's w* ~ N(R 1_d, r_H I_d) and N(0, r_E I_d); m and d positive reals.
RHO_H, RHO_E, R, R_H, R_E, M, D, A_H, A_E, W1, W2 = sp.symbols(
    "rho_H rho_E R r_H r_E m d a_H a_E w_1 w_2", positive=True
)
#: Corollary 2's reduced variables: t = ρ_H/ρ_E, ε = (d+1)/m, u = R²/r_H, v = r_E/r_H.
T, EPS, U, V = sp.symbols("t epsilon u v", positive=True)

# Theorem 1 (eq. (13)) and Lemma 1: the constants β_2, L_1.
BETA_2, L_1 = sp.symbols("beta_2 L_1", positive=True)
