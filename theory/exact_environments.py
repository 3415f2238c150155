"""Exact environments to compare derived and printed formulas on: symbolic matrices and random rational tasks.

The general checks (Secs. 2-3, App. A.1, Lemma 2) compare at matrices of symbols
(:func:`symmetric_symbols`, :func:`general_symbols`, :func:`column_symbols`) and at
random exact environments of single tasks (:func:`random_environment`: random SPD
rational ``Σ_k``, random rational weights, symbolic solutions ``w_k*``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import sympy

from maml_landscape.theory.comparison import random_rational
from maml_landscape.theory.population import TaskFamily


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


def with_spread(families: list[TaskFamily]) -> list[TaskFamily]:
    """The same families with Gaussian solutions ``w_k* ~ N(μ_k, I/(k + 2))`` (``k`` from 0)."""
    return [
        TaskFamily(f.weight, f.Sigma, f.w_mean, sympy.eye(f.dimension) / (k + 2))
        for k, f in enumerate(families)
    ]


def leading_minors_positive(M: sympy.Matrix) -> bool:
    """Sylvester's criterion: a symmetric ``M`` is positive definite iff its leading minors are positive."""
    return all(M[:k, :k].det() > 0 for k in range(1, M.shape[0] + 1))


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


@dataclass(frozen=True)
class CaseSizes:
    """How many environments :func:`random_cases` draws and how many tasks each has."""

    environments: int
    #: tasks per environment; None draws 2 or 3 for each environment
    tasks: int | None


def random_cases(
    rng: np.random.Generator, sizes: CaseSizes
) -> Iterator[tuple[list[TaskFamily], sympy.Rational, int, int]]:
    """Random environments (d = 2) with a step size α and sample sizes m, n2 (m ≠ n2 in general).

    A generator: the caller may draw from ``rng`` between two environments.
    """
    for _ in range(sizes.environments):
        families = random_environment(rng, d=2, tasks=sizes.tasks or int(rng.integers(2, 4)))
        step = sympy.Rational(int(rng.integers(1, 9)), 8)
        yield families, step, int(rng.integers(2, 40)), int(rng.integers(2, 40))


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
