"""Theorem 1's printed β_i, L_i: can the hypotheses β_1 < β_2 and L_1 < L_2 hold at all?

Theorem 1 defines ``β_i := c_2/(λ_i κ_i²)`` and ``L_i := c_3 M s_{i,1}^{2c}`` with absolute
constants and then assumes ``β_1 < β_2`` and ``L_1 < L_2``. The homogeneity constant c
is fixed by σ (Property 3.1 of Zhong et al., quoted in Appendix B); this check derives
the admissible c for each activation and evaluates the printed L_1 - L_2 and, for M = 1
(where λ_i = κ_i = 1), β_1 - β_2.
"""

from __future__ import annotations

import sympy as sp

from maml_landscape.context import CheckContext
from maml_landscape.evidence import Table, Text
from maml_landscape.registry import check
from maml_landscape.theory.activations import ACTIVATIONS, admissible_homogeneity_exponents
from maml_landscape.theory.printed.theorem1 import printed_beta, printed_L
from maml_landscape.verdicts import Outcome, Verdict

CORRECTION = (
    r"\beta_i := \inf_{W\in\mathcal S_i}\lambda_{\min}(\nabla^2 f_i(W)),\quad "
    r"L_i := \sup_{W\in\mathcal S_i}\lambda_{\max}(\nabla^2 f_i(W))"
    r"\quad\text{(the strong-convexity and smoothness constants the proof uses, instead of } "
    r"c_2/(\lambda_i\kappa_i^2),\ c_3 M s_{i,1}^{2c}\text{, which give } L_1 = L_2 \text{ for } c = 0)"
)


@check("S4.THM1")
def theorem1_printed_hypotheses(ctx: CheckContext) -> Outcome:
    """Derive c per activation and decide whether the printed ``L_1 < L_2`` (and ``β_1 < β_2``, M = 1) can hold."""
    c3, M, s11, s21, c2 = sp.symbols("c_3 M s_11 s_21 c_2", positive=True)
    rows = []
    unsatisfiable = []
    for name in ACTIVATIONS:
        low, high = admissible_homogeneity_exponents(name)
        if high == 0:
            gap_L = sp.simplify(printed_L(c3, M, s11, 0) - printed_L(c3, M, s21, 0))
        else:
            gap_L = sp.Symbol("undetermined")
        if gap_L == 0:
            unsatisfiable.append(name)
        rows.append((name, f"[{low:g}, {high:g}]", f"${sp.latex(gap_L)}$"))
    # M = 1: W_{i,*} has the single singular value s_{i,1}; κ_i = ‖W‖₂/s_{i,M}, λ_i = Π_k s_{i,k}/s_{i,M}^M.
    single = [(s / s, s / s**1) for s in (s11, s21)]
    beta_gap_single = sp.simplify(printed_beta(c2, *single[0][::-1]) - printed_beta(c2, *single[1][::-1]))
    verdict = Verdict.HOLDS_AFTER_CORRECTION if unsatisfiable or beta_gap_single == 0 else Verdict.HOLDS
    if unsatisfiable:
        summary = (f"printed definitions: c = 0 is forced for {', '.join(unsatisfiable)} ($\\sigma'(0^+) > 0$), "
                   "so $L_1 = L_2 = c_3M$ and the hypothesis $L_1 < L_2$ never holds"
                   + ("; for M = 1 also $\\beta_1 = \\beta_2 = c_2$" if beta_gap_single == 0 else "")
                   + "; read $\\beta_i, L_i$ as Hessian bounds on $\\mathcal S_i$")
    elif beta_gap_single == 0:
        summary = ("printed definitions allow $L_1 < L_2$ for every activation, but for M = 1 they force "
                   "$\\beta_1 = \\beta_2 = c_2$; read $\\beta_i, L_i$ as Hessian bounds on $\\mathcal S_i$")
    else:
        summary = "printed definitions allow $\\beta_1 < \\beta_2$ and $L_1 < L_2$ for every activation"
    return Outcome(
        verdict=verdict,
        summary=summary,
        evidence=[
            Table(("σ", "admissible c", "printed $L_1 - L_2$"), tuple(rows),
                  caption="Property 3.1: $0 \\le \\sigma'(z) \\le a|z|^c$; a positive $\\sigma'(0^+)$ forces c = 0."),
            Text(f"For M = 1, $\\lambda_i = \\kappa_i = 1$ and the printed $\\beta_1 - \\beta_2 = {sp.latex(beta_gap_single)}$."),
            Text("The proof (eqs. 37-39) and the Interpretation use $\\beta_i, L_i$ only as strong-convexity and "
                 "smoothness constants of $f_i$ on $\\mathcal S_i$; the network checks measure them that way."),
        ],
        correction=CORRECTION if verdict is Verdict.HOLDS_AFTER_CORRECTION else None,
        data={"c_forced_zero": unsatisfiable, "beta_gap_M1": str(beta_gap_single)},
    )
