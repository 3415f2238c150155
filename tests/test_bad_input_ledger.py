"""Bad input to the ledger commands (verify, list, show): one line on stderr, exit 2, nothing changed.

Each row: an id, the argv (built from the test's folders), a setup that stores files
first, and a fragment of the expected error line. The call runs in-process; the files
under the test folder (the report folder, the README, the current folder) must be
byte-identical afterwards.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from maml_landscape.cli import main
from maml_landscape.report.write import JOURNAL_NAME, README_END, README_START
from maml_landscape.verdicts import Outcome, Verdict
from tests.helpers_bad_input import assert_one_line_error, snapshot
from tests.helpers_ledger import temporary_checks

CHEAP = "S2.F"  # its checks are replaced by _holds below: rows that reach the checks stay fast


def _holds(ctx):
    return Outcome(Verdict.HOLDS, "fake check for the bad-input table")


def _verify(out, *extra):
    return ["verify", "--claim", CHEAP, "--out", str(out), "--no-progress", *extra]


# ------------------------------------------------------------------------------- setups

def _nothing(root: Path) -> None:
    pass


def _valid_set(root: Path) -> None:
    """A report set from an earlier good run (must survive the bad call unchanged)."""
    with temporary_checks({"S2.E": [_holds]}):
        assert main(["verify", "--claim", "S2.E", "--out", str(root / "out"), "--no-progress"]) == 0


def _ledger_text(text: str | bytes):
    def setup(root: Path) -> None:
        (root / "out").mkdir()
        path = root / "out" / "claims.json"
        path.write_bytes(text if isinstance(text, bytes) else text.encode())

    return setup


def _good_claim() -> dict:
    return {
        "id": "S2.F", "title": "t", "location": "l", "kind": "identity", "statement": "s",
        "verdict": "holds", "summary": "ok", "correction": None, "runtime_s": 0.1, "profile": "quick",
        "seed": 1, "checks": [{"name": "m:f", "verdict": "holds", "runtime_s": 0.1, "summary": "ok",
                               "correction": None, "evidence": [], "choices": [], "seeds": {}, "data": {}}],
    }


def _ledger(claims=None, provenance=None, **changes):
    ledger = {"provenance": {} if provenance is None else provenance,
              "claims": [_good_claim()] if claims is None else claims, **changes}
    return _ledger_text(json.dumps(ledger))


def _claim_with(**changes):
    claim = {**_good_claim(), **changes}
    return _ledger(claims=[{k: v for k, v in claim.items() if v is not _DROP}])


_DROP = object()


def _readme(data: bytes):
    def setup(root: Path) -> None:
        (root / "README.md").write_bytes(data)

    return setup


def _file_at(name: str):
    def setup(root: Path) -> None:
        (root / name).write_text("a regular file\n")

    return setup


def _folder_for_claims_md(root: Path) -> None:
    (root / "out" / "claims.md").mkdir(parents=True)


def _bad_journal(root: Path) -> None:
    _valid_set(root)
    (root / "out" / JOURNAL_NAME).write_text('{"renames": [["../../etc/passwd", "claims.json"]]}')


def _readonly_out(root: Path) -> None:
    (root / "ro").mkdir()
    os.chmod(root / "ro", 0o500)


def _readonly_out_path(root: Path) -> Path:
    # root ignores file modes: a folder below a regular file is unwritable for everyone
    if os.geteuid() == 0:
        return root / "a-file" / "reports"
    return root / "ro" / "reports"


def _readonly_setup(root: Path) -> None:
    if os.geteuid() == 0:
        _file_at("a-file")(root)
    else:
        _readonly_out(root)


NOT_LEDGER = "is not a maml-landscape ledger"
MARKED = f"{README_START}\nold summary\n{README_END}\n".encode()

# (id, argv builder (root, out) -> argv, setup (root), expected stderr fragment)
ROWS = [
    ("unknown-claim", lambda r, o: ["verify", "--claim", "NOPE.X", "--out", str(o)], _valid_set,
     "unknown claim ID 'NOPE.X'"),
    ("wrong-case-claim", lambda r, o: ["verify", "--claim", "s2.f", "--out", str(o)], _valid_set,
     "did you mean S2.F"),
    ("show-unknown-claim", lambda r, o: ["show", "S99.X", "--out", str(o)], _valid_set, "unknown claim ID"),
    ("bad-profile", lambda r, o: _verify(o, "--profile", "huge"), _valid_set, "invalid choice: 'huge'"),
    ("unknown-command", lambda r, o: ["frobnicate"], _nothing, "invalid choice: 'frobnicate'"),
    ("no-command", lambda r, o: [], _nothing, "no command given"),
    ("seed-not-a-number", lambda r, o: _verify(o, "--seed", "abc"), _valid_set, "--seed must be an integer"),
    ("seed-fraction", lambda r, o: _verify(o, "--seed", "1.5"), _valid_set, "--seed must be an integer"),
    ("seed-negative", lambda r, o: _verify(o, "--seed", "-3"), _valid_set, "--seed must be an integer ≥ 0"),
    ("seed-beyond-64-bit", lambda r, o: _verify(o, "--seed", str(2**63)), _valid_set, "--seed must be below 2**63"),
    ("show-seed-bad", lambda r, o: ["show", CHEAP, "--run", "--seed", "x", "--out", str(o)], _valid_set,
     "--seed must be an integer"),
    ("fail-on-bogus", lambda r, o: _verify(o, "--fail-on", "bogus"), _valid_set, "invalid choice: 'bogus'"),
    ("out-empty", lambda r, o: ["verify", "--claim", CHEAP, "--out", "", "--no-progress"], _nothing,
     "--out must be a path, got an empty one"),
    ("list-out-empty", lambda r, o: ["list", "--out", ""], _nothing, "--out must be a path"),
    ("show-out-empty", lambda r, o: ["show", CHEAP, "--out", " "], _nothing, "--out must be a path"),
    ("readme-empty", lambda r, o: _verify(o, "--readme", ""), _valid_set, "--readme must be a path"),
    ("out-under-a-file", lambda r, o: _verify(r / "a-file" / "reports"), _file_at("a-file"),
     "is not writable (Not a directory)"),
    ("out-is-a-file", lambda r, o: _verify(r / "a-file"), _file_at("a-file"), "is not writable (File exists)"),
    ("out-read-only", lambda r, o: _verify(_readonly_out_path(r)), _readonly_setup, "is not writable"),
    ("out-in-proc", lambda r, o: _verify("/proc/maml-landscape-reports"), _nothing, "is not writable"),
    ("out-non-utf8-under-a-file", lambda r, o: _verify(str(r / "a-file") + "/reports-\udcff"),
     _file_at("a-file"), "reports-\\xff is not writable"),
    ("claims-not-a-list", lambda r, o: _verify(o), _ledger(claims={"S2.F": 1}),
     f"{NOT_LEDGER} ('claims' of the ledger is an object, not an array)"),
    ("claims-of-numbers", lambda r, o: _verify(o), _ledger(claims=[1, 2]),
     f"{NOT_LEDGER} (claim 1 is a number, not an object)"),
    ("claim-without-verdict", lambda r, o: _verify(o), _claim_with(verdict=_DROP), "has no 'verdict'"),
    ("claim-unknown-verdict", lambda r, o: _verify(o), _claim_with(verdict="maybe"),
     "has the verdict 'maybe', not one of holds"),
    ("claim-id-not-text", lambda r, o: _verify(o), _claim_with(id=7), "'id' of claim 1 is a number"),
    ("claim-checks-missing", lambda r, o: _verify(o), _claim_with(checks=_DROP), "has no 'checks'"),
    ("claim-runtime-text", lambda r, o: _verify(o), _claim_with(runtime_s="fast"), "'runtime_s' of claim 1"),
    ("claim-bad-evidence", lambda r, o: _verify(o),
     _claim_with(checks=[{**_good_claim()["checks"][0], "evidence": [{"type": "video"}]}]), "unknown type 'video'"),
    ("provenance-not-a-dict", lambda r, o: _verify(o), _ledger(provenance="x"),
     "'provenance' of the ledger is a string, not an object"),
    ("generation-not-text", lambda r, o: _verify(o), _ledger(generation=3), "'generation' of the ledger"),
    ("top-level-a-list", lambda r, o: _verify(o), _ledger_text("[1, 2]"), "(the top level is an array"),
    ("truncated-json", lambda r, o: _verify(o), _ledger_text('{"provenance": {}, "claims": [{"id": "S2'),
     f"{NOT_LEDGER} (not valid JSON"),
    ("empty-json", lambda r, o: _verify(o), _ledger_text(""), f"{NOT_LEDGER} (not valid JSON"),
    ("binary-garbage", lambda r, o: _verify(o), _ledger_text(bytes(range(256)) * 4), f"{NOT_LEDGER} (not UTF-8"),
    ("deeply-nested-json", lambda r, o: _verify(o), _ledger_text("[" * 100_000), NOT_LEDGER),
    ("lone-surrogate", lambda r, o: _verify(o), _claim_with(title="\ud800"), "lone surrogate"),
    ("full-verify-over-corrupt", lambda r, o: ["verify", "--out", str(o), "--no-progress"], _ledger(claims=[1]),
     NOT_LEDGER),
    ("list-corrupt-ledger", lambda r, o: ["list", "--out", str(o)], _ledger(claims=[1, 2]), NOT_LEDGER),
    ("list-truncated-ledger", lambda r, o: ["list", "--out", str(o)], _ledger_text("{"), NOT_LEDGER),
    ("show-corrupt-ledger", lambda r, o: ["show", CHEAP, "--out", str(o)], _claim_with(verdict="maybe"), NOT_LEDGER),
    ("claims-json-is-a-folder", lambda r, o: ["list", "--out", str(o)],
     lambda r: (r / "out" / "claims.json").mkdir(parents=True), "Is a directory"),
    ("claims-md-is-a-folder", lambda r, o: _verify(o), _folder_for_claims_md,
     "cannot write reports to"),
    ("foreign-journal", lambda r, o: ["list", "--out", str(o)], _bad_journal, "unfinished report set"),
    ("readme-missing", lambda r, o: _verify(o, "--readme", str(r / "NOPE.md")), _valid_set,
     "cannot read --readme"),
    ("readme-non-utf8", lambda r, o: _verify(o, "--readme", str(r / "README.md")),
     _readme(b"caf\xe9\n" + MARKED), "is not UTF-8 text (byte 0xe9"),
    ("readme-without-markers", lambda r, o: _verify(o, "--readme", str(r / "README.md")),
     _readme(b"# no markers here\n"), "has no ledger-summary markers"),
    ("readme-is-a-folder", lambda r, o: _verify(o, "--readme", str(r)), _valid_set, "cannot read --readme"),
]


@pytest.mark.parametrize("argv_for, setup, fragment", [row[1:] for row in ROWS], ids=[row[0] for row in ROWS])
def test_bad_input_gives_one_line_exit_2_and_changes_nothing(argv_for, setup, fragment, tmp_path, capsys, monkeypatch):
    root = tmp_path / "root"
    (root / "cwd").mkdir(parents=True)
    monkeypatch.chdir(root / "cwd")  # an empty --out must not write here either
    setup(root)
    argv = argv_for(root, root / "out")
    before = snapshot(root)
    capsys.readouterr()
    with temporary_checks({CHEAP: [_holds]}):
        code = main(argv)
    err = capsys.readouterr().err
    assert_one_line_error(code, err, fragment)
    assert snapshot(root) == before


def test_the_table_has_the_rows_the_issue_asks_for():
    assert len(ROWS) >= 20 and len({row[0] for row in ROWS}) == len(ROWS)


def test_non_utf8_out_works_and_prints_escaped(tmp_path, capsys):
    """``--out`` with byte 0xff (argv arrives as the surrogate U+DCFF): reports written, paths escaped."""
    out = str(tmp_path) + "/reports-\udcff"
    with temporary_checks({CHEAP: [_holds]}):
        assert main(_verify(out)) == 0
        assert main(["list", "--out", out]) == 0
        assert main(["show", CHEAP, "--out", out]) == 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert "reports-\\xff/claims.json" in captured.out
    assert {p.name for p in Path(out).iterdir()} >= {"claims.json", "claims.md", "report.tex"}


def test_readme_with_markers_is_updated(tmp_path, capsys):
    readme = tmp_path / "README.md"
    readme.write_bytes(b"# title\n\n" + MARKED + b"tail\n")
    with temporary_checks({CHEAP: [_holds]}):
        assert main(_verify(tmp_path / "out", "--readme", str(readme))) == 0
    text = readme.read_text()
    assert text.startswith("# title\n") and text.endswith("tail\n") and "old summary" not in text
    assert "(profile `quick`, seed 20240601)" in text
