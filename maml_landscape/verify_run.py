"""The parts of ``maml-landscape verify`` around the checks: where deep results are read
from, and keeping each finished claim in the report folder as it goes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from maml_landscape.report.write import ledger_lock, load_ledger, merge, write_reports


def deep_results_dir(out: Path, default_out: Path) -> Path | None:
    """Where the deep checks read stored CNN results: ``out/deep``, or ``default_out/deep`` when
    ``out/deep`` holds no results and that one does (``verify --out DIR`` beside reports/).

    None means ``out/deep`` (the checks' default).
    """
    def has_results(folder: Path) -> bool:
        return folder.is_dir() and any(folder.glob("*.json"))

    fallback = Path(default_out) / "deep"
    if has_results(Path(out) / "deep") or not has_results(fallback):
        return None
    return fallback


def keep_record(out: Path, provenance: dict[str, Any], record: dict[str, Any]) -> None:
    """Merge one finished claim into the ledger in ``out`` and write the report set (under its lock).

    A run killed later keeps this claim; ``verify --resume`` then skips it.
    """
    with ledger_lock(out):
        write_reports(merge(load_ledger(out), [record], provenance), out)
