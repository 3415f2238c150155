"""The state of every planned run: done, failed, running or queued as a job, resumable, to do."""

from __future__ import annotations

import json
from pathlib import Path

from maml_landscape.deep.checkpoints import checkpoint_path, checkpoint_state
from maml_landscape.deep.config import Profile, config_hash
from maml_landscape.deep.errors import CheckpointError
from maml_landscape.deep.executors import describe_job, job_states
from maml_landscape.deep.plans import PlanOptions
from maml_landscape.deep.results import failure_path
from maml_landscape.deep.runner import Paths, load_plan, load_run, result_path
from maml_landscape.validate import printable


def status(
    experiment: str, profile: Profile, options: PlanOptions, paths: Paths
) -> list[tuple[str, str]]:
    """(run name, state) for every planned run.

    States: ``done``; ``failed: <why> (<marker file>)`` (diverged); ``queued (<job>)``,
    ``running (<job>; checkpoint k/N)`` or ``failed (<job>): <error line> (log: <path>)``
    for a submitted job; ``checkpoint k/N (resumes)``; ``bad checkpoint: <why and how to
    restart>``; ``to do``.
    """
    _, plan = load_plan(experiment, profile, options, paths)
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
                load_run(path, digest)
                states.append((config.name, "done"))
            except CheckpointError as error:
                states.append((config.name, f"bad result: {error}"))
        elif failure_path(path).exists():
            states.append((config.name, f"failed: {_failure(failure_path(path))}"))
        elif record is not None:
            states.append((config.name, describe_job(job, record, resumes)))
        elif checkpoint.exists():
            states.append((config.name, resumes))
        else:
            states.append((config.name, "to do"))
    return states


def _failure(path: Path) -> str:
    try:
        error = json.loads(path.read_text(encoding="utf-8"))["error"]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        error = "unreadable failure record"
    return f"{error} ({printable(path)})"
