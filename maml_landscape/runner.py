"""Run the checks of selected claims and assemble the ledger (the dict behind claims.json)."""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Iterable
from typing import Any

from maml_landscape.claims import CLAIMS, Claim, get_claim
from maml_landscape.context import CheckContext
from maml_landscape.evidence import Text
from maml_landscape.plotting import save_claim_figures
from maml_landscape.progress import Progress
from maml_landscape.registry import Run, checks_for
from maml_landscape.serialize import outcome_to_dict, to_jsonable
from maml_landscape.verdicts import Outcome, Verdict, claim_summary, combine, not_checked

#: The reason of a claim that no check is registered for (a claim added without its check).
NO_CHECK = "no check is registered for this claim"


def _run_one(claim: Claim, run: Run) -> tuple[dict[str, Any], bool]:
    """Run every check of one claim; return its ledger entry and whether any check crashed."""
    ctx = run.ctx
    registered = checks_for(claim.id)
    entries, outcomes, crashed = [], [], False
    if not registered:
        outcome = not_checked(NO_CHECK)
        outcomes.append(outcome)
        entries.append({"name": None, "runtime_s": 0.0, **outcome_to_dict(outcome)})
    for entry in registered:
        start = time.perf_counter()
        try:
            outcome = run.outcome(entry)
            if not isinstance(outcome, Outcome):
                raise TypeError(f"check returned {type(outcome).__name__}, not Outcome")
        except Exception as error:  # a crashing check is recorded, and the run reports it
            crashed = True
            outcome = Outcome(
                Verdict.NOT_CHECKED,
                f"the check raised {type(error).__name__}: {error}",
                evidence=[Text("Traceback (a bug in the suite, please report it):\n" + traceback.format_exc())],
            )
        runtime = time.perf_counter() - start
        outcomes.append(outcome)
        entries.append({"name": entry.name, "runtime_s": round(runtime, 3), **outcome_to_dict(outcome)})
    verdict = combine(outcomes)
    save_claim_figures(outcomes, claim.id, verdict, ctx.figures_dir)
    summary = claim_summary(outcomes)
    corrections = [o.correction for o in outcomes if o.correction]
    record = {
        "id": claim.id,
        "title": claim.title,
        "location": claim.location,
        "kind": claim.kind.value,
        "statement": claim.statement,
        "verdict": verdict.value,
        "summary": summary,
        "correction": corrections[0] if corrections else None,
        "runtime_s": round(sum(e["runtime_s"] for e in entries), 3),
        "profile": ctx.profile,
        "seed": ctx.seed,
        "checks": entries,
    }
    return to_jsonable(record), crashed


def run_claims(
    claim_ids: Iterable[str] | None,
    ctx: CheckContext,
    show_progress: bool = True,
    costs: list[float] | None = None,
    on_record: Callable[[dict[str, Any]], None] | None = None,
) -> tuple[list[dict[str, Any]], list[str]]:
    """Run the checks of ``claim_ids`` (all claims when None), in the order given.

    ``costs`` are the expected seconds of each claim (for the ETA); ``on_record`` is
    called with each claim's record as soon as it is finished (to keep it). Returns the
    claim records and the IDs whose checks crashed.
    """
    wanted = list(dict.fromkeys(claim_ids)) if claim_ids is not None else [c.id for c in CLAIMS]
    claims = [get_claim(i) for i in wanted]
    progress = Progress("verify", len(claims), start=0, enabled=show_progress, costs=costs)
    records, crashed, run = [], [], Run(ctx)
    for claim in claims:
        record, failed = _run_one(claim, run)
        records.append(record)
        if failed:
            crashed.append(claim.id)
        if on_record is not None:
            on_record(record)
        progress.advance(f"{claim.id}: {record['verdict']} ({record['runtime_s']:.1f}s)")
    return records, crashed
