"""``verify --seeds``: each claim once per seed, the claims whose verdict changes, bad input refused."""

from __future__ import annotations

import json

import pytest

from maml_landscape.cli import main
from maml_landscape.report.write import load_ledger
from maml_landscape.stability import STABILITY_FILE, stability, stability_table
from maml_landscape.verdicts import Outcome, Verdict
from tests.helpers_ledger import temporary_checks


def _claims(*ids: str) -> list[str]:
    return [a for claim in ids for a in ("--claim", claim)]


def test_two_seeds_of_two_real_claims_are_stable(tmp_path, capsys):
    argv = ["verify", "--out", str(tmp_path), "--no-progress", "--seeds", "3,1", *_claims("S31.SOL", "S3.Q")]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "verdicts across seeds 3, 1: all 2 claim(s) stable" in out
    assert STABILITY_FILE in out.splitlines()[-1]
    report = json.loads((tmp_path / STABILITY_FILE).read_text(encoding="utf-8"))
    assert report["seeds"] == [3, 1] and report["profile"] == "quick" and report["unstable"] == []
    assert [c["id"] for c in report["claims"]] == ["S31.SOL", "S3.Q"]
    assert all(c["stable"] and c["verdicts"] == {"3": "holds", "1": "holds"} for c in report["claims"])
    # the report folder holds the first seed's ledger
    assert {(c["id"], c["seed"]) for c in load_ledger(tmp_path)["claims"]} == {("S31.SOL", 3), ("S3.Q", 3)}


def test_a_check_that_flips_with_the_seed_is_reported_unstable(tmp_path, capsys):
    def flips(ctx):
        return Outcome(Verdict.HOLDS if ctx.seed % 2 == 0 else Verdict.FAILS, f"seed {ctx.seed}")

    def steady(ctx):
        return Outcome(Verdict.APPROXIMATE, "the same for every seed")

    argv = ["verify", "--out", str(tmp_path), "--no-progress", "--seeds", "0,1,2", *_claims("S2.F", "S2.E")]
    with temporary_checks({"S2.F": [flips], "S2.E": [steady]}):
        assert main(argv) == 0
    out = capsys.readouterr().out
    assert "verdicts across seeds 0, 1, 2: 1 of 2 claim(s) change with the seed" in out
    table = out[out.index("verdicts across seeds"):].splitlines()
    assert table[1].split() == ["claim", "seed", "0", "seed", "1", "seed", "2"]
    assert table[2].split() == ["S2.F", "holds", "fails", "holds"]
    assert not any(line.startswith("S2.E") for line in table)
    report = json.loads((tmp_path / STABILITY_FILE).read_text(encoding="utf-8"))
    assert report["unstable"] == ["S2.F"]
    unstable = report["claims"][0]
    assert unstable["summaries"] == {"0": "seed 0", "1": "seed 1", "2": "seed 2"} and not unstable["stable"]
    assert report["claims"][1] == {"id": "S2.E", "stable": True, "verdicts": dict.fromkeys(("0", "1", "2"), "approximate"),
                                   "summaries": dict.fromkeys(("0", "1", "2"), "the same for every seed")}


@pytest.mark.parametrize(("seeds", "fragment"), [
    ("0,0", "--seeds repeats 0"),
    ("1,x", "--seeds must be an integer ≥ 0, got 'x'"),
    ("", "--seeds must be an integer ≥ 0, got ''"),
    ("0,,1", "--seeds must be an integer ≥ 0, got ''"),
    ("-1", "--seeds must be an integer ≥ 0, got '-1'"),
    ("1.5", "--seeds must be an integer ≥ 0, got '1.5'"),
    (str(2**63), "--seeds must be below 2**63"),
])
def test_bad_seeds_give_one_line_and_exit_2(seeds, fragment, tmp_path, capsys):
    assert main(["verify", "--out", str(tmp_path), f"--seeds={seeds}", "--claim", "S3.Q"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("maml-landscape: error: argument --seeds: ") and fragment in err
    assert err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_seed_and_seeds_do_not_combine(tmp_path, capsys):
    assert main(["verify", "--out", str(tmp_path), "--seed", "5", "--seeds", "0,1"]) == 2
    assert "not allowed with argument --seed" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_stability_needs_the_same_claims_for_every_seed():
    record = {"id": "S3.Q", "verdict": "holds", "summary": "", "profile": "quick"}
    with pytest.raises(ValueError, match="same claims"):
        stability({0: [record], 1: []})
    with pytest.raises(ValueError, match="at least one seed"):
        stability({})
    assert stability_table(stability({0: [record]})) == "verdicts across seeds 0: all 1 claim(s) stable"
