"""Shared machinery of the general linear-regression checks: exact identity tests with an mpmath cross-check.

A derived expression and a printed one are compared twice: the symbolic difference
is cancelled to a canonical rational function (exact), and both sides are evaluated
with mpmath at 50 digits at random rational points (so a simplification bug cannot
decide a verdict alone). When the difference is not zero an exact rational point
where it is non-zero is returned as the counterexample.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import mpmath
import numpy as np
import sympy

from maml_landscape.theory.population import TaskFamily

DIGITS = 50
#: Relative disagreement above which mpmath calls two values different (at 50 digits).
NUMERIC_TOLERANCE = mpmath.mpf(10) ** (-35)

Sampler = Callable[[np.random.Generator], sympy.Rational]


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
            args = [mpmath.mpf(point[s].p) / point[s].q for s in symbols]
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
    notes: list[str] = field(default_factory=list)

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


def symmetric_symbols(name: str, d: int) -> sympy.Matrix:
    """A general symmetric ``d×d`` matrix of symbols ``name_{ij}`` (``i ≤ j``)."""
    return sympy.Matrix(
        d, d, lambda i, j: sympy.Symbol(f"{name}_{{{min(i, j) + 1}{max(i, j) + 1}}}")
    )


def general_symbols(name: str, d: int) -> sympy.Matrix:
    """A general (non-symmetric) ``d×d`` matrix of symbols ``name_{ij}``."""
    return sympy.Matrix(d, d, lambda i, j: sympy.Symbol(f"{name}_{{{i + 1}{j + 1}}}"))


def column_symbols(name: str, d: int) -> sympy.Matrix:
    return sympy.Matrix(d, 1, lambda i, _: sympy.Symbol(f"{name}_{{{i + 1}}}"))


def discrete_tasks(families: list[TaskFamily]) -> tuple[list, list, list]:
    """``(weights, Sigmas, w_stars)`` of an environment of single tasks (``w_cov = 0``), for the printed formulas."""
    if any(not f.w_cov.is_zero_matrix for f in families):
        raise ValueError("the printed formulas take single tasks; use families with w_cov = 0")
    return (
        [f.weight for f in families],
        [sympy.Matrix(f.Sigma) for f in families],
        [sympy.Matrix(f.w_mean) for f in families],
    )


def random_spd(rng: np.random.Generator, d: int) -> sympy.Matrix:
    """A random symmetric positive definite rational matrix ``B Bᵀ + I/4`` (entries of B in [-1, 1])."""
    B = sympy.Matrix(d, d, lambda i, j: random_rational(rng, -1, 1, 4))
    return B * B.T + sympy.eye(d) / 4


def random_environment(rng: np.random.Generator, d: int = 2, tasks: int = 2) -> list[TaskFamily]:
    """Single tasks with random SPD rational ``Σ_k``, random rational weights and symbolic solutions ``w_k*``."""
    raw = [int(rng.integers(1, 6)) for _ in range(tasks)]
    return [
        TaskFamily(
            sympy.Rational(r, sum(raw)),
            random_spd(rng, d),
            sympy.Matrix(d, 1, lambda i, _, k=k: sympy.Symbol(f"w^*_{{{k + 1}{i + 1}}}")),
        )
        for k, r in enumerate(raw)
    ]


def covariance_samplers(Sigma: sympy.Matrix) -> dict:
    """Samplers making a symbolic symmetric ``Σ`` (d ≤ 3) positive definite: diagonal in [1, 3], off-diagonal in [-1/3, 1/3].

    Gershgorin: each eigenvalue is at least ``1 - 2/3 > 0``, so counterexamples are genuine covariances.
    """
    samplers = {}
    for i in range(Sigma.shape[0]):
        for j in range(Sigma.shape[1]):
            entry = Sigma[i, j]
            if isinstance(entry, sympy.Symbol):
                if i == j:
                    samplers[entry] = lambda rng: sympy.Rational(int(rng.integers(12, 37)), 12)
                else:
                    samplers[entry] = lambda rng: sympy.Rational(int(rng.integers(-4, 5)), 12)
    return samplers
