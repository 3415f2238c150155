"""When MAML gains over NAL (Abstract, Secs. 1, 3.2): hardness discrepancy (I) and task geography (II).

Both checks read Proposition 1's exact risks of the hard/easy mixture, linear in R², r_H
and r_E (:mod:`maml_landscape.numerics.figures.mixture_risks`): S32.PRIOR through the
coefficients of that linear form, H.GAIN on a grid of hardness ratios, sample sizes and
geographies against eq. (12) and Corollary 2.
"""

from __future__ import annotations

import numpy as np

from maml_landscape.context import CheckContext
from maml_landscape.evidence import Table, Text
from maml_landscape.numerics.figures import fig1
from maml_landscape.numerics.figures.mixture_risks import (
    GAIN_M,
    GAIN_R2_OVER_RE,
    GAIN_R2_OVER_RH,
    GAIN_RHO_RATIOS,
    SIGNIFICANT_GAIN,
    coefficients,
    corollary2_strength,
    gain_ratios,
)
from maml_landscape.registry import check
from maml_landscape.verdicts import Choice, Outcome, graded

HARDNESS = 0.5  # (I) read as ρ_H/ρ_E ≤ 0.5
GEOGRAPHY = 1.0  # (II) read as R²/r_H ≥ 1


@check("S32.PRIOR")
def prior_work(ctx: CheckContext) -> Outcome:
    setting = fig1.panel_setting(1)  # Sec. 3.2's stated ρ_H, ρ_E and m of Fig. 1 (b)-(d)
    (nal_R, nal_h, nal_e), (maml_R, maml_h, maml_e) = coefficients(setting)
    ratio_small = (nal_R + nal_h + nal_e) / (maml_R + maml_h + maml_e)
    maml_R_rel, maml_e_rel, nal_R_rel = maml_R / maml_h, maml_e / maml_h, nal_R / nal_h
    nal_ok = ratio_small < SIGNIFICANT_GAIN
    maml_ok = max(maml_R_rel, maml_e_rel) <= 0.5 and nal_R_rel >= 2 * maml_R_rel
    rows = [("NAL", f"{nal_R:.4f}", f"{nal_h:.4f}", f"{nal_e:.4f}"),
            ("MAML", f"{maml_R:.4f}", f"{maml_h:.4f}", f"{maml_e:.4f}")]
    return Outcome(
        verdict=graded(nal_ok and maml_ok, nal_ok or maml_ok),
        summary=(f"at R² = r_H = r_E the ratio E(w_NAL*)/E(w_MAML*) is {ratio_small:.2f} "
                 f"({'below' if nal_ok else 'not below'} {SIGNIFICANT_GAIN}: NAL {'as good' if nal_ok else 'worse'}); "
                 f"per unit of r_H, MAML's risk weighs R² by {maml_R_rel:.2f} and r_E by {maml_e_rel:.2f}, NAL's "
                 f"weighs R² by {nal_R_rel:.2f} (MAML's insensitivity to r_E and R: {maml_ok})"),
        evidence=[
            Text(f"Setting: Fig. 1's stated ρ_H = {setting.rho_h:g}, ρ_E = {setting.rho_e:g}, m = n2 = {setting.m}, "
                 f"d = {setting.d}, α = 1/ρ_E. Both risks "
                 "are exactly c_R R² + c_H r_H + c_E r_E (Corollary 1 is linear). Rule: 'NAL also performs "
                 "well when r_E, r_H, R are all small' holds if the ratio at R² = r_H = r_E (scale-free, so "
                 f"the same for every small value) is below {SIGNIFICANT_GAIN}; 'neither r_E nor R needs to "
                 "be small for MAML' holds if MAML's weights on R² and r_E are at most half its weight on r_H "
                 "and NAL's relative weight on R² is at least twice MAML's."),
            Table(("algorithm", "c_R (per R²)", "c_H (per r_H)", "c_E (per r_E)"), tuple(rows)),
        ],
        choices=[Choice("setting", str(setting), "Fig. 1's stated hardness and m")],
        data={"ratio_all_equal": ratio_small, "maml_R_over_H": maml_R_rel, "maml_E_over_H": maml_e_rel,
              "nal_R_over_H": nal_R_rel},
    )


@check("H.GAIN")
def headline_gain(ctx: CheckContext) -> Outcome:
    k_h = np.array(GAIN_R2_OVER_RH)
    rows, violations, approximation, examples = [], 0, [], []
    for rho_ratio in GAIN_RHO_RATIOS:
        for m in GAIN_M:
            for k_e in GAIN_R2_OVER_RE:
                ratio = gain_ratios(rho_ratio, m, k_e)
                hardness = rho_ratio <= HARDNESS
                geography = k_h >= GEOGRAPHY
                gain = ratio >= SIGNIFICANT_GAIN
                outside = gain & ~(hardness & geography)
                violations += int(np.sum(outside))
                strength = corollary2_strength(rho_ratio, m)
                examples.extend((rho_ratio, m, k_e, float(k), float(r), strength)
                                for k, r in zip(k_h[outside], ratio[outside]))
                if strength >= 100:
                    approximation.extend(np.abs(ratio / (1 + k_h) - 1))
                rows.append((rho_ratio, m, k_e, f"{strength:.1f}", " ".join(f"{r:.2f}" for r in ratio)))
    worst = float(max(approximation))
    holds = violations == 0 and worst <= 0.25
    return Outcome(
        verdict=graded(holds, violations == 0),
        summary=(f"gain ≥ {SIGNIFICANT_GAIN} outside (I) and (II): {violations} cases"
                 + (f" (e.g. ρ_H/ρ_E = {examples[-1][0]}, m = {examples[-1][1]}, R²/r_H = {examples[-1][3]:g}: "
                    f"ratio {examples[-1][4]:.2f})" if examples else "") + "; where "
                 f"(ρ_H/ρ_E)(1−ρ_H/ρ_E)²·m/d ≥ 100, the ratio differs from 1 + R²/r_H by up to "
                 f"{100 * worst:.0f}%"),
        evidence=[
            Text(f"Exact risks (Proposition 1) on a grid of ρ_H/ρ_E, m = n2, R²/r_H and R²/r_E (d = 10, "
                 f"ρ_E = 1, α = 1/ρ_E). (I) read as ρ_H/ρ_E ≤ {HARDNESS:g}, (II) as R²/r_H ≥ {GEOGRAPHY:g}; a "
                 f"substantial gain is a ratio ≥ {SIGNIFICANT_GAIN}. Rule: holds if no substantial gain occurs "
                 "without (I) and (II) and, where the Corollary 2 condition holds strongly (≥ 100), the ratio is "
                 "within 25% of 1 + R²/r_H; approximate if only the 'only if' part holds. For a_E → 0 the exact ratio "
                 "tends to 1 + ρ_E²/(ρ_E + ρ_H)² · R²/r_H (eq. (27)'s factor; derived in S32.COR2), so eq. (12) "
                 "is approximate unless ρ_H ≪ ρ_E."),
            Table(("ρ_H/ρ_E", "m", "R²/r_E", "(ρ_H/ρ_E)(1−ρ_H/ρ_E)² m/d",
                   "ratio at R²/r_H = 0.1, 0.5, 1, 2, 5, 10, 50"), tuple(rows)),
            Table(("ρ_H/ρ_E", "m", "R²/r_E", "R²/r_H", "ratio", "(ρ_H/ρ_E)(1−ρ_H/ρ_E)² m/d"),
                  tuple((a, b, c, f"{k:g}", f"{r:.2f}", f"{g:.1f}") for a, b, c, k, r, g in examples),
                  caption="Substantial gains outside (I) and (II) as read"
                          + (f": Corollary 2's (ρ_H/ρ_E)(1−ρ_H/ρ_E)² m/d is at least "
                             f"{min(e[5] for e in examples):.1f} in every one (≫ 1 means its condition holds)."
                             if examples else ": none.")),
        ],
        choices=[Choice("thresholds", f"(I): ρ_H/ρ_E ≤ {HARDNESS:g}; (II): R²/r_H ≥ {GEOGRAPHY:g}; gain: ratio ≥ "
                        f"{SIGNIFICANT_GAIN:g}",
                        "the paper's '≪' and 'large' are not quantified")],
        data={"violations": violations, "worst_relative_error_eq12": worst},
    )
