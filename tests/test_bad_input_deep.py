"""Bad input to ``maml-landscape deep``: one row per class, each one clear line and exit 2.

Every row runs the real command line in-process against a stored state (a finished
smoke run, an interrupted one with its checkpoint, a table) and asserts: exit status 2,
stderr one line naming the offending option or file, no traceback, and no stored file
changed (a diverged run may only *add* its failure record). The Hypothesis fuzz at the
end draws option values and file bytes and asserts exit 0 or 2, never a traceback.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("torch")

from maml_landscape.cli import main  # noqa: E402
from maml_landscape.deep.config import PROFILES, with_overrides  # noqa: E402
from maml_landscape.deep.plans import PlanOptions  # noqa: E402
from maml_landscape.deep.runner import Paths, run_experiment  # noqa: E402
from maml_landscape.deep.train import RunInterrupted  # noqa: E402
from tests.helpers_bad_input import assert_one_line_error, snapshot  # noqa: E402
from tests.helpers_deep import make_cifar, make_omniglot  # noqa: E402

pytestmark = [pytest.mark.deep, pytest.mark.usefixtures("one_torch_thread")]

#: The smoke run every row starts from: MAML, Small r_H, seed 0, 2 iterations, 2 tasks.
NARROW = ("--settings", "small", "--algorithms", "maml", "--seeds", "0")
SIZES = ("--iterations", "2", "--eval-tasks", "2", "--checkpoint-every", "1")



@dataclass(frozen=True)
class Stored:
    """A stored state: data, cache, and a results folder with a finished and a killed run."""

    data: Path
    cache: Path
    out: Path

    @property
    def checkpoints(self) -> Path:
        return self.out / "deep" / "checkpoints"

    def common(self, *extra: str) -> tuple[str, ...]:
        return ("--profile", "smoke", "--data-dir", str(self.data), "--cache-dir", str(self.cache),
                "--out-dir", str(self.out), *SIZES, "--quiet", *extra)


@pytest.fixture(scope="module")
def stored_template(tmp_path_factory):
    """Finished: MAML small seed 0 (table written). Killed after 1 of 2: NAL-1 small seed 0."""
    import torch

    torch.set_num_threads(1)
    root = tmp_path_factory.mktemp("stored")
    data = make_omniglot(root / "omniglot")
    stored = Stored(data, root / "cache", root / "out")
    paths = Paths(data, stored.out / "deep", stored.checkpoints, stored.cache)
    finished = PlanOptions(settings=("small",), algorithms=("maml",))
    profile = with_overrides(PROFILES["smoke"], iterations=2, seeds=(0,), eval_tasks=2,
                             checkpoint_every=1)  # what SIZES and NARROW give on the CLI
    run_experiment("omniglot", profile, finished, paths, show_progress=False)
    with pytest.raises(RunInterrupted):
        run_experiment("omniglot", profile, PlanOptions(settings=("small",), algorithms=("nal-1",)),
                       paths, show_progress=False, stop_after=1)
    return stored


@pytest.fixture
def stored(stored_template, tmp_path):
    """A private copy of the stored results (data and cache shared, never written by rows)."""
    out = tmp_path / "out"
    shutil.copytree(stored_template.out, out)
    return Stored(stored_template.data, stored_template.cache, out)


def _killed_checkpoint(stored: Stored) -> Path:
    (path,) = [p for p in stored.checkpoints.glob("*.pt") if _finished_hash(stored) not in p.name]
    return path


def _finished_hash(stored: Stored) -> str:
    (run,) = (stored.out / "deep" / "runs").rglob("*maml-seed0-*.json")
    return json.loads(run.read_text())["config_hash"]


def _nal_resume(stored: Stored, *extra: str) -> list[str]:
    """Resume the killed NAL-1 run (reads its checkpoint)."""
    return ["deep", "run", "omniglot", *stored.common("--settings", "small", "--algorithms",
                                                      "nal-1", "--seeds", "0", *extra)]


def _run(stored: Stored, *extra: str) -> list[str]:
    return ["deep", "run", "omniglot", *stored.common(*NARROW, *extra)]


def _file_under_a_file(stored: Stored) -> str:
    blocker = stored.out.parent / "a-file"
    blocker.write_text("not a folder")
    return str(blocker / "sub")


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _omniglot_copy(stored: Stored, change) -> str:
    """A copy of the tiny Omniglot with ``change(folder)`` applied."""
    folder = stored.out.parent / "omniglot-changed"
    shutil.copytree(stored.data, folder)
    change(folder)
    return str(folder)


def _rezip(folder: Path, part: str, rename) -> None:
    """Rewrite ``part``.zip with member names mapped by ``rename`` (None drops a member)."""
    source = folder / f"{part}.zip"
    with zipfile.ZipFile(source) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    with zipfile.ZipFile(source, "w") as archive:
        for index, (name, data) in enumerate(members.items()):
            renamed = rename(index, name, data)
            if renamed is not None:
                archive.writestr(renamed[0], renamed[1])


def _wrong_layout(folder: Path) -> None:
    _rezip(folder, "images_evaluation", lambda i, n, d: ("omniglot/" + n, d))


def _not_a_png(folder: Path) -> None:
    _rezip(folder, "images_background", lambda i, n, d: (n, b"GIF89a nonsense" if i == 3 else d))


def _unequal(folder: Path) -> None:
    _rezip(folder, "images_background", lambda i, n, d: None if i == 0 else (n, d))


def _replace_data(stored: Stored, argv: list[str], data: str) -> list[str]:
    argv = list(argv)
    argv[argv.index("--data-dir") + 1] = data
    return argv


def _other_config_checkpoint(stored: Stored) -> None:
    killed = _killed_checkpoint(stored)
    finished = stored.checkpoints / f"{_finished_hash(stored)}.pt"
    # the finished MAML run's checkpoint under the killed NAL run's name
    shutil.copyfile(finished, killed)


def _other_code_checkpoint(stored: Stored) -> None:
    import torch

    killed = _killed_checkpoint(stored)
    state = torch.load(killed, weights_only=True)
    state["code"] = "0123456789abcdef"
    torch.save(state, killed)


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _table(stored: Stored) -> Path:
    (table,) = (stored.out / "deep").glob("omniglot-*.json")
    return table


def _run_result(stored: Stored) -> Path:
    (run,) = (stored.out / "deep" / "runs").rglob("*maml-seed0-*.json")
    return run


def _tuning(stored: Stored, *extra: str) -> list[str]:
    return ["deep", "tune-nal", "omniglot", *stored.common(*extra)]


#: (id, argv builder(stored) -> argv, fragment of the one stderr line)
ROWS = [
    # numbers
    ("iterations-zero", lambda s: _run(s, "--iterations", "0"), "--iterations must be an integer ≥ 1"),
    ("iterations-negative", lambda s: _run(s, "--iterations", "-5"), "--iterations must be an integer"),
    ("iterations-text", lambda s: _run(s, "--iterations", "many"), "--iterations must be an integer"),
    ("iterations-float", lambda s: _run(s, "--iterations", "2.5"), "--iterations must be an integer"),
    ("eval-tasks-zero", lambda s: _run(s, "--eval-tasks", "0"), "--eval-tasks must be"),
    ("meta-batch-zero", lambda s: _run(s, "--meta-batch", "0"), "--meta-batch must be"),
    ("meta-batch-huge", lambda s: _run(s, "--meta-batch", "100000000000"), "--meta-batch 100000000000 exceeds 1024"),
    ("checkpoint-every-zero", lambda s: _run(s, "--checkpoint-every", "0"), "--checkpoint-every must be"),
    ("threads-zero", lambda s: _run(s, "--threads", "0"), "--threads must be an integer ≥ 1"),
    ("threads-negative", lambda s: _run(s, "--threads", "-1"), "--threads must be an integer ≥ 1"),
    ("threads-beyond-cores", lambda s: _run(s, "--threads", "100000"), "--threads 100000 exceeds the"),
    ("workers-zero", lambda s: _run(s, "--workers", "0"), "--workers must be"),
    ("split-seed-negative", lambda s: _run(s, "--split-seed", "-1"), "--split-seed must be an integer ≥ 0"),
    ("seeds-repeated", lambda s: _run(s, "--seeds", "0,0"), "--seeds repeats 0"),
    ("seeds-text", lambda s: _run(s, "--seeds", "a,b"), "--seeds must be an integer ≥ 0"),
    ("seeds-empty", lambda s: _run(s, "--seeds", ""), "--seeds must be an integer ≥ 0"),
    ("seeds-negative", lambda s: _run(s, "--seeds", "-1"), "--seeds must be"),
    ("seeds-beyond-64-bit", lambda s: _run(s, "--seeds", str(2**64)), "--seeds must be below 2**63"),
    ("split-seed-beyond-64-bit", lambda s: _run(s, "--split-seed", str(2**63)), "--split-seed must be below 2**63"),
    # learning rates
    ("maml-lr-inf", lambda s: _run(s, "--maml-lr", "inf"), "a learning rate must be a positive finite number"),
    ("inner-lr-nan", lambda s: _run(s, "--inner-lr", "nan"), "positive finite number, got 'nan'"),
    ("maml-lr-negative", lambda s: _run(s, "--maml-lr", "-1"), "positive finite number"),
    ("nal-lr-zero", lambda s: _run(s, "--nal-lr", "0"), "positive finite number, got '0'"),
    ("nal-lr-text", lambda s: _run(s, "--nal-lr", "fast"), "positive finite number, got 'fast'"),
    ("nal-lr-tuned-missing", lambda s: _run(s, "--nal-lr", "tuned"), "run 'maml-landscape deep tune-nal omniglot"),
    ("inner-lr-huge-diverges", lambda s: _run(s, "--inner-lr", "1e30"), "diverged at iteration 1"),
    ("inner-lr-beyond-float32", lambda s: _run(s, "--inner-lr", "1e300"), "inner_lr 1e+300 exceeds the largest float32"),
    ("maml-lr-huge-diverges", lambda s: _run(s, "--maml-lr", "1e30", "--iterations", "3"), "diverged at iteration"),
    ("maml-lr-beyond-float32", lambda s: _run(s, "--maml-lr", "1e300"), "exceeds the largest float32"),
    # choices and subsets
    ("profile-unknown", lambda s: ["deep", "run", "omniglot", "--profile", "huge", "--data-dir", str(s.data)], "invalid choice: 'huge'"),
    ("experiment-unknown", lambda s: ["deep", "run", "imagenet", "--data-dir", str(s.data)], "invalid choice: 'imagenet'"),
    ("settings-empty", lambda s: _run(s, "--settings", ""), "give names separated by commas"),
    ("settings-unknown", lambda s: _run(s, "--settings", "medium"), "unknown settings ['medium']"),
    ("algorithms-empty", lambda s: _run(s, "--algorithms", " , "), "give names separated by commas"),
    ("algorithms-unknown", lambda s: _run(s, "--algorithms", "sgd"), "unknown algorithms ['sgd']"),
    ("cifar-nk-with-omniglot", lambda s: _run(s, "--cifar-nk", "main"), "--cifar-nk applies to the cifar experiment only"),
    ("first-order-nal-only", lambda s: _run(s, "--first-order", "--algorithms", "nal-1"), "--first-order changes MAML only"),
    ("first-order-tune-nal", lambda s: _tuning(s, "--first-order"), "--first-order changes MAML only"),
    ("hard-alphabets-with-cifar", lambda s: ["deep", "run", "cifar", *s.common("--hard-alphabets", "Oriya")], "--hard-alphabets applies to 'deep run omniglot' only"),
    ("hard-alphabets-missing-file", lambda s: _run(s, "--hard-alphabets", str(s.out / "nope.json")), "no such file"),
    ("hard-alphabets-wrong-shape", lambda s: _run(s, "--hard-alphabets", str(_write(s.out.parent / "h.json", b'{"hard_alphabets": {"a": 1}}'))), "must be a list of alphabet names"),
    ("hard-alphabets-not-json", lambda s: _run(s, "--hard-alphabets", str(_write(s.out.parent / "h.json", b"\xff\x00garbage"))), "is not a select-hard result"),
    ("hard-alphabets-unknown-name", lambda s: _run(s, "--hard-alphabets", "Klingon"), "alphabets ['Klingon'] are not in the data"),
    ("hard-alphabets-repeated", lambda s: _run(s, "--hard-alphabets", "Oriya,Oriya"), "repeats Oriya"),
    ("device-unknown", lambda s: _run(s, "--device", "tpu9"), "torch device 'tpu9' is not available"),
    ("select-hard-one-task", lambda s: ["deep", "select-hard", *s.common("--tasks-per-alphabet", "1")], "at least 2"),
    ("tune-grid-empty", lambda s: _tuning(s, "--grid", ","), "give learning rates like"),
    ("tune-validation-zero", lambda s: _tuning(s, "--validation-tasks", "0"), "--validation-tasks must be"),
    # folders
    ("data-dir-empty-string", lambda s: _replace_data(s, _run(s), ""), "--data-dir must be a path"),
    ("data-dir-missing", lambda s: _replace_data(s, _run(s), str(s.out / "nowhere")), "does not exist"),
    ("data-dir-a-file", lambda s: _replace_data(s, _run(s), str(_write(s.out.parent / "f", b"x"))), "is not a folder"),
    ("data-dir-without-omniglot", lambda s: _replace_data(s, _run(s), str(s.out)), "Omniglot not found: no images_background.zip"),
    ("out-dir-empty-string", lambda s: _run(s, "--out-dir", ""), "--out-dir must be a path"),
    ("out-dir-unwritable", lambda s: _run(s, "--out-dir", _file_under_a_file(s)), "--out-dir"),
    ("checkpoint-dir-unwritable", lambda s: _run(s, "--checkpoint-dir", _file_under_a_file(s)), "--checkpoint-dir"),
    ("cache-dir-unwritable", lambda s: _run(s, "--cache-dir", _file_under_a_file(s)), "--cache-dir"),
    ("missing-data-dir-option", lambda s: ["deep", "run", "omniglot"], "--data-dir"),
    # data
    ("zip-garbage", lambda s: _replace_data(s, _run(s), _omniglot_copy(s, lambda f: _write(f / "images_background.zip", b"PK\x03\x04 broken"))), "cannot read"),
    ("evaluation-zip-wrong-layout", lambda s: _replace_data(s, _run(s), _omniglot_copy(s, _wrong_layout)), "no Omniglot PNGs in"),
    ("zip-entry-not-png", lambda s: _replace_data(s, _run(s), _omniglot_copy(s, _not_a_png)), "is not a readable PNG"),
    ("unequal-drawings", lambda s: _replace_data(s, _run(s), _omniglot_copy(s, _unequal)), "unequal numbers of drawings"),
    ("cifar-missing", lambda s: ["deep", "run", "cifar", *s.common()], "CIFAR-100 not found"),
    ("cifar-garbage-archive", lambda s: ["deep", "run", "cifar", *_replace_data(s, list(s.common("--no-verify-checksum")), str(_write(s.out.parent / "c" / "cifar-100-python.tar.gz", b"\x1f\x8b garbage").parent))], "cannot read CIFAR-100"),
    ("cifar-wrong-size", lambda s: ["deep", "run", "cifar", *_replace_data(s, list(s.common()), str(make_cifar(s.out.parent / "c", classes=100, train=2, test=1)))], "expected 169,001,437"),
    # checkpoints and stored results
    ("checkpoint-truncated", lambda s: (_truncate(_killed_checkpoint(s)), _nal_resume(s))[1], "is unreadable"),
    ("checkpoint-garbage", lambda s: (_killed_checkpoint(s).write_bytes(b"\x00" * 64), _nal_resume(s))[1], "is unreadable"),
    ("checkpoint-other-config", lambda s: (_other_config_checkpoint(s), _nal_resume(s))[1], "belongs to another configuration"),
    ("checkpoint-other-code", lambda s: (_other_code_checkpoint(s), _nal_resume(s))[1], "was written by other training code"),
    ("run-result-corrupt", lambda s: (_truncate(_run_result(s)), _run(s))[1], "run result"),
    ("table-corrupt", lambda s: (_truncate(_table(s)), ["deep", "table", "--out-dir", str(s.out)])[1], "is not valid JSON"),
    ("table-damaged", lambda s: (_table(s).write_text('{"kind": "maml-landscape deep table"}'), ["deep", "table", "--out-dir", str(s.out)])[1], "damaged table"),
]


@pytest.mark.parametrize("row", ROWS, ids=[r[0] for r in ROWS])
def test_bad_input_gives_one_line_and_changes_nothing(row, stored, capsys):
    name, build, fragment = row
    argv = build(stored)
    before = snapshot(stored.out)
    code = main(argv)
    captured = capsys.readouterr()
    assert_one_line_error(code, captured.err, fragment)
    after = snapshot(stored.out)
    added = set(after) - set(before)
    assert {p: after.get(p) for p in before} == before, "a stored file changed"
    if "diverges" in name:  # marked failed, never done; checkpoints before the failure kept
        assert all(p.endswith((".failed.json", ".pt")) for p in added), added
        assert "failed:" in _status(stored, argv, capsys)
    else:
        assert not added, added


def _status(stored: Stored, argv: list[str], capsys) -> str:
    status = ["deep", "status", *argv[2:]]
    status.remove("--quiet")
    assert main(status) == 0
    return capsys.readouterr().out


def test_status_names_bad_checkpoints_and_resumable_ones(stored, capsys):
    argv = _nal_resume(stored)
    assert "checkpoint 1/2 (resumes)" in _status(stored, argv, capsys)
    _other_code_checkpoint(stored)
    assert "needs --allow-code-change" in _status(stored, argv, capsys)
    _truncate(_killed_checkpoint(stored))
    out = _status(stored, argv, capsys)
    assert "bad checkpoint:" in out and "is unreadable" in out and "delete it" in out


def test_allow_code_change_resumes_and_records_both_versions(stored, capsys):
    from maml_landscape.deep.checkpoints import trajectory_code

    _other_code_checkpoint(stored)
    assert main(_nal_resume(stored, "--allow-code-change")) == 0
    (run,) = (stored.out / "deep" / "runs").rglob("*nal-1-seed0-*.json")
    result = json.loads(run.read_text())
    assert result["trajectory_code"] == trajectory_code()
    assert result["resumed_from_code"] == "0123456789abcdef"
    assert result["training"]["iterations"] == 2


def test_truncated_cache_is_rebuilt_with_a_warning_naming_it(stored, tmp_path, capsys):
    cache = tmp_path / "cache"
    shutil.copytree(stored.cache, cache)
    (array,) = cache.glob("*.npy")
    _truncate(array)
    argv = _run(stored)
    argv[argv.index("--cache-dir") + 1] = str(cache)
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert str(array) in err and "rebuilding it" in err and "Traceback" not in err
    assert main(argv) == 0 and "rebuilding" not in capsys.readouterr().err


def test_table_names_carry_every_trajectory_option():
    from maml_landscape.deep.runner import table_tag

    cpu = PROFILES["cpu"]
    assert table_tag(PlanOptions(), cpu) == ""
    assert table_tag(PlanOptions(maml_lr=1e-2, inner_lr=0.5, split_seed=3, device="cuda:0"), cpu) == (
        "maml_lr=0.01-inner_lr=0.5-split_seed=3-device=cuda0"
    )


def test_tables_store_strict_json_with_null_for_missing_cells(stored):
    text = _table(stored).read_text()
    json.loads(text, parse_constant=lambda c: pytest.fail(f"non-strict JSON constant {c}"))


# ------------------------------------------------------------------------------ fuzz

_VALUES = st.one_of(
    st.sampled_from(["0", "-1", "1", "2", "1e300", "inf", "nan", "", " ", "0,0", "1,0", "x", "1e-3", "3.5"]),
    st.text(alphabet="0123456789,.-eaxn ", max_size=6),
)
_NUMERIC = ["--iterations", "--eval-tasks", "--meta-batch", "--checkpoint-every", "--threads",
            "--workers", "--seeds", "--maml-lr", "--inner-lr", "--nal-lr", "--split-seed"]
_NAMED = {"--settings": ["small", "large", "", "x"], "--algorithms": ["maml", "nal-1", "nal-10", "", "y"],
          "--cifar-nk": ["c5", "main"], "--hard-alphabets": ["Oriya", "", "a.json", "Oriya,Braille"]}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    command=st.sampled_from(["status", "run"]),
    numeric=st.dictionaries(st.sampled_from(_NUMERIC), _VALUES, max_size=3),
    named=st.dictionaries(st.sampled_from(sorted(_NAMED)), st.integers(0, 3), max_size=2),
    flags=st.sets(st.sampled_from(["--first-order", "--allow-code-change"])),
)
def test_fuzzed_options_exit_0_or_2_without_traceback(stored_template, tmp_path_factory, capsys,
                                                      command, numeric, named, flags):
    out = tmp_path_factory.mktemp("fuzz")
    stored = Stored(stored_template.data, stored_template.cache, out / "out")
    shutil.copytree(stored_template.out, stored.out)
    argv = ["deep", command, "omniglot", "--profile", "smoke", "--data-dir", str(stored.data),
            "--cache-dir", str(stored.cache), "--out-dir", str(stored.out), "--quiet",
            "--iterations", "1", "--eval-tasks", "1", "--seeds", "0", "--settings", "small",
            "--algorithms", "maml"]
    for option, value in numeric.items():
        if command == "run" and option in ("--iterations", "--eval-tasks", "--meta-batch"):
            value = value if value in ("0", "-1", "x", "") else "1"  # keep training to seconds
        argv += [option, value]
    for option, pick in named.items():
        choices = _NAMED[option]
        argv += [option, choices[pick % len(choices)]]
    argv += sorted(flags)
    code = main(argv)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert code in (0, 2), (argv, code, err)
    if code == 2:
        assert len([line for line in err.splitlines() if line.strip()]) == 1, err


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    target=st.sampled_from(["checkpoint", "table", "run", "hard", "zip"]),
    data=st.binary(max_size=200),
)
def test_fuzzed_file_bytes_exit_0_or_2_without_traceback(stored_template, tmp_path_factory, capsys,
                                                         target, data):
    out = tmp_path_factory.mktemp("bytes")
    stored = Stored(stored_template.data, stored_template.cache, out / "out")
    shutil.copytree(stored_template.out, stored.out)
    argv = _nal_resume(stored) if target == "checkpoint" else _run(stored)
    if target == "checkpoint":
        _killed_checkpoint(stored).write_bytes(data)
    elif target == "table":
        _table(stored).write_bytes(data)
        argv = ["deep", "table", "--out-dir", str(stored.out)]
    elif target == "run":
        _run_result(stored).write_bytes(data)
    elif target == "zip":
        copy = out / "omniglot"
        shutil.copytree(stored.data, copy)
        (copy / "images_evaluation.zip").write_bytes(data)
        argv = _replace_data(stored, argv, str(copy))
        argv[argv.index("--cache-dir") + 1] = str(out / "cache")
    else:
        argv += ["--hard-alphabets", str(_write(out / "hard.json", data))]
    code = main(argv)
    err = capsys.readouterr().err
    assert "Traceback" not in err and code in (0, 2), (target, data, code, err)
