"""Checks of Lemma 2 (eq. (77)) and of the adaptation matrix Q^(s) (below eq. (5), eq. (84)).

Derived: :func:`~maml_landscape.theory.gaussian_moments.expected_sandwich` (Isserlis on
explicit symbolic matrices) and :func:`~maml_landscape.theory.adaptation.q_matrix`;
printed: :mod:`maml_landscape.theory.printed.general`.
"""

from __future__ import annotations

from functools import cache

import sympy

from maml_landscape.context import CheckContext
from maml_landscape.evidence import Formula, Table, Text
from maml_landscape.registry import check
from maml_landscape.theory.adaptation import q_isotropic, q_matrix
from maml_landscape.theory.checks.general_common import (
    DIGITS,
    IdentityComparison,
    compare,
    covariance_samplers,
    general_symbols,
    latex_point,
    symmetric_symbols,
)
from maml_landscape.theory.gaussian_moments import (
    expected_sandwich,
    expected_sandwich_structural,
    row_sandwich_expression,
)
from maml_landscape.theory.printed import general as printed
from maml_landscape.verdicts import Choice, Outcome, Verdict

n = sympy.Symbol("n", positive=True, integer=True)
s = sympy.Symbol("s", positive=True, integer=True)
alpha = sympy.Symbol("alpha", positive=True)
rho = sympy.Symbol("rho", positive=True)
d_symbol = sympy.Symbol("d", positive=True, integer=True)

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
    return expected_sandwich(_sigma(d, diagonal), _a(d, symmetric), n)


@cache
def _structural_agrees(d: int) -> bool:
    """The symbolic-d form ΣAΣ + (1/n)(ΣAᵀΣ + tr(AΣ)Σ) evaluated on explicit d×d matrices equals the Isserlis one."""
    S, A = sympy.MatrixSymbol("S", d, d), sympy.MatrixSymbol("A", d, d)
    explicit = {S: _sigma(d, False), A: _a(d, False)}
    structural = sympy.Matrix(expected_sandwich_structural(S, A, n).subs(explicit).doit())
    return (structural - _lemma2_derived(d, False, False)).applyfunc(sympy.expand).is_zero_matrix


@cache
def _difference_form_agrees(d: int) -> bool:
    """derived − printed equals (1/n) Σ(Aᵀ − A)Σ on explicit d×d symbolic matrices."""
    Sigma, A = _sigma(d, False), _a(d, False)
    difference = _lemma2_derived(d, False, False) - printed.lemma2_rhs(Sigma, A, n)
    return (difference - Sigma * (A.T - A) * Sigma / n).applyfunc(sympy.expand).is_zero_matrix


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
    dims = (2, 3) if ctx.quick else (2, 3, 4)
    rows, by_hypotheses = [], {}
    for d in dims:
        for label, diagonal, symmetric in HYPOTHESES:
            Sigma, A = _sigma(d, diagonal), _a(d, symmetric)
            result = compare(
                _lemma2_derived(d, diagonal, symmetric),
                printed.lemma2_rhs(Sigma, A, n),
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
    if None in stated or not all(structural):
        verdict, summary = (
            Verdict.NOT_CHECKED,
            "symbolic and mpmath routes disagree (or the symbolic-d form failed)",
        )
    elif all(stated):
        verdict = Verdict.HOLDS
        summary = (
            "eq. (77) holds under its hypotheses (d = "
            + ", ".join(map(str, dims))
            + ", symbolic entries); "
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
        )
    else:
        verdict, summary = (
            Verdict.FAILS,
            "eq. (77) differs from the Isserlis derivation under its own hypotheses",
        )
    S, A = (
        sympy.MatrixSymbol("\\Sigma", d_symbol, d_symbol),
        sympy.MatrixSymbol("A", d_symbol, d_symbol),
    )
    general = expected_sandwich_structural(S, A, n)
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
                "derived, $E[xx^\\top A xx^\\top]$", sympy.latex(row_sandwich_expression(S, A))
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
                f"d = {', '.join(map(str, dims))}: {all(structural)}."
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
    dims = (2, 3) if ctx.quick else (2, 3, 4)
    rows, outcomes = [], []
    for d in dims:
        Sigma = symmetric_symbols("\\sigma", d)
        result = compare(
            q_matrix(Sigma, alpha, s),
            printed.q_matrix(Sigma, alpha, s),
            rng,
            samplers=covariance_samplers(Sigma),
        )
        outcomes.append(result.holds)
        rows.append(_row("$\\Sigma$ general symmetric", d, result))
    iso = q_isotropic(rho, alpha, s, d_symbol)
    iso_rows = []
    for d in range(1, 6):
        from_printed = sympy.factor(printed.q_matrix(rho * sympy.eye(d), alpha, s)[0, 0])
        iso_rows.append(
            (
                d,
                f"${sympy.latex(from_printed)}$",
                "yes" if sympy.cancel(iso.subs(d_symbol, d) - from_printed) == 0 else "no",
            )
        )
    if None in outcomes:
        verdict, summary = Verdict.NOT_CHECKED, "symbolic and mpmath routes disagree"
    elif all(outcomes):
        verdict = Verdict.HOLDS
        summary = (
            "printed $Q_i^{(s)}$ equals $E[P^\\top\\Sigma P]$ derived by Isserlis for full symbolic $\\Sigma$ (d = "
            + ", ".join(map(str, dims))
            + ")"
        )
    else:
        verdict, summary = Verdict.FAILS, "printed $Q_i^{(s)}$ differs from $E[P^\\top \\Sigma P]$"
    S = sympy.MatrixSymbol("\\Sigma", d_symbol, d_symbol)
    sandwich = expected_sandwich_structural(S, S, s).subs(sympy.Transpose(S), S)  # Σ symmetric
    general = S - 2 * alpha * S * S + alpha**2 * sandwich
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
