"""Ledger core: verdict combination, outcome validation, unchecked claims say why."""

import pytest

from maml_landscape.claims import CLAIMS, PENDING
from maml_landscape.verdicts import Outcome, Verdict, combine, not_checked


def test_combine_takes_the_most_severe_decided_verdict():
    o = {v: Outcome(v, "x", correction="c") for v in Verdict}
    assert combine([o[Verdict.HOLDS], o[Verdict.NOT_CHECKED]]) is Verdict.HOLDS
    assert combine([o[Verdict.HOLDS], o[Verdict.APPROXIMATE]]) is Verdict.APPROXIMATE
    assert combine([o[Verdict.HOLDS_AFTER_CORRECTION], o[Verdict.APPROXIMATE]]) is Verdict.HOLDS_AFTER_CORRECTION
    assert combine([o[Verdict.FAILS], o[Verdict.HOLDS_AFTER_CORRECTION]]) is Verdict.FAILS
    assert combine([o[Verdict.NOT_CHECKED]]) is Verdict.NOT_CHECKED
    assert combine([]) is Verdict.NOT_CHECKED


def test_correction_is_required_for_holds_after_correction():
    with pytest.raises(ValueError, match="correction"):
        Outcome(Verdict.HOLDS_AFTER_CORRECTION, "x")


def test_verdict_must_be_a_verdict():
    with pytest.raises(TypeError):
        Outcome("holds", "x")


def test_every_claim_has_a_reason_when_unchecked():
    assert all(claim.area in PENDING for claim in CLAIMS)
    assert not_checked("why").verdict is Verdict.NOT_CHECKED


def test_an_outcome_is_computed_once_per_context(tmp_path):
    """A headline check reuses the outcomes its claims' checks computed in the same run."""
    from maml_landscape.context import CheckContext
    from maml_landscape.registry import RegisteredCheck, outcome_of

    calls = []

    def counted(ctx):
        calls.append(ctx)
        return Outcome(Verdict.HOLDS, "ok")

    entry = RegisteredCheck("S2.F", "tests:counted", counted)
    ctx = CheckContext("quick", 0, tmp_path)
    assert outcome_of(entry, ctx) is outcome_of(entry, ctx)
    assert len(calls) == 1
    outcome_of(entry, CheckContext("quick", 0, tmp_path))  # a new run computes afresh
    assert len(calls) == 2
