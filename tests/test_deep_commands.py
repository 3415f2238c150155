"""``deep table`` and ``deep status`` on stored results: variant headers, no data set needed.

The stored tables of ``reports/deep`` (copied to a scratch folder) are read without the
data; one smoke run on tiny data checks run JSONs, tables and the data-free reading of both.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pytest

from maml_landscape.deep.cli import add_subcommands
from maml_landscape.deep.config import PROFILES
from maml_landscape.deep.plans import stored_options
from maml_landscape.deep.results import load_tables, render, table_budget
from maml_landscape.deep.runner import Paths
from maml_landscape.deep.status import NOT_STORED, status
from tests.helpers_deep import make_omniglot

ROOT = Path(__file__).resolve().parents[1]


def cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="maml-landscape")
    add_subcommands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.handler(args)


@pytest.fixture
def stored(tmp_path) -> Path:
    """A copy of the shipped ``reports/deep`` (tables and select-hard outcomes, no checkpoints)."""
    shutil.copytree(
        ROOT / "reports" / "deep",
        tmp_path / "reports" / "deep",
        ignore=shutil.ignore_patterns("checkpoints"),
    )
    return tmp_path / "reports"


def _titles(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith(("omniglot", "cifar"))]


def test_stored_table_headers_name_each_variant(stored, capsys):
    assert cli("deep", "table", "--out-dir", str(stored)) == 0
    titles = _titles(capsys.readouterr().out)
    assert len(titles) == len(load_tables(stored / "deep")) >= 5
    assert len(set(titles)) == len(titles)
    by_file = {Path(t["path"]).name: _titles(render(t))[0] for t in load_tables(stored / "deep")}
    assert "NAL lr 1e-06 (the paper's); shipped hard alphabets" in by_file["omniglot-cpu.json"]
    assert (
        "NAL lr 0.0001 (paper: 1e-06); shipped hard alphabets"
        in by_file["omniglot-cpu-nal_lr=0.0001.json"]
    )
    reduced = "hard alphabets of hard-alphabets-h100-reduced.json"
    assert reduced in by_file["omniglot-cpu-hard=h100-reduced.json"]
    assert reduced in by_file["omniglot-cpu-nal_lr=0.0001-hard=h100-reduced.json"]
    assert "hard alphabets" not in by_file["omniglot-p-cpu.json"]


def test_a_user_supplied_list_is_named_as_such(stored):
    (stored / "deep" / "hard-alphabets-h100-reduced.json").unlink()
    (table,) = [
        t for t in load_tables(stored / "deep") if t["path"].endswith("cpu-hard=h100-reduced.json")
    ]
    assert "user-supplied hard alphabets (Braille, Balinese, Oriya, ...)" in render(table)


def test_status_without_data_counts_every_stored_table(stored):
    """Each stored full-budget table's plan: status finds exactly the runs it records, in it."""
    tables = [t for t in load_tables(stored / "deep") if t["profile"] == "cpu"]
    assert len(tables) >= 5
    for table in tables:
        profile, options = PROFILES[table["profile"]], stored_options(table["options"])
        states = status(
            table["experiment"], profile, options, Paths(None, stored / "deep", stored / "ckpt")
        )
        where = f"done (recorded in {Path(table['path']).name};"
        assert (
            sum(state.startswith(where) for _, state in states) == table["done_runs"] == len(states)
        )
        assert table_budget(table) == profile.iterations


def test_readme_status_command_reads_the_stored_table(stored, monkeypatch, capsys):
    monkeypatch.chdir(stored.parent)
    assert cli("deep", "status", "omniglot", "--profile", "cpu") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(
        "omniglot (cpu profile, 600 iterations; NAL lr 1e-06 (the paper's); shipped"
    )
    assert out[-1] == "12/12 runs done"
    assert all("recorded in omniglot-cpu.json" in line for line in out[1:-1])
    assert cli("deep", "status", "omniglot", "--profile", "paper") == 0  # no paper-size table is shipped
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "0/30 runs done" and out[1].endswith(NOT_STORED)
    assert cli("deep", "table", "omniglot") == 0
    assert _titles(capsys.readouterr().out) == [
        "omniglot (cpu profile, 600 iterations; NAL lr 1e-06 (the paper's); shipped hard alphabets; 12/12 runs)"
    ]


def test_status_errors_stay_one_line_with_exit_2(stored, capsys):
    common = ("--out-dir", str(stored))
    assert cli("deep", "status", "omniglot", *common, "--hard-alphabets", "missing.json") == 2
    assert (
        cli("deep", "status", "omniglot", *common, "--profile", "smoke", "--nal-lr", "tuned") == 2
    )
    assert cli("deep", "status", "cifar", *common, "--hard-alphabets", "Braille") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and all(line.startswith("maml-landscape deep: error: ") for line in err)


@pytest.fixture
def torch_thread(request):
    """Skips without torch, else one torch thread (conftest's ``one_torch_thread``)."""
    pytest.importorskip("torch")
    request.getfixturevalue("one_torch_thread")


@pytest.mark.deep
@pytest.mark.usefixtures("torch_thread")
def test_smoke_results_are_read_with_and_without_the_data(tmp_path, capsys):
    """A run JSON, then its table alone: status and table agree with and without --data-dir,
    and tabulating with the data keeps a table whose run JSONs are gone."""
    data = make_omniglot(tmp_path / "omniglot")
    out = tmp_path / "out"
    plan = (
        "--profile",
        "smoke",
        "--out-dir",
        str(out),
        "--seeds",
        "0",
        "--iterations",
        "3",
        "--eval-tasks",
        "2",
        "--settings",
        "small",
        "--algorithms",
        "maml,nal-1",
    )
    with_data = ("--data-dir", str(data), "--cache-dir", str(tmp_path / "cache"))
    assert cli("deep", "run", "omniglot", *plan, *with_data, "--quiet") == 0
    capsys.readouterr()

    def states(*extra: str) -> list[tuple[str, ...]]:
        assert cli("deep", "status", "omniglot", *plan, *extra) == 0
        return [tuple(line.split(None, 1)) for line in capsys.readouterr().out.splitlines()[1:]]

    names = ("omniglot-small-maml-seed0", "omniglot-small-nal-1-seed0")
    assert (
        states()
        == states(*with_data)
        == [(names[0], "done"), (names[1], "done"), ("2/2", "runs done")]
    )
    shutil.rmtree(out / "deep" / "runs")
    (table_file,) = [p for p in (out / "deep").glob("omniglot-smoke-*.json") if "at=" not in p.name]
    before = table_file.read_text()
    recorded = f"done (recorded in {table_file.name}; its run JSON is not kept)"
    assert states() == states(*with_data) == [*((n, recorded) for n in names), ("2/2", "runs done")]
    assert cli("deep", "table", "omniglot", *plan, *with_data) == 0
    assert table_file.read_text() == before and json.loads(before)["done_runs"] == 2
    assert "2/2 runs" in capsys.readouterr().out
    assert cli("deep", "table", "omniglot", *plan) == 0
    titles = _titles(capsys.readouterr().out)
    assert (
        len(titles) == 2
        and "2 iterations" in titles[0]
        and "milestone of the 3-iteration runs" in titles[0]
    )
    assert "milestone" not in titles[1]
    other_rate = states("--nal-lr", "1e-3")  # MAML's run is the same configuration; NAL's is not
    assert other_rate == [(names[0], recorded), (names[1], NOT_STORED), ("1/2", "runs done")]
    assert cli("deep", "table", "omniglot", *plan, "--nal-lr", "1e-3") == 0
    assert capsys.readouterr().out.startswith(
        "no tables of omniglot (smoke profile, 3 iterations OVERRIDDEN"
    )
