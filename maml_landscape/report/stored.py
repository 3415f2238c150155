"""What a stored ledger tells the next ``verify``: what it may skip and how long the rest takes.

``verify --resume`` skips the claims the stored ledger already holds for the same
profile and seed (an interrupted run keeps every claim it finished, so resuming reruns
only the missing ones); the progress display's ETA uses the stored runtimes (those of
reports/claims.json when a new ``--out`` folder has none yet).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from maml_landscape.report.schema import ledger_problem
from maml_landscape.report.write import JSON_NAME


def stored_ids(ledger: dict[str, Any] | None, profile: str, seed: int) -> set[str]:
    """IDs of the claims ``ledger`` holds for ``profile`` and ``seed`` (none without a ledger)."""
    claims = ledger["claims"] if ledger else []
    return {c["id"] for c in claims if c.get("profile") == profile and c.get("seed") == seed}


def expected_runtimes(ledger: dict[str, Any] | None, claim_ids: list[str], profile: str) -> list[float] | None:
    """Expected seconds of each of ``claim_ids``: its stored runtime for ``profile``.

    A claim without one counts as the mean of those stored; None when the ledger holds
    no runtime for ``profile`` at all (the display then times steps as they go).
    """
    stored = {c["id"]: float(c["runtime_s"]) for c in (ledger["claims"] if ledger else []) if c.get("profile") == profile}
    if not stored:
        return None
    mean = sum(stored.values()) / len(stored)
    return [stored.get(i, mean) for i in claim_ids]


def peek_ledger(folder: Path) -> dict[str, Any] | None:
    """The ledger in ``folder/claims.json`` for its runtimes only: None when there is none or it
    is not a ledger. Never raises and changes nothing (unlike ``load_ledger``)."""
    try:
        ledger = json.loads((Path(folder) / JSON_NAME).read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    return ledger if ledger_problem(ledger) is None else None
