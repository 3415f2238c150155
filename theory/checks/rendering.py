"""Evidence shared by several theory checks: comparison tables, cross-check texts, data and seeds.

Rendering only; what is compared comes from :mod:`maml_landscape.theory.comparison` and
the route modules (:mod:`~maml_landscape.theory.two_tasks_routes`,
:mod:`~maml_landscape.theory.mixture_routes`).
"""

from __future__ import annotations

from maml_landscape.context import CheckContext
from maml_landscape.evidence import Table, Text
from maml_landscape.theory.comparison import (
    DIGITS,
    NUMERIC_TOLERANCE,
    IdentityComparison,
    latex_point,
)
from maml_landscape.verdicts import Verdict

REDUCTION_TEXT = Text(
    "Reduction used (App. A.2): with $\\Sigma_k = \\rho_k I_d$ the adaptation matrix is "
    "$Q_k^{(m)} = q_k I_d$, $q_k$ derived for symbolic $d$ (Isserlis, `q_isotropic`), so "
    "Proposition 1's gap $\\tfrac12\\sum_k p_k (w - w_k^*)^\\top Q_k (w - w_k^*)$ is a sum over "
    "coordinates of $\\tfrac12 \\sum_k p_k q_k (w_l - w_{k,l}^*)^2$; each coordinate is minimised "
    "separately and the coordinates are summed. Excess risk = Proposition 1's quantity (loss above "
    "each task's own optimum); eq. (2) read literally ($F_m - \\inf F_m$) gives "
    "$\\mathcal{E}_m(w^*_{MAML}) = 0$ whenever $n_2 = m$."
)


def identity_cell(result: IdentityComparison) -> str:
    """A table cell: ``identity (mpmath difference)``, ``differs at $point$`` or ``routes disagree``."""
    if result.holds:
        return f"identity ({result.numeric_difference:.0e})"
    if result.holds is False:
        return "differs at $" + latex_point(result.counterexample) + "$"
    return "routes disagree"


def comparison_table(comparisons: dict[str, IdentityComparison]) -> Table:
    rows = []
    for name, c in comparisons.items():
        status = "equal" if c.holds else ("differs" if c.holds is False else "routes disagree")
        where = latex_point(c.counterexample) if c.counterexample else ""
        rows.append((name, status, f"{c.numeric_difference:.1e}", f"${where}$" if where else "—"))
    return Table(
        ("quantity", "derived vs printed", f"mpmath max rel. diff ({DIGITS} digits)", "exact counterexample"),
        rows,
        caption="Symbolic difference cancelled to 0 (equal) or an exact rational point where it is non-zero.",
    )


def comparison_data(c: IdentityComparison) -> dict:
    return {
        "symbolic_zero": c.symbolic_zero,
        "numeric_difference": c.numeric_difference,
        "counterexample": {str(k): v for k, v in c.counterexample.items()} if c.counterexample else None,
    }


def cross_check_ok(result: dict) -> bool:
    """Whether both routes of a cross-check (population, exact; mpmath within tolerance) agree with the derivation."""
    return result["population_exact_match"] and result["mp_worst_relative_error"] <= float(NUMERIC_TOLERANCE)


def two_task_cross_check_text(result: dict) -> Text:
    """The routes of :func:`~maml_landscape.theory.two_tasks_routes.cross_check_two_tasks` and their result."""
    return Text(
        "Independent routes: (i) exact comparison with the $d$-dimensional population module "
        "(explicit matrices, $d = 2, 3$, random rational points): "
        f"{'all equal' if result['population_exact_match'] else 'MISMATCH'}; (ii) mpmath at {DIGITS} digits "
        "(explicit Isserlis $Q$, Newton on the numerically differentiated objectives, Proposition 1's nested "
        f"form): worst relative error {result['mp_worst_relative_error']:.1e} "
        f"(tolerance {float(NUMERIC_TOLERANCE):.0e})."
    )


def point_seeds(ctx: CheckContext, claim: str) -> dict[str, int]:
    """The seeds of a check's comparison points and of its cross-check."""
    return {f"{claim}/points": ctx.seed_for(f"{claim}/points"), f"{claim}/cross": ctx.seed_for(f"{claim}/cross")}


def agreement(verdict: Verdict) -> bool | None:
    """The data of a :func:`~maml_landscape.verdicts.two_routes` decision: True, False, or None (routes disagree)."""
    return {Verdict.HOLDS: True, Verdict.FAILS: False}.get(verdict)


