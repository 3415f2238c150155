"""The four activations of Theorem 1 as SymPy expressions, and their homogeneity exponent.

Theorem 1 allows σ ∈ {ReLU, Softplus, Sigmoid, tanh}; its constant ``c`` is "the
homogeneity constant for which σ satisfies Property 3.1 of Zhong et al. (2017), namely
``0 ≤ σ'(z) ≤ a|z|^c`` for all z" (Appendix B).
"""

from __future__ import annotations

from functools import cache

import sympy as sp

Z = sp.Symbol("z", real=True)

#: σ(z) for each activation named in Theorem 1.
ACTIVATIONS: dict[str, sp.Expr] = {
    "relu": sp.Max(0, Z),
    "softplus": sp.log(1 + sp.exp(Z)),
    "sigmoid": 1 / (1 + sp.exp(-Z)),
    "tanh": sp.tanh(Z),
}


def activation(name: str) -> sp.Expr:
    """σ(z) for ``name`` in :data:`ACTIVATIONS`."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}") from None


@cache
def admissible_homogeneity_exponents(name: str) -> tuple[float, float]:
    """The interval of exponents ``c ≥ 0`` with ``0 ≤ σ'(z) ≤ a|z|^c`` for some a, as ``(low, high)``.

    Near z = 0 the bound forces ``σ'(z) → 0`` when ``c > 0``; a positive right limit
    ``σ'(0⁺) > 0`` therefore forces ``c = 0``. At ``|z| → ∞`` a bounded ``σ'`` allows
    ``c ≥ 0`` and a ``σ'`` bounded away from 0 on a half-line does not restrict c further.
    Returns ``(0, 0)`` when only ``c = 0`` is admissible.
    """
    derivative = sp.diff(activation(name), Z)
    right_limit = sp.limit(derivative, Z, 0, dir="+")
    bounded = all(sp.limit(derivative, Z, end).is_finite for end in (sp.oo, -sp.oo))
    if not bounded:
        raise ValueError(f"σ' of {name} is unbounded; Property 3.1 needs c > 0 and this helper does not cover it")
    if right_limit > 0:
        return (0.0, 0.0)
    return (0.0, float("inf"))
