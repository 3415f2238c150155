"""Checks of Sec. 3.2 (hard/easy Gaussian mixture): Corollary 1 (eqs. 10-11), App. A.2, Corollary 2 (eq. 12), App. A.3.

Derived quantities come from :mod:`maml_landscape.theory.mixture` (Proposition 1's gap,
expectation over the Gaussian task solutions, per coordinate × d) and are compared with
:mod:`maml_landscape.theory.printed.mixture`. Independent routes: exact comparison with
:mod:`maml_landscape.theory.population` (explicit d × d matrices, d = 2, 3) and mpmath at
50 digits (:func:`mp_mixture_reference`: Proposition 1's nested expectations by
Gauss-Hermite quadrature, Q from the explicit Isserlis route).
"""

from __future__ import annotations

from functools import cache

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import mpmath  # noqa: E402
import numpy as np  # noqa: E402
import sympy as sp  # noqa: E402
from matplotlib.colors import TwoSlopeNorm  # noqa: E402

from maml_landscape.context import CheckContext  # noqa: E402
from maml_landscape.evidence import Figure, Formula, Table, Text  # noqa: E402
from maml_landscape.plotting import save_figure  # noqa: E402
from maml_landscape.registry import check  # noqa: E402
from maml_landscape.theory import mixture as derived  # noqa: E402
from maml_landscape.theory import population  # noqa: E402
from maml_landscape.theory.adaptation import q_matrix  # noqa: E402
from maml_landscape.theory.checks.general_common import DIGITS, NUMERIC_TOLERANCE, compare  # noqa: E402
from maml_landscape.theory.checks.two_tasks import (  # noqa: E402
    CROSS_CHECK_FAILED,
    INTEGER_SAMPLERS,
    _comparison_data,
    _comparison_table,
    _mp,
    _rational,
    profile_points,
)
from maml_landscape.theory.printed import mixture as printed  # noqa: E402
from maml_landscape.theory.printed import two_tasks as printed_two  # noqa: E402
from maml_landscape.theory.two_tasks import gaussian_expectation, hardness_weight  # noqa: E402
from maml_landscape.verdicts import Choice, Outcome, Verdict  # noqa: E402

S = derived.symbols()
RHO_H, RHO_E, R, R_H, R_E, ALPHA, M, D, A_H, A_E = (
    S[k] for k in ("rho_H", "rho_E", "R", "r_H", "r_E", "alpha", "m", "d", "a_H", "a_E")
)
T, EPS, U, V = derived.T, derived.EPS, derived.U, derived.V
SAMPLERS = INTEGER_SAMPLERS  # the same positive symbols m, d
#: Tolerance of Corollary 2's "≈" (relative error of the printed ratio).
TOLERANCE = 0.10
#: "≫" in the condition (ρ_H/ρ_E)(1 - ρ_H/ρ_E)² ≫ d/m read as "at least this many times".
MUCH_GREATER = 10
#: Dimension used to turn d/m into (d+1)/m (Figures 1-3 use d = 10).
DIMENSION = 10


def _printed_in_weights() -> tuple[sp.Expr, sp.Expr]:
    return (
        printed.nal_excess_risk(A_H, A_E, RHO_H, RHO_E, R, R_H, R_E, D),
        printed.maml_excess_risk(A_H, A_E, R, R_H, R_E, D),
    )


def random_mixture_point(rng) -> dict[str, object]:
    """A random rational mixture instance with 0 < ρ_H < ρ_E, integer m and d ∈ {2, 3}."""
    rho_e = _rational(rng, sp.Rational(1, 2), 2)
    return {
        "rho_h": rho_e * _rational(rng, sp.Rational(1, 20), sp.Rational(19, 20)),
        "rho_e": rho_e,
        "R": _rational(rng, -3, 3),
        "r_h": _rational(rng, sp.Rational(1, 20), 3),
        "r_e": _rational(rng, sp.Rational(1, 20), 3),
        "alpha": _rational(rng, sp.Rational(1, 10), 2) / rho_e,
        "m": int(rng.integers(5, 500)),
        "d": int(rng.integers(2, 4)),
    }


def mp_mixture_reference(p: dict) -> tuple[mpmath.mpf, mpmath.mpf]:
    """(E_m(w_NAL*), E_m(w_MAML*)) by mpmath at 50 digits from Proposition 1's nested form (eqs. 6-7).

    ½ E_i [q_i (E_i'[λ_i'(w_i'* - w_i*)]/E_i'[λ_i'])²] per coordinate, both expectations over
    the Gaussian mixture by 8-point Gauss-Hermite quadrature (exact for these polynomials);
    q from :func:`~maml_landscape.theory.adaptation.q_matrix` on explicit ρ I_d; times d.
    """
    d = p["d"]
    with mpmath.workdps(DIGITS):
        nodes, weights = mpmath.gauss_quadrature(8, "hermite")
        families = [(mpmath.mpf(1) / 2, _mp(p["R"]), _mp(p["r_h"])), (mpmath.mpf(1) / 2, mpmath.mpf(0), _mp(p["r_e"]))]
        q = [_mp(q_matrix(rho * sp.eye(d), p["alpha"], p["m"])[0, 0]) for rho in (p["rho_h"], p["rho_e"])]
        rho = [_mp(p["rho_h"]), _mp(p["rho_e"])]

        def expect(f, mean, var):
            return sum(w * f(mean + mpmath.sqrt(2 * var) * x) for x, w in zip(nodes, weights)) / mpmath.sqrt(mpmath.pi)

        def risk(lam):
            norm = sum(fam[0] * lam_k for fam, lam_k in zip(families, lam))

            def inner(w_i):
                return sum(fam[0] * lam_k * expect(lambda y: y - w_i, fam[1], fam[2]) for fam, lam_k in zip(families, lam)) / norm

            outer = sum(fam[0] * qj * expect(lambda x: inner(x) ** 2, fam[1], fam[2]) for fam, qj in zip(families, q))
            return d * outer / 2

        return risk(rho), risk(q)


def cross_check_mixture(rng, points: int) -> dict[str, object]:
    """Derived risks vs mpmath (Gauss-Hermite) and vs the d-dimensional population module (exact)."""
    nal_w, maml_w = derived.excess_risks_in_weights()
    args = (RHO_H, RHO_E, R, R_H, R_E, ALPHA, M, D)
    lambdas = [sp.lambdify(args, derived.excess_risks(*args)[k], "mpmath") for k in (0, 1)]
    worst, exact_match = mpmath.mpf(0), True
    for _ in range(points):
        p = random_mixture_point(rng)
        values = (p["rho_h"], p["rho_e"], p["R"], p["r_h"], p["r_e"], p["alpha"], p["m"], p["d"])
        reference = mp_mixture_reference(p)
        with mpmath.workdps(DIGITS):
            for f, ref in zip(lambdas, reference):
                worst = max(worst, abs(f(*(_mp(v) for v in values)) - ref) / (1 + abs(ref)))
        d = p["d"]
        families = [
            population.TaskFamily(sp.Rational(1, 2), p["rho_h"] * sp.eye(d), sp.Matrix([p["R"]] * d), p["r_h"] * sp.eye(d)),
            population.TaskFamily(sp.Rational(1, 2), p["rho_e"] * sp.eye(d), sp.zeros(d, 1), p["r_e"] * sp.eye(d)),
        ]
        gap = lambda w, fams=families, p=p: population.task_oracle_gap(w, fams, 0, p["alpha"], p["m"])  # noqa: E731
        pop = (gap(population.nal_solution(families)), gap(population.maml_solution(families, p["alpha"], p["m"])))
        mine = derived.excess_risks(*values)
        exact_match &= all(sp.simplify(a - b) == 0 for a, b in zip(mine, pop))
    return {"mp_worst_relative_error": float(worst), "population_exact_match": bool(exact_match)}


def _cross_text(cross: dict) -> tuple[bool, Text]:
    ok = cross["population_exact_match"] and cross["mp_worst_relative_error"] <= float(NUMERIC_TOLERANCE)
    return ok, Text(
        "Independent routes: (i) exact comparison with the $d$-dimensional population module "
        "($w^* \\sim N(R 1_d, r_H I_d)$ etc. as explicit matrices, $d = 2, 3$, random rational points): "
        f"{'all equal' if cross['population_exact_match'] else 'MISMATCH'}; (ii) mpmath at {DIGITS} digits, "
        "Proposition 1's nested expectations by Gauss-Hermite quadrature: worst relative error "
        f"{cross['mp_worst_relative_error']:.1e}."
    )


def _not_checked(claim: str, what: str, evidence) -> Outcome:
    return Outcome(Verdict.NOT_CHECKED, CROSS_CHECK_FAILED.format(what=what) + f" [{claim}]", evidence=evidence)


# ---------------------------------------------------------------------------
# S32.COR1
# ---------------------------------------------------------------------------


@check("S32.COR1")
def corollary1(ctx: CheckContext) -> Outcome:
    """Eqs. (10)-(11): Proposition 1's gaps with the expectation over the Gaussian mixture taken symbolically."""
    rng = ctx.rng("S32.COR1/points")
    nal, maml = derived.excess_risks_in_weights()
    nal_p, maml_p = _printed_in_weights()
    comparisons = {
        "E(w_NAL*) (eq. 10)": compare(nal, nal_p, rng, samplers=SAMPLERS),
        "E(w_MAML*) (eq. 11)": compare(maml, maml_p, rng, samplers=SAMPLERS),
    }
    cross = cross_check_mixture(ctx.rng("S32.COR1/cross"), profile_points(ctx))
    cross_ok, cross_text = _cross_text(cross)
    evidence = [
        Text("Derivation: one coordinate of Proposition 1's gap $\\tfrac12\\sum_k p_k q_k E[(w - w^*_k)^2]$ with "
             "$w^*_k \\sim N(\\mu_k, r_k)$ (Gaussian moments), minimised for NAL ($q = \\rho$) and MAML ($q = a$, "
             "$n_2 = m$), times $d$; $a_H, a_E$ kept as symbols (they equal eq. (8)'s, see S31.SOL)."),
        Formula("derived $\\mathcal{E}_m(w^*_{NAL})$", sp.latex(nal)),
        Formula("derived $\\mathcal{E}_m(w^*_{MAML})$", sp.latex(maml)),
        _comparison_table(comparisons),
        cross_text,
    ]
    data = {k: _comparison_data(c) for k, c in comparisons.items()} | cross
    seeds = {k: ctx.seed_for(k) for k in ("S32.COR1/points", "S32.COR1/cross")}
    if not cross_ok or any(c.holds is None for c in comparisons.values()):
        return _not_checked("S32.COR1", "population/mpmath", evidence)
    bad = [k for k, c in comparisons.items() if not c.holds]
    if bad:
        return Outcome(Verdict.FAILS, "differs from Proposition 1 in " + ", ".join(bad), evidence=evidence, seeds=seeds, data=data)
    return Outcome(Verdict.HOLDS, "eqs. (10) and (11) equal Proposition 1's excess risks exactly (expectation "
                   f"over the mixture derived; cross-checked at d = 2, 3 and by mpmath, rel. error "
                   f"{cross['mp_worst_relative_error']:.0e})", evidence=evidence, seeds=seeds, data=data)


# ---------------------------------------------------------------------------
# S32.A2
# ---------------------------------------------------------------------------


@check("S32.A2")
def appendix_a2(ctx: CheckContext) -> Outcome:
    """App. A.2: the six per-coordinate terms of eq. (23) (MAML) and of the NAL final line, term by term."""
    families = derived.coordinate_families(RHO_H, RHO_E, R, R_H, R_E)
    results = derived.coordinate_results_symbolic()
    rows, mismatches, data = [], [], {}
    labels = ("hard: $x_H^2$", "hard: $x_E^2$", "hard: $2x_Hx_E$", "easy: $x_H^2$", "easy: $x_E^2$", "easy: $2x_Hx_E$")
    consistent = True
    for name, lam, printed_terms, printed_den, risk in (
        ("MAML (eq. 23)", (A_H, A_E), printed.maml_coordinate_terms_a2(A_H, A_E, R, R_H, R_E),
         printed.maml_coordinate_denominator_a2(A_H, A_E), results["risk_maml"]),
        ("NAL (final line)", (RHO_H, RHO_E), printed.nal_coordinate_terms_a2(A_H, A_E, RHO_H, RHO_E, R, R_H, R_E),
         printed.nal_coordinate_denominator_a2(A_H, A_E), results["risk_nal"]),
    ):
        terms, denominator = derived.a2_terms(families, lam, (A_H, A_E))
        consistent &= sp.cancel(sum(terms) / denominator - risk) == 0
        for label, mine, theirs in zip(labels, terms, printed_terms):
            equal = sp.expand(mine - theirs) == 0
            rows.append((name, label, f"${sp.latex(mine)}$", f"${sp.latex(theirs)}$", "equal" if equal else "DIFFERS"))
            if not equal:
                mismatches.append(f"{name} {label}: derived ${sp.latex(mine)}$, printed ${sp.latex(theirs)}$")
        den_equal = sp.expand(denominator - printed_den) == 0
        rows.append((name, "denominator", f"${sp.latex(denominator)}$", f"${sp.latex(printed_den)}$", "equal" if den_equal else "DIFFERS"))
        if not den_equal:
            mismatches.append(f"{name} denominator: derived ${sp.latex(denominator)}$, printed ${sp.latex(printed_den)}$")
        whole = sp.cancel(sum(printed_terms) / printed_den - risk) == 0
        data[name] = {"line_equals_derived": bool(whole)}
    # intermediate NAL line (easy block, cross term) printed with a_H, a_E where rho_H, rho_E belong
    x = sp.Symbol("x")
    printed_cross = gaussian_expectation(printed.nal_easy_cross_term_integrand_a2(A_H, A_E, x, R), x, 0, R_E)
    derived_cross = derived.a2_terms(families, (RHO_H, RHO_E), (A_H, A_E))[0][5]
    rows.append(("NAL (intermediate)", "easy: $2x_Hx_E$ as printed mid-proof", f"${sp.latex(derived_cross)}$",
                 f"${sp.latex(sp.factor(printed_cross))}$", "equal" if sp.expand(printed_cross - derived_cross) == 0 else "DIFFERS"))
    # does the corollary (eqs. 10-11 / d) agree with the derived lines?  then the errors are confined to the proof
    nal_p, maml_p = _printed_in_weights()
    corollary_ok = sp.cancel(nal_p / D - results["risk_nal"]) == 0 and sp.cancel(maml_p / D - results["risk_maml"]) == 0
    evidence = [
        Text("Each coordinate's gap at $w = E[\\lambda w^*]/E[\\lambda]$ written as App. A.2 does: for the test family "
             "$j$ (hard, easy) the terms $x_H^2, x_E^2, 2x_Hx_E$ with $x_k = p_k\\lambda_k(\\mu_k - w_j^*)$, "
             "over the common denominator $4(\\lambda_H+\\lambda_E)^2$ ($\\lambda = a$ for MAML, $\\rho$ for NAL). "
             f"The derived terms sum to the coordinate's gap: {'verified' if consistent else 'FAILED'}."),
        Table(("line", "term", "derived", "printed", "status"), rows, caption="App. A.2 term by term."),
    ]
    data |= {"mismatches": mismatches, "corollary_consistent": corollary_ok}
    if not consistent:
        return _not_checked("S32.A2", "six-term split vs the coordinate gap", evidence)
    if not mismatches:
        return Outcome(Verdict.HOLDS, "eq. (23) and the NAL final line equal the derivation term by term", evidence=evidence, data=data)
    correction_nal = (
        "\\mathcal{E}^{(l)}_m(w_{NAL}) = \\frac{a_H\\rho_H^2 r_H + a_H\\rho_E^2(r_H+R^2) + 2a_H\\rho_H\\rho_E r_H"
        " + a_E\\rho_H^2(r_E+R^2) + a_E\\rho_E^2 r_E + 2a_E\\rho_H\\rho_E\\,r_E}{4(\\rho_E+\\rho_H)^2}"
    )
    if corollary_ok:
        maml_ok = not any(m.startswith("MAML") for m in mismatches)
        return Outcome(
            Verdict.HOLDS_AFTER_CORRECTION,
            f"{len(mismatches)} printed item(s) of App. A.2 differ from the derivation ("
            + "; ".join(m.split(": derived")[0] for m in mismatches)
            + f"); eq. (23) (MAML) equals the derivation term by term: {maml_ok}; "
            "the derived lines give eqs. (10)-(11)",
            evidence=evidence + [Text("Mismatches: " + "; ".join(mismatches))],
            correction=correction_nal, data=data,
        )
    return Outcome(Verdict.FAILS, "App. A.2 differs from the derivation and the corollary does not follow: "
                   + "; ".join(mismatches), evidence=evidence, data=data)


# ---------------------------------------------------------------------------
# S32.COR2 and S32.A3
# ---------------------------------------------------------------------------


@cache
def approximations() -> dict[str, sp.Expr]:
    """The printed approximations in the reduced variables at α = 1/ρ_E (t, u; risks per d ρ_E r_H / 4).

    Ratios: eq. (12) and eq. (27) line 2; single risks: eq. (25) (MAML) and eq. (26) (NAL), second forms.
    """
    rho_e, r_h = sp.Symbol("rho_E_", positive=True), sp.Symbol("r_H_", positive=True)
    reduce = {RHO_H: T * rho_e, RHO_E: rho_e, R: sp.sqrt(U * r_h), R_H: r_h}
    scale = D * rho_e * r_h / 4
    return {
        "eq. (12)": sp.simplify(printed.ratio_eq12(R, R_H).subs(reduce, simultaneous=True)),
        "eq. (27) line 2": sp.simplify(printed.ratio_eq27(RHO_H, RHO_E, R, R_H)[0].subs(reduce, simultaneous=True)),
        "eq. (25)": sp.simplify(printed.maml_eq25(A_H, RHO_H, RHO_E, R_H, D)[1].subs(reduce, simultaneous=True) / scale),
        "eq. (26)": sp.simplify(printed.nal_eq26(A_H, RHO_H, RHO_E, R, R_H, D)[1].subs(reduce, simultaneous=True) / scale),
    }


RATIO_APPROXIMATIONS = ("eq. (12)", "eq. (27) line 2")


@cache
def _approx_numpy():
    return {k: sp.lambdify((T, U), approximations()[k], "numpy") for k in RATIO_APPROXIMATIONS}


def relative_errors(t, eps, u, v) -> dict[str, np.ndarray]:
    """(printed approximation)/(exact ratio) - 1 at α = 1/ρ_E, for eq. (12) and eq. (27) line 2."""
    exact = derived.ratio_grid(t, eps, u, v)
    return {k: np.broadcast_to(f(np.asarray(t, float), np.asarray(u, float)), exact.shape) / exact - 1
            for k, f in _approx_numpy().items()}


PANELS = (
    (0.5, 0.05, "Fig. 3(a)-(b): $R^2/r_H = 0.5$, $R^2/r_E = 10$"),
    (10.0, 20.0, "Fig. 3(c)-(d): $R^2/r_H = 10$, $R^2/r_E = 0.5$"),
    (10.0, 1.0, "$R^2/r_H = 10$, $r_E = r_H$"),
)


def error_map(ctx: CheckContext) -> tuple[str, list, dict]:
    """The error-map figure and the within-tolerance summary of both ratio approximations.

    Columns: :data:`PANELS`; rows: eq. (12) (quick profile) and eq. (27) line 2 (paper profile too).
    """
    n_t, n_m = (80, 60) if ctx.quick else (300, 240)
    plotted = RATIO_APPROXIMATIONS[:1] if ctx.quick else RATIO_APPROXIMATIONS
    t = np.logspace(-3, np.log10(0.99), n_t)
    d_over_m = np.logspace(-5, 0, n_m)
    tt, dm = np.meshgrid(t, d_over_m)
    eps = dm * (DIMENSION + 1) / DIMENSION
    relevant = tt * (1 - tt) ** 2 >= MUCH_GREATER * dm
    fig, axes = plt.subplots(len(plotted), len(PANELS), figsize=(3.8 * len(PANELS), 3.3 * len(plotted)),
                             sharex=True, sharey=True, squeeze=False)
    rows, summary = [], {}
    norm = TwoSlopeNorm(vmin=-1.0, vcenter=0.0, vmax=1.0)
    image = None
    for column, (u, v, title) in enumerate(PANELS):
        errors = relative_errors(tt, eps, u, v)
        for name, err in errors.items():
            within = (np.abs(err) <= TOLERANCE) & relevant
            share = float(within.sum() / relevant.sum())
            t_best = float(tt[within].max()) if within.any() else float("nan")
            dm_best = float(dm[within].max()) if within.any() else float("nan")
            worst = float(np.abs(err[relevant]).max())
            summary[f"{name} | u={u}, v={v}"] = {"share_of_relevant_within": share, "max_t_within": t_best,
                                                 "max_d_over_m_within": dm_best, "worst_in_relevant": worst}
            rows.append((name, f"{u:g}", f"{v:g}", f"{100 * share:.1f}%",
                         f"{t_best:.3g}" if within.any() else "—", f"{dm_best:.2g}" if within.any() else "—",
                         f"{100 * worst:.0f}%"))
            if name not in plotted:
                continue
            row = plotted.index(name)
            ax = axes[row, column]
            image = ax.pcolormesh(tt, dm, np.clip(err, -1, 1), cmap="RdBu_r", norm=norm, shading="auto", rasterized=True)
            ax.contour(tt, dm, np.abs(err), levels=[TOLERANCE], colors="k", linewidths=1.2)
            ax.contour(tt, dm, tt * (1 - tt) ** 2 / dm, levels=[MUCH_GREATER], colors="g", linestyles="--", linewidths=1)
            ax.set_xscale("log")
            ax.set_yscale("log")
            if row == 0:
                ax.set_title(title, fontsize=9)
            if column == 0:
                ax.set_ylabel(f"{name}\n$d/m$ ($d = {DIMENSION}$)")
            if row == len(plotted) - 1:
                ax.set_xlabel("$\\rho_H/\\rho_E$")
    fig.colorbar(image, ax=axes, shrink=0.8, label="approx./exact − 1 (clipped to ±1)")
    path = save_figure(fig, ctx, "cor2_error_map")
    return path, rows, summary


def figure_settings() -> list[tuple[str, dict]]:
    """Parameter choices for Figures 1 and 3 where the paper is silent (α = 1/ρ_E throughout)."""
    fig1 = {"rho_h": sp.Rational(1, 10), "rho_e": sp.Rational(9, 10), "m": 500, "d": 10, "r_e": 1}
    return [
        ("Fig. 1(a): ρ_H/ρ_E = 1, large R, small r_H", fig1 | {"rho_h": sp.Rational(9, 10), "R": 2, "r_h": sp.Rational(1, 10)}),
        ("Fig. 1(b): large R, large r_H", fig1 | {"R": 2, "r_h": 1}),
        ("Fig. 1(c): small R, small r_H", fig1 | {"R": sp.Rational(1, 2), "r_h": sp.Rational(1, 10)}),
        ("Fig. 1(d): large R, small r_H", fig1 | {"R": 2, "r_h": sp.Rational(1, 10)}),
        ("Fig. 1(d), text's ρ_H/ρ_E = 0.2", fig1 | {"rho_h": sp.Rational(18, 100), "R": 2, "r_h": sp.Rational(1, 10)}),
        ("Fig. 3(a)-(b), m = 500", fig1 | {"R": 1, "r_h": 2, "r_e": sp.Rational(1, 10)}),
        ("Fig. 3(a)-(b), m = 5000", fig1 | {"m": 5000, "R": 1, "r_h": 2, "r_e": sp.Rational(1, 10)}),
        ("Fig. 3(c)-(d), m = 500", fig1 | {"R": 1, "r_h": sp.Rational(1, 10), "r_e": 2}),
        ("Fig. 3(c)-(d), m = 5000", fig1 | {"m": 5000, "R": 1, "r_h": sp.Rational(1, 10), "r_e": 2}),
    ]


def figure_table() -> tuple[list, dict]:
    rows, data = [], {}
    ratio_inf_R = derived.ratio_large_R_limit()
    for name, p in figure_settings():
        t_val = sp.Rational(p["rho_h"]) / p["rho_e"]
        eps_val = sp.Rational(p["d"] + 1, p["m"])
        u_val = sp.Rational(p["R"]) ** 2 / p["r_h"]
        v_val = sp.Rational(p["r_e"]) / p["r_h"]
        exact = float(derived.reduced_ratio().subs({T: t_val, EPS: eps_val, U: u_val, V: v_val}))
        approx = {k: float(e.subs({T: t_val, U: u_val})) for k, e in approximations().items()}
        point = {T: t_val, EPS: eps_val, U: u_val, V: v_val}
        nal_exact, maml_exact = (float(e.subs(point)) for e in derived.reduced_risks())
        condition = float(t_val * (1 - t_val) ** 2 / (sp.Rational(p["d"], p["m"])))
        limit = float(ratio_inf_R.subs({T: t_val, EPS: eps_val})) if t_val != 1 else None
        rows.append((name, f"{float(t_val):.3g}", f"{p['d']}/{p['m']}", f"{float(u_val):.3g}", f"{float(v_val):.3g}",
                     f"{condition:.2f}", f"{exact:.3f}", f"{approx['eq. (12)']:.3f}",
                     f"{100 * (approx['eq. (12)'] / exact - 1):+.0f}%", f"{approx['eq. (27) line 2']:.3f}",
                     f"{100 * (approx['eq. (27) line 2'] / exact - 1):+.0f}%",
                     f"{100 * (approx['eq. (25)'] / maml_exact - 1):+.0f}%", f"{100 * (approx['eq. (26)'] / nal_exact - 1):+.0f}%",
                     f"{limit:.3f}" if t_val != 1 else "—"))
        data[name] = {"exact": exact, "eq12": approx["eq. (12)"], "eq27_line2": approx["eq. (27) line 2"],
                      "ratio_R_to_infinity": limit}
    return rows, data


@check("S32.COR2")
def corollary2(ctx: CheckContext) -> Outcome:
    """Eq. (12): exact E_m(w_NAL*)/E_m(w_MAML*) at α = 1/ρ_E vs 1 + R²/r_H, with an error map."""
    ratio = derived.reduced_ratio()
    large_m = derived.ratio_large_m_limit()
    large_r = derived.ratio_large_R_limit()
    line2 = approximations()["eq. (27) line 2"]
    large_m_is_line2 = sp.cancel(large_m - line2) == 0
    # mpmath: the reduced ratio against the unreduced derived risks at random points
    rng = ctx.rng("S32.COR2/points")
    worst = mpmath.mpf(0)
    f_ratio = sp.lambdify((T, EPS, U, V), ratio, "mpmath")
    for _ in range(profile_points(ctx)):
        p = random_mixture_point(rng)
        nal, maml = derived.excess_risks(p["rho_h"], p["rho_e"], p["R"], p["r_h"], p["r_e"], 1 / p["rho_e"], p["m"], p["d"])
        with mpmath.workdps(DIGITS):
            args = [_mp(p["rho_h"] / p["rho_e"]), _mp(sp.Rational(p["d"] + 1, p["m"])), _mp(p["R"] ** 2 / p["r_h"]), _mp(p["r_e"] / p["r_h"])]
            reference = _mp(sp.cancel(nal / maml))
            worst = max(worst, abs(f_ratio(*args) - reference) / reference)
    path, region_rows, summary = error_map(ctx)
    fig_rows, fig_data = figure_table()
    u_sym = sp.Symbol("u", positive=True)
    t_max = sp.sqrt((1 + TOLERANCE) * u_sym / (u_sym - TOLERANCE)) - 1  # eq. 12 within 10% at m = ∞ iff t ≤ t_max
    t_max_check = sp.simplify(((1 + u_sym) / large_m.subs(U, u_sym)).subs(T, t_max) - (1 + TOLERANCE))
    eq12_rows = [(f"{u:g}", f"{float(t_max.subs(u_sym, u)):.3f}") for u in (0.5, 2, 10, 100)]
    within_any = any(s["share_of_relevant_within"] > 0 for k, s in summary.items() if k.startswith("eq. (12)"))
    within_all = all(s["share_of_relevant_within"] == 1 for k, s in summary.items() if k.startswith("eq. (12)"))
    fig3 = fig_data["Fig. 3(c)-(d), m = 500"]
    evidence = [
        Formula("exact ratio at $\\alpha = 1/\\rho_E$ ($t = \\rho_H/\\rho_E$, $\\epsilon = (d+1)/m$, $u = R^2/r_H$, "
                "$v = r_E/r_H$)", sp.latex(ratio)),
        Formula("$\\lim_{m\\to\\infty}$ (equals eq. (27) line 2: " + ("yes" if large_m_is_line2 else "NO") + ")",
                sp.latex(large_m)),
        Formula("$\\lim_{R\\to\\infty}$ ($r_H, r_E$ fixed): bounded, unlike $1 + R^2/r_H$", sp.latex(large_r)),
        Text("The ratio depends on $R, r_H, r_E$ only through $u$ and $v$, so along Figure 3's curves "
             "($R^2/r_H$, $R^2/r_E$ fixed) it is constant in $R$. As $m \\to \\infty$ it tends to "
             "$1 + u/(1+t)^2$, so eq. (12) is within 10% at $m = \\infty$ only for $t \\le t_{max}(u)$ (table; "
             f"verified at the boundary: {'yes' if t_max_check == 0 else 'no'}); at finite $m$ the $a_E$ terms "
             "($\\epsilon u$, $\\epsilon v$ against $t(1-t)^2$) cap the ratio (the $R \\to \\infty$ limit). "
             f"mpmath ({DIGITS} digits) reduced vs unreduced ratio: worst rel. error {float(worst):.1e}."),
        Table(("$u = R^2/r_H$", "$t_{max}$: eq. (12) within 10% at $m=\\infty$"), eq12_rows),
        Figure(path, "Relative error of eq. (12) (top; paper profile also eq. (27) line 2, bottom) against the exact ratio, "
                     f"$\\alpha = 1/\\rho_E$, $d = {DIMENSION}$; black contour: 10%; green dashed: the stated "
                     f"condition with '≫' read as ×{MUCH_GREATER}."),
        Table(("approximation", "$u$", "$v$", f"share of relevant grid within {100 * TOLERANCE:.0f}%", "max $t$ within",
               "max $d/m$ within", "worst error in relevant region"), region_rows,
              caption=f"Relevant region: $t(1-t)^2 \\ge {MUCH_GREATER}\\, d/m$, $10^{{-3}} \\le t \\le 0.99$, "
                      "$10^{-5} \\le d/m \\le 1$."),
        Table(("setting", "$t$", "$d/m$", "$u$", "$v$", "$t(1-t)^2/(d/m)$", "exact", "eq. (12)", "error",
               "eq. (27) l.2", "error", "eq. (25) error", "eq. (26) error", "$R\\to\\infty$ limit"), fig_rows,
              caption="At the figures' parameters (choices below where the paper is silent)."),
    ]
    choices = [
        Choice("alpha", "1/rho_E", "Corollary 2's assumption"),
        Choice("d (error map)", DIMENSION, "Figures 1-3 use d = 10; (d+1)/m = 1.1 d/m"),
        Choice("'≫' in the condition", f"≥ {MUCH_GREATER}×", "the paper gives no factor"),
        Choice("tolerance of '≈'", f"{100 * TOLERANCE:.0f}%", "relative error of the ratio"),
        Choice("Figure 1 R, r_H, r_E", "large R = 2, small R = 0.5, large r_H = 1, small r_H = 0.1, r_E = 1",
               "unstated; Table 3's environment has R = 2, r = 1"),
        Choice("Figure 3 rho_H, rho_E, m, d", "0.1, 0.9, 500 (and 5000), 10",
               "unstated; Figure 1's values (the only ones given in Sec. 3.2); R = 1 (the ratio does not depend on R)"),
    ]
    data = {"region": summary, "figures": fig_data, "large_m_equals_eq27_line2": large_m_is_line2,
            "mp_worst": float(worst), "t_max_at_m_infinity": dict(eq12_rows)}
    seeds = {"S32.COR2/points": ctx.seed_for("S32.COR2/points")}
    if worst > NUMERIC_TOLERANCE:
        return _not_checked("S32.COR2", "mpmath reduced vs unreduced ratio", evidence)
    key = "eq. (12) | u=10.0, v=20.0"
    detail = (f"at Fig. 3(c)-(d) (u = 10, v = 20; t = 1/9, m = 500, d = 10 chosen) exact {fig3['exact']:.2f} vs "
              f"printed {fig3['eq12']:.0f}; within {100 * TOLERANCE:.0f}% only for t ≲ {summary[key]['max_t_within']:.2g} "
              f"and d/m ≲ {summary[key]['max_d_over_m_within']:.1g} there; as R → ∞ the exact ratio stays bounded "
              f"(≈ {fig_data['Fig. 1(d): large R, small r_H']['ratio_R_to_infinity']:.2f} at Fig. 1's t, m)")
    if within_all:
        verdict, summary_text = Verdict.HOLDS, "eq. (12) is within 10% throughout the stated regime"
    elif within_any:
        verdict = Verdict.APPROXIMATE
        shares = ", ".join(f"{100 * s['share_of_relevant_within']:.0f}%" for k, s in summary.items() if k.startswith("eq. (12)"))
        summary_text = (f"eq. (12) is within {100 * TOLERANCE:.0f}% on {shares} of the stated regime for "
                        f"(u, v) = {', '.join(f'({u:g}, {v:g})' for u, v, _ in PANELS)}; even at m = ∞ it needs "
                        f"ρ_H/ρ_E ≤ {float(t_max.subs(u_sym, 10)):.3f} when R²/r_H = 10; " + detail)
    else:
        verdict, summary_text = Verdict.FAILS, "eq. (12) is off by more than 10% everywhere in the stated regime; " + detail
    return Outcome(verdict, summary_text, evidence=evidence, choices=choices, seeds=seeds, data=data)


@check("S32.A3")
def appendix_a3(ctx: CheckContext) -> Outcome:
    """App. A.3, eqs. (24)-(27): each step against the derivation (limits a_E → 0, bias-only a_H, the quotient)."""
    nal_w, maml_w = derived.excess_risks_in_weights()
    a_h_bias = sp.limit(printed_two.a_h_at_inverse_rho_e(RHO_H, RHO_E, M, D), M, sp.oo)
    a_h_bias_derived = sp.limit(derived_hardness(RHO_H), M, sp.oo)
    maml_no_ae = sp.limit(maml_w, A_E, 0)
    nal_no_ae = sp.limit(nal_w, A_E, 0)
    eq25 = printed.maml_eq25(A_H, RHO_H, RHO_E, R_H, D)
    eq26 = printed.nal_eq26(A_H, RHO_H, RHO_E, R, R_H, D)
    line2, line3, line4 = printed.ratio_eq27(RHO_H, RHO_E, R, R_H)
    quotient = sp.cancel(nal_no_ae.subs(A_H, a_h_bias_derived) / maml_no_ae.subs(A_H, a_h_bias_derived))
    steps = {
        "eq. (24): a_E, a_H at α = 1/ρ_E": sp.cancel(derived_hardness(RHO_E) - printed_two.a_e_at_inverse_rho_e(RHO_E, M, D)) == 0
        and sp.cancel(derived_hardness(RHO_H) - printed_two.a_h_at_inverse_rho_e(RHO_H, RHO_E, M, D)) == 0,
        "bias term of a_H: lim_{m→∞} a_H": sp.cancel(a_h_bias - a_h_bias_derived) == 0,
        "eq. (25) first form = lim_{a_E→0} eq. (11)": sp.cancel(eq25[0] - maml_no_ae) == 0,
        "eq. (25) second form (a_H → bias term)": sp.cancel(eq25[1] - maml_no_ae.subs(A_H, a_h_bias_derived)) == 0,
        "eq. (26) first form = lim_{a_E→0} eq. (10)": sp.cancel(eq26[0] - nal_no_ae) == 0,
        "eq. (26) second form (a_H → bias term)": sp.cancel(eq26[1] - nal_no_ae.subs(A_H, a_h_bias_derived)) == 0,
        "eq. (27) line 2 = (26)/(25)": sp.cancel(line2 - quotient) == 0,
        "eq. (27) line 3 = line 2": sp.cancel(line3 - quotient) == 0,
        "eq. (27) line 4 = eq. (12)": sp.cancel(line4 - printed.ratio_eq12(R, R_H)) == 0,
        "eq. (27) line 4 = lim_{ρ_H→0} line 2": sp.cancel(line4 - sp.limit(quotient, RHO_H, 0)) == 0,
    }
    low, high = printed.eq27_factor_bounds()
    factor = RHO_E**2 / (RHO_E + RHO_H) ** 2
    t_factor = sp.cancel(factor.subs(RHO_H, T * RHO_E))
    bounds_ok = sp.limit(t_factor, T, 1) == low and sp.limit(t_factor, T, 0) == high and sp.diff(t_factor, T).subs(T, sp.Rational(1, 2)) < 0
    steps["bound 1/4 ≤ ρ_E²/(ρ_E+ρ_H)² ≤ 1 (0 < ρ_H < ρ_E)"] = bool(bounds_ok)
    # the r_H² lines differ from the derived quotient exactly by r_H in the R² term (a typo, not a new claim)
    typo_factor = sp.cancel((line3 - 1) / (quotient - 1))
    scale = sp.Symbol("c", positive=True)
    scaling = {R: scale * R, R_H: scale**2 * R_H}
    line3_invariant = sp.cancel(line3.subs(scaling, simultaneous=True) - line3) == 0
    rows = [(k, "equal" if v else "DIFFERS") for k, v in steps.items()]
    evidence = [
        Text("Steps of App. A.3 as limits of the derived Corollary 1: drop $a_E$ ($a_E \\to 0$), then replace $a_H$ "
             "by its bias term $\\lim_{m\\to\\infty} a_H = \\rho_H(1-\\rho_H/\\rho_E)^2$, then divide."),
        Table(("step", "status"), rows),
        Formula("eq. (27) line 3 − 1 over the derived line 2 − 1", sp.latex(typo_factor)),
        Text(f"The exact ratio is invariant under $w^* \\to c\\,w^*$ ($R \\to cR$, $r \\to c^2 r$); eq. (27) lines 3-4 "
             f"are {'invariant' if line3_invariant else 'not invariant'}: the $r_H^2$ is dimensionally inconsistent "
             "and eq. (12) (main text) prints $r_H$. Dropping $\\rho_E^2/(\\rho_E+\\rho_H)^2 \\in [1/4, 1]$ in the last "
             "step changes the ratio by up to a factor $(1+u)/(1+u/4)$; its size is measured in S32.COR2."),
    ]
    data = {k: bool(v) for k, v in steps.items()} | {"typo_factor": str(typo_factor), "line3_scale_invariant": line3_invariant}
    failed = [k for k, v in steps.items() if not v]
    typo_only = set(failed) <= {"eq. (27) line 3 = line 2", "eq. (27) line 4 = eq. (12)", "eq. (27) line 4 = lim_{ρ_H→0} line 2"} \
        and sp.cancel(typo_factor - 1 / R_H) == 0
    if not failed:
        return Outcome(Verdict.HOLDS, "every step of eqs. (24)-(27) equals the corresponding limit of the derivation",
                       evidence=evidence, data=data)
    if typo_only:
        return Outcome(
            Verdict.HOLDS_AFTER_CORRECTION,
            "eqs. (24)-(26) and eq. (27)'s quotient are the stated limits of Corollary 1; eq. (27)'s last two lines "
            "print $r_H^2$ for $r_H$ (scale-inconsistent; eq. (12) has $r_H$)",
            evidence=evidence, data=data,
            correction="\\frac{\\mathcal{E}_m(w^*_{NAL})}{\\mathcal{E}_m(w^*_{MAML})} \\approx 1 + "
                       "\\frac{\\rho_E^2}{(\\rho_H+\\rho_E)^2}\\frac{R^2}{r_H} \\approx 1 + \\frac{R^2}{r_H}",
        )
    return Outcome(Verdict.FAILS, "App. A.3 steps contradict the derivation: " + "; ".join(failed), evidence=evidence, data=data)


def derived_hardness(rho) -> sp.Expr:
    """The derived a at α = 1/ρ_E (:func:`~maml_landscape.theory.two_tasks.hardness_weight`)."""
    return hardness_weight(rho, 1 / RHO_E, M, D)
