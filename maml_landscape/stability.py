"""Whether each claim's verdict stands across seeds: ``maml-landscape verify --seeds 0,1,2``.

A verdict that rests on random draws (Monte Carlo, SGD, sampled data) should not depend on
the base seed (:attr:`~maml_landscape.context.CheckContext.seed`, from which every check
derives its own seeds). :func:`stability` compares the claim records of several runs that
differ only in the base seed; :func:`stability_table` lists, for the terminal, every claim
whose verdict changes; :func:`write_stability` writes the comparison to ``OUT/stability.json``::

    {"profile": "quick", "seeds": [0, 1], "unstable": ["S4.FIG4"],
     "claims": [{"id": "S4.FIG4", "stable": false, "verdicts": {"0": "holds", "1": "approximate"},
                 "summaries": {"0": "...", "1": "..."}}, ...]}
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from maml_landscape.atomic import write_text_atomically

#: The file ``verify --seeds`` writes into the report folder.
STABILITY_FILE = "stability.json"


def stability(records_by_seed: Mapping[int, Sequence[dict[str, Any]]]) -> dict[str, Any]:
    """Each claim's verdict and summary per seed, whether the verdict is the same for every seed, and
    the unstable claims (in the order of the first seed's records).

    ``records_by_seed`` maps each seed to the claim records of one run with that base seed (the
    dicts behind claims.json); every run must hold the same claims.
    """
    if not records_by_seed:
        raise ValueError("stability needs the records of at least one seed")
    seeds = list(records_by_seed)
    by_id = {seed: {r["id"]: r for r in records} for seed, records in records_by_seed.items()}
    ids = [r["id"] for r in records_by_seed[seeds[0]]]
    missing = {seed: sorted(set(ids) - set(found)) for seed, found in by_id.items() if set(found) != set(ids)}
    if missing:
        raise ValueError(f"every seed must hold the same claims; differing: {missing}")
    claims = []
    for claim_id in ids:
        verdicts = {str(seed): by_id[seed][claim_id]["verdict"] for seed in seeds}
        claims.append({"id": claim_id, "stable": len(set(verdicts.values())) == 1, "verdicts": verdicts,
                       "summaries": {str(seed): by_id[seed][claim_id]["summary"] for seed in seeds}})
    profiles = sorted({r.get("profile") for records in records_by_seed.values() for r in records} - {None})
    return {"profile": ", ".join(profiles), "seeds": seeds, "unstable": [c["id"] for c in claims if not c["stable"]],
            "claims": claims}


def stability_table(report: dict[str, Any]) -> str:
    """For the terminal: a headline, then one row per claim whose verdict changes (its verdict per seed)."""
    seeds, unstable = report["seeds"], [c for c in report["claims"] if not c["stable"]]
    named = ", ".join(map(str, seeds))
    if not unstable:
        return f"verdicts across seeds {named}: all {len(report['claims'])} claim(s) stable"
    headers = ["claim", *(f"seed {s}" for s in seeds)]
    rows = [[c["id"], *(c["verdicts"][str(s)] for s in seeds)] for c in unstable]
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in [headers, *rows]]
    headline = (f"verdicts across seeds {named}: {len(unstable)} of {len(report['claims'])} claim(s) change "
                f"with the seed")
    return "\n".join([headline, *lines])


def write_stability(out_dir: Path, report: dict[str, Any]) -> Path:
    """``report`` as ``out_dir/stability.json`` (written atomically); returns its path."""
    path = Path(out_dir) / STABILITY_FILE
    write_text_atomically(path, json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return path
