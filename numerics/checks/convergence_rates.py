"""Checks of the convergence rates of Theorems 2-3 (eqs. (46), (81), (85)) and Theorem 3's τ-threshold.

Claims: D.THM2, D.THM3. The training sets are drawn from the environment of
:mod:`.empirical_setting`; the errors come from :mod:`maml_landscape.numerics.convergence`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from maml_landscape.context import CheckContext
from maml_landscape.evidence import Figure, Formula, Table, Text
from maml_landscape.numerics import convergence as conv
from maml_landscape.numerics.checks.empirical_setting import (
    ALARM_RATE,
    ALPHA,
    ALPHA_CHOICE,
    ENVIRONMENT_CHOICE,
    environment,
)
from maml_landscape.numerics.closed_forms import theorem3_threshold_values
from maml_landscape.plotting import figure_evidence
from maml_landscape.profiles import Sizes
from maml_landscape.registry import check
from maml_landscape.stats import z_threshold
from maml_landscape.verdicts import Choice, Outcome, Verdict

#: Allowed |slope - (-1/2)| beyond statistical error: the rates are asymptotic and the grids
#: start at small n, τ, T, where higher-order terms bend the log-log line slightly.
SLOPE_TOLERANCE = 0.05


@dataclass(frozen=True)
class RateGrids:
    """The grids of the rate checks; every grid point has ``replicates`` independent training sets."""

    replicates: int
    n: tuple[int, ...]  # samples per task (Theorem 2), at T = T_fixed
    T: tuple[int, ...]  # tasks, at n = n_fixed (Theorem 2) and at τ = tau_fixed (Theorem 3)
    tau: tuple[int, ...]  # episodes per task (Theorem 3), at T = T_fixed_maml
    T_fixed: int
    n_fixed: int
    T_fixed_maml: int
    tau_fixed: int
    n1: int  # outer samples per episode (Theorem 3)
    n2: int  # inner samples per episode (Theorem 3)


SIZES = Sizes(
    quick=RateGrids(
        replicates=40, n=(8, 16, 32, 64, 128, 256, 512), T=(16, 32, 64, 128, 256, 512, 1024),
        tau=(4, 8, 16, 32, 64, 128, 256), T_fixed=20, n_fixed=16, T_fixed_maml=10, tau_fixed=4, n1=5, n2=5,
    ),
    paper=RateGrids(
        replicates=200, n=(8, 16, 32, 64, 128, 256, 512, 1024, 2048), T=(16, 32, 64, 128, 256, 512, 1024, 2048),
        tau=(4, 8, 16, 32, 64, 128, 256, 512), T_fixed=20, n_fixed=16, T_fixed_maml=10, tau_fixed=4, n1=5, n2=5,
    ),
)


def _scan(errors_at, grid: tuple[int, ...]) -> dict[str, np.ndarray]:
    """Errors (R, G) per component over a grid; ``errors_at(x)`` returns SolutionErrors."""
    results = [errors_at(x) for x in grid]
    return {name: np.stack([r.component(name) for r in results], axis=1) for name in ("total", "sampling", "tasks")}


def _rate_rows(comparisons: dict[str, conv.RateComparison]) -> tuple[tuple[object, ...], ...]:
    return tuple(
        (name, f"{c.fit.slope:.3f}", f"{c.fit.stderr:.3f}", f"{c.exponent:g}", f"±{c.margin:.3f}", c.relation)
        for name, c in comparisons.items()
    )


#: Legend labels of the error components: eq. (46) / (85) split the total into the two parts.
COMPONENT_LABELS = {
    "total": "total $\\|w - w^*\\|$",
    "sampling": "sampling $\\|w - w^{(T)*}\\|$",
    "tasks": "tasks $\\|w^{(T)*} - w^*\\|$",
}


def _plain_log_ticks(ax) -> None:
    """Both log axes labelled at 1-2-5 steps in plain numbers (no crowded minor labels)."""
    from matplotlib.ticker import LogLocator, NullFormatter, StrMethodFormatter

    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        axis.set_major_formatter(StrMethodFormatter("{x:g}"))
        axis.set_minor_formatter(NullFormatter())


def _convergence_figure(name: str, caption: str,
                        panels: list[tuple[str, tuple[int, ...], dict[str, np.ndarray], str]]) -> Figure:
    """Theorems 2-3: error against each grid variable, with a slope −1/2 line (the printed rate) through the
    first total; markers are means over replicates with ± 1 SE bars, one legend below the panels."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(panels), figsize=(5.6 * len(panels), 4.6))
    for ax, (title, grid, scan, xlabel) in zip(np.atleast_1d(axes), panels):
        x = np.asarray(grid, dtype=float)
        for component, style in (("total", "o-"), ("sampling", "s--"), ("tasks", "^:")):
            mean = scan[component].mean(axis=0)
            stderr = scan[component].std(axis=0, ddof=1) / np.sqrt(scan[component].shape[0])
            ax.errorbar(x, mean, yerr=stderr, fmt=style, ms=5, capsize=3, label=COMPONENT_LABELS[component])
        reference = scan["total"].mean(axis=0)[0] * (x / x[0]) ** -0.5
        ax.plot(x, reference, "k-", lw=1.2, alpha=0.5, label="slope −1/2 (the theorem's rate)")
        ax.set_xscale("log")
        ax.set_yscale("log")
        _plain_log_ticks(ax)
        ax.set_xlabel(xlabel)
        ax.set_title(title)
    first = np.atleast_1d(axes)[0]
    first.set_ylabel("distance to the population solution")
    replicates = panels[0][2]["total"].shape[0]
    fig.tight_layout()
    handles, labels = first.get_legend_handles_labels()
    order = sorted(range(len(labels)), key=lambda i: labels[i].startswith("slope"))  # the reference line last
    fig.legend([handles[i] for i in order], [labels[i] for i in order], loc="upper center", bbox_to_anchor=(0.5, 0.0),
               ncol=2, frameon=False, title=f"markers: mean ± SE over {replicates} replicates")
    return figure_evidence(fig, name, caption)


def _rate(grid: tuple[int, ...], errors: np.ndarray, threshold: float) -> conv.RateComparison:
    """The fitted log-log slope of ``errors`` over ``grid`` against the printed exponent −1/2."""
    return conv.compare_rate(conv.fit_power_law(grid, errors), -0.5, threshold, SLOPE_TOLERANCE)


def _rate_text(threshold: float) -> Text:
    return Text(
        "Slope = mean over independent replicates of each replicate's least-squares slope of "
        "$\\log\\|w - w^*\\|$ against $\\log x$; standard error across replicates. A printed rate "
        f"$x^{{-1/2}}$ is matched when $|\\hat p + 1/2| \\le z\\,\\mathrm{{SE}} + \\delta$ with $z = {threshold:.2f}$ "
        f"(family-wise false-alarm rate {ALARM_RATE:g}) and $\\delta = {SLOPE_TOLERANCE}$ (pre-asymptotic curvature). "
        "The theorems are upper bounds, so a claimed rate fails only if the error decays significantly *slower* "
        "($\\hat p > -1/2 + z\\,\\mathrm{SE} + \\delta$). 'sampling' is the first term of the proof's split "
        "(eq. 46 / 85), $\\|w - w^{(T)*}\\|$; 'tasks' the second, $\\|w^{(T)*} - w^*\\|$."
    )


def _rates_outcome(
    variable: tuple[str, tuple[int, ...], dict[str, np.ndarray], str],
    T_grid: tuple[int, ...],
    by_T: dict[str, np.ndarray],
    T_fixed: str,
    figure: Figure,
    notes: list[Text],
    choices: list[Choice],
    seeds: dict[str, int],
) -> Outcome:
    """Theorems 2-3: the sampling term against its own variable and the total error against T decide.

    ``variable`` = (name, grid, scan, what is held fixed) for n (Theorem 2) or τ (Theorem 3);
    ``by_T`` is the scan over ``T_grid`` with ``T_fixed`` (e.g. "n=16") held fixed.
    The verdict fails when a deciding slope is significantly slower than −1/2 (the theorems are upper bounds).
    """
    name, grid, by_x, x_fixed = variable
    threshold = z_threshold(2, ALARM_RATE)
    claimed = {
        f"{name}-term ‖w−w^(T)*‖ vs {name} ({x_fixed})": _rate(grid, by_x["sampling"], threshold),
        f"total ‖w−w*‖ vs T ({T_fixed})": _rate(T_grid, by_T["total"], threshold),
    }
    extra = {
        f"{name}-term vs T ({T_fixed}); bound has no T here": _rate(T_grid, by_T["sampling"], threshold),
        "T-term ‖w^(T)*−w*‖ vs T": _rate(T_grid, by_T["tasks"], threshold),
    }
    slower = [k for k, c in claimed.items() if c.relation == "slower"]
    return Outcome(
        verdict=Verdict.FAILS if slower else Verdict.HOLDS,
        summary=(
            f"log-log slopes {', '.join(f'{c.fit.slope:+.3f}' for c in claimed.values())} ({name}-term vs {name}, total vs T) "
            f"against −1/2 (margin ±{max(c.margin for c in claimed.values()):.3f}): "
            f"{', '.join(c.relation for c in claimed.values())}"
        ),
        evidence=[
            _rate_text(threshold),
            Table(("quantity", "slope", "SE", "printed", "margin", "relation"), _rate_rows({**claimed, **extra}),
                  caption="first two rows decide the verdict; the others show where the bound is loose"),
            *notes,
            figure,
        ],
        choices=choices,
        seeds=seeds,
        data={"slopes": {k: (c.fit.slope, c.fit.stderr, c.relation) for k, c in {**claimed, **extra}.items()}},
    )


@check("D.THM2")
def theorem2_rates(ctx: CheckContext) -> Outcome:
    """Theorem 2: ‖w_NAL - w_NAL*‖ = Õ(√d/√n + 1/√T), measured as n and T grow."""
    env, g = environment(), SIZES.of(ctx)
    seed_n, seed_T = ctx.seed_for("D.THM2/n"), ctx.seed_for("D.THM2/T")
    rng_n, rng_T = np.random.default_rng(seed_n), np.random.default_rng(seed_T)
    by_n = _scan(lambda n: conv.nal_errors(env, g.T_fixed, n, g.replicates, rng_n), g.n)
    by_T = _scan(lambda T: conv.nal_errors(env, T, g.n_fixed, g.replicates, rng_T), g.T)
    figure = _convergence_figure("thm2_nal_convergence", "‖w_NAL − w_NAL*‖ and its two parts (eq. 46) against n and T; "
                                                         "mean ± SE over replicates", [
        (f"NAL, T = {g.T_fixed}", g.n, by_n, "n (samples per task)"),
        (f"NAL, n = {g.n_fixed}", g.T, by_T, "T (tasks)"),
    ])
    return _rates_outcome(
        ("n", g.n, by_n, f"T={g.T_fixed}"), g.T, by_T, f"n={g.n_fixed}",
        figure,
        [Text(
            "At fixed T the total error does not vanish as n grows (it levels off at the finite-T term), "
            "as the bound's $1/\\sqrt T$ term allows. The n-term also shrinks as $T^{-1/2}$ at fixed n "
            "(it behaves like $1/\\sqrt{nT}$), which the bound's $\\sqrt d/\\sqrt n$ does not capture: the bound is loose in T."
        )],
        [ENVIRONMENT_CHOICE, Choice("grids", g, "powers of two; replicates are independent training sets")],
        {"n scan": seed_n, "T scan": seed_T},
    )


@check("D.THM3")
def theorem3_rates(ctx: CheckContext) -> Outcome:
    """Theorem 3: ‖w_MAML - w_MAML*‖ decays as 1/√τ + 1/√T, measured as τ and T grow."""
    env, g = environment(), SIZES.of(ctx)
    seed_tau, seed_T = ctx.seed_for("D.THM3/tau"), ctx.seed_for("D.THM3/T")
    rng_tau, rng_T = np.random.default_rng(seed_tau), np.random.default_rng(seed_T)
    n1, n2 = g.n1, g.n2
    by_tau = _scan(lambda tau: conv.maml_errors(env, ALPHA, g.T_fixed_maml, tau, n1, n2, g.replicates, rng_tau), g.tau)
    by_T = _scan(lambda T: conv.maml_errors(env, ALPHA, T, g.tau_fixed, n1, n2, g.replicates, rng_T), g.T)
    figure = _convergence_figure("thm3_maml_convergence", "‖w_MAML − w_MAML*‖ and its two parts (eq. 85) against τ "
                                                          "and T; mean ± SE over replicates", [
        (f"MAML, T = {g.T_fixed_maml}, n1 = {n1}, n2 = {n2}", g.tau, by_tau, "τ (episodes per task)"),
        (f"MAML, τ = {g.tau_fixed}", g.T, by_T, "T (tasks)"),
    ])
    thresholds = theorem3_threshold_values(env, ALPHA, max(g.T), n2)
    return _rates_outcome(
        ("τ", g.tau, by_tau, f"T={g.T_fixed_maml}"), g.T, by_T, f"τ={g.tau_fixed}",
        figure,
        [Text(
            f"The grid starts at τ = {min(g.tau)}; the theorem's τ-threshold is "
            f"≈ {thresholds['statement']:.3g} as stated, with c = 1 and T = {max(g.T)} (see the threshold check)."
        )],
        [ENVIRONMENT_CHOICE, ALPHA_CHOICE, Choice("grids", g, "powers of two; n1 = n2 = 5 fixed (Theorem 3 gives no n1, n2 rate)")],
        {"tau scan": seed_tau, "T scan": seed_T},
    )


@check("D.THM3")
def theorem3_tau_threshold(ctx: CheckContext) -> Outcome:
    """Theorem 3's τ-threshold: statement (d³) vs end of proof (d²) vs what the proof's γ requires."""
    exprs = conv.theorem3_thresholds()
    statement_ratio = sp.simplify(exprs.statement / exprs.required)
    proof_ratio = sp.simplify(exprs.proof_end / exprs.required)
    consistent = statement_ratio == 1 and proof_ratio == 1
    numbers = theorem3_threshold_values(environment(), ALPHA, 1000, 5)
    verdict = Verdict.HOLDS if consistent else Verdict.HOLDS_AFTER_CORRECTION
    printed_ratio = sp.simplify(exprs.statement / exprs.proof_end)
    statement_suffices = numbers["statement"] >= numbers["required"]
    hat_beta = conv.theorem3_symbols()["hat_beta"]
    return Outcome(
        verdict=verdict,
        summary=(
            f"printed τ-thresholds {'agree' if printed_ratio == 1 else 'disagree'}: statement/proof-end = {printed_ratio}; "
            f"the proof's γ needs τ ≥ {sp.sstr(exprs.required)} (statement/required = {sp.sstr(statement_ratio)}; "
            f"at the check environment the stated threshold {'is' if statement_suffices else 'is not'} enough)"
        ),
        correction=None if consistent else (
            r"\tau > " + sp.latex(exprs.required, symbol_names={hat_beta: r"\hat\beta"})
        ),
        evidence=[
            Text(
                "Typed as printed: the statement's $\\tau > 32 d^3\\alpha^4L^6\\log^6(100Td)/(c\\hat\\beta)$ and the proof's "
                "last line $\\tau > 32 d^2\\alpha^4L^6\\log^6(100Td)/(c\\hat\\beta)$. Derived with SymPy from the proof's own "
                "choice $\\gamma = 4d\\sqrt{\\alpha^4L^6/c}\\,\\log^3(100Td)$ and its requirement "
                "$1/(\\hat\\beta - \\gamma/\\sqrt\\tau) \\le 2/\\hat\\beta$: the proof supports a $d^2$ threshold (not $d^3$), "
                "but with $\\hat\\beta^2$ in the denominator (dimensionally consistent; $\\hat\\beta$ alone is not) and 64 instead of 32. "
                "The stated threshold implies the required one only where statement/required $\\ge 1$; at the check "
                f"environment statement/required = {numbers['statement'] / numbers['required']:.3g}. "
                "Also, the statement (81) omits the noise term $2\\sqrt d\\,b/(\\hat\\beta\\sqrt\\tau)$ of eq. (123); it has the same $1/\\sqrt\\tau$ rate."
            ),
            Formula("statement (eq. 81)", sp.latex(exprs.statement)),
            Formula("end of proof (as printed)", sp.latex(exprs.proof_end)),
            Formula("required by the proof's γ (derived)", sp.latex(exprs.required)),
            Formula("statement / required", sp.latex(statement_ratio)),
            Table(
                ("threshold (c = 1, T = 1000, check environment)", "value"),
                (("statement (d³)", numbers["statement"]), ("end of proof (d²)", numbers["proof_end"]),
                 ("required by γ", numbers["required"]), ("β̂", numbers["beta_hat"]),
                 ("λ_min(Q_i) (β̂ must bound it below)", numbers["lambda_min_Q"])),
            ),
        ],
        choices=[
            ENVIRONMENT_CHOICE, ALPHA_CHOICE,
            Choice("c", 1, "an unspecified absolute constant; the ratios between thresholds do not depend on it"),
        ],
        data={"statement_over_required": str(statement_ratio), "proof_end_over_required": str(proof_ratio),
              "statement_suffices_at_check_environment": bool(statement_suffices), **numbers},
    )
