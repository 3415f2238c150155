"""The report set: one generation in all three files, concurrent partial runs, killed writers.

Subprocesses run small ``python -c`` scripts that monkeypatch what they need (fake fast
checks, a barrier before the ledger lock, an ``os.replace`` that SIGKILLs its own
process): the production code has no test hooks.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from maml_landscape.atomic import (
    JOURNAL_NAME,
    TMP_PREFIX,
    remove_stale_temps,
    write_atomically,
    write_text_atomically,
)
from maml_landscape.cli import main
from maml_landscape.report.write import (
    REPORT_SET,
    load_ledger,
    merge,
    readme_summary,
    report_set_generations,
)
from maml_landscape.verdicts import Outcome, Verdict
from tests.helpers_ledger import temporary_checks

ROOT = Path(__file__).resolve().parents[1]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _holds(ctx):
    return Outcome(Verdict.HOLDS, "fake")


def _python(script: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False,
    )


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(TMP_PREFIX) or p.name == JOURNAL_NAME)


# ------------------------------------------------------------------ generation, modes

def test_the_three_files_carry_one_generation_with_mode_from_umask(tmp_path):
    with temporary_checks({"S2.F": [_holds]}):
        assert main(["verify", "--claim", "S2.F", "--out", str(tmp_path), "--no-progress"]) == 0
    first = report_set_generations(tmp_path)
    assert set(first) == set(REPORT_SET) and len(set(first.values())) == 1 and None not in first.values()
    assert (tmp_path / "report.tex").read_text().startswith("\\documentclass")
    with temporary_checks({"S2.E": [_holds]}):
        assert main(["verify", "--claim", "S2.E", "--out", str(tmp_path), "--no-progress"]) == 0
    second = report_set_generations(tmp_path)
    assert len(set(second.values())) == 1 and set(second.values()) != set(first.values())
    assert load_ledger(tmp_path)["generation"] == second["claims.json"]
    for name in REPORT_SET:
        assert _mode(tmp_path / name) == 0o666 & ~_umask()
    assert _leftovers(tmp_path) == []


def test_atomic_writes_remove_their_temp_on_failure_and_keep_the_old_file(tmp_path):
    target = tmp_path / "f.txt"
    write_text_atomically(target, "old")

    def fails(tmp):
        tmp.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomically(target, fails)
    assert target.read_text() == "old" and _leftovers(tmp_path) == []


def test_deep_cache_writes_through_the_one_atomic_writer(tmp_path):
    from maml_landscape.atomic import write_bytes_atomically

    target = tmp_path / "sub" / "a.bin"
    write_bytes_atomically(target, lambda f: f.write(b"abc"))
    assert target.read_bytes() == b"abc" and _mode(target) == 0o666 & ~_umask()
    with pytest.raises(ValueError):
        write_bytes_atomically(target, lambda f: (f.write(b"x"), int("not a number")))
    assert target.read_bytes() == b"abc" and _leftovers(target.parent) == []


def test_only_stale_temps_of_dead_writers_are_removed(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead_pid = int(dead.stdout)
    stale = tmp_path / f"{TMP_PREFIX}{dead_pid}-0123abcd.claims.md.tmp"
    live = tmp_path / f"{TMP_PREFIX}{os.getppid()}-0123abcd.claims.md.tmp"  # a running writer's
    foreign = tmp_path / "notes.tmp"
    journaled = tmp_path / f"{TMP_PREFIX}{dead_pid}-89abcdef.claims.json.tmp"
    old_style = tmp_path / f"{TMP_PREFIX}claims.json.x1y2z3.json"  # an earlier version's name, no pid
    fresh_old_style = tmp_path / f"{TMP_PREFIX}report.tex.a1b2c3.tex"
    for path in (stale, live, foreign, journaled, old_style, fresh_old_style):
        path.write_text("x")
    os.utime(old_style, (1_000_000_000, 1_000_000_000))  # written before this process started
    (tmp_path / JOURNAL_NAME).write_text(json.dumps({"renames": [[journaled.name, "claims.json"]]}))
    assert sorted(remove_stale_temps(tmp_path)) == sorted([stale, old_style])
    assert live.exists() and foreign.exists() and journaled.exists() and fresh_old_style.exists()


# ------------------------------------------------------------------ per-claim seeds

def test_each_claim_keeps_its_own_seed_and_the_headers_say_mixed(tmp_path):
    out = str(tmp_path / "out")
    readme = tmp_path / "README.md"
    from maml_landscape.report.write import README_END, README_START

    readme.write_text(f"{README_START}\n{README_END}\n")
    with temporary_checks({"S2.F": [_holds], "S2.E": [_holds]}):
        assert main(["verify", "--claim", "S2.F", "--out", out, "--no-progress"]) == 0
        assert main(["verify", "--claim", "S2.E", "--seed", "5", "--out", out, "--no-progress",
                     "--readme", str(readme)]) == 0
    ledger = load_ledger(out)
    assert {c["id"]: c["seed"] for c in ledger["claims"]} == {"S2.F": 20240601, "S2.E": 5}
    prov = ledger["provenance"]
    assert prov["run_seed"] == 5 and prov["seeds"] == [5, 20240601] and prov["profiles"] == ["quick"]
    assert "seed" not in prov and "profile" not in prov
    assert "(profile `quick`, seed mixed: 5, 20240601)" in readme.read_text()
    md = (tmp_path / "out" / "claims.md").read_text()
    assert "profile `quick`, seed mixed: 5, 20240601" in md and "· seed 5 ·" in md and "· seed 20240601 ·" in md
    assert "seed mixed: 5, 20240601" in (tmp_path / "out" / "report.tex").read_text()


def test_an_old_ledger_without_claim_seeds_keeps_its_provenance_seed(tmp_path):
    old_claim = {"id": "S2.E", "title": "t", "location": "l", "kind": "k", "statement": "s", "verdict": "holds",
                 "summary": "ok", "correction": None, "runtime_s": 0.0, "profile": "quick", "checks": []}
    (tmp_path / "claims.json").write_text(json.dumps(
        {"provenance": {"profile": "quick", "seed": 7}, "claims": [old_claim]}))
    previous = load_ledger(tmp_path)
    assert previous["claims"][0]["seed"] == 7
    new = {**old_claim, "id": "S2.F", "seed": 7}
    assert "(profile `quick`, seed 7)" in readme_summary(merge(previous, [new], {"run_profile": "quick", "run_seed": 7}))
    new = {**new, "seed": 8}
    assert "seed mixed: 7, 8" in readme_summary(merge(previous, [new], {"run_profile": "quick", "run_seed": 8}))


# ------------------------------------------------------------------ concurrency

CONCURRENT = """
    import contextlib, sys, time
    from pathlib import Path
    from maml_landscape import cli
    from maml_landscape.verdicts import Outcome, Verdict
    from tests.helpers_ledger import temporary_checks

    claim, out, sync, n = sys.argv[1], sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
    real_lock, real_load = cli.ledger_lock, cli.load_ledger

    @contextlib.contextmanager
    def barrier_then_lock(folder):
        # all processes have run their checks before any takes the lock: they contend for it
        (sync / claim).touch()
        deadline = time.monotonic() + 60
        while len(list(sync.iterdir())) < n and time.monotonic() < deadline:
            time.sleep(0.02)
        with real_lock(folder):
            yield

    def slow_load(folder):
        ledger = real_load(folder)
        time.sleep(0.4)  # widen the read-merge-write window: without the lock, updates are lost
        return ledger

    cli.ledger_lock, cli.load_ledger = barrier_then_lock, slow_load
    with temporary_checks({claim: [lambda ctx: Outcome(Verdict.HOLDS, "fake " + claim)]}):
        sys.exit(cli.main(["verify", "--claim", claim, "--out", out, "--no-progress"]))
"""


def test_concurrent_partial_runs_into_one_folder_keep_every_update(tmp_path):
    out = tmp_path / "out"
    expected: set[str] = set()
    for round_, claims in enumerate([["S2.F", "S2.E", "S3.Q"], ["S2.NAL", "S2.MAML"]]):
        sync = tmp_path / f"sync{round_}"
        sync.mkdir()
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", textwrap.dedent(CONCURRENT), c, str(out), str(sync), str(len(claims))],
                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )
            for c in claims
        ]
        results = [p.communicate(timeout=180) for p in procs]
        assert [p.returncode for p in procs] == [0] * len(claims), results
        expected |= set(claims)
        assert {c["id"] for c in load_ledger(out)["claims"]} == expected
        assert len(set(report_set_generations(out).values())) == 1
        assert _leftovers(out) == []


# ------------------------------------------------------------------ killed writers

KILLED = """
    import os, signal, sys
    from maml_landscape.report.write import load_ledger, write_reports

    os.umask(int(sys.argv[4], 8))
    name, k, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    real = getattr(os, name)
    calls = 0

    def dying(*args, **kwargs):
        global calls
        calls += 1
        if calls == k:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)

    ledger = load_ledger(out)
    ledger["claims"][0]["summary"] = "the new generation"
    setattr(os, name, dying)
    write_reports(ledger, out)
"""

# (function to kill in, on its k-th call, and which generation must win)
KILLS = [
    ("fsync", 2, "old"),    # while the temporary files are written
    ("replace", 1, "old"),  # the journal's rename: no journal yet, the old set stays
    ("replace", 2, "new"),  # the journal is in place: the next reader rolls forward
    ("replace", 3, "new"),  # claims.json renamed, the others not: rolled forward
    ("replace", 4, "new"),  # two of three renamed
    ("unlink", 1, "new"),   # all renamed, the journal not yet deleted
    ("replace", 99, "new"),  # not killed
]


@pytest.mark.parametrize("name, k, winner", KILLS, ids=[f"{n}-{k}" for n, k, _ in KILLS])
def test_a_killed_writer_leaves_one_generation(name, k, winner, tmp_path):
    with temporary_checks({"S2.F": [_holds]}):
        assert main(["verify", "--claim", "S2.F", "--out", str(tmp_path), "--no-progress"]) == 0
    old = report_set_generations(tmp_path)["claims.json"]
    mask = _umask()
    result = _python(KILLED, name, str(k), str(tmp_path), f"{mask:o}")
    killed = result.returncode == -signal.SIGKILL
    assert killed == (k != 99), result.stderr
    if killed and winner == "new":
        assert (tmp_path / JOURNAL_NAME).exists()  # the interrupted state the reader must finish

    ledger = load_ledger(tmp_path)  # rolls a pending journal forward, removes stale temps

    generations = report_set_generations(tmp_path)
    assert set(generations) == set(REPORT_SET) and len(set(generations.values())) == 1, generations
    assert (generations["claims.json"] == old) == (winner == "old")
    assert (ledger["claims"][0]["summary"] == "the new generation") == (winner == "new")
    assert _leftovers(tmp_path) == []
    for file in REPORT_SET:
        assert _mode(tmp_path / file) == 0o666 & ~mask


# ------------------------------------------------------------------ a member in a subfolder

@pytest.mark.parametrize("target, accepted", [
    ("html/index.html", True), ("claims.json", True), ("../claims.json", False), ("html/../../x", False),
    ("/etc/passwd", False), ("html//index.html", False), ("html/.tmp-1-0123abcd.x.tmp", False),
])
def test_a_journal_may_name_a_target_below_the_folder_never_outside(tmp_path, target, accepted):
    from maml_landscape.atomic import finish_pending

    (tmp_path / "html").mkdir()
    tmp = tmp_path / f"{TMP_PREFIX}1-0123abcd.index.html.tmp"
    tmp.write_text("new")
    (tmp_path / JOURNAL_NAME).write_text(json.dumps({"renames": [[tmp.name, target]]}))
    if accepted:
        assert finish_pending(tmp_path) and (tmp_path / target).read_text() == "new"
    else:
        with pytest.raises(ValueError, match="cannot have written"):
            finish_pending(tmp_path)


def test_the_html_page_is_written_through_a_temp_file_in_the_report_folder(tmp_path):
    """Its temporary file lies where the journal protects it (see test_a_killed_writer_leaves_one_generation)."""
    from maml_landscape.atomic import write_file_set

    seen = []
    write_file_set(tmp_path, {"html/index.html": lambda tmp: (seen.append(tmp.parent), tmp.write_text("x"))})
    assert seen == [tmp_path] and (tmp_path / "html" / "index.html").read_text() == "x"
    assert _leftovers(tmp_path) == [] and _leftovers(tmp_path / "html") == []
