"""Exact identity tests with an mpmath cross-check: how a derived expression is compared with a printed one.

A derived expression and a printed one are compared twice: the symbolic difference
is cancelled to a canonical rational function (exact), and both sides are evaluated
with mpmath at 50 digits at random rational points (so a simplification bug cannot
decide a verdict alone). When the difference is not zero an exact rational point
where it is non-zero is returned as the counterexample.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import mpmath
import numpy as np
import sympy

from maml_landscape.theory.symbols import D, M

DIGITS = 50
#: Relative disagreement above which mpmath calls two values different (at 50 digits).
NUMERIC_TOLERANCE = mpmath.mpf(10) ** (-35)

Sampler = Callable[[np.random.Generator], sympy.Rational]


@dataclass(frozen=True)
class PointSizes:
    """How many random rational points an independent route (mpmath, population module) is evaluated at."""

    points: int

#: Integer values for the positive real m, d of Secs. 3.1-3.2 (:mod:`maml_landscape.theory.symbols`).
INTEGER_SAMPLERS = {
    M: lambda rng: sympy.Integer(int(rng.integers(5, 500))),
    D: lambda rng: sympy.Integer(int(rng.integers(1, 30))),
}


def to_mpf(value) -> mpmath.mpf:
    """An exact rational (or integer) as an mpmath number at the working precision: ``p / q``."""
    value = sympy.Rational(value)
    return mpmath.mpf(value.p) / value.q


def random_rational(
    rng: np.random.Generator, low: int = -3, high: int = 3, denominators: int = 12
) -> sympy.Rational:
    """A random rational ``p/q`` in ``[low, high]`` with ``q ≤ denominators``."""
    q = int(rng.integers(1, denominators + 1))
    p = int(rng.integers(low * q, high * q + 1))
    return sympy.Rational(p, q)


def default_sampler(symbol: sympy.Symbol) -> Sampler:
    """Integers in ``[2, 60]`` for integer symbols, ``(0, 3]`` for positive ones, ``[-3, 3]`` otherwise."""
    if symbol.is_integer:
        return lambda rng: sympy.Integer(int(rng.integers(2, 61)))
    if symbol.is_positive:
        return lambda rng: sympy.Rational(int(rng.integers(1, 37)), 12)
    return random_rational


def random_point(
    symbols: Iterable[sympy.Symbol], rng: np.random.Generator, samplers: dict | None = None
) -> dict[sympy.Symbol, sympy.Rational]:
    samplers = samplers or {}
    return {s: samplers.get(s, default_sampler(s))(rng) for s in symbols}


def _entries(value) -> list[sympy.Expr]:
    if isinstance(value, sympy.MatrixBase):
        return list(value)
    return [sympy.sympify(value)]


def symbolic_zero(difference) -> bool:
    """Whether every entry of ``difference`` cancels to exactly zero (rational functions are decided exactly)."""
    return all(sympy.expand(sympy.numer(sympy.together(e))) == 0 for e in _entries(difference))


def mp_relative_difference(derived, printed, symbols, points: list[dict]) -> float:
    """Max over points and entries of ``|derived - printed| / (1 + |derived|)``, evaluated by mpmath at 50 digits."""
    symbols = list(symbols)
    lhs = [sympy.lambdify(symbols, e, modules="mpmath") for e in _entries(derived)]
    rhs = [sympy.lambdify(symbols, e, modules="mpmath") for e in _entries(printed)]
    worst = mpmath.mpf(0)
    with mpmath.workdps(DIGITS):
        for point in points:
            args = [to_mpf(point[s]) for s in symbols]
            try:
                pairs = [(f(*args), g(*args)) for f, g in zip(lhs, rhs, strict=True)]
            except ZeroDivisionError:  # a singular point of both sides: skip it
                continue
            for a, b in pairs:
                worst = max(worst, abs(a - b) / (1 + abs(a)))
    return float(worst)


@dataclass
class IdentityComparison:
    """Outcome of comparing a derived expression with a printed one."""

    symbolic_zero: bool
    numeric_difference: float
    points: int
    counterexample: dict | None = None
    derived_at: object = None
    printed_at: object = None

    @property
    def numeric_zero(self) -> bool:
        return self.numeric_difference <= float(NUMERIC_TOLERANCE)

    @property
    def holds(self) -> bool | None:
        """True/False when both routes agree, None when they contradict each other."""
        if self.symbolic_zero and self.numeric_zero:
            return True
        if not self.symbolic_zero and self.counterexample is not None:
            return False
        return None


def compare(
    derived,
    printed,
    rng: np.random.Generator,
    points: int = 4,
    samplers: dict | None = None,
    attempts: int = 30,
) -> IdentityComparison:
    """Compare ``derived`` with ``printed`` symbolically and with mpmath at ``points`` random rational points.

    If the symbolic difference is not zero, search random rational points for an
    exact counterexample (a point where the difference, evaluated exactly, is non-zero).
    """
    symbols = sorted(
        set().union(*(e.free_symbols for e in _entries(derived) + _entries(printed))), key=str
    )
    difference = (
        sympy.Matrix(derived) - sympy.Matrix(printed)
        if isinstance(derived, sympy.MatrixBase)
        else derived - printed
    )
    exact = symbolic_zero(difference)
    sample = [random_point(symbols, rng, samplers) for _ in range(points)]
    numeric = (
        mp_relative_difference(derived, printed, symbols, sample)
        if symbols
        else float(max(abs(sympy.N(e, DIGITS)) for e in _entries(difference)))
    )
    result = IdentityComparison(exact, numeric, points)
    if not exact:
        for _ in range(attempts):
            point = random_point(symbols, rng, samplers)
            try:
                values = [sympy.cancel(e.subs(point)) for e in _entries(difference)]
            except ZeroDivisionError:
                continue
            if any(v.has(sympy.zoo, sympy.nan) for v in values):
                continue
            if any(v != 0 for v in values):
                result.counterexample = point
                result.derived_at = _at(derived, point)
                result.printed_at = _at(printed, point)
                break
    return result


def _at(value, point):
    if isinstance(value, sympy.MatrixBase):
        return value.subs(point).applyfunc(sympy.cancel)
    return sympy.cancel(sympy.sympify(value).subs(point))


def latex_point(point: dict) -> str:
    """``a = 1/2, b = 3`` in LaTeX, sorted by name."""
    return ", ".join(
        f"{sympy.latex(k)} = {sympy.latex(v)}"
        for k, v in sorted(point.items(), key=lambda kv: str(kv[0]))
    )
