"""The command line: listing, verifying, showing, and one clear line for bad input."""

import json

import pytest

from maml_landscape.claims import CLAIM_IDS
from maml_landscape.cli import main
from maml_landscape.evidence import Formula, Measurement, Text
from maml_landscape.verdicts import Choice, Outcome, Verdict
from tests.helpers_ledger import temporary_checks


def _holds(ctx):
    return Outcome(
        Verdict.HOLDS,
        "derived $a=b$ equals printed",
        evidence=[Text("ok with **bold** and `code`"), Formula("derived", r"\frac{a}{b}"),
                  Measurement("mean", 1.0, 0.1, 1.05, 1000, 7, 4.0, 1e-6)],
        choices=[Choice("d", 3, "unstated")],
        seeds={"mc": 7},
    )


def _fails(ctx):
    return Outcome(Verdict.FAILS, "counterexample at $x=1$")


def _crashes(ctx):
    raise RuntimeError("boom")


def test_list_shows_every_claim_id(tmp_path, capsys):
    assert main(["list", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert [line.split()[0] for line in out.splitlines()] == list(CLAIM_IDS)
    assert len(CLAIM_IDS) == 42


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["verify", "--claim", "NOPE.X"], "unknown claim ID 'NOPE.X'"),
        (["verify", "--profile", "huge"], "invalid choice: 'huge'"),
        (["show", "S99.X"], "unknown claim ID"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(argv, fragment, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert fragment in err and len(err.splitlines()) == 1


def test_unwritable_out_gives_one_line_and_exit_2(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert main(["verify", "--claim", "S2.F", "--out", str(blocker / "reports"), "--no-progress"]) == 2
    err = capsys.readouterr().err.strip()
    assert "is not writable" in err and len(err.splitlines()) == 1


def test_unreadable_ledger_gives_one_line_and_exit_2(tmp_path, capsys):
    (tmp_path / "claims.json").write_text("{not json")
    assert main(["list", "--out", str(tmp_path)]) == 2
    assert "is not a maml-landscape ledger (not valid JSON" in capsys.readouterr().err


def test_verify_subset_writes_reports_and_keeps_other_claims(tmp_path):
    with temporary_checks({"S2.F": [_holds], "S2.E": [_fails]}):
        assert main(["verify", "--claim", "S2.F", "--out", str(tmp_path), "--no-progress"]) == 0
        assert main(["verify", "--claim", "S2.E", "--out", str(tmp_path), "--no-progress"]) == 0
    ledger = json.loads((tmp_path / "claims.json").read_text())
    verdicts = {c["id"]: c["verdict"] for c in ledger["claims"]}
    assert verdicts == {"S2.F": "holds", "S2.E": "fails"}
    assert ledger["provenance"]["run_profile"] == "quick"
    assert {"git", "libraries", "python", "run_seed", "seeds", "profiles"} <= set(ledger["provenance"])
    assert ledger["provenance"]["seeds"] == [20240601] and ledger["provenance"]["profiles"] == ["quick"]
    assert all(c["seed"] == 20240601 and c["profile"] == "quick" for c in ledger["claims"])
    md = (tmp_path / "claims.md").read_text()
    assert "S2.F" in md and "$$\n\\frac{a}{b}\n$$" in md
    assert (tmp_path / "report.tex").read_text().startswith("\\documentclass")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp")]


def test_fail_on_fails_exits_1(tmp_path):
    with temporary_checks({"S2.E": [_fails]}):
        argv = ["verify", "--claim", "S2.E", "--out", str(tmp_path), "--no-progress"]
        assert main(argv) == 0
        assert main([*argv, "--fail-on", "fails"]) == 1


def test_crashing_check_is_recorded_and_exits_3(tmp_path):
    with temporary_checks({"S2.F": [_holds, _crashes]}):
        assert main(["verify", "--claim", "S2.F", "--out", str(tmp_path), "--no-progress"]) == 3
    claim = json.loads((tmp_path / "claims.json").read_text())["claims"][0]
    assert claim["verdict"] == "holds"  # the crash decides nothing; the other check does
    assert [c["verdict"] for c in claim["checks"]] == ["holds", "not checked"]
    assert "RuntimeError: boom" in claim["checks"][1]["summary"]


def test_show_runs_checks_when_nothing_is_stored(tmp_path, capsys):
    with temporary_checks({"S2.F": [_holds]}):
        assert main(["show", "S2.F", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "## S2.F" in out and "holds" in out
