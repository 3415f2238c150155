"""Verdicts, the outcome a check returns, and every rule that turns findings into a verdict.

A verdict is always the result of a comparison made by a check; nothing in the
ledger types one in. The rules live here and nowhere else:

* :func:`most_severe` ranks verdicts (holds < approximate < holds after correction
  < fails; ``not checked`` never outranks a decided verdict);
* :func:`combine` and :func:`claim_summary` merge the outcomes of several checks of one
  claim (for example a symbolic derivation and a Monte Carlo cross-check);
* :func:`require_all` is the rule of a claim with several parts that all must be decided;
* :func:`two_routes` decides a derivation checked by two independent routes;
* :func:`graded` is the holds / approximate / fails rule of a measured tolerance;
* :func:`from_decisions` is the rule of claimed orderings decided by intervals;
* :func:`cross_check_failed` is the outcome of a derivation that an independent
  cross-check contradicts.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
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


#: One colour per verdict, shared by the HTML ledger and the figure stamps.
COLOURS = {
    Verdict.HOLDS: "#1b7f3b",
    Verdict.APPROXIMATE: "#1a56b8",
    Verdict.HOLDS_AFTER_CORRECTION: "#b35c00",
    Verdict.FAILS: "#c5221f",
    Verdict.NOT_CHECKED: "#6b6f76",
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


def most_severe(verdicts: Iterable[Verdict]) -> Verdict:
    """The most severe decided verdict; ``not checked`` when none decided.

    Severity: holds < approximate < holds after correction < fails.
    """
    decided = [v for v in verdicts if v is not Verdict.NOT_CHECKED]
    if not decided:
        return Verdict.NOT_CHECKED
    return max(decided, key=lambda v: v.severity)


def combine(outcomes: Iterable[Outcome]) -> Verdict:
    """The claim's verdict from its checks: the most severe verdict among those that decided."""
    return most_severe(o.verdict for o in outcomes)


#: Joins the summary of an inconclusive check to that of a claim that other checks decided.
INCONCLUSIVE_BESIDE = "; inconclusive in another check: "


def claim_summary(outcomes: list[Outcome]) -> str:
    """The claim's one-line summary: the first check whose verdict is the combined one speaks.

    A claim decided by some checks while another was inconclusive (``not checked``) says so:
    the inconclusive checks' summaries follow, so a decided verdict never hides them.
    """
    if not outcomes:
        raise ValueError("a claim needs at least one outcome")
    verdict = combine(outcomes)
    lead = next(o for o in outcomes if o.verdict is verdict)
    if verdict is Verdict.NOT_CHECKED:
        return lead.summary
    return lead.summary + "".join(INCONCLUSIVE_BESIDE + o.summary for o in outcomes if o.verdict is Verdict.NOT_CHECKED)


def require_all(verdicts: Iterable[Verdict]) -> Verdict:
    """A claim whose parts must all be decided: ``not checked`` while one is, else the most severe."""
    verdicts = list(verdicts)
    if not verdicts or Verdict.NOT_CHECKED in verdicts:
        return Verdict.NOT_CHECKED
    return most_severe(verdicts)


#: The summary of a derivation whose two routes contradict each other.
ROUTES_DISAGREE = "symbolic and mpmath routes disagree"


def two_routes(agreements: Iterable[bool | None]) -> Verdict:
    """Decide comparisons each made by two independent routes (symbolic and mpmath).

    Each item is True (both routes find equality), False (both find a difference, with a
    counterexample) or None (the routes contradict each other). Any None: ``not
    checked`` (the suite cannot judge; summary :data:`ROUTES_DISAGREE`); all True:
    ``holds``; else ``fails``.
    """
    agreements = list(agreements)
    if any(a is None for a in agreements):
        return Verdict.NOT_CHECKED
    return Verdict.HOLDS if all(agreements) else Verdict.FAILS


def routes_summary(verdict: Verdict, holds: str, fails: str, disagree: str = ROUTES_DISAGREE) -> str:
    """The summary of a :func:`two_routes` verdict: ``holds``, ``fails`` or ``disagree``."""
    return {Verdict.HOLDS: holds, Verdict.FAILS: fails, Verdict.NOT_CHECKED: disagree}[verdict]



def graded(holds: bool, approximate: bool) -> Verdict:
    """``holds`` within the strict tolerance, ``approximate`` within the loose one, else ``fails``."""
    if holds:
        return Verdict.HOLDS
    return Verdict.APPROXIMATE if approximate else Verdict.FAILS


def from_decisions(states: Iterable[str]) -> Verdict:
    """Claimed orderings decided by intervals (``confirmed``, ``contradicted``, ``undecided``, ``missing``).

    ``fails`` if any is contradicted, ``holds`` if all are confirmed, else ``not checked``
    (inconclusive).
    """
    states = list(states)
    if "contradicted" in states:
        return Verdict.FAILS
    if states and all(s == "confirmed" for s in states):
        return Verdict.HOLDS
    return Verdict.NOT_CHECKED


#: The summary of a derivation contradicted by its independent cross-check.
CROSS_CHECK_FAILED = (
    "the derivation disagrees with an independent cross-check ({what}), so it cannot judge "
    "the printed claim (a bug in the suite; please report it)"
)


def cross_check_failed(what: str, claim_text: str, evidence: list[Block]) -> Outcome:
    """``not checked``: the derivation of ``claim_text`` disagrees with its cross-check ``what``."""
    return Outcome(Verdict.NOT_CHECKED, CROSS_CHECK_FAILED.format(what=what) + f" [{claim_text}]", evidence=evidence)
