"""Checks of Lemma 2 (eq. (77)) and of the adaptation matrix Q^(s) (below eq. (5), eq. (84)).

Derived: :func:`~maml_landscape.theory.gaussian_moments.expected_sandwich` (Isserlis on
explicit symbolic matrices) and :func:`~maml_landscape.theory.adaptation.q_matrix`;
printed: :mod:`maml_landscape.theory.printed.general`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sympy

from maml_landscape.context import CheckContext
from maml_landscape.evidence import Formula, Table, Text
from maml_landscape.profiles import Sizes
from maml_landscape.registry import check
from maml_landscape.theory.adaptation import q_isotropic, q_matrix
from maml_landscape.theory.comparison import DIGITS, IdentityComparison, compare, latex_point
from maml_landscape.theory.exact_environments import (
    covariance_samplers,
    general_symbols,
    symmetric_symbols,
)
from maml_landscape.theory.gaussian_moments import (
    expected_sandwich,
    expected_sandwich_structural,
    row_sandwich_expression,
)
from maml_landscape.theory.printed import general as printed
from maml_landscape.theory.symbols import ALPHA, D_INT, RHO, N, S
from maml_landscape.verdicts import (
    ROUTES_DISAGREE,
    Choice,
    Outcome,
    Verdict,
    routes_summary,
    two_routes,
)


@dataclass(frozen=True)
class Lemma2Sizes:
    #: dimensions d of the explicit symbolic matrices
    dims: tuple[int, ...]


SIZES = Sizes(quick=Lemma2Sizes(dims=(2, 3)), paper=Lemma2Sizes(dims=(2, 3, 4)))

#: (label, Σ diagonal?, A symmetric?) — the hypotheses of Lemma 2 and their relaxations.
HYPOTHESES = (
    ("as stated: $\\Sigma$ diagonal, $A$ symmetric", True, True),
    ("$\\Sigma$ general symmetric, $A$ symmetric", False, True),
    ("$\\Sigma$ diagonal, $A$ general", True, False),
    ("$\\Sigma$ general symmetric, $A$ general", False, False),
)


def _sigma(d: int, diagonal: bool) -> sympy.Matrix:
    full = symmetric_symbols("\\sigma", d)
    return sympy.diag(*[full[i, i] for i in range(d)]) if diagonal else full


def _a(d: int, symmetric: bool) -> sympy.Matrix:
    return symmetric_symbols("a", d) if symmetric else general_symbols("a", d)


@cache
def _lemma2_derived(d: int, diagonal: bool, symmetric: bool) -> sympy.Matrix:
    return expected_sandwich(_sigma(d, diagonal), _a(d, symmetric), N)


@cache
def _structural_agrees(d: int) -> bool:
    """The symbolic-d form ΣAΣ + (1/n)(ΣAᵀΣ + tr(AΣ)Σ) evaluated on explicit d×d matrices equals the Isserlis one."""
    Sigma_d, A_d = sympy.MatrixSymbol("S", d, d), sympy.MatrixSymbol("A", d, d)
    explicit = {Sigma_d: _sigma(d, False), A_d: _a(d, False)}
    structural = sympy.Matrix(expected_sandwich_structural(Sigma_d, A_d, N).subs(explicit).doit())
    return (structural - _lemma2_derived(d, False, False)).applyfunc(sympy.expand).is_zero_matrix


@cache
def _difference_form_agrees(d: int) -> bool:
    """derived − printed equals (1/n) Σ(Aᵀ − A)Σ on explicit d×d symbolic matrices."""
    Sigma, A = _sigma(d, False), _a(d, False)
    difference = _lemma2_derived(d, False, False) - printed.lemma2_rhs(Sigma, A, N)
    return (difference - Sigma * (A.T - A) * Sigma / N).applyfunc(sympy.expand).is_zero_matrix


def _listed(dims: tuple[int, ...]) -> str:
    return ", ".join(map(str, dims))


def _row(label: str, d: int, result: IdentityComparison) -> tuple:
    if result.holds:
        outcome = "identity"
    elif result.holds is False:
        outcome = "differs at " + f"${latex_point(result.counterexample)}$"
    else:
        outcome = "routes disagree"
    return (
        label,
        d,
        "0" if result.symbolic_zero else "non-zero",
        f"{result.numeric_difference:.1e}",
        outcome,
    )


def _nonsymmetric_counterexample() -> tuple[sympy.Matrix, sympy.Matrix, sympy.Matrix, sympy.Matrix]:
    """A small exact instance: Σ = diag(1, 2), A = [[0, 1], [0, 0]], n = 1."""
    Sigma = sympy.diag(1, 2)
    A = sympy.Matrix([[0, 1], [0, 0]])
    return Sigma, A, expected_sandwich(Sigma, A, 1), printed.lemma2_rhs(Sigma, A, 1)


@check("D.LEMMA2")
def lemma2_isserlis(ctx: CheckContext) -> Outcome:
    """Lemma 2 (eq. (77)) against the Isserlis derivation for full symbolic Σ and A, d = 2, 3 (and 4 in paper)."""
    rng = ctx.rng("D.LEMMA2/points")
    dims = SIZES.of(ctx).dims
    rows, by_hypotheses = [], {}
    for d in dims:
        for label, diagonal, symmetric in HYPOTHESES:
            Sigma, A = _sigma(d, diagonal), _a(d, symmetric)
            result = compare(
                _lemma2_derived(d, diagonal, symmetric),
                printed.lemma2_rhs(Sigma, A, N),
                rng,
                samplers=covariance_samplers(Sigma),
            )
            rows.append(_row(label, d, result))
            by_hypotheses.setdefault((diagonal, symmetric), []).append(result.holds)
    stated = by_hypotheses[(True, True)]
    diagonal_needed = not all(by_hypotheses[(False, True)])
    symmetric_needed = not all(by_hypotheses[(True, False)]) or not all(
        by_hypotheses[(False, False)]
    )
    structural = [_structural_agrees(d) and _difference_form_agrees(d) for d in dims]
    Sigma0, A0, derived0, printed0 = _nonsymmetric_counterexample()
    verdict = two_routes(stated) if all(structural) else Verdict.NOT_CHECKED
    summary = routes_summary(
        verdict,
        holds=(
            f"eq. (77) holds under its hypotheses (d = {_listed(dims)}, symbolic entries); "
            + (
                "$\\Sigma$ diagonal is needed"
                if diagonal_needed
                else "$\\Sigma$ diagonal is not needed"
            )
            + (
                "; $A$ symmetric is needed: in general $E = \\Sigma A\\Sigma + \\frac{1}{n}(\\Sigma A^\\top\\Sigma + "
                "\\operatorname{tr}(A\\Sigma)\\Sigma)$"
                if symmetric_needed
                else "; $A$ symmetric is not needed"
            )
        ),
        fails="eq. (77) differs from the Isserlis derivation under its own hypotheses",
        disagree=ROUTES_DISAGREE + " (or the symbolic-d form failed)",
    )
    Sigma_d, A_d = (
        sympy.MatrixSymbol("\\Sigma", D_INT, D_INT),
        sympy.MatrixSymbol("A", D_INT, D_INT),
    )
    general = expected_sandwich_structural(Sigma_d, A_d, N)
    return Outcome(
        verdict=verdict,
        summary=summary,
        evidence=[
            Text(
                "Derivation: $X^\\top X = \\sum_k x_k x_k^\\top$; the $n(n-1)$ pairs $k \\ne k'$ give $\\Sigma A \\Sigma$, "
                "the $n$ diagonal terms $E[x x^\\top A x x^\\top]_{il} = \\sum_{jk} A_{jk} E[x_i x_j x_k x_l]$ with the three "
                "Isserlis pairings. Index-level contraction (any $d$):"
            ),
            Formula(
                "derived, $E[xx^\\top A xx^\\top]$", sympy.latex(row_sandwich_expression(Sigma_d, A_d))
            ),
            Formula(
                "derived, $E[(X^\\top X/n) A (X^\\top X/n)]$ (general form)", sympy.latex(general)
            ),
            Formula(
                "printed (eq. 77)",
                "\\Sigma A \\Sigma + \\frac{1}{n}\\left(\\operatorname{tr}(\\Sigma A) I_d + \\Sigma A\\right)\\Sigma",
            ),
            Formula("derived − printed", "\\frac{1}{n}\\,\\Sigma\\,(A^\\top - A)\\,\\Sigma"),
            Text(
                "The general form, evaluated on explicit $d \\times d$ symbolic matrices, equals the entry-wise Isserlis "
                "derivation, and derived − printed equals the matrix above, for "
                f"d = {_listed(dims)}: {all(structural)}."
            ),
            Table(
                (
                    "hypotheses",
                    "d",
                    "symbolic difference",
                    f"mpmath rel. diff ({DIGITS} digits)",
                    "outcome",
                ),
                tuple(rows),
                caption="Derived vs printed eq. (77) under each set of hypotheses (full symbolic entries, symbolic n).",
            ),
            Text(
                f"Counterexample for non-symmetric $A$ (exact): $\\Sigma = {sympy.latex(Sigma0)}$, $A = {sympy.latex(A0)}$, "
                f"$n = 1$: derived ${sympy.latex(derived0)}$, printed ${sympy.latex(printed0)}$."
            ),
            Text(
                "Use in the paper: eq. (84) applies Lemma 2 with $A = \\Sigma_i$, which is symmetric, so $Q_i^{(n_2)}$ "
                "is right for every symmetric $\\Sigma_i$, diagonal or not."
            ),
        ],
        choices=[
            Choice(
                "d",
                list(dims),
                "the lemma is for any d; explicit symbolic matrices of these sizes, plus the symbolic-d form",
            ),
            Choice("n", "symbolic positive integer", "the lemma holds for every n"),
        ],
        seeds={"mpmath points": ctx.seed_for("D.LEMMA2/points")},
        data={
            "stated_hypotheses_hold": all(bool(x) for x in stated),
            "diagonal_sigma_needed": diagonal_needed,
            "symmetric_a_needed": symmetric_needed,
            "dims": list(dims),
        },
    )


@check("S3.Q")
def q_matrix_isserlis(ctx: CheckContext) -> Outcome:
    """Q^(s) = E[PᵀΣP] derived by Isserlis for a full symbolic Σ vs the printed Q (below eq. (5), eq. (84))."""
    rng = ctx.rng("S3.Q/points")
    dims = SIZES.of(ctx).dims
    rows, outcomes = [], []
    for d in dims:
        Sigma = symmetric_symbols("\\sigma", d)
        result = compare(
            q_matrix(Sigma, ALPHA, S),
            printed.q_matrix(Sigma, ALPHA, S),
            rng,
            samplers=covariance_samplers(Sigma),
        )
        outcomes.append(result.holds)
        rows.append(_row("$\\Sigma$ general symmetric", d, result))
    iso = q_isotropic(RHO, ALPHA, S, D_INT)
    iso_rows = []
    for d in range(1, 6):
        from_printed = sympy.factor(printed.q_matrix(RHO * sympy.eye(d), ALPHA, S)[0, 0])
        iso_rows.append(
            (
                d,
                f"${sympy.latex(from_printed)}$",
                "yes" if sympy.cancel(iso.subs(D_INT, d) - from_printed) == 0 else "no",
            )
        )
    verdict = two_routes(outcomes)
    holds = "printed $Q_i^{(s)}$ equals $E[P^\\top\\Sigma P]$ derived by Isserlis for full symbolic $\\Sigma$"
    summary = routes_summary(
        verdict, f"{holds} (d = {_listed(dims)})", "printed $Q_i^{(s)}$ differs from $E[P^\\top \\Sigma P]$"
    )
    Sigma_d = sympy.MatrixSymbol("\\Sigma", D_INT, D_INT)
    sandwich = expected_sandwich_structural(Sigma_d, Sigma_d, S).subs(sympy.Transpose(Sigma_d), Sigma_d)  # Σ symmetric
    general = Sigma_d - 2 * ALPHA * Sigma_d * Sigma_d + ALPHA**2 * sandwich
    return Outcome(
        verdict=verdict,
        summary=summary,
        evidence=[
            Text(
                "Derivation: $P = I - \\frac{\\alpha}{s}\\hat X^\\top \\hat X$, $E[P^\\top\\Sigma P] = \\Sigma - "
                "\\frac{\\alpha}{s}(E[\\hat X^\\top\\hat X]\\Sigma + \\Sigma E[\\hat X^\\top\\hat X]) + \\alpha^2 "
                "E[(\\hat X^\\top\\hat X/s)\\Sigma(\\hat X^\\top\\hat X/s)]$ with Isserlis moments."
            ),
            Formula("derived (general form, symbolic d)", sympy.latex(general)),
            Formula(
                "printed (below eq. 5, eq. 84)",
                "(I_d - \\alpha\\Sigma_i)\\Sigma_i(I_d - \\alpha\\Sigma_i) + \\frac{\\alpha^2}{s}(\\operatorname{tr}(\\Sigma_i^2)\\Sigma_i + \\Sigma_i^3)",
            ),
            Table(
                ("Σ", "d", "symbolic difference", f"mpmath rel. diff ({DIGITS} digits)", "outcome"),
                tuple(rows),
                caption="Derived E[PᵀΣP] vs printed Q^(s) (symbolic α, s, all entries of Σ).",
            ),
            Formula("derived, $\\Sigma = \\rho I_d$ (symbolic d)", "q = " + sympy.latex(iso)),
            Table(("d", "printed Q at Σ = ρI_d (entry)", "equals derived q"), tuple(iso_rows)),
        ],
        choices=[
            Choice(
                "d",
                list(dims),
                "explicit symbolic matrices of these sizes; the isotropic case for symbolic d",
            )
        ],
        seeds={"mpmath points": ctx.seed_for("S3.Q/points")},
        data={"holds_per_d": dict(zip(map(str, dims), map(bool, outcomes)))},
    )
