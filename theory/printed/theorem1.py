"""Theorem 1 and Lemma 1 (Section 4, Appendix B) as printed: the constants under test.

Each function returns the printed right-hand side constant ``C`` of an inequality
``‖∇f_1‖₂ ≤ C ‖∇f_2‖₂ (+ O(α²))``; the arguments may be SymPy expressions or floats.
Nothing here is assumed to be right: the checks derive the true ratios and compare.
"""

from __future__ import annotations

from typing import Any


def eq13_constant(alpha: Any, beta2: Any, L1: Any) -> Any:
    """Theorem 1, eq. (13): ``(1 - 2αβ_2) / (1 - αL_1)²`` (pre-adaptation gradients at W_MAML)."""
    return (1 - 2 * alpha * beta2) / (1 - alpha * L1) ** 2


def eq29_constant(alpha: Any, beta2: Any, L1: Any) -> Any:
    """Lemma 1, eq. (29): ``(1 - αβ_2) / (1 - αL_1)`` (post-adaptation gradients ∇f_i(w_i))."""
    return (1 - alpha * beta2) / (1 - alpha * L1)


def eq33_constant(alpha: Any, beta2: Any, L1: Any) -> Any:
    """Lemma 1 proof, eq. (33): ``‖g_2(w_2)‖ ≥ (1 - αL_1)/(1 - αβ_2) ‖g_1(w_1)‖``; returns that factor."""
    return (1 - alpha * L1) / (1 - alpha * beta2)


def eq36_constant(alpha: Any, beta2: Any, L1: Any) -> Any:
    """Lemma 1 proof, eq. (36): ``((1 - αβ_2) / (1 - αL_1))²`` (pre-adaptation gradients)."""
    return ((1 - alpha * beta2) / (1 - alpha * L1)) ** 2


#: The printed forms compared by the checks: label, equation, which gradients they bound.
PRINTED_FORMS = {
    "eq. 13": (eq13_constant, "pre-adaptation"),
    "eq. 29": (eq29_constant, "post-adaptation"),
    "eq. 36": (eq36_constant, "pre-adaptation"),
}


def printed_beta(c2: Any, lam: Any, kappa: Any) -> Any:
    """Theorem 1: ``β_i := c_2 / (λ_i κ_i²)`` (c_2 an unstated absolute constant)."""
    return c2 / (lam * kappa**2)


def printed_L(c3: Any, M: Any, s1: Any, c: Any) -> Any:
    """Theorem 1: ``L_i := c_3 M s_{i,1}^{2c}`` (c the homogeneity constant of Property 3.1 of Zhong et al.)."""
    return c3 * M * s1 ** (2 * c)
