"""Verdicts and the outcome a check returns.

A verdict is always the result of a comparison made by a check; nothing in the
ledger types one in. :func:`combine` merges the outcomes of several checks of one
claim (for example a symbolic derivation and a Monte Carlo cross-check).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from maml_landscape.evidence import Block


class Verdict(str, enum.Enum):
    """The five verdicts of the ledger, ordered by severity (see :func:`combine`)."""

    HOLDS = "holds"
    APPROXIMATE = "approximate"
    HOLDS_AFTER_CORRECTION = "holds after correction"
    FAILS = "fails"
    NOT_CHECKED = "not checked"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]


_SEVERITY = {
    Verdict.NOT_CHECKED: -1,
    Verdict.HOLDS: 0,
    Verdict.APPROXIMATE: 1,
    Verdict.HOLDS_AFTER_CORRECTION: 2,
    Verdict.FAILS: 3,
}


@dataclass(frozen=True)
class Choice:
    """A value the paper leaves unstated and the check had to choose."""

    name: str
    value: Any
    reason: str


@dataclass
class Outcome:
    """What one check of one claim found.

    Attributes:
        verdict: computed by the check from its comparison.
        summary: one line of evidence for the summary table (plain text, ``$..$`` math allowed).
        evidence: blocks rendered into claims.md and report.tex.
        correction: LaTeX of the corrected statement, required for
            ``holds after correction``.
        choices: parameters the paper leaves unstated, with the value chosen.
        seeds: every random seed used, by name.
        data: machine-readable numbers for claims.json (JSON-serialisable).
    """

    verdict: Verdict
    summary: str
    evidence: list[Block] = field(default_factory=list)
    correction: str | None = None
    choices: list[Choice] = field(default_factory=list)
    seeds: dict[str, int] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.verdict, Verdict):
            raise TypeError(f"verdict must be a Verdict, got {self.verdict!r}")
        if self.verdict is Verdict.HOLDS_AFTER_CORRECTION and not self.correction:
            raise ValueError("a 'holds after correction' outcome must state the correction")


def not_checked(reason: str) -> Outcome:
    """An outcome for a claim that no check could decide, with the reason and the remedy."""
    return Outcome(Verdict.NOT_CHECKED, reason)


def combine(outcomes: list[Outcome]) -> Verdict:
    """The claim's verdict from its checks: the most severe verdict among those that decided.

    Severity: holds < approximate < holds after correction < fails. A claim whose
    checks all returned ``not checked`` is ``not checked``.
    """
    decided = [o.verdict for o in outcomes if o.verdict is not Verdict.NOT_CHECKED]
    if not decided:
        return Verdict.NOT_CHECKED
    return max(decided, key=lambda v: v.severity)
