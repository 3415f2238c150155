"""The paper's claims about an environment, decided on the user's environment (``--claims``).

Each function restates one claim of the ledger (IDs as in CLAIMS.md) for the environment of
a file and decides it with the ledger's verdict words (:class:`~maml_landscape.verdicts.Verdict`):

- S2.ORDER: E_m(w_MAML) ≤ E_m(w_NAL) (eq. (2)) at the file's settings;
- S3.HARD: for large m and n2, w_NAL lies nearer the easiest family's mean w* and w_MAML
  nearer the hardest's (hardness = λ_min(Σ), Sec. 3);
- S31.LARGE_M: for large m (= n2), MAML's risk above the task optima is near zero while
  NAL's is not (Sec. 3.1's reading of a_E → 0);
- S32.COR2: where the environment has Sec. 3.2's hard/easy form, the ratio
  E_m(w_NAL)/E_m(w_MAML) ≈ 1 + R²/r_H (eq. (12)) at α = 1/ρ_E when (ρ_H/ρ_E)(1 - ρ_H/ρ_E)² ≫ d/m.

"Large m and n2" is their limit m = n2 = ∞ (Q_i = Σ_i(I - αΣ_i)^{2k}). "≫" is read as a
factor of :data:`MUCH_GREATER` and "≈" as a relative error within :data:`TOLERANCE`, the
ledger's readings in its S32.COR2 check.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from maml_landscape.explore.answers import Answers, curvature_model
from maml_landscape.explore.environment_file import EnvironmentSpec
from maml_landscape.explore.landscape import MAML, NAL, Grid, SpectralEnvironment, Values, evaluate
from maml_landscape.theory.mixture_approximations import (  # the ledger's readings of ≫ and ≈
    MUCH_GREATER,
    TOLERANCE,
)
from maml_landscape.verdicts import Verdict

#: Relative slack of exact comparisons (rounding of float64 linear algebra).
ROUNDING = 1e-9
#: Largest relative deviation of Σ_k from ρ_k I (and of w_cov from r_k I) in the hard/easy form.
ISOTROPY = 1e-12


@dataclass(frozen=True)
class ClaimOnEnvironment:
    """One claim decided on the user's environment: verdict, one-line summary and its numbers."""

    id: str
    claim: str
    verdict: Verdict
    summary: str
    data: dict[str, Any]


def _limit_values(answers: Answers) -> Values:
    """The answers at m = n_train = ∞ with the file's α and steps (one grid point)."""
    senv = SpectralEnvironment.from_environment(answers.spec.env)
    grid = Grid.point(senv, answers.alpha, np.inf, np.inf, answers.spec.adaptation.steps)
    return evaluate(senv, grid, curvature_model(answers.spec, answers.seed))


def _spread_part(answers: Answers) -> float:
    """½ Σ_k π_k tr(Q_k C_k) at m = ∞: the part of any w's risk that the spread of w* within families keeps."""
    senv = SpectralEnvironment.from_environment(answers.spec.env)
    model = curvature_model(answers.spec, answers.seed)
    q, _ = model(senv.eigenvalues[None], np.array([answers.alpha]), np.array([np.inf]),
                 np.array([answers.spec.adaptation.steps]))
    return 0.5 * float(np.einsum("k,ka,ka->", senv.weights, q[0], senv.spreads))


def order(answers: Answers) -> ClaimOnEnvironment:
    """S2.ORDER: MAML's excess risk (eq. (2)) is at most NAL's at the file's settings."""
    a = answers.spec.adaptation
    nal, maml = answers.excess_risk.nal, answers.excess_risk.maml
    holds = maml <= nal + ROUNDING * max(1.0, nal)
    why = " (an identity: w_MAML minimises F when n_train = m)" if a.training_samples == a.m else ""
    summary = (f"E(w_MAML) = {maml:.4g} {'≤' if holds else '>'} E(w_NAL) = {nal:.4g} at n_train = "
               f"{a.training_samples}, m = {a.m}{why}")
    return ClaimOnEnvironment("S2.ORDER", "MAML is never worse than NAL (eq. (2))",
                              Verdict.HOLDS if holds else Verdict.FAILS, summary, {"nal": nal, "maml": maml})


def hardness(answers: Answers) -> ClaimOnEnvironment:
    """S3.HARD at m = n2 = ∞: w_NAL nearer the easiest family's mean, w_MAML nearer the hardest's."""
    claim = "for large m, n2: w_NAL nearer the easy tasks, w_MAML nearer the hard ones (λ_min(Σ))"
    spec = answers.spec
    floors = np.array([f.lambda_min for f in answers.families])
    hard, easy = int(np.argmin(floors)), int(np.argmax(floors))
    if floors[hard] == floors[easy] or np.allclose(spec.env.w_means[hard], spec.env.w_means[easy]):
        return ClaimOnEnvironment("S3.HARD", claim, Verdict.NOT_CHECKED,
                                  "needs two families of different λ_min(Σ) with different mean w*", {})
    distance = _limit_values(answers).family_distance[0]
    nal_easy = distance[easy, NAL] < distance[hard, NAL]
    maml_hard = distance[hard, MAML] < distance[easy, MAML]
    names = spec.names[hard], spec.names[easy]
    here = answers.families[hard].nearer
    summary = (f"at α = {answers.alpha:.3g}, m = n2 = ∞: w_NAL {'nearer' if nal_easy else 'NOT nearer'} the easiest family {names[1]!r}, "
               f"w_MAML {'nearer' if maml_hard else 'NOT nearer'} the hardest {names[0]!r}; at your n_train the "
               f"hardest family's mean is nearer w_{here}")
    data = {"hardest": names[0], "easiest": names[1], "distances_at_infinity": distance.tolist()}
    return ClaimOnEnvironment("S3.HARD", claim, Verdict.HOLDS if nal_easy and maml_hard else Verdict.FAILS, summary, data)


def large_m(answers: Answers) -> ClaimOnEnvironment:
    """S31.LARGE_M: as m = n2 → ∞, MAML's risk above the task optima is near zero next to NAL's."""
    claim = "for large m, MAML's risk is near zero while NAL's stays significantly above zero"
    nal, maml = (float(v) for v in _limit_values(answers).risk_above_task_optima[0])
    if nal <= 0:
        return ClaimOnEnvironment("S31.LARGE_M", claim, Verdict.NOT_CHECKED,
                                  "NAL's limit risk is 0 (all tasks share one solution)", {"nal": nal, "maml": maml})
    holds = maml * MUCH_GREATER <= nal
    spread = _spread_part(answers)
    summary = (f"at α = {answers.alpha:.3g}, m = n2 = ∞: MAML {maml:.4g} vs NAL {nal:.4g} (ratio {maml / nal:.3g}, 'near zero' read as ≤ "
               f"1/{MUCH_GREATER:g}); the spread of w* within families alone keeps {spread:.4g} of MAML's; "
               f"gain at your m: {answers.gain:.3g}, at m = ∞: {nal / maml if maml > 0 else float('inf'):.3g}")
    return ClaimOnEnvironment("S31.LARGE_M", claim, Verdict.HOLDS if holds else Verdict.FAILS, summary,
                              {"nal_limit": nal, "maml_limit": maml, "spread_part": spread})


def _hard_easy_form(spec: EnvironmentSpec) -> dict[str, float] | str:
    """Sec. 3.2's parameters (ρ_H, ρ_E, R², r_H, r_E) if the environment has its form, else why not."""
    env = spec.env
    if len(env.families) != 2 or abs(env.weights[0] - 0.5) > ISOTROPY:
        return "it needs two families of weight ½"
    eye = np.eye(env.dim)
    rho = [float(np.trace(f.sigma)) / env.dim for f in env.families]
    spread = [float(np.trace(f.w_cov)) / env.dim for f in env.families]
    for f, r, s in zip(env.families, rho, spread):
        if not (np.allclose(f.sigma, r * eye, rtol=0, atol=ISOTROPY * r) and np.allclose(f.w_cov, s * eye, atol=ISOTROPY)):
            return "it needs Σ = ρ I and w_cov = r I in both families"
    hard = int(np.argmin(rho))
    if rho[0] == rho[1] or spread[hard] <= 0:
        return "it needs ρ_H < ρ_E and a hard-family spread r_H > 0"
    distance = float(np.sum((env.w_means[0] - env.w_means[1]) ** 2)) / env.dim
    return {"rho_h": rho[hard], "rho_e": rho[1 - hard], "R2": distance, "r_h": spread[hard], "r_e": spread[1 - hard]}


def corollary2(answers: Answers) -> ClaimOnEnvironment:
    """S32.COR2: exact E_m(w_NAL)/E_m(w_MAML) at α = 1/ρ_E, one fresh-batch step, n2 = m, vs 1 + R²/r_H."""
    claim = "with α = 1/ρ_E and t(1 - t)² ≫ d/m (t = ρ_H/ρ_E): E(w_NAL)/E(w_MAML) ≈ 1 + R²/r_H (eq. (12))"
    spec = answers.spec
    form = _hard_easy_form(spec)
    if isinstance(form, str):
        return ClaimOnEnvironment("S32.COR2", claim, Verdict.NOT_CHECKED,
                                  f"the environment is not of Sec. 3.2's hard/easy form: {form}", {})
    m, t = spec.adaptation.m, form["rho_h"] / form["rho_e"]
    senv = SpectralEnvironment.from_environment(spec.env)
    exact = float(evaluate(senv, Grid.point(senv, 1 / form["rho_e"], m, m, 1)).gain[0])
    printed = 1 + form["R2"] / form["r_h"]
    error = printed / exact - 1
    data = {**form, "t": t, "m": m, "exact_ratio": exact, "printed_ratio": printed, "relative_error": error}
    regime = t * (1 - t) ** 2 >= MUCH_GREATER * spec.env.dim / m
    numbers = (f"exact ratio {exact:.4g} vs 1 + R²/r_H = {printed:.4g} ({100 * error:+.0f}%) at α = 1/ρ_E, m = n2 = {m}; "
               f"t(1 - t)² = {t * (1 - t) ** 2:.3g} vs d/m = {spec.env.dim / m:.3g}")
    if not regime:
        return ClaimOnEnvironment("S32.COR2", claim, Verdict.NOT_CHECKED,
                                  f"outside the stated regime (≫ read as ×{MUCH_GREATER:g}): " + numbers, data)
    verdict = Verdict.HOLDS if abs(error) <= TOLERANCE else Verdict.FAILS
    return ClaimOnEnvironment("S32.COR2", claim, verdict, numbers, data)


def paper_claims(answers: Answers) -> tuple[ClaimOnEnvironment, ...]:
    """S2.ORDER, S3.HARD, S31.LARGE_M and S32.COR2 decided on the environment of ``answers``."""
    return order(answers), hardness(answers), large_m(answers), corollary2(answers)

