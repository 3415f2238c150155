"""The state of every planned run: done, failed, running or queued as a job, resumable, to do.

With the data set every planned run's config hash is known, and its run JSON, failure
marker, job and checkpoint are looked up by it. Without the data only the stored results
are read (:mod:`records`): a checkout ships the tables, not the run JSONs.
"""

from __future__ import annotations

import json
from pathlib import Path

from maml_landscape.deep.backfill import missing_milestones
from maml_landscape.deep.checkpoints import checkpoint_path, checkpoint_state
from maml_landscape.deep.config import Profile, config_hash
from maml_landscape.deep.errors import CheckpointError
from maml_landscape.deep.executors import describe_job, job_states
from maml_landscape.deep.plans import PlanOptions
from maml_landscape.deep.records import data_free_plan, recorded_runs, recorded_state
from maml_landscape.deep.results import failure_path
from maml_landscape.deep.runner import Paths, load_plan, load_run, result_path
from maml_landscape.validate import printable

NOT_STORED = "not in the stored results (give --data-dir to see checkpoints, jobs and failures)"


def status(
    experiment: str, profile: Profile, options: PlanOptions, paths: Paths
) -> list[tuple[str, str]]:
    """(run name, state) for every planned run.

    States: ``done``; ``failed: <why> (<marker file>)`` (diverged); ``queued (<job>)``,
    ``running (<job>; checkpoint k/N)`` or ``failed (<job>): <error line> (log: <path>)``
    for a submitted job; ``checkpoint k/N (resumes)``; ``bad checkpoint: <why and how to
    restart>``; ``to do``. A run whose JSON is gone but which a stored table records is
    ``done (recorded in <table>; ...)``; a run without a milestone evaluation its profile
    asks for is ``done (no evaluation at milestone ...)`` (the inline ``deep run`` replays it). Without the data (``paths.data_dir`` None):
    ``done`` as recorded, else :data:`NOT_STORED`.
    """
    if paths.data_dir is None:
        recorded = recorded_runs(experiment, profile, options, paths.results_dir)
        return [
            (c.name, recorded_state(recorded[c.name]) if c.name in recorded else NOT_STORED)
            for c in data_free_plan(experiment, profile, options)
        ]
    pools, plan = load_plan(experiment, profile, options, paths)
    alphabets = pools.train.group_names
    recorded = recorded_runs(experiment, profile, options, paths.results_dir, alphabets)
    jobs = job_states(plan, paths, profile.name)
    states = []
    for config in plan:
        digest = config_hash(config)
        path = result_path(paths, profile, config)
        checkpoint = checkpoint_path(paths.checkpoint_dir, digest)
        resumes = (
            checkpoint_state(checkpoint, digest, config.iterations)
            if checkpoint.exists()
            else "no checkpoint yet"
        )
        job, record = jobs[config.name]
        if path.exists():
            try:
                missing = missing_milestones(config, load_run(path, digest))
                states.append((config.name, "done" if not missing else
                               f"done (no evaluation at milestone {', '.join(map(str, missing))}: "
                               "'deep run' replays it)"))
            except CheckpointError as error:
                states.append((config.name, f"bad result: {error}"))
        elif config.name in recorded:
            states.append((config.name, recorded_state(recorded[config.name])))
        elif failure_path(path).exists():
            states.append((config.name, f"failed: {_failure(failure_path(path))}"))
        elif record is not None:
            states.append((config.name, describe_job(job, record, resumes)))
        elif checkpoint.exists():
            states.append((config.name, resumes))
        else:
            states.append((config.name, "to do"))
    return states


def is_done(state: str) -> bool:
    """Whether a :func:`status` state says the run is done (its JSON here, or recorded in a table)."""
    return state == "done" or state.startswith("done (")


def _failure(path: Path) -> str:
    try:
        error = json.loads(path.read_text(encoding="utf-8"))["error"]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        error = "unreadable failure record"
    return f"{error} ({printable(path)})"
