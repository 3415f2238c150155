"""Checks of Sec. 3.1 (two tasks of different hardness): eqs. (8)-(9), α = 1/ρ_E, the limits m → ∞ and ρ_H → 0.

Every derived quantity comes from :mod:`maml_landscape.theory.two_tasks` (per-coordinate
reduction with q from :func:`~maml_landscape.theory.adaptation.q_isotropic`, symbolic d),
is compared with the printed form of :mod:`maml_landscape.theory.printed.two_tasks`
(symbolic difference cancelled to 0, or an exact rational counterexample), and is
cross-checked by two independent routes: the d-dimensional matrices of
:mod:`maml_landscape.theory.population` at d = 2, 3 (exact, random rational points), and
mpmath at 50 digits from explicit d × d matrices (:func:`mp_two_task_reference`:
numerical minimisation of the objectives and Proposition 1's nested form, eqs. (6)-(7)).
If a cross-check disagrees with the derivation the check reports ``not checked``.
"""

from __future__ import annotations

from functools import cache

import mpmath
import sympy as sp

from maml_landscape.context import CheckContext
from maml_landscape.evidence import Formula, Table, Text
from maml_landscape.registry import check
from maml_landscape.theory import population
from maml_landscape.theory import two_tasks as derived
from maml_landscape.theory.adaptation import q_matrix
from maml_landscape.theory.checks.general_common import (
    DIGITS,
    NUMERIC_TOLERANCE,
    compare,
    latex_point,
)
from maml_landscape.theory.printed import two_tasks as printed
from maml_landscape.verdicts import Choice, Outcome, Verdict

RHO_H, RHO_E, ALPHA, M, D, W1, W2, A_H, A_E = sp.symbols(
    "rho_H rho_E alpha m d w_1 w_2 a_H a_E", positive=True
)
#: ρ_H/ρ_E and (d+1)/m, the variables in which Sec. 3.1's α = 1/ρ_E statements read.
T_RATIO = sp.Symbol("t", positive=True)
INTEGER_SAMPLERS = {
    M: lambda rng: sp.Integer(int(rng.integers(5, 500))),
    D: lambda rng: sp.Integer(int(rng.integers(1, 30))),
}
CROSS_CHECK_FAILED = (
    "the derivation disagrees with an independent cross-check ({what}), so it cannot judge "
    "the printed claim (a bug in the suite; please report it)"
)


def profile_points(ctx: CheckContext) -> int:
    """How many random rational points a cross-check uses: 3 (quick) or 10 (paper)."""
    return 3 if ctx.quick else 10


# ---------------------------------------------------------------------------
# Derivations used by several checks (cached)
# ---------------------------------------------------------------------------


@cache
def coordinate_in_weights() -> dict[str, sp.Expr]:
    """One coordinate (solutions w_1, w_2) with a_H, a_E as symbols: solutions and Prop. 1 gaps."""
    families = derived.coordinate_task_families(RHO_H, RHO_E, W1, W2)
    return derived.coordinate_results_in_weights(families, A_H, A_E)


def with_weights(expr: sp.Expr, alpha=ALPHA) -> sp.Expr:
    """Substitute the derived a_H, a_E (:func:`~maml_landscape.theory.two_tasks.hardness_weight`)."""
    return derived.substitute_weights(expr, A_H, A_E, RHO_H, RHO_E, alpha, M, D)


@cache
def normalised_risks_inverse_rho_e() -> tuple[sp.Expr, sp.Expr]:
    """(NAL, MAML) gaps per unit (w_1 - w_2)²/4 at α = 1/ρ_E, one coordinate."""
    unit = (W1 - W2) ** 2 / 4
    results = coordinate_in_weights()
    return tuple(
        sp.factor(sp.cancel(with_weights(results[k], 1 / RHO_E) / unit)) for k in ("risk_nal", "risk_maml")
    )


# ---------------------------------------------------------------------------
# Independent routes
# ---------------------------------------------------------------------------


def _mp(value) -> mpmath.mpf:
    value = sp.Rational(value)
    return mpmath.mpf(value.p) / value.q


def mp_two_task_reference(rho_h, rho_e, alpha, m, w1, w2) -> dict[str, object]:
    """Sec. 3.1 at one rational point in d = len(w1) dimensions, by mpmath at 50 digits.

    Q_k from the explicit Isserlis route (:func:`~maml_landscape.theory.adaptation.q_matrix`
    on ρ_k I_d); w_NAL*, w_MAML* by Newton's method on the numerically differentiated
    objectives ½ Σ_k ½ (w - w_k)ᵀ M_k (w - w_k) (M = Σ for NAL, Q for MAML); the risks from
    Proposition 1's nested form ½ E_i ‖E_i'[M]⁻¹ E_i'[M(w_i'* - w_i*)]‖²_{Q_i} (eqs. 6-7).
    """
    d = len(w1)
    sigmas = [sp.Rational(rho_h) * sp.eye(d), sp.Rational(rho_e) * sp.eye(d)]
    with mpmath.workdps(DIGITS):
        to_mp = lambda A: mpmath.matrix([[_mp(A[i, j]) for j in range(d)] for i in range(d)])  # noqa: E731
        S = [to_mp(s) for s in sigmas]
        Q = [to_mp(q_matrix(s, alpha, m)) for s in sigmas]
        W = [mpmath.matrix([_mp(v) for v in w]) for w in (w1, w2)]

        def minimiser(mats):
            def objective(*w):
                w = mpmath.matrix(list(w))
                return sum(((w - wk).T * A * (w - wk))[0] for A, wk in zip(mats, W)) / 4

            def gradient(*w):
                return [mpmath.diff(objective, w, tuple(int(j == i) for j in range(d))) for i in range(d)]

            root = mpmath.findroot(gradient, tuple([mpmath.mpf(0)] * d))
            return mpmath.matrix(root) if d > 1 else mpmath.matrix([root])

        def nested_risk(mats):
            mean_inv = (mats[0] / 2 + mats[1] / 2) ** -1
            total = mpmath.mpf(0)
            for i in range(2):
                v = mean_inv * sum((mats[k] * (W[k] - W[i]) / 2 for k in range(2)), mpmath.zeros(d, 1))
                total += (v.T * Q[i] * v)[0] / 2
            return total / 2

        return {
            "w_nal": minimiser(S),
            "w_maml": minimiser(Q),
            "risk_nal": nested_risk(S),
            "risk_maml": nested_risk(Q),
        }


def _rational(rng, low, high) -> sp.Rational:
    return sp.Rational(low) + (sp.Rational(high) - sp.Rational(low)) * sp.Rational(int(rng.integers(1, 1000)), 1000)


def random_two_task_point(rng, d: int) -> dict[str, object]:
    """A random rational instance: 0 < ρ_H < ρ_E, α, integer m, and w_1*, w_2* in R^d."""
    rho_e = _rational(rng, sp.Rational(1, 2), 2)
    return {
        "rho_h": rho_e * _rational(rng, sp.Rational(1, 20), sp.Rational(19, 20)),
        "rho_e": rho_e,
        "alpha": _rational(rng, sp.Rational(1, 10), 2) / rho_e,
        "m": int(rng.integers(5, 500)),
        "w1": [_rational(rng, -3, 3) for _ in range(d)],
        "w2": [_rational(rng, -3, 3) for _ in range(d)],
    }


def cross_check_two_tasks(rng, points: int) -> dict[str, float | bool]:
    """Compare :mod:`~maml_landscape.theory.two_tasks` with population (exact) and mpmath at random points.

    Returns the worst mpmath relative error and whether every exact d = 2, 3 comparison
    with :mod:`maml_landscape.theory.population` matched.
    """
    coordinate = coordinate_in_weights()
    args = (RHO_H, RHO_E, ALPHA, M, D, W1, W2)
    lambdas = {k: sp.lambdify(args, with_weights(v), "mpmath") for k, v in coordinate.items()}
    worst = mpmath.mpf(0)
    exact_match = True
    for index in range(points):
        d = 2 + index % 2
        p = random_two_task_point(rng, d)
        reference = mp_two_task_reference(p["rho_h"], p["rho_e"], p["alpha"], p["m"], p["w1"], p["w2"])
        with mpmath.workdps(DIGITS):
            for key in ("w_nal", "w_maml", "risk_nal", "risk_maml"):
                values = [
                    lambdas[key](*(_mp(x) for x in (p["rho_h"], p["rho_e"], p["alpha"], p["m"], d, a, b)))
                    for a, b in zip(p["w1"], p["w2"])
                ]
                value = sum(values) if key.startswith("risk") else mpmath.matrix(values)
                ref = reference[key]
                error = (
                    abs(value - ref) / (1 + abs(ref))
                    if key.startswith("risk")
                    else mpmath.norm(value - ref) / (1 + mpmath.norm(ref))
                )
                worst = max(worst, error)
        # exact comparison with the d-dimensional population module
        families = [
            population.TaskFamily(sp.Rational(1, 2), p["rho_h"] * sp.eye(d), sp.Matrix(p["w1"])),
            population.TaskFamily(sp.Rational(1, 2), p["rho_e"] * sp.eye(d), sp.Matrix(p["w2"])),
        ]
        w_nal, w_maml = derived.solutions(p["rho_h"], p["rho_e"], p["alpha"], p["m"], d, p["w1"], p["w2"])
        risk_nal, risk_maml = derived.excess_risks(p["rho_h"], p["rho_e"], p["alpha"], p["m"], d, p["w1"], p["w2"])
        pop_nal = population.nal_solution(families)
        pop_maml = population.maml_solution(families, p["alpha"], p["m"])
        gap = lambda w, fams=families, p=p: population.task_oracle_gap(w, fams, 0, p["alpha"], p["m"])  # noqa: E731
        exact_match &= (
            (w_nal - pop_nal).applyfunc(sp.simplify).is_zero_matrix
            and (w_maml - pop_maml).applyfunc(sp.simplify).is_zero_matrix
            and sp.simplify(risk_nal - gap(pop_nal)) == 0
            and sp.simplify(risk_maml - gap(pop_maml)) == 0
        )
    return {"mp_worst_relative_error": float(worst), "population_exact_match": bool(exact_match)}


def cross_check_evidence(result: dict) -> tuple[bool, Text]:
    ok = result["population_exact_match"] and result["mp_worst_relative_error"] <= float(NUMERIC_TOLERANCE)
    text = Text(
        "Independent routes: (i) exact comparison with the $d$-dimensional population module "
        "(explicit matrices, $d = 2, 3$, random rational points): "
        f"{'all equal' if result['population_exact_match'] else 'MISMATCH'}; (ii) mpmath at {DIGITS} digits "
        "(explicit Isserlis $Q$, Newton on the numerically differentiated objectives, Proposition 1's nested "
        f"form): worst relative error {result['mp_worst_relative_error']:.1e} "
        f"(tolerance {float(NUMERIC_TOLERANCE):.0e})."
    )
    return ok, text


REDUCTION_TEXT = Text(
    "Reduction used (App. A.2): with $\\Sigma_k = \\rho_k I_d$ the adaptation matrix is "
    "$Q_k^{(m)} = q_k I_d$, $q_k$ derived for symbolic $d$ (Isserlis, `q_isotropic`), so "
    "Proposition 1's gap $\\tfrac12\\sum_k p_k (w - w_k^*)^\\top Q_k (w - w_k^*)$ is a sum over "
    "coordinates of $\\tfrac12 \\sum_k p_k q_k (w_l - w_{k,l}^*)^2$; each coordinate is minimised "
    "separately and the coordinates are summed. Excess risk = Proposition 1's quantity (loss above "
    "each task's own optimum); eq. (2) read literally ($F_m - \\inf F_m$) gives "
    "$\\mathcal{E}_m(w^*_{MAML}) = 0$ whenever $n_2 = m$."
)


def _not_checked(claim_text: str, what: str, evidence) -> Outcome:
    return Outcome(Verdict.NOT_CHECKED, CROSS_CHECK_FAILED.format(what=what) + f" [{claim_text}]", evidence=evidence)


# ---------------------------------------------------------------------------
# S31.SOL
# ---------------------------------------------------------------------------


@check("S31.SOL")
def two_task_solutions(ctx: CheckContext) -> Outcome:
    """Eq. (8): w_NAL*, w_MAML* and the weights a_E, a_H, derived per coordinate and compared."""
    rng = ctx.rng("S31.SOL/points")
    results = coordinate_in_weights()
    a_derived = derived.hardness_weight(RHO_H, ALPHA, M, D)
    a_printed = printed.hardness_weight(RHO_H, ALPHA, M, D)
    nal_p = sum(c * w for c, w in zip(printed.nal_weights(RHO_H, RHO_E), (W1, W2)))
    maml_p = sum(c * w for c, w in zip(printed.maml_weights(A_H, A_E), (W1, W2)))
    comparisons = {
        "a (below eq. 8)": compare(a_derived, a_printed, rng, samplers=INTEGER_SAMPLERS),
        "w_NAL* (eq. 8)": compare(results["w_nal"], nal_p, rng, samplers=INTEGER_SAMPLERS),
        "w_MAML* (eq. 8), a's as symbols": compare(results["w_maml"], maml_p, rng, samplers=INTEGER_SAMPLERS),
    }
    cross = cross_check_two_tasks(ctx.rng("S31.SOL/cross"), profile_points(ctx))
    cross_ok, cross_text = cross_check_evidence(cross)
    evidence = [
        REDUCTION_TEXT,
        Formula("derived $a$ ($Q^{(m)}(\\rho I_d) = a I_d$)", sp.latex(sp.collect(sp.expand(a_derived), M))),
        Formula("printed $a_H$ (below eq. 8)", sp.latex(a_printed)),
        Formula("derived $w^*_{NAL}$ (one coordinate)", sp.latex(results["w_nal"])),
        Formula("derived $w^*_{MAML}$ (one coordinate)", sp.latex(results["w_maml"])),
        _comparison_table(comparisons),
        cross_text,
    ]
    data = {k: _comparison_data(c) for k, c in comparisons.items()} | cross
    if not cross_ok or any(c.holds is None for c in comparisons.values()):
        return _not_checked("S31.SOL", "population/mpmath", evidence)
    bad = [k for k, c in comparisons.items() if not c.holds]
    if bad:
        return Outcome(
            Verdict.FAILS,
            f"eq. (8) differs from the derivation in: {', '.join(bad)} (exact counterexamples in the table)",
            evidence=evidence, seeds=_seeds(ctx, "S31.SOL"), data=data,
        )
    return Outcome(
        Verdict.HOLDS,
        "eq. (8) and $a_E$, $a_H$ (with the $(d+1)/m$ factor) equal the derivation exactly; "
        f"cross-checked at $d = 2, 3$ and by mpmath (worst rel. error {cross['mp_worst_relative_error']:.0e})",
        evidence=evidence, seeds=_seeds(ctx, "S31.SOL"), data=data,
    )


def _seeds(ctx: CheckContext, claim: str) -> dict[str, int]:
    return {f"{claim}/points": ctx.seed_for(f"{claim}/points"), f"{claim}/cross": ctx.seed_for(f"{claim}/cross")}


def _comparison_table(comparisons: dict) -> Table:
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


def _comparison_data(c) -> dict:
    return {
        "symbolic_zero": c.symbolic_zero,
        "numeric_difference": c.numeric_difference,
        "counterexample": {str(k): v for k, v in c.counterexample.items()} if c.counterexample else None,
    }


# ---------------------------------------------------------------------------
# S31.ALPHA
# ---------------------------------------------------------------------------


@cache
def alpha_threshold() -> tuple[sp.Expr, sp.Expr]:
    """m* with a_H > a_E ⟺ m > m* at α = 1/ρ_E (derived), and m* in terms of t = ρ_H/ρ_E."""
    a_h = derived.hardness_weight(RHO_H, 1 / RHO_E, M, D)
    a_e = derived.hardness_weight(RHO_E, 1 / RHO_E, M, D)
    roots = sp.solve(sp.Eq(a_h, a_e), M)
    if len(roots) != 1:
        raise RuntimeError(f"expected one threshold m*, got {roots}")
    threshold = sp.factor(roots[0])
    in_t = sp.factor(sp.cancel(threshold.subs(RHO_H, T_RATIO * RHO_E)))
    return threshold, sp.factor(-sp.numer(in_t)) / sp.expand(-sp.denom(in_t))


@check("S31.ALPHA")
def inverse_rho_e_weights(ctx: CheckContext) -> Outcome:
    """α = 1/ρ_E: a_E = ((d+1)/m)ρ_E, a_H as printed, and a_H > a_E for sufficiently large m."""
    rng = ctx.rng("S31.ALPHA/points")
    a_h = derived.hardness_weight(RHO_H, 1 / RHO_E, M, D)
    a_e = derived.hardness_weight(RHO_E, 1 / RHO_E, M, D)
    comparisons = {
        "a_E at α = 1/ρ_E": compare(a_e, printed.a_e_at_inverse_rho_e(RHO_E, M, D), rng, samplers=INTEGER_SAMPLERS),
        "a_H at α = 1/ρ_E": compare(a_h, printed.a_h_at_inverse_rho_e(RHO_H, RHO_E, M, D), rng, samplers=INTEGER_SAMPLERS),
    }
    threshold, threshold_t = alpha_threshold()
    # a_H - a_E = ρ_H (1 - t)² (1 - m*/m): increasing in m, zero at m*
    identity = sp.cancel(a_h - a_e - RHO_H * (1 - RHO_H / RHO_E) ** 2 * (1 - threshold / M)) == 0
    # m* > 0 and finite on 0 < t < 1: substitute t = 1/(1 + s), s > 0
    s = sp.Symbol("s", positive=True)
    on_interval = sp.factor(threshold_t.subs(T_RATIO, 1 / (1 + s)))
    positive = bool(on_interval.is_positive) and bool(sp.denom(sp.together(on_interval)).is_positive)
    # closeness: |w_MAML - w_1| / |w_MAML - w_2| = a_E / a_H
    results = coordinate_in_weights()
    distance_ratio = sp.factor(sp.cancel((results["w_maml"] - W1) / (W2 - results["w_maml"])))
    nal_ratio = sp.factor(sp.cancel((results["w_nal"] - W1) / (W2 - results["w_nal"])))
    closeness = sp.cancel(distance_ratio - A_E / A_H) == 0 and sp.cancel(nal_ratio - RHO_E / RHO_H) == 0
    # mpmath: sign of a_H - a_E from the explicit d-dim Q on both sides of m*
    sign_ok, rows = _threshold_numerics(rng, threshold, profile_points(ctx))
    table_rows = []
    for t_value in (sp.Rational(1, 10), sp.Rational(1, 5), sp.Rational(1, 3), sp.Rational(1, 2), sp.Rational(9, 10)):
        value = threshold_t.subs({T_RATIO: t_value, D: 10})
        table_rows.append((f"{float(t_value):.2f}", f"{float(value):.1f}"))
    evidence = [
        Formula("derived $a_E$ at $\\alpha = 1/\\rho_E$", sp.latex(sp.factor(a_e))),
        Formula("derived $a_H$ at $\\alpha = 1/\\rho_E$", sp.latex(sp.expand(a_h))),
        _comparison_table(comparisons),
        Formula("derived threshold: $a_H > a_E \\iff m > m^*$", "m^* = " + sp.latex(threshold_t)),
        Text(
            "Derived identity $a_H - a_E = \\rho_H(1-t)^2(1 - m^*/m)$, $t = \\rho_H/\\rho_E$: "
            f"{'verified' if identity else 'FAILED'}; $m^* \\in (0, \\infty)$ for every $0 < t < 1$: "
            f"{'verified' if positive else 'not verified'}. Distances: "
            "$|w^*_{MAML} - w_1^*| / |w^*_{MAML} - w_2^*| = a_E/a_H$ and "
            "$|w^*_{NAL} - w_1^*| / |w^*_{NAL} - w_2^*| = \\rho_E/\\rho_H$: "
            f"{'verified' if closeness else 'FAILED'}. mpmath sign test of $a_H - a_E$ "
            f"(explicit $Q$, {DIGITS} digits) at $m = \\lceil m^* \\rceil$ and $\\lfloor m^*\\rfloor$: "
            f"{'consistent' if sign_ok else 'INCONSISTENT'}."
        ),
        Table(("$\\rho_H/\\rho_E$", "$m^*$ at $d = 10$"), table_rows,
              caption="Smallest m for which MAML's solution is nearer the hard task (Fig. 2 uses m = 100, 500, 2000)."),
    ]
    data = {k: _comparison_data(c) for k, c in comparisons.items()} | {
        "threshold_identity": identity, "threshold_positive": positive, "closeness": closeness,
        "mp_sign_consistent": sign_ok, "threshold_d10": {r[0]: float(r[1]) for r in table_rows},
    }
    if not sign_ok or not identity or any(c.holds is None for c in comparisons.values()):
        return _not_checked("S31.ALPHA", "identity/mpmath sign test", evidence)
    bad = [k for k, c in comparisons.items() if not c.holds]
    if bad or not positive or not closeness:
        reason = ", ".join(bad) or "threshold or closeness statement"
        return Outcome(Verdict.FAILS, f"at α = 1/ρ_E the derivation contradicts: {reason}",
                       evidence=evidence, seeds=_seeds(ctx, "S31.ALPHA"), data=data)
    return Outcome(
        Verdict.HOLDS,
        "$a_E = (d+1)\\rho_E/m$ and $a_H$ equal the derivation; $a_H > a_E$ iff $m > m^* = "
        + sp.latex(threshold_t) + "$ (finite for $0<t<1$; e.g. $m^* = "
        + f"{float(threshold_t.subs({T_RATIO: sp.Rational(1, 10), D: 10})):.0f}$ at $t = 0.1$, $d = 10$)",
        evidence=evidence, seeds=_seeds(ctx, "S31.ALPHA"), data=data,
        choices=[Choice("d (table)", 10, "Figures 1-3 use d = 10")],
    )


def _threshold_numerics(rng, threshold: sp.Expr, points: int) -> tuple[bool, list]:
    """a_H - a_E from explicit 2x2 Q matrices (mpmath) has the sign predicted by m* on both sides."""
    ok, rows = True, []
    for _ in range(points):
        p = random_two_task_point(rng, 2)
        d_value = int(rng.integers(1, 5))  # explicit Isserlis Q is d^4 work: keep d small
        m_star = threshold.subs({RHO_H: p["rho_h"], RHO_E: p["rho_e"], D: d_value})
        for m_value, expected in ((int(sp.floor(m_star)), -1), (int(sp.ceiling(m_star)) + (1 if m_star.is_integer else 0), 1)):
            if m_value < 1:
                continue
            with mpmath.workdps(DIGITS):
                q = [q_matrix(rho * sp.eye(d_value), 1 / p["rho_e"], m_value)[0, 0] for rho in (p["rho_h"], p["rho_e"])]
                difference = _mp(q[0]) - _mp(q[1])
            ok &= (difference > 0) == (expected > 0) or difference == 0
            rows.append((float(m_star), m_value, float(difference)))
    return ok, rows


# ---------------------------------------------------------------------------
# S31.RISK
# ---------------------------------------------------------------------------


@check("S31.RISK")
def two_task_excess_risks(ctx: CheckContext) -> Outcome:
    """Eq. (9): both excess risks for general w_1*, w_2*, derived from Proposition 1 and compared factor by factor."""
    rng = ctx.rng("S31.RISK/points")
    results = coordinate_in_weights()
    printed_risks = {
        "NAL": printed.nal_excess_risk(A_H, A_E, RHO_H, RHO_E),
        "MAML": printed.maml_excess_risk(A_H, A_E),
    }
    derived_risks = {"NAL": results["risk_nal"], "MAML": results["risk_maml"]}
    factors = {k: sp.factor(sp.cancel(derived_risks[k] / printed_risks[k])) for k in derived_risks}
    comparisons = {f"{k} (eq. 9)": compare(derived_risks[k], printed_risks[k], rng, samplers=INTEGER_SAMPLERS) for k in derived_risks}
    parameters = {RHO_H, RHO_E, A_H, A_E, ALPHA, M, D}
    factor_free = all(not (f.free_symbols & parameters) for f in factors.values())
    same_factor = sp.cancel(factors["NAL"] - factors["MAML"]) == 0
    cross = cross_check_two_tasks(ctx.rng("S31.RISK/cross"), profile_points(ctx))
    cross_ok, cross_text = cross_check_evidence(cross)
    literal = _literal_definition_values(rng)
    fig2_factor = sp.simplify(factors["NAL"].subs({W1: 1, W2: -1}) * D)
    factor_rows = (
        ("$\\tfrac12$ of Proposition 1", "yes", "no"),
        ("task weights $\\tfrac12$", "yes", "no"),
        ("$(w_{1,l}^* - w_{2,l}^*)^2$, summed: $\\|w_1^* - w_2^*\\|^2$", "yes", "no"),
        ("NAL: $(a_E\\rho_H^2 + a_H\\rho_E^2)/(\\rho_E+\\rho_H)^2$", "yes", "yes"),
        ("MAML: $a_E a_H/(a_E + a_H)$", "yes", "yes"),
    )
    evidence = [
        REDUCTION_TEXT,
        Formula("derived $\\mathcal{E}_m(w^*_{NAL})$, one coordinate", sp.latex(derived_risks["NAL"])),
        Formula("derived $\\mathcal{E}_m(w^*_{MAML})$, one coordinate", sp.latex(derived_risks["MAML"])),
        Formula("derived / printed (both risks, one coordinate)", sp.latex(factors["NAL"])),
        Table(("factor", "in derived", "in printed eq. (9)"), factor_rows, caption="Eq. (9) factor by factor."),
        _comparison_table(comparisons),
        Text(
            f"Summed over coordinates the ratio is $\\|w_1^* - w_2^*\\|^2/4$; with Figure 2's $w_1^* = 1_d$, "
            f"$w_2^* = -1_d$ it is ${sp.latex(fig2_factor)}$ ($= 10$ at $d = 10$), consistent with Figure 2's "
            "excess-risk axis (0..1), which eq. (9) alone (max about 0.1 at $\\rho_E = 1$) would not fill. "
            f"Eq. (2) taken literally: $\\mathcal{{E}}_m(w^*_{{MAML}}) = {literal['maml']}$ and "
            f"$\\mathcal{{E}}_m(w^*_{{NAL}})$ = Prop. 1's NAL value minus Prop. 1's MAML value "
            f"({'verified' if literal['nal_consistent'] else 'NOT verified'}) at a random rational point, $d = 2$."
        ),
        cross_text,
    ]
    data = {k: _comparison_data(c) for k, c in comparisons.items()} | cross | {
        "derived_over_printed": str(factors["NAL"]), "figure2_factor": str(fig2_factor),
        "literal_eq2_maml": str(literal["maml"]),
    }
    if not cross_ok or not literal["nal_consistent"]:
        return _not_checked("S31.RISK", "population/mpmath", evidence)
    if all(c.holds for c in comparisons.values()):
        return Outcome(Verdict.HOLDS, "eq. (9) equals Proposition 1's excess risks exactly",
                       evidence=evidence, seeds=_seeds(ctx, "S31.RISK"), data=data)
    if factor_free and same_factor:
        correction = (
            "\\mathcal{E}_m(w^*_{NAL}) = \\frac{\\|w_1^*-w_2^*\\|^2}{4}\\,"
            "\\frac{a_E\\rho_H^2 + a_H\\rho_E^2}{(\\rho_E+\\rho_H)^2},\\qquad "
            "\\mathcal{E}_m(w^*_{MAML}) = \\frac{\\|w_1^*-w_2^*\\|^2}{4}\\,\\frac{a_E a_H}{a_E + a_H}"
        )
        return Outcome(
            Verdict.HOLDS_AFTER_CORRECTION,
            f"both risks of eq. (9) miss the same parameter-free factor ${sp.latex(factors['NAL'])}$ per coordinate "
            f"(derived/printed); with Fig. 2's $\\pm 1_d$, summed over coordinates, they are ${sp.latex(fig2_factor)}$ "
            "times eq. (9)",
            evidence=evidence, correction=correction, seeds=_seeds(ctx, "S31.RISK"), data=data,
        )
    return Outcome(Verdict.FAILS, "eq. (9) differs from the derivation by a factor depending on the parameters: "
                   + sp.latex(factors["NAL"]), evidence=evidence, seeds=_seeds(ctx, "S31.RISK"), data=data)


def _literal_definition_values(rng) -> dict[str, object]:
    """Eq. (2) taken literally at a random rational point (d = 2): population.excess_risk at both solutions."""
    p = random_two_task_point(rng, 2)
    families = [
        population.TaskFamily(sp.Rational(1, 2), p["rho_h"] * sp.eye(2), sp.Matrix(p["w1"])),
        population.TaskFamily(sp.Rational(1, 2), p["rho_e"] * sp.eye(2), sp.Matrix(p["w2"])),
    ]
    w_nal = population.nal_solution(families)
    w_maml = population.maml_solution(families, p["alpha"], p["m"])
    literal_maml = population.excess_risk(w_maml, families, 0, p["alpha"], p["m"])
    literal_nal = population.excess_risk(w_nal, families, 0, p["alpha"], p["m"])
    prop1 = [population.task_oracle_gap(w, families, 0, p["alpha"], p["m"]) for w in (w_nal, w_maml)]
    return {"maml": literal_maml, "nal_consistent": sp.simplify(literal_nal - (prop1[0] - prop1[1])) == 0}


# ---------------------------------------------------------------------------
# S31.LARGE_M
# ---------------------------------------------------------------------------


@check("S31.LARGE_M")
def large_m_limits(ctx: CheckContext) -> Outcome:
    """m → ∞ at α = 1/ρ_E: a_E → 0, MAML's risk → 0, NAL's → ρ_E² a_H/(ρ_E+ρ_H)², and the gain condition."""
    nal, maml = normalised_risks_inverse_rho_e()
    a_e = derived.hardness_weight(RHO_E, 1 / RHO_E, M, D)
    a_h = derived.hardness_weight(RHO_H, 1 / RHO_E, M, D)
    a_e_limit = sp.limit(a_e, M, sp.oo)
    a_e_limit_general = sp.factor(sp.limit(derived.hardness_weight(RHO_E, ALPHA, M, D), M, sp.oo))
    maml_limit = sp.limit(maml, M, sp.oo)
    maml_rate = sp.factor(sp.limit(M * maml, M, sp.oo))
    nal_limit = sp.factor(sp.limit(nal, M, sp.oo))
    a_h_limit_printed = sp.limit(printed.a_h_at_inverse_rho_e(RHO_H, RHO_E, M, D), M, sp.oo)
    nal_printed = printed.nal_excess_risk_large_m(a_h_limit_printed, RHO_H, RHO_E)
    nal_matches = sp.cancel(nal_limit - nal_printed) == 0
    # gain G = NAL/MAML = (1 + K)(1 + t²/K)/(1 + t)², K = a_H/a_E (identity, any α, m)
    K = sp.Symbol("K", positive=True)
    results = coordinate_in_weights()
    gain = sp.cancel(results["risk_nal"] / results["risk_maml"])
    gain_identity = sp.cancel(
        gain.subs(A_H, K * A_E) - (1 + K) * (1 + (RHO_H / RHO_E) ** 2 / K) / (1 + RHO_H / RHO_E) ** 2
    ) == 0
    k_value = sp.factor(sp.cancel((a_h / a_e).subs(RHO_H, T_RATIO * RHO_E)))
    maml_bound = sp.factor(sp.cancel(a_e - maml))  # = a_E²/(a_E + a_H) ≥ 0
    maml_bound_ok = sp.cancel(maml_bound - a_e**2 / (a_e + a_h)) == 0
    nal_t = sp.factor(sp.cancel(nal_limit.subs(RHO_H, T_RATIO * RHO_E) / RHO_E))
    gain_limit_t1 = sp.simplify(sp.limit(sp.cancel(gain.subs({A_H: a_h, A_E: a_e}).subs(RHO_H, T_RATIO * RHO_E)), T_RATIO, 1))
    # mpmath: the limits at m = 10^40 from the lambdified derived risks
    mp_ok, mp_error = _large_m_numerics(ctx.rng("S31.LARGE_M/points"), nal, maml, nal_limit, profile_points(ctx))
    checks = {
        "lim a_E = 0 (α = 1/ρ_E)": a_e_limit == 0,
        "lim E(w_MAML*) = 0": maml_limit == 0,
        "lim E(w_NAL*) = ρ_E² a_H/(ρ_E+ρ_H)² (printed, a_E → 0)": nal_matches,
        "G = (1+K)(1+t²/K)/(1+t)² with K = a_H/a_E": gain_identity,
        "E(w_MAML*) ≤ a_E (per unit)": maml_bound_ok,
    }
    t_rows = []
    for t_value in (0.01, 0.05, 0.1, 0.2, 1 / 3, 0.5, 0.9):
        t_rows.append((f"{t_value:.2f}", f"{float(nal_t.subs(T_RATIO, t_value)):.4f}",
                       f"{float((T_RATIO * (1 - T_RATIO) ** 2).subs(T_RATIO, t_value)):.4f}"))
    evidence = [
        Text("All risks per unit $\\|w_1^* - w_2^*\\|^2/4$ (the normalisation missing from eq. (9), see S31.RISK), "
             "$\\alpha = 1/\\rho_E$, $t = \\rho_H/\\rho_E$."),
        Formula("$\\lim_{m\\to\\infty} a_E$ for general $\\alpha$", sp.latex(a_e_limit_general)),
        Formula("$\\lim_{m\\to\\infty} m\\,\\mathcal{E}_m(w^*_{MAML})$", sp.latex(maml_rate)),
        Formula("$\\lim_{m\\to\\infty} \\mathcal{E}_m(w^*_{NAL})$", sp.latex(nal_limit)),
        Formula("$K = a_H/a_E$ at $\\alpha = 1/\\rho_E$", sp.latex(k_value)),
        Formula("$a_E - \\mathcal{E}_m(w^*_{MAML})$", sp.latex(maml_bound)),
        Table(("statement", "derived"), [(k, "verified" if v else "FAILS") for k, v in checks.items()]),
        Text(
            "Gain condition: $G = \\mathcal{E}(w^*_{NAL})/\\mathcal{E}(w^*_{MAML}) = (1+K)(1+t^2/K)/(1+t)^2$, so "
            "$(1+K)/4 < G < (1+K)(1+1/K)$ for $0<t<1$ and $G \\gg 1 \\iff K \\gg 1 \\iff "
            "t(1-t)^2 \\gg \\frac{d+1}{m}(1 - t^3)$, the printed $t(1-t)^2 \\gg d/m$ up to $d+1$ vs $d$ and a "
            f"factor $\\le 4$. As $t \\to 1$, $G \\to {sp.latex(gain_limit_t1)}$. Nuance: MAML's risk is at most "
            "$a_E = (d+1)\\rho_E/m$ for every $\\rho_H$, so its near-zero risk for $m \\gg d$ needs no condition; "
            "the condition is what makes NAL's risk large relative to MAML's. NAL's limit risk "
            "$\\rho_E\\,t(1-t)^2/(1+t)^2$ itself vanishes linearly as $t \\to 0$ (table)."
        ),
        Table(("$t$", "$\\lim_m \\mathcal{E}(w^*_{NAL})/\\rho_E$", "$t(1-t)^2$"), t_rows),
        Text(f"mpmath at {DIGITS} digits, $m = 10^{{40}}$, random rational points: worst deviation from the "
             f"limits {mp_error:.1e} ({'consistent' if mp_ok else 'INCONSISTENT'})."),
    ]
    data = {k: bool(v) for k, v in checks.items()} | {"mp_ok": mp_ok, "mp_error": mp_error,
                                                       "gain_limit_t_to_1": str(gain_limit_t1)}
    if not mp_ok:
        return _not_checked("S31.LARGE_M", "mpmath at m = 1e40", evidence)
    failed = [k for k, v in checks.items() if not v]
    if failed:
        return Outcome(Verdict.FAILS, "derived limits contradict: " + "; ".join(failed), evidence=evidence,
                       seeds={"S31.LARGE_M/points": ctx.seed_for("S31.LARGE_M/points")}, data=data)
    return Outcome(
        Verdict.HOLDS,
        f"at α = 1/ρ_E: a_E → 0, MAML's risk ~ ({sp.sstr(maml_rate)})/m → 0, NAL's → ρ_E²a_H/(ρ_E+ρ_H)² (per unit "
        "‖w₁*−w₂*‖²/4); gain G = (1+K)(1+t²/K)/(1+t)², K = a_H/a_E, so G ≫ 1 ⟺ t(1−t)² ≫ (d+1)/m up to a factor ≤ 4",
        evidence=evidence, seeds={"S31.LARGE_M/points": ctx.seed_for("S31.LARGE_M/points")}, data=data,
    )


def _large_m_numerics(rng, nal, maml, nal_limit, points: int) -> tuple[bool, float]:
    args = (RHO_H, RHO_E, M, D)
    f_nal, f_maml, f_lim = (sp.lambdify(args, e, "mpmath") for e in (nal, maml, nal_limit))
    worst = mpmath.mpf(0)
    with mpmath.workdps(DIGITS):
        for _ in range(points):
            p = random_two_task_point(rng, 1)
            values = [_mp(p["rho_h"]), _mp(p["rho_e"]), mpmath.mpf(10) ** 40, mpmath.mpf(int(rng.integers(1, 30)))]
            limit = f_lim(*values)
            worst = max(worst, abs(f_nal(*values) - limit) / limit, abs(f_maml(*values)))
    return worst < mpmath.mpf(10) ** -30, float(worst)


# ---------------------------------------------------------------------------
# S31.ZERO
# ---------------------------------------------------------------------------


@check("S31.ZERO")
def vanishing_hardness(ctx: CheckContext) -> Outcome:
    """ρ_H → 0: both excess risks → 0 (any α, m, d, w_1*, w_2*), and the gain → 1."""
    results = coordinate_in_weights()
    nal, maml = (with_weights(results[k]) for k in ("risk_nal", "risk_maml"))
    limits = {k: sp.simplify(sp.limit(sp.cancel(v), RHO_H, 0)) for k, v in (("NAL", nal), ("MAML", maml))}
    slopes = {k: sp.factor(sp.limit(sp.cancel(v / RHO_H), RHO_H, 0)) for k, v in (("NAL", nal), ("MAML", maml))}
    gain_limit = sp.simplify(sp.limit(sp.cancel(nal / maml), RHO_H, 0))
    # mpmath at ρ_H = 10^-30
    rng = ctx.rng("S31.ZERO/points")
    f = {k: sp.lambdify((RHO_H, RHO_E, ALPHA, M, D, W1, W2), v, "mpmath") for k, v in (("NAL", nal), ("MAML", maml))}
    worst = mpmath.mpf(0)
    with mpmath.workdps(DIGITS):
        for _ in range(profile_points(ctx)):
            p = random_two_task_point(rng, 1)
            values = [mpmath.mpf(10) ** -30] + [_mp(x) for x in (p["rho_e"], p["alpha"], p["m"], int(rng.integers(1, 30)), p["w1"][0], p["w2"][0])]
            scale = (values[5] - values[6]) ** 2 / 4
            worst = max(worst, *(abs(f[k](*values)) / scale for k in f))
    mp_ok = worst < mpmath.mpf(10) ** -25
    evidence = [
        Formula("$\\lim_{\\rho_H\\to 0}\\mathcal{E}_m(w^*_{NAL})$, $\\mathcal{E}_m(w^*_{MAML})$ (one coordinate)",
                sp.latex(limits["NAL"]) + ",\\ " + sp.latex(limits["MAML"])),
        Formula("$\\lim_{\\rho_H\\to0} \\mathcal{E}/\\rho_H$ (NAL, MAML)", sp.latex(slopes["NAL"]) + ",\\ " + sp.latex(slopes["MAML"])),
        Formula("$\\lim_{\\rho_H\\to 0}$ NAL/MAML", sp.latex(gain_limit)),
        Text(f"mpmath at {DIGITS} digits, $\\rho_H = 10^{{-30}}$, random $\\rho_E, \\alpha, m, d, w^*$: worst risk per "
             f"unit $(w_1^*-w_2^*)^2/4$ is {float(worst):.1e} ({'consistent' if mp_ok else 'INCONSISTENT'})."),
    ]
    data = {"limits": {k: str(v) for k, v in limits.items()}, "gain_limit": str(gain_limit), "mp_worst": float(worst)}
    seeds = {"S31.ZERO/points": ctx.seed_for("S31.ZERO/points")}
    if not mp_ok:
        return _not_checked("S31.ZERO", "mpmath at rho_H = 1e-30", evidence)
    if limits["NAL"] == 0 and limits["MAML"] == 0:
        linear = all(v != 0 and not v.has(sp.oo, sp.zoo, sp.nan) for v in slopes.values())
        return Outcome(
            Verdict.HOLDS,
            f"both risks → 0{' linearly in ρ_H' if linear else ''} (any α, m, d, w*), and NAL/MAML → {gain_limit}"
            + (": no gain at ρ_H → 0" if gain_limit == 1 else ""),
            evidence=evidence, seeds=seeds, data=data,
        )
    return Outcome(Verdict.FAILS, f"derived limits as ρ_H → 0 are {limits['NAL']} (NAL), {limits['MAML']} (MAML)",
                   evidence=evidence, seeds=seeds, data=data)
