"""Where the runs of an experiment execute: this process, local subprocesses, or SLURM jobs.

``inline`` trains the planned runs one after another in this process (the default).
``local`` and ``slurm`` hand each planned run to submitit, one job per (setting,
algorithm, seed): a local subprocess (``--jobs`` at once) or a SLURM job, submitted
together as a job array. A job runs :func:`runner.train_and_store` (the inline code
path), so its run JSON is the inline one: bit for bit at one torch thread and the same
``--workers``; other thread counts change float32 rounding only.

Preemption and time limits: submitit asks SLURM to send USR2 before a job's time
limit; the job (:class:`RunJob`, a submitit ``Checkpointable``) requeues itself and
the requeued job resumes from the run's last checkpoint, losing at most
``checkpoint_every`` iterations.

Each submission is recorded beside the results (``jobs/.../<run>-<hash>.json``: job
id, log paths), so ``deep status`` tells done / running / queued / failed with the log,
and ``deep run`` again submits only what is neither done nor alive. Job states are read
with ``squeue`` (SLURM) or the process table (local), not with ``sacct``, so no
accounting database is needed.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from maml_landscape.deep.checkpoints import checkpoint_path, read_checkpoint
from maml_landscape.deep.config import Profile, RunConfig, config_hash
from maml_landscape.deep.errors import InputError
from maml_landscape.deep.plans import PlanOptions
from maml_landscape.deep.results import write_json
from maml_landscape.deep.runner import Paths, load_plan, result_path, stored_run, write_tables
from maml_landscape.validate import printable

EXECUTORS = ("inline", "local", "slurm")
#: SLURM job states in which a job will still run (or is running).
ALIVE_STATES = {"PENDING", "RUNNING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "CONFIGURING",
                "COMPLETING", "RESIZING", "SUSPENDED", "STAGE_OUT", "SIGNALING", "PREEMPTED"}
QUEUED_STATES = {"PENDING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "CONFIGURING"}


class ExecutorError(InputError):
    """submitit is missing, or the scheduler refused or cannot be reached."""


@dataclass(frozen=True)
class Cluster:
    """How and where jobs run (``deep run --executor local|slurm``)."""

    executor: str = "inline"
    jobs: int = 1
    partition: str | None = None
    time_min: int = 24 * 60
    cpus_per_task: int = 1
    gpus_per_task: int = 0
    mem_gb: float | None = None
    account: str | None = None
    extra: tuple[tuple[str, str], ...] = ()
    wait: bool = False
    threads: int | None = None
    poll_s: float = 2.0


@dataclass
class RunJob:
    """One planned run as a submitit job; requeued on preemption (``Checkpointable``)."""

    config: RunConfig
    paths: Paths
    profile: str
    threads: int | None
    allow_code_change: bool
    verify_checksum: bool

    def __call__(self) -> str:
        import torch

        from maml_landscape.deep.data import load_pools
        from maml_landscape.deep.runner import train_and_store
        from maml_landscape.deep.runtime import keep_freed_memory

        keep_freed_memory()
        torch.set_num_threads(self.threads or int(os.environ.get("SLURM_CPUS_PER_TASK", "1")))
        checkpoint = checkpoint_path(self.paths.checkpoint_dir, config_hash(self.config))
        if checkpoint.exists():
            done = read_checkpoint(checkpoint)["iteration"]
            print(f"resuming {self.config.name} from iteration {done} of {self.config.iterations}",
                  flush=True)
        pools = load_pools(self.config.experiment, self.paths.data_dir, self.paths.cache_dir,
                           self.config.split_seed, self.verify_checksum)
        train_and_store(self.config, pools, self.paths, self.profile,
                        allow_code_change=self.allow_code_change)
        print(f"finished {self.config.name}", flush=True)
        return str(result_path(self.paths, self.profile, self.config))

    def checkpoint(self, *args: Any, **kwargs: Any):
        """Called by submitit on preemption/time-out: requeue this job unchanged (it resumes)."""
        import submitit

        return submitit.helpers.DelayedSubmission(self, *args, **kwargs)


def _submitit():
    try:
        import submitit
    except ImportError:
        raise ExecutorError(
            "the local and slurm executors need submitit: pip install -c constraints.txt -e '.[deep]'"
        ) from None
    return submitit


def job_record_path(paths: Paths, profile: str, config: RunConfig) -> Path:
    return (paths.results_dir / "jobs" / config.experiment / profile
            / f"{config.name}-{config_hash(config)}.json")


def _read_record(path: Path) -> dict[str, Any] | None:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return record if isinstance(record, dict) and "job_id" in record else None


def slurm_states(job_ids: list[str]) -> dict[str, str]:
    """State of each job id that squeue still knows (array tasks one per line)."""
    if not job_ids or shutil.which("squeue") is None:
        return {}
    try:
        done = subprocess.run(["squeue", "-h", "-r", "-t", "all", "-o", "%i %T"],
                              capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return {}
    states = dict(line.split()[:2] for line in done.stdout.splitlines() if len(line.split()) >= 2)
    return {job: states[job] for job in job_ids if job in states}


def _pid_alive(job_id: str) -> bool:
    """Whether a local job's process runs (a finished child not yet reaped counts as ended)."""
    try:
        stat = Path(f"/proc/{int(job_id)}/stat").read_text()
    except (ValueError, OSError):
        return False
    return stat.rsplit(")", 1)[-1].split()[0] not in ("Z", "X")


def job_state(record: dict[str, Any], slurm: dict[str, str]) -> str:
    """``queued``, ``running`` or ``ended`` for a recorded job."""
    if record["executor"] == "slurm":
        state = slurm.get(record["job_id"], "ENDED")
        if state in QUEUED_STATES:
            return "queued"
        return "running" if state in ALIVE_STATES else "ended"
    return "running" if _pid_alive(record["job_id"]) else "ended"


_ERROR_LINE = re.compile(r"^\s*([A-Za-z_.]*(Error|Exception|Interrupted|Diverged)\b.*)$")


def last_error(log: str | None) -> str:
    """The last error line of a job's log (or its last line), for a one-line report."""
    try:
        lines = [line for line in Path(log or "").read_text(errors="replace").splitlines() if line.strip()]
    except OSError:
        return "no log"
    errors = [m.group(1) for line in lines if (m := _ERROR_LINE.match(line))]
    return (errors or lines or ["empty log"])[-1].strip()[:200]


def job_states(
    plan: list[RunConfig], paths: Paths, profile: str
) -> dict[str, tuple[str, dict[str, Any] | None]]:
    """For each run name: (``queued``/``running``/``ended``/``none``, its job record)."""
    records = {c.name: _read_record(job_record_path(paths, profile, c)) for c in plan}
    slurm = slurm_states([r["job_id"] for r in records.values() if r and r["executor"] == "slurm"])
    return {name: ((job_state(r, slurm), r) if r else ("none", None)) for name, r in records.items()}


def describe_job(state: str, record: dict[str, Any], checkpoint: str) -> str:
    """The ``deep status`` phrase of a run with a recorded job that is not done."""
    job = f"{record['executor']} job {record['job_id']}"
    if state == "queued":
        return f"queued ({job})"
    if state == "running":
        return f"running ({job}; {checkpoint})"
    return f"failed ({job}): {last_error(record.get('stderr'))} (log: {record.get('stderr')})"


def _executor(cluster: Cluster, folder: Path):
    submitit = _submitit()
    if cluster.executor == "local":
        executor = submitit.LocalExecutor(folder=str(folder / "%j"))
        executor.update_parameters(timeout_min=cluster.time_min)
        return executor
    if shutil.which("sbatch") is None:
        raise ExecutorError("--executor slurm needs SLURM's sbatch on PATH (run on a login node)")
    executor = submitit.SlurmExecutor(folder=str(folder / "%j"))
    extra = dict(cluster.extra)
    executor.update_parameters(
        time=cluster.time_min,
        cpus_per_task=cluster.cpus_per_task,
        job_name="maml-landscape",
        **({"partition": cluster.partition} if cluster.partition else {}),
        **({"gpus_per_task": cluster.gpus_per_task} if cluster.gpus_per_task else {}),
        **({"mem": f"{int(cluster.mem_gb * 1024)}M"} if cluster.mem_gb else {}),
        **({"account": cluster.account} if cluster.account else {}),
        **({"additional_parameters": extra} if extra else {}),
    )
    return executor


def _record(job, cluster: Cluster, config: RunConfig, path: Path) -> dict[str, Any]:
    record = {
        "executor": cluster.executor,
        "job_id": str(job.job_id),
        "run": config.name,
        "config_hash": config_hash(config),
        "stdout": str(job.paths.stdout),
        "stderr": str(job.paths.stderr),
        "submitted": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }
    write_json(path, record)
    return record


def submit_experiment(
    experiment: str,
    profile: Profile,
    options: PlanOptions,
    paths: Paths,
    cluster: Cluster,
    verify_checksum: bool = True,
    allow_code_change: bool = False,
    say=print,
) -> dict[str, Any] | None:
    """Submit every planned run that is neither done nor alive; with ``wait``, wait and tabulate.

    Returns the full-budget table when the jobs were waited for, else None.
    """
    pools, plan = load_plan(experiment, profile, options, paths, verify_checksum)
    states = job_states(plan, paths, profile.name)
    todo = [
        c for c in plan
        if stored_run(paths, profile, c) is None
        and states[c.name][0] not in ("queued", "running")
    ]
    alive = sum(states[c.name][0] in ("queued", "running") for c in plan)
    folder = paths.results_dir / "jobs" / "logs"
    jobs = []
    if todo:
        executor = _executor(cluster, folder)
        made = [RunJob(c, paths, profile.name, cluster.threads, allow_code_change, verify_checksum)
                for c in todo]
        if cluster.executor == "slurm":
            jobs = _submit_array(executor, made)
        else:
            jobs = _submit_local(executor, made, cluster, say)
        for job, config in zip(jobs, todo):
            _record(job, cluster, config, job_record_path(paths, profile.name, config))
    say(f"submitted {len(todo)} {cluster.executor} job(s); {alive} still alive from before; "
        f"{len(plan) - len(todo) - alive} done")
    if not (cluster.wait or cluster.executor == "local"):
        say(f"follow them with: maml-landscape deep status {experiment} --profile {profile.name} "
            f"... (same options); then 'maml-landscape deep table {experiment} ...'")
        return None
    for job in jobs if cluster.executor == "local" else ():
        job.wait()  # reaps the subprocess (a zombie would look alive)
    wait_for(plan, paths, profile.name, cluster, say)
    return write_tables(experiment, profile, options, paths, pools, plan)


def _submit_array(executor, made: list[RunJob]) -> list:
    try:
        with executor.batch():
            jobs = [executor.submit(job) for job in made]
    except Exception as error:  # submitit wraps sbatch's refusal in several types
        raise ExecutorError(f"SLURM refused the submission: {' '.join(str(error).split())[:300]}") from None
    return jobs


def _submit_local(executor, made: list[RunJob], cluster: Cluster, say) -> list:
    """Start the local jobs, at most ``cluster.jobs`` at once (this process waits its turn)."""
    jobs: list = []
    for job in made:
        while sum(not j.done() for j in jobs) >= cluster.jobs:
            time.sleep(cluster.poll_s)
        jobs.append(executor.submit(job))
        say(f"started local job {jobs[-1].job_id}: {job.config.name}")
    return jobs


def wait_for(plan: list[RunConfig], paths: Paths, profile: str, cluster: Cluster, say) -> None:
    """Wait until no job of ``plan`` is queued or running; say what changed."""
    last = None
    while True:
        states = job_states(plan, paths, profile)
        counts = {s: sum(v[0] == s for v in states.values()) for s in ("queued", "running")}
        if counts != last:
            say(f"jobs: {counts['running']} running, {counts['queued']} queued")
            last = counts
        if not counts["queued"] and not counts["running"]:
            return
        time.sleep(cluster.poll_s)


def failed_jobs(plan: list[RunConfig], paths: Paths, profile: str) -> list[str]:
    """One line per run whose job ended without a result: name, error line, log path."""
    lines = []
    for config in plan:
        state, record = job_states([config], paths, profile)[config.name]
        done = stored_run(paths, profile, config) is not None
        if record is not None and state == "ended" and not done:
            lines.append(f"{config.name}: {last_error(record.get('stderr'))} "
                         f"(log: {printable(record.get('stderr') or '')})")
    return lines


__all__ = ["Cluster", "EXECUTORS", "RunJob", "describe_job", "failed_jobs", "job_states",
           "submit_experiment"]
