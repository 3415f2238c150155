"""How an inequality "``‖∇f_1‖ ≤ C(α) ‖∇f_2‖ + O(α²)``" is tested, and the verdict it gives.

Theorem 1 (eq. 13) and Lemma 1 (eqs. 29, 36) bound a gradient-norm ratio ``r(α)`` by a
printed constant ``C(α)`` "up to O(α²)". At α = 0 both sides equal 1 (the MAML point is
the NAL point, where the two gradients have equal norms), so the statement has content
only through first order. The rule used by every Theorem 1 check:

1. **exact**: ``r(α) ≤ C(α)`` at every tested admissible instance (no remainder needed);
2. **up to O(α²)**: with ``r(α) = 1 + r_1 α + O(α²)`` and ``C(α) = 1 + c_1 α + O(α²)``
   for a fixed task pair, ``r(α) - C(α) ≤ K α²`` for small α iff ``r_1 ≤ c_1``;
3. verdict: *holds* if (1) holds everywhere; *approximate* if (1) fails somewhere but (2)
   holds everywhere (the report gives the worst ``(r - C)/α²`` and where (1) fails);
   *fails* if (2) fails for some task pair (a first-order violation is no O(α²) effect).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from maml_landscape.verdicts import Verdict, most_severe

#: The rule above, as a sentence for reports.
RULE = (
    "exact: $r(\\alpha) \\le C(\\alpha)$ at every admissible instance; up to $O(\\alpha^2)$: "
    "first-order coefficients $r_1 \\le c_1$ of $r = 1 + r_1\\alpha + O(\\alpha^2)$, "
    "$C = 1 + c_1\\alpha + O(\\alpha^2)$ per task pair; verdict holds if exact everywhere, "
    "approximate if only up to $O(\\alpha^2)$, fails if a first-order coefficient violates it"
)


@dataclass
class FormTally:
    """Comparisons of one printed form with measured/derived ratios.

    ``excess`` is ``r - C`` (positive = violated), ``normalized`` is ``(r - C)/α²``.
    """

    form: str
    tested: int = 0
    exact_violations: int = 0
    pairs_tested: int = 0
    first_order_violations: int = 0
    worst_excess: float = float("-inf")
    worst_normalized: float = float("-inf")
    worst_instance: dict[str, Any] = field(default_factory=dict)
    worst_first_order_gap: float = float("-inf")

    def add_instance(self, excess: float, alpha: float, violated: bool, instance: dict[str, Any]) -> None:
        """Record one exact comparison at step size ``alpha``; ``violated`` beyond tolerance."""
        if alpha <= 0:
            raise ValueError(f"alpha must be positive, got {alpha}")
        self.tested += 1
        self.exact_violations += int(violated)
        # The largest r - C and the largest (r - C)/α² may come from different instances;
        # each is tracked on its own (the instance reported is the one with the largest r - C).
        self.worst_normalized = max(self.worst_normalized, float(excess / alpha**2))
        if excess > self.worst_excess:
            self.worst_excess = float(excess)
            self.worst_instance = dict(instance)

    def add_first_order(self, gap: float, violated: bool) -> None:
        """Record one task pair's first-order gap ``r_1 - c_1``; ``violated`` beyond tolerance."""
        self.pairs_tested += 1
        self.first_order_violations += int(violated)
        self.worst_first_order_gap = max(self.worst_first_order_gap, float(gap))

    @property
    def verdict(self) -> Verdict:
        if self.tested == 0 and self.pairs_tested == 0:
            return Verdict.NOT_CHECKED
        if self.first_order_violations:
            return Verdict.FAILS
        if self.exact_violations:
            return Verdict.APPROXIMATE
        return Verdict.HOLDS

    def row(self) -> tuple[Any, ...]:
        """A table row: form, tested, exact violations, first-order violations, worst excess."""
        return (self.form, self.tested, self.exact_violations,
                f"{self.first_order_violations}/{self.pairs_tested}",
                _fmt(self.worst_excess), _fmt(self.worst_normalized))

    def as_data(self) -> dict[str, Any]:
        return {
            "tested": self.tested,
            "exact_violations": self.exact_violations,
            "pairs_tested": self.pairs_tested,
            "first_order_violations": self.first_order_violations,
            "worst_excess": _finite(self.worst_excess),
            "worst_excess_over_alpha2": _finite(self.worst_normalized),
            "worst_first_order_gap": _finite(self.worst_first_order_gap),
            "worst_instance": self.worst_instance,
            "verdict": self.verdict.value,
        }


TALLY_HEADERS = ("printed form", "instances", "exact violations", "first-order violations / pairs",
                 "worst $r - C$", "worst $(r - C)/\\alpha^2$")


def combined_verdict(tallies: list[FormTally]) -> Verdict:
    """The most severe decided verdict among the tallies (``not checked`` if none decided)."""
    return most_severe(t.verdict for t in tallies)


def _finite(value: float) -> float | None:
    return None if value in (float("inf"), float("-inf")) else float(value)


def _fmt(value: float) -> str:
    return "—" if value in (float("inf"), float("-inf")) else f"{value:.4g}"
