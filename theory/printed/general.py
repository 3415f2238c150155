"""Sections 2-3, Appendix A.1 and Lemma 2 as printed (typos included): the objects under test.

Nothing here is derived; each function types one printed right-hand side. An
environment is given as discrete tasks: parallel sequences ``weights`` (summing to
one), ``Sigmas`` and ``w_stars`` (columns), so ``E_i[g_i] = Σ_i weights[i] g_i``.
Where the printed formula contains an expectation the paper evaluates elsewhere,
the docstring says how it is read.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy


def _mean(weights: Sequence, values: Sequence):
    """``E_i[values_i]`` over the discrete task distribution ``weights``."""
    total = None
    for weight, value in zip(weights, values, strict=True):
        term = weight * value
        total = term if total is None else total + term
    return total


def lemma2_rhs(Sigma: sympy.Matrix, A: sympy.Matrix, n) -> sympy.Matrix:
    """Lemma 2, eq. (77): ``ΣAΣ + (1/n)(tr(ΣA) I_d + ΣA) Σ`` (stated for symmetric A, diagonal Σ)."""
    d = Sigma.shape[0]
    return (
        Sigma * A * Sigma
        + (1 / sympy.sympify(n)) * ((Sigma * A).trace() * sympy.eye(d) + Sigma * A) * Sigma
    )


def q_matrix(Sigma: sympy.Matrix, alpha, s) -> sympy.Matrix:
    """Below eq. (5) and eq. (84): ``Q^(s) = (I - αΣ)Σ(I - αΣ) + (α²/s)(tr(Σ²)Σ + Σ³)``."""
    d = Sigma.shape[0]
    eye = sympy.eye(d)
    return (eye - alpha * Sigma) * Sigma * (eye - alpha * Sigma) + (alpha**2 / sympy.sympify(s)) * (
        (Sigma**2).trace() * Sigma + Sigma**3
    )


def w_nal_star(weights, Sigmas, w_stars) -> sympy.Matrix:
    """Eq. (5): ``w_NAL* = E_i[Σ_i]⁻¹ E_i[Σ_i w_i*]``."""
    return _mean(weights, Sigmas).inv() * _mean(weights, [S * w for S, w in zip(Sigmas, w_stars)])


def w_maml_star(weights, Sigmas, w_stars, alpha, n2) -> sympy.Matrix:
    """Eq. (5): ``w_MAML* = E_i[Q_i^(n2)]⁻¹ E_i[Q_i^(n2) w_i*]`` with the printed ``Q``."""
    Qs = [q_matrix(S, alpha, n2) for S in Sigmas]
    return _mean(weights, Qs).inv() * _mean(weights, [Q * w for Q, w in zip(Qs, w_stars)])


def meta_loss_closed_form(w, weights, Sigmas, w_stars, noise_var, alpha, m) -> sympy.Expr:
    """A.1, display before eq. (16): ``½ E_i[E_X̂‖P_i(w - w_i*)‖²_{Σ_i} + σ² + (α²σ²/m) tr(Σ_i²)]``.

    The paper evaluates ``E_X̂‖P_i v‖²_{Σ_i} = ‖v‖²_{Q_i^(m)}`` with the printed ``Q`` (eq. (17)
    "follows from Lemma 2"); that reading is used here.
    """
    terms = []
    for S, w_star in zip(Sigmas, w_stars):
        v = w - w_star
        quadratic = (v.T * q_matrix(S, alpha, m) * v)[0, 0]
        terms.append(quadratic + noise_var + alpha**2 * noise_var / m * (S**2).trace())
    return sympy.Rational(1, 2) * _mean(weights, terms)


def meta_loss_infimum(Sigma_i: sympy.Matrix, noise_var, alpha, m) -> sympy.Expr:
    """Eq. (16) as printed: ``inf_w F_m(w) = σ² + (α²σ²/m) tr(Σ_i²)`` (no ``½``, no ``E_i``)."""
    return noise_var + alpha**2 * noise_var / m * (Sigma_i**2).trace()


def subtracted_floor(weights, Sigmas, noise_var, alpha, m) -> sympy.Expr:
    """First line of the chains (17)-(20): ``E_m(w) = F_m(w) - ½ E_i[σ² + (α²σ²/m) tr(Σ_i²)]``; returns the subtrahend."""
    return sympy.Rational(1, 2) * _mean(
        weights, [noise_var + alpha**2 * noise_var / m * (S**2).trace() for S in Sigmas]
    )


def _norm_sq(v: sympy.Matrix, A: sympy.Matrix) -> sympy.Expr:
    return (v.T * A * v)[0, 0]


def _nal_offsets(weights, Sigmas, w_stars) -> list[sympy.Matrix]:
    """``E_i'[Σ_i']⁻¹ E_i'[Σ_i'(w_i'* - w_i*)]`` for each task i."""
    inverse = _mean(weights, Sigmas).inv()
    return [
        inverse * _mean(weights, [S * (w - w_i) for S, w in zip(Sigmas, w_stars)])
        for w_i in w_stars
    ]


def _maml_offsets(weights, Sigmas, w_stars, alpha, n2) -> list[sympy.Matrix]:
    """``E_i'[Q_i'^(n2)]⁻¹ E_i'[Q_i'^(n2)(w_i'* - w_i*)]`` for each task i."""
    Qs = [q_matrix(S, alpha, n2) for S in Sigmas]
    inverse = _mean(weights, Qs).inv()
    return [
        inverse * _mean(weights, [Q * (w - w_i) for Q, w in zip(Qs, w_stars)]) for w_i in w_stars
    ]


def prop1_nal(weights, Sigmas, w_stars, alpha, m) -> sympy.Expr:
    """Proposition 1, eq. (6): ``½ E_i ‖E_i'[Σ_i']⁻¹ E_i'[Σ_i'(w_i'* - w_i*)]‖²_{Q_i^(m)}``."""
    offsets = _nal_offsets(weights, Sigmas, w_stars)
    return sympy.Rational(1, 2) * _mean(
        weights, [_norm_sq(v, q_matrix(S, alpha, m)) for v, S in zip(offsets, Sigmas)]
    )


def prop1_maml(weights, Sigmas, w_stars, alpha, m, n2) -> sympy.Expr:
    """Proposition 1, eq. (7): ``½ E_i ‖E_i'[Q_i'^(n2)]⁻¹ E_i'[Q_i'^(n2)(w_i'* - w_i*)]‖²_{Q_i^(m)}``."""
    offsets = _maml_offsets(weights, Sigmas, w_stars, alpha, n2)
    return sympy.Rational(1, 2) * _mean(
        weights, [_norm_sq(v, q_matrix(S, alpha, m)) for v, S in zip(offsets, Sigmas)]
    )


def chain_nal_eq18(weights, Sigmas, w_stars, alpha, m) -> sympy.Expr:
    """Eqs. (17)-(18): ``E_m(w_NAL) = E_i ‖E_i'[Σ_i']⁻¹E_i'[Σ_i'(w_i'* - w_i*)]‖²_{Q_i^(m)}`` (no ``½``)."""
    offsets = _nal_offsets(weights, Sigmas, w_stars)
    return _mean(weights, [_norm_sq(v, q_matrix(S, alpha, m)) for v, S in zip(offsets, Sigmas)])


def chain_maml_eq20(weights, Sigmas, w_stars, alpha, m, n2) -> sympy.Expr:
    """Eqs. (19)-(20): ``E_m(w_MAML) = E_i ‖E_i'[Q_i'^(n2)]⁻¹E_i'[Q_i'^(n2)(w_i'* - w_i*)]‖²_{Q_i^(m)}`` (no ``½``)."""
    offsets = _maml_offsets(weights, Sigmas, w_stars, alpha, n2)
    return _mean(weights, [_norm_sq(v, q_matrix(S, alpha, m)) for v, S in zip(offsets, Sigmas)])


def chain_second_line(w, weights, Sigmas, w_stars, alpha, m) -> sympy.Expr:
    """Second line of (17) and of (19): ``E_i E_X̂ ‖P_i(w - w_i*)‖²_{Σ_i}`` (no ``½``), read with the printed ``Q``."""
    return _mean(
        weights, [_norm_sq(w - w_i, q_matrix(S, alpha, m)) for S, w_i in zip(Sigmas, w_stars)]
    )
