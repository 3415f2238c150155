"""Moments of Gaussian data matrices by Isserlis/Wick pairings (Lemma 2, eq. (77)).

Two derivations of ``E[(XᵀX/n) A (XᵀX/n)]`` for rows ``x ~ N(0, Σ)``:

* :func:`expected_sandwich` works on explicit (symbolic-entry) matrices: every
  fourth moment ``E[x_i x_j x_k x_l]`` is the sum over the pairings of the four
  indices (Isserlis), contracted with ``A`` entry by entry.
* :func:`row_sandwich_structure` does the same contraction at index level for a
  symbolic dimension: each pairing is turned into a product of matrices and traces
  by walking its index graph, giving ``E[x xᵀ A x xᵀ]`` as a sum of matrix
  monomials (:class:`MatrixTerm`) that can be evaluated on explicit matrices, on
  ``MatrixSymbol``s, or on multiples of the identity of symbolic size.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache

import sympy

# ---------------------------------------------------------------------------
# Isserlis on explicit matrices
# ---------------------------------------------------------------------------


def pairings(items: Sequence[int]) -> Iterator[tuple[tuple[int, int], ...]]:
    """All perfect matchings of ``items`` (positions), e.g. 3 for four items."""
    if not items:
        yield ()
        return
    first, rest = items[0], items[1:]
    for position, partner in enumerate(rest):
        remaining = rest[:position] + rest[position + 1 :]
        for matching in pairings(remaining):
            yield ((first, partner), *matching)


def isserlis_moment(Sigma: sympy.Matrix, indices: Sequence[int]) -> sympy.Expr:
    """``E[x_{i_1} ... x_{i_k}]`` for ``x ~ N(0, Σ)``: sum over pairings of products of Σ entries."""
    if len(indices) % 2:
        return sympy.Integer(0)
    total = sympy.Integer(0)
    for matching in pairings(tuple(range(len(indices)))):
        term = sympy.Integer(1)
        for a, b in matching:
            term *= Sigma[indices[a], indices[b]]
        total += term
    return total


def _check_square_pair(Sigma: sympy.Matrix, A: sympy.Matrix) -> None:
    if not Sigma.is_square:
        raise ValueError(f"Sigma must be square, got shape {Sigma.shape}")
    if A.shape != Sigma.shape:
        raise ValueError(f"A must have Sigma's shape {Sigma.shape}, got {A.shape}")
    if not (Sigma - Sigma.T).is_zero_matrix:
        raise ValueError(
            "Sigma must be symmetric (a covariance matrix); pass Sigma with Sigma[i, j] == Sigma[j, i]"
        )


def row_second_moment(Sigma: sympy.Matrix) -> sympy.Matrix:
    """``E[x xᵀ]`` entry by entry from :func:`isserlis_moment` (equals Σ)."""
    d = Sigma.shape[0]
    return sympy.Matrix(d, d, lambda i, j: isserlis_moment(Sigma, (i, j)))


def row_fourth_moment_sandwich(Sigma: sympy.Matrix, A: sympy.Matrix) -> sympy.Matrix:
    """``E[x xᵀ A x xᵀ]`` entry ``(i, l) = Σ_{j,k} A_jk E[x_i x_j x_k x_l]`` by Isserlis."""
    _check_square_pair(Sigma, A)
    d = Sigma.shape[0]

    def entry(i: int, r: int) -> sympy.Expr:
        return sympy.expand(
            sum(A[j, k] * isserlis_moment(Sigma, (i, j, k, r)) for j in range(d) for k in range(d))
        )

    return sympy.Matrix(d, d, entry)


def expected_sandwich(Sigma: sympy.Matrix, A: sympy.Matrix, n: sympy.Expr) -> sympy.Matrix:
    """``E[(XᵀX/n) A (XᵀX/n)]`` for ``X`` with ``n`` i.i.d. rows ``N(0, Σ)`` (Lemma 2, eq. (77)).

    ``XᵀX = Σ_k x_k x_kᵀ``; the ``n(n-1)`` pairs ``k ≠ k'`` are independent and give
    ``E[x xᵀ] A E[x xᵀ]``, the ``n`` diagonal terms give ``E[x xᵀ A x xᵀ]`` (Isserlis).
    ``Sigma`` must be symmetric; ``A`` is any square matrix of the same size; ``n``
    may be a symbol.
    """
    Sigma, A = sympy.Matrix(Sigma), sympy.Matrix(A)
    _check_square_pair(Sigma, A)
    n = sympy.sympify(n)
    second = row_second_moment(Sigma)
    cross = second * A * second
    diagonal = row_fourth_moment_sandwich(Sigma, A)
    return (((n - 1) * cross + diagonal) / n).applyfunc(sympy.expand)


# ---------------------------------------------------------------------------
# Index-level contraction for a symbolic dimension
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MatrixTerm:
    """``coefficient · tr(loop_1) ··· tr(loop_r) · (product of chain)``.

    ``chain`` and each loop are tuples of factor names; a name ending in ``"'"``
    is the transpose of the named matrix.
    """

    coefficient: int
    chain: tuple[str, ...]
    loops: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class _Factor:
    name: str
    first: str  # index contracted with the factor's row
    second: str  # index contracted with the factor's column
    symmetric: bool


def _walk(factors: list[_Factor], start: str, end: str) -> MatrixTerm:
    """Contract a product of matrix entries whose index graph is one path ``start → end`` plus loops."""
    unused = list(factors)

    def step(index: str) -> tuple[str, str]:
        for factor in unused:
            if factor.first == index or factor.second == index:
                unused.remove(factor)
                forward = factor.first == index
                name = factor.name if forward or factor.symmetric else factor.name + "'"
                return name, factor.second if forward else factor.first
        raise ValueError(f"index {index} is not contracted")

    chain, index = [], start
    while index != end or not chain:
        name, index = step(index)
        chain.append(name)
    loops = []
    while unused:
        origin = unused[0].first
        loop, index = [], origin
        while True:
            name, index = step(index)
            loop.append(name)
            if index == origin:
                break
        loops.append(tuple(loop))
    return MatrixTerm(1, tuple(chain), tuple(loops))


@cache
def row_sandwich_structure() -> tuple[MatrixTerm, ...]:
    """``E[x xᵀ A x xᵀ]`` for ``x ~ N(0, Σ)`` in any dimension, as matrix monomials.

    Entry ``(i, l)`` is ``Σ_{j,k} A_jk E[x_i x_j x_k x_l]``; each Isserlis pairing of
    ``(i, j, k, l)`` contributes ``Σ``-entries for its pairs, and walking the index
    graph from ``i`` to ``l`` turns the contraction into a matrix product (and
    traces for closed loops). The result is ``ΣAΣ + ΣAᵀΣ + tr(AΣ)Σ``.
    """
    labels = ("i", "j", "k", "l")
    terms: dict[tuple, int] = {}
    for matching in pairings(tuple(range(4))):
        factors = [_Factor("A", "j", "k", symmetric=False)]
        factors += [_Factor("Sigma", labels[a], labels[b], symmetric=True) for a, b in matching]
        term = _walk(factors, "i", "l")
        loops = tuple(sorted(_canonical_loop(loop) for loop in term.loops))
        key = (term.chain, loops)
        terms[key] = terms.get(key, 0) + 1
    return tuple(MatrixTerm(c, chain, loops) for (chain, loops), c in terms.items())


def _canonical_loop(loop: tuple[str, ...]) -> tuple[str, ...]:
    """A loop's trace is invariant under rotation: pick the smallest rotation."""
    return min(loop[r:] + loop[:r] for r in range(len(loop)))


def evaluate_terms(terms: Sequence[MatrixTerm], matrices: dict[str, object], trace, identity):
    """``Σ coefficient · Π tr(loops) · chain`` with the names bound to ``matrices``.

    ``matrices`` maps names to objects supporting ``*``, ``+`` and ``.T``;
    ``trace`` and ``identity`` are how to take a trace and the empty product.
    """

    def product(names: tuple[str, ...]):
        result = identity
        for name in names:
            matrix = matrices[name.rstrip("'")]
            result = result * (matrix.T if name.endswith("'") else matrix)
        return result

    total = None
    for term in terms:
        scalar = sympy.Integer(term.coefficient)
        for loop in term.loops:
            scalar *= trace(product(loop))
        piece = scalar * product(term.chain)
        total = piece if total is None else total + piece
    return total


def row_sandwich_expression(Sigma: sympy.MatrixExpr, A: sympy.MatrixExpr) -> sympy.MatrixExpr:
    """``E[x xᵀ A x xᵀ]`` as a SymPy matrix expression (e.g. of ``MatrixSymbol``s of size ``d``)."""
    d = Sigma.shape[0]
    return evaluate_terms(
        row_sandwich_structure(), {"Sigma": Sigma, "A": A}, sympy.Trace, sympy.Identity(d)
    )


def expected_sandwich_structural(
    Sigma: sympy.MatrixExpr, A: sympy.MatrixExpr, n: sympy.Expr
) -> sympy.MatrixExpr:
    """``E[(XᵀX/n) A (XᵀX/n)] = ((n-1)/n) ΣAΣ + (1/n) E[x xᵀ A x xᵀ]`` for a symbolic dimension."""
    n = sympy.sympify(n)
    return (n - 1) / n * (Sigma * A * Sigma) + row_sandwich_expression(Sigma, A) / n


def expected_sandwich_isotropic(
    rho: sympy.Expr, a: sympy.Expr, n: sympy.Expr, d: sympy.Expr
) -> sympy.Expr:
    """The scalar ``c`` with ``E[(XᵀX/n)(a I_d)(XᵀX/n)] = c I_d`` for ``Σ = ρ I_d``, any (symbolic) ``d``.

    Evaluates :func:`row_sandwich_structure` on multiples of the identity: a product
    of ``c_1 I_d, c_2 I_d, ...`` is ``(c_1 c_2 ...) I_d`` and ``tr(c I_d) = c d``.
    """
    rho, a, n, d = (sympy.sympify(v) for v in (rho, a, n, d))
    scalars = {"Sigma": rho, "A": a}

    def product(names: tuple[str, ...]) -> sympy.Expr:
        return sympy.Mul(*(scalars[name.rstrip("'")] for name in names))

    row = sympy.Integer(0)
    for term in row_sandwich_structure():
        value = sympy.Integer(term.coefficient) * product(term.chain)
        for loop in term.loops:
            value *= product(loop) * d
        row += value
    return sympy.factor(((n - 1) * rho * a * rho + row) / n)
