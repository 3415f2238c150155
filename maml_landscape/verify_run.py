"""The parts of ``maml-landscape verify`` around the checks: where deep results are read
from, keeping each finished claim in the report folder as it goes, and the runs of the
further seeds of ``--seeds``.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from maml_landscape.context import CheckContext
from maml_landscape.report.write import ledger_lock, load_ledger, merge, write_reports
from maml_landscape.runner import run_claims


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


def run_other_seeds(claim_ids: Sequence[str], seeds: Sequence[int], ctx: CheckContext, show_progress: bool,
                    costs: list[float] | None = None) -> tuple[dict[int, list[dict[str, Any]]], list[str]]:
    """The claim records of ``claim_ids`` for each of ``seeds`` (``verify --seeds``), and the IDs whose checks crashed.

    Each seed runs like ``ctx`` (profile, stored deep results) with that base seed, into a
    temporary report folder that is removed afterwards: its figures are not kept, and the
    report folder holds the first seed's ledger only.
    """
    by_seed, crashed = {}, []
    for number, seed in enumerate(seeds, 1):
        if show_progress:
            print(f"--seeds: seed {seed} ({number}/{len(seeds)} further), {len(claim_ids)} claim(s), "
                  "figures in a temporary folder", file=sys.stderr)
        with tempfile.TemporaryDirectory(prefix=f"maml-landscape-seed-{seed}-") as folder:
            seeded = CheckContext(profile=ctx.profile, seed=seed, out_dir=Path(folder), deep_results_dir=ctx.deep_dir)
            by_seed[seed], failed = run_claims(claim_ids, seeded, show_progress=show_progress, costs=costs)
        crashed.extend(c for c in failed if c not in crashed)
    return by_seed, crashed
