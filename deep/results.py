"""Result files of the deep experiments: one JSON per run, one aggregated table per experiment.

Layout under the results folder (default ``reports/deep``)::

    runs/<experiment>/<profile>/<run name>-<config hash>.json   one trained configuration
    <experiment>-<profile>[-<tag>].json                          the table the ledger reads

Importing this module does not import torch (the ledger checks use it).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np

from maml_landscape.atomic import write_bytes_atomically
from maml_landscape.deep.config import PAPER_NAL_LR, PROFILES
from maml_landscape.deep.hard_alphabets import hard_source
from maml_landscape.deep.intervals import Estimate, estimate
from maml_landscape.deep.paper_tables import CELLS, printed_cell
from maml_landscape.deep.plans import PlanOptions, departures, stored_options
from maml_landscape.provenance import generated_at, provenance

TABLE_KIND = "maml-landscape deep table"


def write_json(path: Path, payload: dict[str, Any]) -> None:
    """Strict JSON (a NaN or inf is a bug upstream: it raises instead of being stored)."""
    text = json.dumps(payload, indent=1, allow_nan=False)
    write_bytes_atomically(path, lambda f: f.write(text.encode()))


def run_path(results_dir: Path, profile: str, name: str, digest: str, experiment: str) -> Path:
    return results_dir / "runs" / experiment / profile / f"{name}-{digest}.json"


def failure_path(run_result: Path) -> Path:
    """Where a run that failed (diverged) is recorded: beside its result, ``*.failed.json``."""
    return run_result.with_name(run_result.stem + ".failed.json")


def table_path(results_dir: Path, experiment: str, profile: str, tag: str = "") -> Path:
    return results_dir / f"{experiment}-{profile}{'-' + tag if tag else ''}.json"


def cell_accuracies(run: dict[str, Any]) -> dict[str, np.ndarray]:
    """Per-task accuracies (%) of one run, by cell ``"train/easy"`` etc."""
    cells = {}
    for split, tasks in run["per_task"].items():
        kinds, accuracy = np.asarray(tasks["kind"]), 100 * np.asarray(tasks["accuracy"])
        for kind in ("easy", "hard"):
            cells[f"{split}/{kind}"] = accuracy[kinds == kind]
    return cells


def aggregate(
    experiment: str, profile: str, runs: list[dict[str, Any]], planned: int, notes: list[str]
) -> dict[str, Any]:
    """The table of ``experiment``: per (setting, algorithm) and cell, seed means and a 95% interval."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for run in sorted(
        runs, key=lambda r: (r["config"]["setting"], r["config"]["algorithm"], r["config"]["seed"])
    ):
        config = run["config"]
        row = rows.setdefault(
            (config["setting"], config["algorithm"]),
            {
                "setting": config["setting"],
                "algorithm": config["algorithm"],
                "seeds": [],
                "cells": {c: {"seed_means": [], "task_sd": [], "tasks": []} for c in CELLS},
            },
        )
        row["seeds"].append(config["seed"])
        curve = run.get("training", {}).get("loss_curve")
        if curve:
            row.setdefault("loss_curves", []).append(curve)
        if run.get("learning_curve"):
            row.setdefault("learning_curves", {})[str(config["seed"])] = run["learning_curve"]
        for cell, values in cell_accuracies(run).items():
            entry = row["cells"][cell]
            entry["seed_means"].append(float(values.mean()) if len(values) else None)
            entry["task_sd"].append(float(values.std(ddof=1)) if len(values) > 1 else None)
            entry["tasks"].append(int(len(values)))
    for (setting, algorithm), row in rows.items():
        for cell, entry in row["cells"].items():
            found = cell_estimate(entry)
            entry["mean"] = found.mean if found else None
            entry["half_width"] = found.half_width if found else None
            entry["paper"] = printed_cell(experiment, setting, algorithm, cell)
    return {
        "kind": TABLE_KIND,
        "experiment": experiment,
        "profile": profile,
        "substitute": experiment == "omniglot-p",
        "complete": len(runs) == planned,
        "planned_runs": planned,
        "done_runs": len(runs),
        "rows": list(rows.values()),
        "config_hashes": sorted(r["config_hash"] for r in runs),
        "configs": {r["config_hash"]: r["config"] for r in runs},
        "timing": timing(runs),
        "notes": notes,
        "provenance": provenance(),
    }


def timing(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Wall-clock seconds of training and evaluation, per run and in total (where stored)."""
    per_run = {
        r["name"]: {
            "training": r["training"]["seconds"],
            "evaluation": r.get("evaluation_seconds", 0.0),
            "generated_at": generated_at(r),
        }
        for r in runs
        if "name" in r and "seconds" in r.get("training", {})
    }
    return {
        "training_seconds": round(sum(t["training"] for t in per_run.values()), 1),
        "evaluation_seconds": round(sum(t["evaluation"] for t in per_run.values()), 1),
        "runs": per_run,
    }


def _known(value: float | None) -> bool:
    """A stored number, not a missing one (None; NaN in tables written before strict JSON)."""
    return value is not None and not math.isnan(value)


def cell_estimate(entry: dict[str, Any]) -> Estimate | None:
    """Mean over seeds with its 95% interval (one seed: over that seed's tasks)."""
    means = [m for m in entry["seed_means"] if _known(m)]
    if not means:
        return None
    if len(means) == 1:
        sd, tasks = entry["task_sd"][0], entry["tasks"][0]
        if tasks < 2 or not _known(sd):
            return None
        return estimate(means, sd, tasks)
    return estimate(means)


TABLE_KEYS = ("experiment", "profile", "rows", "complete", "done_runs", "planned_runs", "substitute")


def load_tables(results_dir: Path, problems: list[str] | None = None) -> list[dict[str, Any]]:
    """Every table JSON directly in ``results_dir`` (:func:`load_table` of each)."""
    paths = sorted(results_dir.glob("*.json")) if results_dir.is_dir() else []
    return [t for t in (load_table(path, problems) for path in paths) if t is not None]


def load_table(path: Path, problems: list[str] | None = None) -> dict[str, Any] | None:
    """The table stored at ``path`` (with its ``path``), None if there is none.

    Files that are not JSON or not tables of ours give None; those that claim to be a
    table (or are not valid JSON) are described in ``problems``, one line each.
    """
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        if problems is not None:
            problems.append(f"{path} is not valid JSON ({str(error)[:80]}); delete or restore it")
        return None
    if not isinstance(payload, dict) or payload.get("kind") != TABLE_KIND:
        return None
    missing = [key for key in TABLE_KEYS if key not in payload]
    if missing or not isinstance(payload["rows"], list):
        if problems is not None:
            problems.append(
                f"{path} is a damaged table (missing {', '.join(missing) or 'rows'}); "
                "delete it and rerun 'maml-landscape deep run' to rebuild it from the run results"
            )
        return None
    payload["path"] = str(path)
    return payload


def row_cell(table: dict[str, Any], setting: str, algorithm: str, cell: str) -> Estimate | None:
    """The estimate of one cell of a table, or None if that row or cell is missing."""
    for row in table["rows"]:
        if row["setting"] == setting and row["algorithm"] == algorithm:
            return cell_estimate(row["cells"][cell])
    return None


def profile_label(table: dict[str, Any]) -> str:
    """``cpu profile, 600 iterations``; ``..., seeds 0, 1, 2 (the profile's: 0, 1)`` when seeds
    were only added; ``... OVERRIDDEN (seeds=0)`` when sizes were changed otherwise."""
    overrides = table.get("overrides")
    budget = table_budget(table)
    label = f"{table['profile']} profile" + (f", {budget:,} iterations" if budget else "")
    if overrides and sizes_kept(table):
        profile_seeds = ", ".join(map(str, PROFILES[table["profile"]].seeds))
        seeds = ", ".join(map(str, sorted(table_seeds(table))))
        return f"{label}, seeds {seeds} (the profile's: {profile_seeds})"
    return label + (f" OVERRIDDEN ({', '.join(overrides)})" if overrides else "")


def _seeds_of(override: str) -> set[int] | None:
    """The seeds of a ``seeds=0_1_2`` override, None for any other override."""
    name, _, value = override.partition("=")
    if name != "seeds" or not re.fullmatch(r"\d+([_,]\d+)*", value):
        return None
    return {int(seed) for seed in re.split("[_,]", value)}


def sizes_kept(table: dict[str, Any]) -> bool:
    """Whether a table keeps its profile's sizes or only adds seeds to the profile's.

    More seeds at the same budget are better evidence, not a smaller run; any other
    override (fewer iterations, seeds or evaluation tasks) is a departure.
    """
    profile = PROFILES.get(table["profile"])
    for override in table.get("overrides") or []:
        seeds = _seeds_of(override)
        if profile is None or seeds is None or not seeds >= set(profile.seeds):
            return False
    return True


def table_seeds(table: dict[str, Any]) -> set[int]:
    """Every seed behind a table's rows."""
    return {int(seed) for row in table["rows"] for seed in row.get("seeds", [])}


def table_budget(table: dict[str, Any]) -> int:
    """Training iterations behind a table (from its configurations when not recorded; 0 if unknown)."""
    if table.get("budget"):
        return int(table["budget"])
    counts = {c.get("iterations") for c in table.get("configs", {}).values()}
    return int(counts.pop() or 0) if len(counts) == 1 else 0


def variant_label(experiment: str, options: PlanOptions, folder: Path | None = None) -> str:
    """What sets a table (or a plan) apart from the others of its experiment and profile.

    NAL's outer learning rate (always), Omniglot's hard alphabets with their source
    (:func:`hard_alphabets.hard_source`, which looks for select-hard outcomes in
    ``folder``), then every other departure from the paper's settings
    (:func:`plans.departures`), e.g. ``NAL lr 0.0001 (paper: 1e-06); hard alphabets of
    hard-alphabets-h100-reduced.json``.
    """
    others = departures(options)
    paper = "the paper's" if "nal_lr" not in others else f"paper: {PAPER_NAL_LR:g}"
    parts = [f"NAL lr {options.nal_lr:g} ({paper})"]
    if experiment == "omniglot":
        parts.append(hard_source(options.hard_alphabets, folder))
    parts += [text for name, text in others.items() if name not in ("nal_lr", "hard_alphabets")]
    return "; ".join(parts)


def table_variant(table: dict[str, Any]) -> str:
    """:func:`variant_label` of a stored table; a milestone table (``-at=600``) says so."""
    if "options" not in table:
        label = "options not recorded"
    else:
        folder = Path(table["path"]).parent if "path" in table else None
        label = variant_label(table["experiment"], stored_options(table["options"]), folder)
    trained = {c.get("iterations") for c in table.get("configs", {}).values()}
    budget = table_budget(table)
    if budget and len(trained) == 1 and (iterations := trained.pop() or 0) > budget:
        label += f"; milestone of the {iterations:,}-iteration runs"
    return label


def render(table: dict[str, Any]) -> str:
    """Plain-text table: measured mean ± 95% half-width, the paper's printed value beside it.

    The header names the table's variant: profile and budget (:func:`profile_label`),
    NAL's rate, the hard alphabets and other departures (:func:`table_variant`), and the
    file it is stored in.
    """
    title = f"{table['experiment']} ({profile_label(table)}; {table_variant(table)}"
    title += f"; {table['done_runs']}/{table['planned_runs']} runs)"
    if table["substitute"]:
        title += "  SUBSTITUTE: Table 2's protocol on Omniglot, not FS-CIFAR100"
    header = [title, *([f"stored in {table['path']}"] if "path" in table else [])]
    lines = [*header, f"{'setting':<8} {'alg':<8}" + "".join(f"{c:>24}" for c in CELLS)]
    for row in table["rows"]:
        text = f"{row['setting']:<8} {row['algorithm']:<8}"
        for cell in CELLS:
            entry = row["cells"][cell]
            measured = (
                "—" if entry["mean"] is None else f"{entry['mean']:.1f}±{entry['half_width']:.1f}"
            )
            paper = entry["paper"]
            text += f"{measured + (f' ({paper[0]:.1f}±{paper[1]:.1f})' if paper else ''):>24}"
        lines.append(text)
    lines.append("measured mean ± 95% half-width over seeds (paper's Table 4/5 value in brackets)")
    missing = table.get("missing_runs") or []
    if missing:
        seeds = sorted({s for row in table["rows"] for s in row["seeds"]})
        lines.append(
            f"INCOMPLETE: {len(missing)} of {table['planned_runs']} planned runs missing "
            f"({', '.join(missing[:6])}{', ...' if len(missing) > 6 else ''}); "
            f"rows average the seeds done ({', '.join(map(str, seeds)) or 'none'})"
        )
    return "\n".join(lines)
