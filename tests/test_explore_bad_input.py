"""Every bad environment file or option of ``maml-landscape explore``: exit 2, one line naming the field and the fix.

Each row: an id, a change to a valid environment file (or the file's raw text), extra
arguments, and a fragment of the expected error line. The call runs in-process and must
not write anything into --out.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from maml_landscape.cli import main
from tests.helpers_bad_input import assert_one_line_error, snapshot

GOOD = {
    "d": 2,
    "noise_variance": 0.25,
    "family": [
        {"name": "hard", "weight": 0.4, "sigma_eigenvalues": [0.1, 0.2], "w_mean": [1.0, 1.0], "w_cov_scale": 0.1},
        {"name": "easy", "weight": 0.6, "sigma_scale": 1.0, "w_mean": [-1.0, 0.0]},
    ],
    "adaptation": {"alpha": 0.5, "m": 5},
}


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return repr(value)


def render(data: dict) -> str:
    """A minimal TOML writer for the table above (scalars, lists, [[family]], [adaptation])."""
    lines = [f"{k} = {_toml(v)}" for k, v in data.items() if not isinstance(v, (dict, list)) or
             (isinstance(v, list) and not all(isinstance(r, dict) for r in v))]
    for row in data.get("family", []):
        lines += ["[[family]]", *(f"{k} = {_toml(v)}" for k, v in row.items())]
    if isinstance(data.get("adaptation"), dict):
        lines += ["[adaptation]", *(f"{k} = {_toml(v)}" for k, v in data["adaptation"].items())]
    return "\n".join(lines) + "\n"


def changed(edit):
    def build() -> str:
        data = copy.deepcopy(GOOD)
        edit(data)
        return render(data)

    return build


def _set(path: tuple, value):
    def edit(data: dict) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return edit


def _drop(path: tuple):
    def edit(data: dict) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return edit


CASES = [
    # (id, file text builder, extra argv, fragment)
    ("weights not summing to 1", changed(_set(("family", 1, "weight"), 0.5)), [], "the family weights sum to 0.9, not 1"),
    ("two data covariances", changed(_set(("family", 1, "sigma"), [[1.0, 0.5], [0.0, 1.0]])), [], "gives both"),
    ("sigma asymmetric", changed(lambda d: (d["family"][1].pop("sigma_scale"), d["family"][1].update(sigma=[[1.0, 0.5], [0.0, 1.0]]))),
     [], "family 'easy' is not usable: sigma must be symmetric"),
    ("sigma not positive definite", changed(lambda d: (d["family"][1].pop("sigma_scale"), d["family"][1].update(sigma=[[1.0, 2.0], [2.0, 1.0]]))),
     [], "sigma is not positive definite"),
    ("sigma eigenvalue negative", changed(_set(("family", 0, "sigma_eigenvalues"), [0.1, -0.2])), [],
     "family 'hard'.sigma_eigenvalues has the eigenvalue -0.2"),
    ("sigma_scale zero", changed(_set(("family", 1, "sigma_scale"), 0.0)), [], "family 'easy'.sigma_scale = 0.0 must be a finite number > 0"),
    ("no sigma", changed(_drop(("family", 1, "sigma_scale"))), [], "family 'easy' has no data covariance"),
    ("w_mean wrong length", changed(_set(("family", 0, "w_mean"), [1.0, 1.0, 1.0])), [], "family 'hard'.w_mean has 3 entries but d = 2"),
    ("sigma_eigenvalues wrong length", changed(_set(("family", 0, "sigma_eigenvalues"), [0.1])), [],
     "family 'hard'.sigma_eigenvalues has 1 entries but d = 2"),
    ("sigma wrong shape", changed(lambda d: (d["family"][1].pop("sigma_scale"), d["family"][1].update(sigma=[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]))),
     [], "family 'easy'.sigma has shape 2 x 3 but d = 2"),
    ("w_cov not PSD", changed(_set(("family", 1, "w_cov"), [[1.0, 0.0], [0.0, -1.0]])), [], "w_cov must be positive semi-definite"),
    ("w_cov_scale negative", changed(_set(("family", 0, "w_cov_scale"), -0.1)), [], "w_cov_scale = -0.1 must be a finite number ≥ 0"),
    ("alpha too large", changed(_set(("adaptation", "alpha"), 2.5)), [], "adaptation.alpha = 2.5 is outside (0, 2/λ_max) = (0, 2)"),
    ("alpha zero", changed(_set(("adaptation", "alpha"), 0.0)), [], "adaptation.alpha = 0.0 must be a finite number > 0"),
    ("alpha text", changed(_set(("adaptation", "alpha"), "best")), [], "adaptation.alpha = 'best' must be a finite number"),
    ("m zero", changed(_set(("adaptation", "m"), 0)), [], "adaptation.m = 0 must be an integer ≥ 1"),
    ("m float", changed(_set(("adaptation", "m"), 2.5)), [], "adaptation.m = 2.5 must be an integer ≥ 1"),
    ("m missing", changed(_drop(("adaptation", "m"))), [], "adaptation.m is missing"),
    ("steps zero", changed(_set(("adaptation", "steps"), 0)), [], "adaptation.steps = 0 must be an integer ≥ 1"),
    ("n_train zero", changed(_set(("adaptation", "n_train"), 0)), [], "adaptation.n_train = 0 must be an integer ≥ 1"),
    ("reuse_samples not bool", changed(_set(("adaptation", "reuse_samples"), 1)), [], "reuse_samples = 1 must be true or false"),
    ("unknown top-level key", changed(_set(("noise",), 0.1)), [], "unknown key 'noise' in the top level"),
    ("unknown family key", changed(_set(("family", 0, "sigma_eigenvalue"), [0.1, 0.2])), [],
     "unknown key 'sigma_eigenvalue' in family 'hard'"),
    ("unknown adaptation key", changed(_set(("adaptation", "step"), 2)), [], "did you mean 'steps'?"),
    ("negative noise", changed(_set(("noise_variance",), -1.0)), [], "noise_variance = -1.0 must be a finite number ≥ 0"),
    ("d zero", changed(_set(("d",), 0)), [], "d = 0 must be an integer ≥ 1"),
    ("duplicate names", changed(_set(("family", 1, "name"), "hard")), [], "family name 'hard' is used twice"),
    ("no families", changed(_drop(("family",))), [], "family needs at least one [[family]] table"),
    ("no adaptation", changed(_drop(("adaptation",))), [], "[adaptation] is missing"),
    ("invalid TOML", lambda: "d = \n", [], "is not valid TOML"),
    ("not UTF-8", lambda: b"d = 2 # \xff\n", [], "is not UTF-8 text"),
    ("sweep format", changed(lambda d: None), ["--sweep", "alpha=0.1-1"], "must look like NAME=LO:HI:N"),
    ("sweep unknown name", changed(lambda d: None), ["--sweep", "beta=0.1:1:5"], "'beta' is not a setting"),
    ("sweep alpha too large", changed(lambda d: None), ["--sweep", "alpha=0.1:3:5"], "reaches 2/λ_max"),
    ("sweep bounds", changed(lambda d: None), ["--sweep", "m=20:2:5"], "need 0 < LO < HI"),
    ("three sweeps", changed(lambda d: None), ["--sweep", "alpha=0.1:1:3", "--sweep", "m=2:9:3", "--sweep", "steps=1:3:3"],
     "give one or two --sweep options"),
    ("same sweep twice", changed(lambda d: None), ["--sweep", "m=2:9:3", "--sweep", "m=2:20:3"], "is given twice"),
    ("weight sweep to 1", changed(lambda d: None), ["--sweep", "hard.weight=0.1:1:3"], "a weight lies in (0, 1)"),
    ("mc one sample", changed(lambda d: None), ["--mc", "1"], "--mc must be at least 2"),
    ("mc text", changed(lambda d: None), ["--mc", "many"], "--mc must be an integer"),
]


@pytest.mark.parametrize("text, extra, fragment", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, capsys, text, extra, fragment):
    env = tmp_path / "env.toml"
    content = text()
    env.write_bytes(content if isinstance(content, bytes) else content.encode())
    out = tmp_path / "out"
    before = snapshot(tmp_path)
    code = main(["explore", str(env), "--out", str(out), "--no-progress", *extra])
    assert_one_line_error(code, capsys.readouterr().err, fragment)
    assert snapshot(tmp_path) == before and not any(out.glob("*.json"))


def test_missing_file_is_one_line(tmp_path: Path, capsys):
    code = main(["explore", str(tmp_path / "nowhere.toml")])
    assert_one_line_error(code, capsys.readouterr().err, "no such file")


def test_folder_instead_of_file_is_one_line(tmp_path: Path, capsys):
    code = main(["explore", str(tmp_path)])
    assert_one_line_error(code, capsys.readouterr().err, "is a folder")


def test_unwritable_out_is_one_line(tmp_path: Path, capsys):
    env = tmp_path / "env.toml"
    env.write_text(render(GOOD))
    blocker = tmp_path / "file"
    blocker.write_text("")
    code = main(["explore", str(env), "--out", str(blocker / "sub")])
    assert_one_line_error(code, capsys.readouterr().err, "is not writable")


def test_the_good_file_runs(tmp_path: Path, capsys):
    """The base of every row is valid, so each row fails for its own field only."""
    env = tmp_path / "env.toml"
    env.write_text(render(GOOD))
    assert main(["explore", str(env), "--no-progress"]) == 0
    assert "gain" in capsys.readouterr().out
