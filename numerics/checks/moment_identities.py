"""Monte Carlo evidence for the Gaussian moment identities: Lemma 2 (eq. (77)) and Q^(s) (below eq. (5)).

Each case simulates the matrix expectation from its definition with
:mod:`maml_landscape.numerics.monte_carlo` and z-tests every entry against the formula as
printed and as derived (:mod:`maml_landscape.numerics.closed_forms`); see
:mod:`.mc_evidence` for the thresholds and the ``not checked`` rule.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from maml_landscape.context import CheckContext
from maml_landscape.evidence import Block, Formula, Measurement, Table, Text
from maml_landscape.numerics import closed_forms
from maml_landscape.numerics.checks import mc_evidence
from maml_landscape.numerics.environments import random_covariance
from maml_landscape.numerics.monte_carlo import MonteCarloEstimate, gram_sandwich_mc, q_matrix_mc
from maml_landscape.profiles import Sizes
from maml_landscape.registry import check
from maml_landscape.verdicts import Choice, Outcome, Verdict, cross_check_failed


@dataclass(frozen=True)
class MomentSizes:
    """Monte Carlo draws per matrix case of D.LEMMA2 and S3.Q."""

    samples_per_case: int


SIZES = Sizes(quick=MomentSizes(samples_per_case=200_000), paper=MomentSizes(samples_per_case=2_000_000))


@dataclass(frozen=True)
class _MatrixCase:
    label: str
    in_hypothesis: bool
    estimate: Callable[[np.random.Generator], MonteCarloEstimate]
    printed: np.ndarray
    derived: np.ndarray


#: One case with its worst-entry measurements against the printed and the derived formula.
_CaseResult = tuple[_MatrixCase, Measurement, Measurement]


def _run_matrix_cases(
    ctx: CheckContext, claim: str, cases: Sequence[_MatrixCase], upper_only: bool
) -> tuple[list[_CaseResult], float]:
    d = cases[0].printed.shape[0]
    entries = d * (d + 1) // 2 if upper_only else d * d
    threshold = mc_evidence.bonferroni_threshold(2 * len(cases) * entries)
    results = []
    for case in cases:
        seed = ctx.seed_for(f"{claim}/mc/{case.label}")
        mc = case.estimate(np.random.default_rng(seed))
        printed = mc_evidence.entrywise_measurement(f"{case.label} vs printed", mc, case.printed, seed, threshold, upper_only)
        derived = mc_evidence.entrywise_measurement(f"{case.label} vs derived", mc, case.derived, seed, threshold, upper_only)
        results.append((case, printed, derived))
    return results, threshold


def _matrix_table(results: list[_CaseResult], threshold: float, caption: str) -> Table:
    return Table(
        headers=(
            "case",
            "in the claim's hypothesis",
            "max |z| vs printed",
            "max |z| vs derived",
            "printed agrees",
        ),
        rows=[
            (
                case.label,
                "yes" if case.in_hypothesis else "no",
                f"{printed.extra['max_abs_z_over_entries']:.2f}",
                f"{derived.extra['max_abs_z_over_entries']:.2f}",
                "yes" if printed.passed else "no",
            )
            for case, printed, derived in results
        ],
        caption=f"{caption} {mc_evidence.threshold_caption(threshold)}",
    )


def _printed_agrees_in_hypothesis(results: list[_CaseResult]) -> bool:
    return all(printed.passed for case, printed, _ in results if case.in_hypothesis)


def _matrix_outcome(
    claim: str, results: list[_CaseResult], threshold: float, caption: str, summary: str, explanation: list[Block], **fields
) -> Outcome:
    """The outcome of one matrix identity from its cases, by the rule of :mod:`.mc_evidence`.

    ``holds`` iff the printed form agrees with the Monte Carlo in every case of the claim's
    hypothesis; ``not checked`` when the derived form disagrees with it in any case. The
    evidence is ``explanation``, the table of cases (``caption``) and every measurement;
    ``fields`` are the outcome's choices, seeds and data.
    """
    evidence = [
        *explanation,
        _matrix_table(results, threshold, caption),
        *[m for _, printed, derived in results for m in (printed, derived)],
    ]
    if not all(derived.passed for _, _, derived in results):
        return cross_check_failed(mc_evidence.MONTE_CARLO, claim, evidence)
    verdict = Verdict.HOLDS if _printed_agrees_in_hypothesis(results) else Verdict.FAILS
    return Outcome(verdict=verdict, summary=summary, evidence=evidence, **fields)


@check("D.LEMMA2")
def lemma2_monte_carlo(ctx: CheckContext) -> Outcome:
    """Lemma 2, eq. (77): E[(XᵀX/n)A(XᵀX/n)] by Monte Carlo vs the printed and derived forms.

    Cases: Σ diagonal (the lemma's hypothesis) or not; A symmetric (hypothesis) or not;
    n ∈ {1, 3}. 200,000 samples per case (quick; 2,000,000 paper) give entrywise
    standard errors of ~0.5% of the entries, so the 1/n terms (≥ 33% of ΣAΣ) are resolved.
    """
    d, samples = 3, SIZES.of(ctx).samples_per_case
    rng = ctx.rng("D.LEMMA2/matrices")
    sigmas = {
        "diagonal Σ": random_covariance(rng, d, 0.5, 2.0, diagonal=True),
        "non-diagonal Σ": random_covariance(rng, d, 0.5, 2.0),
    }
    B = rng.standard_normal((d, d))
    matrices = {"symmetric A": (B + B.T) / 2, "non-symmetric A": rng.standard_normal((d, d))}
    cases = []
    for sigma_label, sigma in sigmas.items():
        for a_label, A in matrices.items():
            for n in (1, 3):
                cases.append(
                    _MatrixCase(
                        label=f"{sigma_label}, {a_label}, n = {n}",
                        in_hypothesis=sigma_label == "diagonal Σ" and a_label == "symmetric A",
                        estimate=lambda r, s=sigma, a=A, n=n: gram_sandwich_mc(r, s, a, n, samples),
                        printed=closed_forms.lemma2_printed(sigma, A, n),
                        derived=closed_forms.lemma2_derived(sigma, A, n),
                    )
                )
    results, threshold = _run_matrix_cases(ctx, "D.LEMMA2", cases, upper_only=False)
    printed_ok = _printed_agrees_in_hypothesis(results)
    outside = [(case, printed) for case, printed, _ in results if not case.in_hypothesis]
    agree_outside = [case.label for case, printed in outside if printed.passed]
    disagree_outside = [case.label for case, printed in outside if not printed.passed]
    worst_inside = max(p.extra["max_abs_z_over_entries"] for c, p, _ in results if c.in_hypothesis)
    same = {c.label: np.allclose(c.printed, c.derived, rtol=1e-12, atol=1e-12 * np.abs(c.derived).max()) for c in cases}
    formulas_equal = [label for label, equal in same.items() if equal]
    formulas_differ = [label for label, equal in same.items() if not equal]
    return _matrix_outcome(
        "D.LEMMA2",
        results,
        threshold,
        "Monte Carlo of Lemma 2, entrywise z-tests (worst entry shown).",
        (
            f"Monte Carlo ({samples:,} samples/case) {'agrees' if printed_ok else 'disagrees'} with eq. (77) "
            f"for diagonal Σ and symmetric A (max |z| = {worst_inside:.2f}, threshold {threshold:.2f}); "
            f"outside the hypothesis it agrees for {len(agree_outside)} and disagrees for "
            f"{len(disagree_outside)} of {len(outside)} cases"
        ),
        [
            Text(
                "Each case draws X with n i.i.d. rows $\\mathcal{N}(0,\\Sigma)$ and averages "
                "$(X^\\top X/n) A (X^\\top X/n)$ entrywise; every entry is a z-test against the printed "
                "eq. (77) and against the Isserlis derivation of theory.gaussian_moments. "
                "Printed form disagrees outside the hypothesis for: "
                + ("; ".join(disagree_outside) if disagree_outside else "none")
                + ". Without sampling, the printed and derived matrices coincide (relative 1e-12) for: "
                + ("; ".join(formulas_equal) if formulas_equal else "none")
                + "; they differ for: "
                + ("; ".join(formulas_differ) if formulas_differ else "none")
                + "."
            ),
            Formula(
                "printed (eq. 77)",
                r"\Sigma A \Sigma + \tfrac{1}{n}\big(\operatorname{tr}(\Sigma A) I_d + \Sigma A\big)\Sigma",
            ),
            Formula(
                "derived (Isserlis, any fixed A)",
                r"\Sigma A \Sigma + \tfrac{1}{n}\big(\operatorname{tr}(\Sigma A)\Sigma + \Sigma A^\top \Sigma\big)",
            ),
        ],
        choices=[
            Choice("d", d, "the lemma holds for any d; d = 3 keeps every entry well resolved"),
            Choice(
                "n", "1, 3", "the 1/n terms are largest for small n, so a wrong coefficient shows"
            ),
            Choice(
                "Σ, A", "random (eigenvalues of Σ in [0.5, 2])", "no values are given; seeded draws"
            ),
            Choice("samples per case", samples, "entrywise standard errors ≈ 0.5% of the entries"),
        ],
        seeds={
            "matrices": ctx.seed_for("D.LEMMA2/matrices"),
            **{f"mc {case.label}": printed.seed for case, printed, _ in results},
        },
        data={
            "printed_agrees_in_hypothesis": printed_ok,
            "threshold": threshold,
        },
    )


@check("S3.Q")
def q_matrix_monte_carlo(ctx: CheckContext) -> Outcome:
    """Q^(s) (below eq. (5)) vs a Monte Carlo of E[PᵀΣP], P = I - (α/s) XᵀX.

    Four (Σ, α, s) cases with α λ_max(Σ) ∈ [0.5, 1.5] and s ∈ {1, 2, 3, 5}; 200,000
    samples (quick; 2,000,000 paper) resolve the α²/s terms, which are ≥ 10% of Q here.
    """
    d, samples = 3, SIZES.of(ctx).samples_per_case
    rng = ctx.rng("S3.Q/matrices")
    settings = [(False, 0.5, 1), (False, 1.0, 2), (False, 1.5, 5), (True, 0.8, 3)]
    cases = []
    for diagonal, step, s in settings:
        sigma = random_covariance(rng, d, 0.5, 2.0, diagonal=diagonal)
        alpha = step / float(np.linalg.eigvalsh(sigma)[-1])
        cases.append(
            _MatrixCase(
                label=f"{'diagonal' if diagonal else 'non-diagonal'} Σ, αλ_max = {step}, s = {s}",
                in_hypothesis=True,
                estimate=lambda r, sg=sigma, a=alpha, s=s: q_matrix_mc(r, sg, a, s, samples),
                printed=closed_forms.q_printed(sigma, alpha, s),
                derived=closed_forms.q_derived(sigma, alpha, s),
            )
        )
    results, threshold = _run_matrix_cases(ctx, "S3.Q", cases, upper_only=True)
    printed_ok = _printed_agrees_in_hypothesis(results)
    worst = max(p.extra["max_abs_z_over_entries"] for _, p, _ in results)
    return _matrix_outcome(
        "S3.Q",
        results,
        threshold,
        "Monte Carlo of $\\mathbb{E}[P^\\top\\Sigma P]$ (worst entry shown).",
        (
            f"Monte Carlo of E[PᵀΣP] ({samples:,} samples/case) "
            f"{'agrees' if printed_ok else 'disagrees'} with the printed Q^(s) "
            f"(max |z| = {worst:.2f}, threshold {threshold:.2f})"
        ),
        [
            Text(
                "Each case simulates $P = I_d - \\frac{\\alpha}{s} X^\\top X$ with s rows "
                "$\\mathcal{N}(0, \\Sigma)$ and averages $P^\\top \\Sigma P$; the 6 distinct entries are "
                "z-tested against the printed $Q^{(s)}$ and the Isserlis expansion of theory.adaptation."
            ),
            Formula(
                "printed (below eq. 5)",
                r"(I_d - \alpha\Sigma)\Sigma(I_d - \alpha\Sigma) + \tfrac{\alpha^2}{s}\big(\operatorname{tr}(\Sigma^2)\Sigma + \Sigma^3\big)",
            ),
        ],
        choices=[
            Choice("d", d, "any d; d = 3 with a non-diagonal Σ exercises every term"),
            Choice(
                "(αλ_max, s)", settings, "α up to 1.5/λ_max (beyond the stable 1/λ_max) and small s"
            ),
            Choice("samples per case", samples, "resolves the α²/s correction entrywise"),
        ],
        seeds={f"mc {case.label}": p.seed for case, p, _ in results}
        | {"matrices": ctx.seed_for("S3.Q/matrices")},
        data={
            "printed_agrees": printed_ok,
            "threshold": threshold,
        },
    )
