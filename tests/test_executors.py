"""Runs as jobs: the local executor and a real SLURM cluster give the inline run's results.

The SLURM tests need the single-node cluster of ``.ci/slurm up`` (``.ci/run`` starts it).
Outside CI they skip when no cluster answers; inside CI (``CI=true``) they fail instead.
One job is preempted mid-run (USR2, as SLURM sends before a time limit): it requeues
itself, resumes from its checkpoint and ends with the inline result.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("submitit")

from maml_landscape.cli import main  # noqa: E402
from tests.helpers_deep import make_omniglot  # noqa: E402

pytestmark = [pytest.mark.deep, pytest.mark.usefixtures("one_torch_thread")]
NARROW = ("--settings", "small", "--algorithms", "maml,nal-1", "--seeds", "0")


def _cluster_up() -> str | None:
    """Why no SLURM cluster can be used, or None when one answers."""
    if shutil.which("sinfo") is None:
        return "SLURM is not installed (run: bash .ci/slurm up)"
    done = subprocess.run(["sinfo", "-h", "-o", "%T"], capture_output=True, text=True, check=False)
    if done.returncode != 0 or not any(s in done.stdout for s in ("idle", "mixed", "allocated")):
        return f"no SLURM node answers (run: bash .ci/slurm up): {done.stderr.strip()[:100]}"
    return None


@pytest.fixture(scope="module")
def slurm():
    reason = _cluster_up()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the SLURM tests: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return make_omniglot(tmp_path_factory.mktemp("omniglot"))


def _argv(data: Path, out: Path, *extra: str) -> list[str]:
    return ["deep", "run", "omniglot", "--profile", "smoke", "--data-dir", str(data),
            "--cache-dir", str(out.parent / "cache"), "--out-dir", str(out), "--threads", "1",
            "--quiet", *NARROW, *extra]


def _runs(out: Path) -> dict[str, dict]:
    """Run name -> the parts of its JSON that training decides (no timing, no provenance)."""
    found = {}
    for path in (out / "deep" / "runs").rglob("*.json"):
        run = json.loads(path.read_text())
        training = {k: v for k, v in run["training"].items() if k != "seconds"}
        milestones = {b: m["per_task"] for b, m in run["milestones"].items()}
        found[run["name"]] = {"training": training, "per_task": run["per_task"],
                              "curve": run["learning_curve"], "milestones": milestones}
    return found


@pytest.fixture(scope="module")
def inline(data, tmp_path_factory):
    out = tmp_path_factory.mktemp("inline") / "out"
    assert main(_argv(data, out)) == 0
    return _runs(out)


def test_local_executor_gives_the_inline_runs(data, inline, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(_argv(data, out, "--executor", "local", "--jobs", "2")) == 0
    assert _runs(out) == inline
    records = list((out / "deep" / "jobs").rglob("*-*.json"))
    assert len(records) == 2 and all(json.loads(r.read_text())["executor"] == "local" for r in records)
    assert main(["deep", "status", *_argv(data, out)[2:]]) == 0
    assert "2/2 runs done" in capsys.readouterr().out


def test_slurm_array_gives_the_inline_runs(slurm, data, inline, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(_argv(data, out, "--executor", "slurm", "--wait", "--time", "10")) == 0
    assert _runs(out) == inline
    records = [json.loads(r.read_text()) for r in (out / "deep" / "jobs").rglob("*-*.json")]
    assert {r["executor"] for r in records} == {"slurm"} and all("_" in r["job_id"] for r in records)
    before = {r: r.read_text() for r in (out / "deep" / "jobs").rglob("*-*.json")}
    assert main(_argv(data, out, "--executor", "slurm")) == 0  # all done: nothing is resubmitted
    assert {r: r.read_text() for r in (out / "deep" / "jobs").rglob("*-*.json")} == before


def _wait(predicate, timeout_s: float, what: str):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    pytest.fail(f"timed out after {timeout_s:.0f} s waiting for {what}")


def _checkpoint_iteration(out: Path) -> int:
    import torch

    best = 0
    for path in (out / "deep" / "checkpoints").glob("*.pt"):
        if "-at" in path.name:
            continue
        try:
            best = max(best, int(torch.load(path, weights_only=True)["iteration"]))
        except Exception:  # being written
            continue
    return best


def test_preempted_slurm_job_requeues_resumes_and_matches_inline(slurm, data, tmp_path, capsys):
    long = ("--iterations", "40", "--checkpoint-every", "2", "--algorithms", "maml")
    inline_out = tmp_path / "inline"
    assert main(_argv(data, inline_out, *long)) == 0
    out = tmp_path / "slurm"
    assert main(_argv(data, out, *long, "--executor", "slurm", "--time", "10")) == 0
    (record_path,) = (out / "deep" / "jobs").rglob("*-*.json")
    record = json.loads(record_path.read_text())
    job = record["job_id"]
    _wait(lambda: _checkpoint_iteration(out) >= 4, 120, "the job's first checkpoints")
    status = ["deep", "status", *_argv(data, out, *long)[2:]]
    capsys.readouterr()
    assert main(status) == 0  # states come from squeue: no accounting database needed
    assert f"running (slurm job {job}; checkpoint" in capsys.readouterr().out
    subprocess.run(["scancel", "--signal", "USR2", job], check=True)  # SLURM's pre-time-limit signal
    _wait(lambda: "Restarts=1" in _scontrol(job), 60, "the requeue")
    _wait(lambda: "JobState=PENDING" in _scontrol(job), 20, "the requeued job to wait (BeginTime)")
    assert main(status) == 0 and f"queued (slurm job {job})" in capsys.readouterr().out
    # SLURM holds a requeued job ~2 min (BeginTime) so that its new credential postdates the
    # revoked one; the test shortens the hold, but only once the killed instance has left the
    # node and a few seconds have passed (a release within the same second is refused by
    # slurmd as "Job credential revoked" and the job ends; seen under load in CI).
    _wait(lambda: _node_idle(), 60, "the killed instance to leave the node")
    time.sleep(3)

    def resumed() -> bool:
        if "JobState=PENDING" in _scontrol(job):
            subprocess.run(["scontrol", "update", f"jobid={job}", "StartTime=now"], check=False)
        return main(status) == 0 and "1/1 runs done" in capsys.readouterr().out

    _wait(resumed, 180, "the resumed job")
    assert "Restarts=1" in _scontrol(job)
    log = Path(record["stdout"]).read_text()
    assert "resuming omniglot-small-maml-seed0 from iteration" in log, log[-2000:]
    assert _runs(out) == _runs(inline_out)


def _node_idle() -> bool:
    states = subprocess.run(["sinfo", "-h", "-o", "%T"], capture_output=True, text=True, check=False).stdout
    return states.split() == ["idle"]


def _scontrol(job: str) -> str:
    return subprocess.run(["scontrol", "show", "job", job], capture_output=True, text=True,
                          check=False).stdout


def test_executor_options_that_do_not_apply_are_refused(data, tmp_path, capsys):
    assert main(_argv(data, tmp_path / "out", "--partition", "gpu")) == 2
    assert "--partition apply to --executor slurm only" in capsys.readouterr().err
    assert main(_argv(data, tmp_path / "out", "--jobs", "3")) == 2
    assert "--jobs applies to --executor local only" in capsys.readouterr().err
    assert main(_argv(data, tmp_path / "out", "--executor", "slurm", "--slurm-extra", "qos")) == 2
    assert "--slurm-extra takes KEY=VALUE" in capsys.readouterr().err


def test_a_failed_job_is_one_line_with_its_log_and_status_says_failed(data, tmp_path, capsys):
    out = tmp_path / "out"
    argv = _argv(data, out, "--algorithms", "maml", "--inner-lr", "1e30", "--executor", "local")
    assert main(argv) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and "job failed: omniglot-small-maml-seed0" in err[0]
    assert "diverged at iteration 1" in err[0] and "_log.err)" in err[0]
    log = err[0].rsplit("(log: ", 1)[1].rstrip(")")
    assert Path(log).exists()
    assert main(["deep", "status", *_argv(data, out, "--algorithms", "maml", "--inner-lr", "1e30")[2:]]) == 0
    assert "failed: omniglot-small-maml-seed0 diverged" in capsys.readouterr().out
