"""The one-step adaptation matrix ``Q^(s) = E[PᵀΣP]``, ``P = I - (α/s) X̂ᵀX̂`` (Sec. 3, eqs. (5), (84)).

``Q^(s)`` is the curvature of the post-adaptation loss of one task: after one step
of gradient descent on the *averaged* empirical loss of ``s`` samples, the loss
is ``½ (w - w*)ᵀ E[PᵀΣP] (w - w*)`` plus noise terms. Both functions expand
``PᵀΣP`` and take expectations with the Isserlis moments of
:mod:`maml_landscape.theory.gaussian_moments`; nothing here is typed from the paper.
"""

from __future__ import annotations

import sympy

from maml_landscape.theory.gaussian_moments import (
    expected_sandwich,
    expected_sandwich_isotropic,
    row_second_moment,
)


def q_matrix(Sigma: sympy.Matrix, alpha: sympy.Expr, s: sympy.Expr) -> sympy.Matrix:
    """``E[PᵀΣP]`` for ``P = I - (α/s) X̂ᵀX̂``, ``X̂`` with ``s`` i.i.d. rows ``N(0, Σ)``.

    ``PᵀΣP = Σ - (α/s)(X̂ᵀX̂ Σ + Σ X̂ᵀX̂) + α² (X̂ᵀX̂/s) Σ (X̂ᵀX̂/s)``; the middle term
    uses ``E[X̂ᵀX̂] = s E[x xᵀ]`` and the last :func:`expected_sandwich` with ``A = Σ``.
    ``Sigma`` is an explicit symmetric matrix (entries may be symbols); ``alpha`` and
    ``s`` may be symbols.
    """
    Sigma = sympy.Matrix(Sigma)
    alpha, s = sympy.sympify(alpha), sympy.sympify(s)
    gram_mean = s * row_second_moment(Sigma)  # E[X̂ᵀX̂]
    linear = (alpha / s) * (gram_mean * Sigma + Sigma * gram_mean)
    quadratic = alpha**2 * expected_sandwich(Sigma, Sigma, s)
    return (Sigma - linear + quadratic).applyfunc(sympy.expand)


def q_isotropic(rho: sympy.Expr, alpha: sympy.Expr, s: sympy.Expr, d: sympy.Expr) -> sympy.Expr:
    """The scalar ``q`` with ``Q^(s)(ρ I_d) = q I_d``, for a symbolic dimension ``d``.

    The same expansion as :func:`q_matrix` with ``Σ = ρ I_d``: ``ρ - 2αρ² + α² c``
    where ``c I_d = E[(X̂ᵀX̂/s) ρ I_d (X̂ᵀX̂/s)]`` (:func:`expected_sandwich_isotropic`).
    """
    rho, alpha, s, d = (sympy.sympify(v) for v in (rho, alpha, s, d))
    sandwich = expected_sandwich_isotropic(rho, rho, s, d)
    return sympy.factor(rho - 2 * alpha * rho**2 + alpha**2 * sandwich)
