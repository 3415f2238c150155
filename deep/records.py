"""Which stored results record a planned run: run JSONs and tables, matched by configuration.

``deep run`` keeps one JSON per run (``runs/...``) and one table per experiment; a
checkout ships only the tables (``reports/deep``), whose ``configs`` hold the
configuration of every run behind them. A planned run is *recorded* when a stored
configuration is the planned one: the same :func:`config.config_hash`, whatever the
file is called (tables renamed by hand, like ``-hard=h100-reduced``, are found too).

Without the data set, Omniglot's easy-alphabet split cannot be recomputed: it permutes
the data's alphabet names in their order, which no result records. A stored Omniglot
configuration then matches when its hard-alphabet groups are the planned ones, its easy
alphabets the same set, and its hash that of the planned configuration with the
recorded groups; every other field is compared through the hash. Nothing here needs
torch or the data.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, replace
from itertools import chain
from pathlib import Path
from typing import Any

from maml_landscape.deep.config import Profile, RunConfig, config_hash
from maml_landscape.deep.hard_alphabets import SMALL_HARD_TEST, SMALL_HARD_TRAIN
from maml_landscape.deep.plans import PlanOptions, plan_runs
from maml_landscape.deep.results import load_tables, table_budget


@dataclass(frozen=True)
class Record:
    """One stored configuration: its hash, the configuration, and the file holding it."""

    digest: str
    config: dict[str, Any]
    source: Path
    run_json: bool

    @property
    def key(self) -> tuple[str, str, int] | None:
        """(setting, algorithm, seed), None when the configuration does not hold them."""
        key = tuple(self.config.get(k) for k in ("setting", "algorithm", "seed"))
        return key if all(isinstance(k, (str, int)) for k in key) else None


def stored_records(results_dir: Path, experiment: str, profile: str) -> list[Record]:
    """The run JSONs of ``experiment``/``profile`` under ``results_dir``, then the runs its full-budget
    tables list (milestone tables list the same runs). Unreadable files are skipped."""
    folder = results_dir / "runs" / experiment / profile
    records = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        run = _read(path)
        if isinstance(run, dict) and "per_task" in run and isinstance(run.get("config"), dict):
            records.append(Record(str(run.get("config_hash")), run["config"], path, run_json=True))
    for table in load_tables(results_dir):
        configs = table.get("configs")
        if (table["experiment"], table["profile"]) != (experiment, profile) or not isinstance(
            configs, dict
        ):
            continue
        configs = {d: c for d, c in configs.items() if isinstance(c, dict)}
        if any(c.get("iterations") != table_budget(table) for c in configs.values()):
            continue  # a milestone table
        records += [Record(d, c, Path(table["path"]), run_json=False) for d, c in configs.items()]
    return records


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None


def data_free_plan(
    experiment: str, profile: Profile, options: PlanOptions, seen: tuple[str, ...] = ()
) -> list[RunConfig]:
    """The planned runs without the data: names and every field but Omniglot's easy split.

    ``seen``: alphabet names a stored configuration saw; with the hard ones, Sanskrit and
    Bengali they make up the data's alphabets (in sorted order, not the data's).
    """
    names = sorted({*seen, *options.hard_alphabets, *SMALL_HARD_TRAIN, *SMALL_HARD_TEST})
    return plan_runs(experiment, profile, options, alphabets=tuple(names))


def recorded_runs(
    experiment: str,
    profile: Profile,
    options: PlanOptions,
    results_dir: Path,
    alphabets: tuple[str, ...] | None = None,
) -> dict[str, Record]:
    """Planned run name → the stored record of exactly that run.

    A run JSON comes first, then the table whose runs all belong to the plan (MAML's runs
    also appear in the tables of other NAL rates), then the one recording most of the plan.
    ``alphabets``: the data's alphabet names (then hashes are compared exactly); None
    without the data (see the module's docstring).
    """
    plans: dict[tuple[str, ...], dict[tuple, RunConfig]] = {}
    matches: dict[str, list[Record]] = {}
    records = stored_records(results_dir, experiment, profile.name)
    for record in records:
        names = (
            alphabets
            if alphabets is not None
            else tuple(sorted(chain.from_iterable(_groups(record.config))))
        )
        if names not in plans:
            plan = (
                plan_runs(experiment, profile, options, alphabets=names)
                if alphabets is not None
                else data_free_plan(experiment, profile, options, names)
            )
            plans[names] = {(c.setting, c.algorithm, c.seed): c for c in plan}
        planned = plans[names].get(record.key)
        if planned is not None and _same_run(planned, record, alphabets is None):
            matches.setdefault(planned.name, []).append(record)
    matched = Counter(r.source for found in matches.values() for r in found)
    held = Counter(r.source for r in records)

    def rank(record: Record) -> tuple[bool, bool, int]:
        return (
            record.run_json,
            matched[record.source] == held[record.source],
            matched[record.source],
        )

    return {name: max(found, key=rank) for name, found in matches.items()}


def _groups(config: dict[str, Any]) -> tuple[tuple[str, ...], ...]:
    """The alphabet groups a stored configuration holds (none when it holds no list of names)."""
    groups = config.get("alphabets")
    if not isinstance(groups, list) or not all(
        isinstance(g, list) and all(isinstance(a, str) for a in g) for g in groups
    ):
        return ()
    return tuple(tuple(g) for g in groups)


def _same_run(planned: RunConfig, record: Record, without_data: bool) -> bool:
    if not (without_data and planned.alphabets):
        return config_hash(planned) == record.digest
    groups = _groups(record.config)
    if len(groups) != 4:
        return False

    def easy(split: tuple[tuple[str, ...], ...]) -> set[str]:
        return {*split[0], *split[1]}

    return (
        groups[2:] == planned.alphabets[2:]
        and easy(groups) == easy(planned.alphabets)
        and config_hash(replace(planned, alphabets=groups)) == record.digest
    )


def recorded_state(record: Record) -> str:
    """``done``, and where it is recorded when no run JSON holds it."""
    if record.run_json:
        return "done"
    return f"done (recorded in {record.source.name}; its run JSON is not kept)"
