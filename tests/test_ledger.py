"""Ledger core: verdict combination, outcome validation, unchecked claims say why."""

import pytest

from maml_landscape.claims import AREAS, CLAIMS
from maml_landscape.verdicts import (
    INCONCLUSIVE_BESIDE,
    Outcome,
    Verdict,
    claim_summary,
    combine,
    not_checked,
)


def test_combine_takes_the_most_severe_decided_verdict():
    o = {v: Outcome(v, "x", correction="c") for v in Verdict}
    assert combine([o[Verdict.HOLDS], o[Verdict.NOT_CHECKED]]) is Verdict.HOLDS
    assert combine([o[Verdict.HOLDS], o[Verdict.APPROXIMATE]]) is Verdict.APPROXIMATE
    assert combine([o[Verdict.HOLDS_AFTER_CORRECTION], o[Verdict.APPROXIMATE]]) is Verdict.HOLDS_AFTER_CORRECTION
    assert combine([o[Verdict.FAILS], o[Verdict.HOLDS_AFTER_CORRECTION]]) is Verdict.FAILS
    assert combine([o[Verdict.NOT_CHECKED]]) is Verdict.NOT_CHECKED
    assert combine([]) is Verdict.NOT_CHECKED


def test_a_decided_claim_summary_names_its_inconclusive_checks():
    holds, open_, fails = Outcome(Verdict.HOLDS, "at 600"), not_checked("4/5 at 2,000"), Outcome(Verdict.FAILS, "no")
    assert claim_summary([open_, holds]) == "at 600" + INCONCLUSIVE_BESIDE + "4/5 at 2,000"
    assert claim_summary([holds, fails]) == "no"
    assert claim_summary([open_, not_checked("other")]) == "4/5 at 2,000"
    with pytest.raises(ValueError):
        claim_summary([])


def test_correction_is_required_for_holds_after_correction():
    with pytest.raises(ValueError, match="correction"):
        Outcome(Verdict.HOLDS_AFTER_CORRECTION, "x")


def test_verdict_must_be_a_verdict():
    with pytest.raises(TypeError):
        Outcome("holds", "x")


def test_every_claim_has_a_reason_when_unchecked():
    assert all(claim.area in AREAS for claim in CLAIMS)
    assert not_checked("why").verdict is Verdict.NOT_CHECKED


def test_a_check_runs_once_per_run_and_gets_what_it_needs(tmp_path, monkeypatch):
    """A check that needs another claim gets that claim's outcomes, computed once per run."""
    from maml_landscape import registry
    from maml_landscape.context import CheckContext
    from maml_landscape.registry import RegisteredCheck, Run

    calls = []

    def counted(ctx):
        calls.append(ctx)
        return Outcome(Verdict.HOLDS, "ok")

    base = RegisteredCheck("S2.F", "tests:counted", counted)
    headline = RegisteredCheck("H.GAIN", "tests:headline", lambda ctx, needed: Outcome(Verdict.FAILS, "x", data=needed),
                               needs=("S2.F",))
    monkeypatch.setattr(registry, "checks_for", lambda claim: [base])
    run = Run(CheckContext("quick", 0, tmp_path))
    assert run.outcome(base) is run.outcome(base)
    assert run.outcome(headline).data == {"S2.F": {"tests:counted": run.outcome(base)}}
    assert len(calls) == 1
    Run(CheckContext("quick", 0, tmp_path)).outcome(base)  # a new run computes afresh
    assert len(calls) == 2


def test_a_cycle_of_needs_is_an_error(tmp_path, monkeypatch):
    from maml_landscape import registry
    from maml_landscape.context import CheckContext

    first = registry.RegisteredCheck("S2.F", "tests:first", lambda ctx, needed: None, needs=("S2.ORDER",))
    second = registry.RegisteredCheck("S2.ORDER", "tests:second", lambda ctx, needed: None, needs=("S2.F",))
    monkeypatch.setattr(registry, "checks_for", lambda claim: [first] if claim == "S2.F" else [second])
    with pytest.raises(RuntimeError, match="cycle"):
        registry.Run(CheckContext("quick", 0, tmp_path)).outcome(first)
