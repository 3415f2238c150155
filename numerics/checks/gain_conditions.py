"""When MAML gains over NAL (Abstract, Secs. 1, 3.2): hardness discrepancy (I) and task geography (II).

Both checks read Proposition 1's exact risks of the hard/easy mixture, linear in R², r_H
and r_E (:mod:`maml_landscape.numerics.figures.mixture_risks`): S32.PRIOR through the
coefficients of that linear form, H.GAIN on a grid of hardness ratios, sample sizes and
geographies against eq. (12) and Corollary 2. Each verdict is a function of the check's
readings of the paper's unquantified words (:meth:`PriorWeights.verdict`, :func:`gain_verdict`),
swept over a range of readings in the evidence (:mod:`maml_landscape.sensitivity`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from maml_landscape import sensitivity
from maml_landscape.context import CheckContext
from maml_landscape.evidence import Table, Text
from maml_landscape.numerics.figures import fig1
from maml_landscape.numerics.figures.mixture_risks import (
    GAIN_R2_OVER_RH,
    SIGNIFICANT_GAIN,
    GainCase,
    coefficients,
    gain_cases,
)
from maml_landscape.registry import check
from maml_landscape.sensitivity import Reading
from maml_landscape.verdicts import Choice, Outcome, Verdict, graded

HARDNESS = 0.5  # (I) read as ρ_H/ρ_E ≤ 0.5
GEOGRAPHY = 1.0  # (II) read as R²/r_H ≥ 1
STRONG = 100.0  # Corollary 2's condition "≫" read as (ρ_H/ρ_E)(1−ρ_H/ρ_E)² m/d ≥ 100
EQ12_TOLERANCE = 0.25  # eq. (12)'s "≈" read as within 25% of 1 + R²/r_H
INSENSITIVE = 0.5  # "neither r_E nor R needs to be small": MAML weighs them ≤ 0.5 × r_H
CONTRAST = 2.0  # ... while NAL weighs R² ≥ 2 × as much (relative to r_H) as MAML does

#: S32.PRIOR's readings: Sec. 3.2's "NAL also performs well" and "neither r_E nor R needs to be small".
PRIOR_READINGS = (
    Reading("well", "NAL also performs well", "E(w_NAL*)/E(w_MAML*) < {}", SIGNIFICANT_GAIN, 1.05, 5.0, log=True,
            reason="a ratio below H.GAIN's substantial gain"),
    Reading("insensitive", "neither r_E nor R needs to be small (MAML)", "MAML's weights on R², r_E ≤ {} × on r_H",
            INSENSITIVE, 0.05, 1.0, log=True),
    Reading("contrast", "... unlike NAL", "NAL's relative weight on R² ≥ {} × MAML's", CONTRAST, 1.0, 10.0,
            log=True),
)
#: H.GAIN's readings: (I), (II), "substantial", Corollary 2's "≫" and eq. (12)'s "≈".
GAIN_READINGS = (
    Reading("hardness", "ρ_H/ρ_E ≪ 1 (I)", "ρ_H/ρ_E ≤ {}", HARDNESS, 0.02, 1.0, log=True),
    Reading("geography", "R²/r_H large (II)", "R²/r_H ≥ {}", GEOGRAPHY, 0.1, 100.0, log=True),
    Reading("substantial", "substantial gain", "E(w_NAL*)/E(w_MAML*) ≥ {}", SIGNIFICANT_GAIN, 1.05, 20.0, log=True),
    Reading("strong", "(ρ_H/ρ_E)(1−ρ_H/ρ_E)² ≫ d/m (Corollary 2)", "(ρ_H/ρ_E)(1−ρ_H/ρ_E)² m/d ≥ {}", STRONG,
            1.0, 1000.0, log=True),
    Reading("approximately", "≈ 1 + R²/r_H (eq. (12))", "within {}", EQ12_TOLERANCE, 0.01, 1.0, log=True,
            percent=True),
)


@dataclass(frozen=True)
class PriorWeights:
    """Corollary 1's risks at Fig. 1's stated setting, as S32.PRIOR compares them (eqs. (10)-(11) are linear).

    Attributes:
        ratio_small: E(w_NAL*)/E(w_MAML*) at R² = r_H = r_E (the same for every common value).
        maml_R, maml_E: MAML's weights on R² and on r_E per unit of its weight on r_H.
        nal_R: NAL's weight on R² per unit of its weight on r_H.
    """

    ratio_small: float
    maml_R: float
    maml_E: float
    nal_R: float

    @classmethod
    def of(cls, weights: np.ndarray) -> PriorWeights:
        """From the coefficients (rows NAL, MAML; columns R², r_H, r_E) of :func:`coefficients`."""
        (nal_R, nal_h, nal_e), (maml_R, maml_h, maml_e) = weights
        return cls((nal_R + nal_h + nal_e) / (maml_R + maml_h + maml_e), maml_R / maml_h, maml_e / maml_h,
                   nal_R / nal_h)

    def nal_ok(self, well: float) -> bool:
        """'NAL also performs well when r_E, r_H, R are all small': the ratio at R² = r_H = r_E is < ``well``."""
        return bool(self.ratio_small < well)

    def maml_ok(self, insensitive: float, contrast: float) -> bool:
        """'Neither r_E nor R needs to be small for MAML': its weights on R², r_E are ≤ ``insensitive`` × its
        weight on r_H, and NAL's relative weight on R² is ≥ ``contrast`` × MAML's."""
        return bool(max(self.maml_R, self.maml_E) <= insensitive and self.nal_R >= contrast * self.maml_R)

    def verdict(self, well: float, insensitive: float, contrast: float) -> Verdict:
        """S32.PRIOR's rule: holds if both statements hold, approximate if one does, else fails."""
        nal_ok, maml_ok = self.nal_ok(well), self.maml_ok(insensitive, contrast)
        return graded(nal_ok and maml_ok, nal_ok or maml_ok)


@check("S32.PRIOR")
def prior_work(ctx: CheckContext) -> Outcome:
    setting = fig1.panel_setting(1)  # Sec. 3.2's stated ρ_H, ρ_E and m of Fig. 1 (b)-(d)
    weights = coefficients(setting)
    (nal_R, nal_h, nal_e), (maml_R, maml_h, maml_e) = weights
    prior = PriorWeights.of(weights)
    ratio_small, maml_R_rel, maml_e_rel, nal_R_rel = prior.ratio_small, prior.maml_R, prior.maml_E, prior.nal_R
    nal_ok, maml_ok = prior.nal_ok(SIGNIFICANT_GAIN), prior.maml_ok(INSENSITIVE, CONTRAST)
    sweeps = sensitivity.sweep_each(PRIOR_READINGS, prior.verdict)
    rows = [("NAL", f"{nal_R:.4f}", f"{nal_h:.4f}", f"{nal_e:.4f}"),
            ("MAML", f"{maml_R:.4f}", f"{maml_h:.4f}", f"{maml_e:.4f}")]
    return Outcome(
        verdict=prior.verdict(**sensitivity.values(PRIOR_READINGS)),
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
            *sensitivity.evidence(sweeps),
        ],
        choices=[Choice("setting", str(setting), "Fig. 1's stated hardness and m"),
                 *(r.choice() for r in PRIOR_READINGS)],
        data={"ratio_all_equal": ratio_small, "maml_R_over_H": maml_R_rel, "maml_E_over_H": maml_e_rel,
              "nal_R_over_H": nal_R_rel, "sensitivity": sensitivity.data(sweeps)},
    )


@dataclass(frozen=True)
class GainFindings:
    """H.GAIN's grid judged under one reading of its words (:func:`gain_findings`).

    Attributes:
        violations: substantial gains outside (I) and (II).
        examples: each violation as (ρ_H/ρ_E, m, R²/r_E, R²/r_H, ratio, Corollary 2's strength).
        worst: the largest |ratio/(1 + R²/r_H) − 1| where Corollary 2's condition holds strongly
            (NaN where it holds strongly nowhere on the grid: eq. (12) is then not judged).
    """

    violations: int
    examples: list[tuple[float, int, float, float, float, float]]
    worst: float


def gain_findings(cases: Sequence[GainCase], hardness: float = HARDNESS, geography: float = GEOGRAPHY,
                  substantial: float = SIGNIFICANT_GAIN, strong: float = STRONG) -> GainFindings:
    """Substantial gains (ratio ≥ ``substantial``) outside (I) ρ_H/ρ_E ≤ ``hardness`` and (II) R²/r_H ≥
    ``geography``, and eq. (12)'s error where (ρ_H/ρ_E)(1 − ρ_H/ρ_E)² m/d ≥ ``strong`` (Corollary 2)."""
    k_h = np.array(GAIN_R2_OVER_RH)
    violations, examples, errors = 0, [], []
    for case in cases:
        outside = (case.ratios >= substantial) & ~((case.rho_ratio <= hardness) & (k_h >= geography))
        violations += int(np.sum(outside))
        examples.extend((case.rho_ratio, case.m, case.k_e, float(k), float(r), case.strength)
                        for k, r in zip(k_h[outside], case.ratios[outside]))
        if case.strength >= strong:
            errors.extend(np.abs(case.ratios / (1 + k_h) - 1))
    return GainFindings(violations, examples, float(max(errors)) if errors else math.nan)


def gain_verdict(cases: Sequence[GainCase], hardness: float = HARDNESS, geography: float = GEOGRAPHY,
                 substantial: float = SIGNIFICANT_GAIN, strong: float = STRONG,
                 approximately: float = EQ12_TOLERANCE) -> Verdict:
    """H.GAIN's rule: holds if no substantial gain occurs without (I) and (II) and, where Corollary 2's
    condition holds strongly, eq. (12)'s 1 + R²/r_H is within ``approximately`` of the exact ratio;
    approximate if only the 'only if' part holds; else fails."""
    found = gain_findings(cases, hardness, geography, substantial, strong)
    return graded(found.violations == 0 and found.worst <= approximately, found.violations == 0)


@check("H.GAIN")
def headline_gain(ctx: CheckContext) -> Outcome:
    cases = gain_cases()
    found = gain_findings(cases)
    violations, examples, worst = found.violations, found.examples, found.worst
    rows = [(c.rho_ratio, c.m, c.k_e, f"{c.strength:.1f}", " ".join(f"{r:.2f}" for r in c.ratios)) for c in cases]
    sweeps = sensitivity.sweep_each(GAIN_READINGS, lambda **readings: gain_verdict(cases, **readings))
    return Outcome(
        verdict=gain_verdict(cases),
        summary=(f"gain ≥ {SIGNIFICANT_GAIN} outside (I) and (II): {violations} cases"
                 + (f" (e.g. ρ_H/ρ_E = {examples[-1][0]}, m = {examples[-1][1]}, R²/r_H = {examples[-1][3]:g}: "
                    f"ratio {examples[-1][4]:.2f})" if examples else "") + "; where "
                 f"(ρ_H/ρ_E)(1−ρ_H/ρ_E)²·m/d ≥ {STRONG:g}, the ratio differs from 1 + R²/r_H by up to "
                 f"{100 * worst:.0f}%"),
        evidence=[
            Text(f"Exact risks (Proposition 1) on a grid of ρ_H/ρ_E, m = n2, R²/r_H and R²/r_E (d = 10, "
                 f"ρ_E = 1, α = 1/ρ_E). (I) read as ρ_H/ρ_E ≤ {HARDNESS:g}, (II) as R²/r_H ≥ {GEOGRAPHY:g}; a "
                 f"substantial gain is a ratio ≥ {SIGNIFICANT_GAIN}. Rule: holds if no substantial gain occurs "
                 f"without (I) and (II) and, where the Corollary 2 condition holds strongly (≥ {STRONG:g}), the ratio "
                 f"is within {100 * EQ12_TOLERANCE:g}% of 1 + R²/r_H; approximate if only the 'only if' part holds. For a_E → 0 the exact ratio "
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
            *sensitivity.evidence(sweeps),
        ],
        choices=[Choice("thresholds", f"(I): ρ_H/ρ_E ≤ {HARDNESS:g}; (II): R²/r_H ≥ {GEOGRAPHY:g}; gain: ratio ≥ "
                        f"{SIGNIFICANT_GAIN:g}",
                        "the paper's '≪' and 'large' are not quantified"),
                 *(r.choice() for r in GAIN_READINGS if r.key in ("strong", "approximately"))],
        data={"violations": violations, "worst_relative_error_eq12": worst, "sensitivity": sensitivity.data(sweeps)},
    )
