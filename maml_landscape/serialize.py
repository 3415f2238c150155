"""Outcomes and evidence to JSON-ready dicts: claims.json is the one source every report renders."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

from maml_landscape.evidence import Block, Measurement
from maml_landscape.verdicts import Outcome


def to_jsonable(value: Any) -> Any:
    """Convert numbers, arrays, SymPy objects and containers to plain JSON values.

    Non-finite floats become strings ("inf", "nan") so the JSON stays standard.
    """
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else str(value)
    if isinstance(value, np.ndarray):
        return to_jsonable(value.tolist())
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if hasattr(value, "is_Number") and getattr(value, "is_Number", False):
        # SymPy numbers: exact rationals keep their exact form beside the float.
        return {"exact": str(value), "float": float(value)} if not value.is_Integer else int(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_jsonable(dataclasses.asdict(value))
    return str(value)


def block_to_dict(block: Block) -> dict[str, Any]:
    """One evidence block as a dict with a ``type`` field."""
    fields = {f.name: getattr(block, f.name) for f in dataclasses.fields(block) if f.metadata.get("ledger", True)}
    record = {"type": type(block).__name__.lower(), **to_jsonable(fields)}
    if isinstance(block, Measurement):
        record["z"] = to_jsonable(block.z)
        record["passed"] = block.passed
    return record


def outcome_to_dict(outcome: Outcome) -> dict[str, Any]:
    return {
        "verdict": outcome.verdict.value,
        "summary": outcome.summary,
        "correction": outcome.correction,
        "evidence": [block_to_dict(b) for b in outcome.evidence],
        "choices": [to_jsonable(dataclasses.asdict(c)) for c in outcome.choices],
        "seeds": to_jsonable(outcome.seeds),
        "data": to_jsonable(outcome.data),
    }
