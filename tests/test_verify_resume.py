"""``verify`` as a long job: finished claims kept as it goes, ``--resume``, ETA, deep results, summary.

A killed run is a subprocess that SIGKILLs itself inside a check (fake fast checks, as
in tests/test_report_set.py): the production code has no test hooks.
"""

from __future__ import annotations

import io
import json
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from maml_landscape.cli import main
from maml_landscape.progress import Progress
from maml_landscape.report.stored import expected_runtimes, peek_ledger, stored_ids
from maml_landscape.report.write import REPORT_SET, load_ledger, report_set_generations
from maml_landscape.verdicts import Outcome, Verdict
from maml_landscape.verify_run import deep_results_dir
from tests.helpers_ledger import temporary_checks

ROOT = Path(__file__).resolve().parents[1]
CLAIMS = ["S2.F", "S2.E", "S2.NAL", "S2.MAML"]

KILLED = """
    import os, signal, sys
    from maml_landscape.cli import main
    from maml_landscape.verdicts import Outcome, Verdict
    from tests.helpers_ledger import temporary_checks

    out, claims = sys.argv[1], sys.argv[2].split(",")
    def holds(ctx):
        return Outcome(Verdict.HOLDS, "kept")

    def dies(ctx):
        os.kill(os.getpid(), signal.SIGKILL)

    checks = {c: [holds] for c in claims[:2]} | {claims[2]: [dies]}
    argv = ["verify", "--out", out, "--no-progress"] + [a for c in claims for a in ("--claim", c)]
    with temporary_checks(checks):
        main(argv)
"""


def test_a_killed_verify_keeps_its_finished_claims_and_resume_runs_only_the_rest(tmp_path, capsys):
    killed = subprocess.run([sys.executable, "-c", textwrap.dedent(KILLED), str(tmp_path), ",".join(CLAIMS)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert [c["id"] for c in load_ledger(tmp_path)["claims"]] == CLAIMS[:2]
    generations = report_set_generations(tmp_path)
    assert set(generations) == set(REPORT_SET) and len(set(generations.values())) == 1

    ran: list[str] = []

    def counted(claim):
        def check(ctx):
            ran.append(claim)
            return Outcome(Verdict.HOLDS, "resumed")

        check.__name__ = f"counted_{claim}"  # a check's name is its identity within one run
        return check

    argv = ["verify", "--resume", "--out", str(tmp_path), "--no-progress"] + [a for c in CLAIMS for a in ("--claim", c)]
    with temporary_checks({c: [counted(c)] for c in CLAIMS}):
        assert main(argv) == 0
        assert ran == CLAIMS[2:]
        assert "--resume: kept 2 claim(s) already stored for profile quick, seed 20240601; ran 2" in capsys.readouterr().out
        assert main([*argv, "--seed", "7"]) == 0  # another seed: nothing stored for it
    assert ran == CLAIMS[2:] + CLAIMS
    summaries = {(c["id"], c["seed"]): c["summary"] for c in load_ledger(tmp_path)["claims"]}
    assert summaries == {(c, 7): "resumed" for c in CLAIMS}


def test_stored_ids_and_expected_runtimes():
    ledger = {"claims": [{"id": "A", "profile": "quick", "seed": 1, "runtime_s": 2.0},
                         {"id": "B", "profile": "quick", "seed": 2, "runtime_s": 4.0},
                         {"id": "C", "profile": "paper", "seed": 1, "runtime_s": 100.0}]}
    assert stored_ids(ledger, "quick", 1) == {"A"} and stored_ids(None, "quick", 1) == set()
    assert expected_runtimes(ledger, ["B", "A", "D"], "quick") == [4.0, 2.0, 3.0]  # D: the mean
    assert expected_runtimes(ledger, ["A"], "cpu") is None and expected_runtimes(None, ["A"], "quick") is None


def test_peek_ledger_never_raises(tmp_path):
    assert peek_ledger(tmp_path) is None
    (tmp_path / "claims.json").write_text("{broken")
    assert peek_ledger(tmp_path) is None
    assert peek_ledger(ROOT / "reports")["claims"]


def test_eta_comes_from_the_stored_runtimes():
    progress = Progress("verify", 4, start=0, stream=io.StringIO(), costs=[1.0, 1.0, 30.0, 8.0])
    progress.update(2)
    assert progress.eta(elapsed=2.5, per_step=1.25) == 38.0  # too little done to judge the pace: as stored
    progress.update(3)
    assert progress.eta(elapsed=64.0, per_step=21.3) == 16.0  # this run is twice as slow as the stored one
    assert Progress("x", 4, start=0, stream=io.StringIO()).eta(elapsed=4.0, per_step=2.0) == 8.0  # no costs


def _table(folder: Path) -> None:
    folder.mkdir(parents=True)
    (folder / "omniglot-cpu.json").write_text("{}")


def test_deep_results_are_read_from_the_default_folder_when_out_has_none(tmp_path):
    default, out = tmp_path / "reports", tmp_path / "elsewhere"
    assert deep_results_dir(out, default) is None  # neither has results: the checks' own default
    _table(default / "deep")
    assert deep_results_dir(out, default) == default / "deep"
    _table(out / "deep")
    assert deep_results_dir(out, default) is None  # out's own results win


def test_verify_out_elsewhere_decides_the_deep_claims_from_reports_deep(tmp_path, capsys, monkeypatch):
    stored = json.loads((ROOT / "reports" / "claims.json").read_text())
    expected = next(c for c in stored["claims"] if c["id"] == "S5.OMNI")
    monkeypatch.chdir(ROOT)  # reports/ is relative to where verify runs
    assert main(["verify", "--claim", "S5.OMNI", "--out", str(tmp_path), "--no-progress"]) == 0
    assert "reading stored deep results from reports/deep" in capsys.readouterr().err
    (claim,) = load_ledger(tmp_path)["claims"]
    assert (claim["verdict"], claim["summary"]) == (expected["verdict"], expected["summary"])
    assert "results under" not in claim["summary"]  # decided on the stored tables, not missing them


def test_verify_ends_with_a_short_summary(tmp_path, capsys):
    def fails(ctx):
        return Outcome(Verdict.FAILS, "counterexample at $x = 1$")

    def holds(ctx):
        return Outcome(Verdict.HOLDS, "fine")

    with temporary_checks({"S2.F": [fails], "S2.E": [holds]}):
        assert main(["verify", "--claim", "S2.F", "--claim", "S2.E", "--out", str(tmp_path), "--no-progress"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "short claim summary" in out[0]
    assert out[1] == "FAILS S2.F - counterexample at x = 1"
    assert "2 claim(s): 1 holds, 1 fails in" in out[2] and out[-1].startswith("wrote ")
