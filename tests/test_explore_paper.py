"""The paper's own environments through ``explore`` reproduce the ledger, and the command's outputs.

examples/two_tasks.toml is Sec. 3.1's Figure 2 environment and examples/hard_easy_mixture.toml
Sec. 3.2's mixture at the ledger's Figure 3(c)-(d) reading. Their numbers must equal
numerics.population on numerics.environments.two_tasks / hard_easy_mixture and the values
the ledger (reports/claims.json) stores for S31.FIG2 and S32.COR2.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
import tomllib

from maml_landscape import numerics
from maml_landscape.cli import main
from maml_landscape.explore import (
    explore,
    gain_map,
    paper_claims,
    parse_environment,
    parse_sweep,
    read_environment_file,
)
from maml_landscape.explore.render import JSON_KEYS
from maml_landscape.report.write import load_ledger
from maml_landscape.verdicts import Verdict

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
ROUNDING = 1e-10


def _ledger_data(claim_id: str) -> dict:
    ledger = load_ledger(ROOT / "reports")
    records = {c["id"]: c for c in ledger["claims"]} if ledger else {}
    if claim_id not in records:
        pytest.skip(f"reports/claims.json has no {claim_id}; run 'maml-landscape verify'")
    return records[claim_id]["checks"][0]["data"]


def _at(spec, **adaptation):
    return dataclasses.replace(spec, adaptation=dataclasses.replace(spec.adaptation, **adaptation))


def test_two_tasks_example_equals_numerics_two_tasks():
    spec = read_environment_file(EXAMPLES / "two_tasks.toml")
    env = numerics.two_tasks(0.25, 1.0, np.ones(10), -np.ones(10), 0.01)
    found = explore(spec)
    w_maml = numerics.maml_solution(env, 1.0, 2000)
    np.testing.assert_allclose(found.w_maml, w_maml, rtol=ROUNDING)
    assert found.risk_above_task_optima.maml == pytest.approx(numerics.risk_above_task_optima(env, w_maml, 1.0, 2000), rel=ROUNDING)
    assert found.meta_test_loss.nal == pytest.approx(numerics.meta_loss(env, numerics.nal_solution(env), 1.0, 2000), rel=ROUNDING)


def test_mixture_example_reproduces_the_ledgers_corollary_2_ratios():
    """S32.COR2's stored exact ratios at Figure 3(c)-(d) (m = 500, 5000) and Figure 1(d)."""
    figures = _ledger_data("S32.COR2")["figures"]
    spec = read_environment_file(EXAMPLES / "hard_easy_mixture.toml")
    assert explore(spec).gain == pytest.approx(figures["Fig. 3(c)-(d), m = 500"]["exact"], rel=ROUNDING)
    assert explore(_at(spec, m=5000)).gain == pytest.approx(figures["Fig. 3(c)-(d), m = 5000"]["exact"], rel=ROUNDING)
    data = tomllib.loads((EXAMPLES / "hard_easy_mixture.toml").read_text())
    data["family"][0]["w_mean"] = [2.0] * 10  # Figure 1(d): R = 2, r_H = 0.1, r_E = 1
    data["family"][1]["w_cov_scale"] = 1.0
    assert explore(parse_environment(data)).gain == pytest.approx(figures["Fig. 1(d): large R, small r_H"]["exact"], rel=ROUNDING)


def test_mixture_example_equals_numerics_hard_easy_mixture():
    spec = read_environment_file(EXAMPLES / "hard_easy_mixture.toml")
    env = numerics.hard_easy_mixture(10, 0.1, 0.9, 1.0, 0.1, 2.0, 0.01)
    found = explore(spec)
    alpha = 1 / 0.9
    for w, risk in ((numerics.nal_solution(env), found.risk_above_task_optima.nal),
                    (numerics.maml_solution(env, alpha, 500), found.risk_above_task_optima.maml)):
        assert risk == pytest.approx(numerics.risk_above_task_optima(env, w, alpha, 500), rel=ROUNDING)


def test_figure_2_sweep_reproduces_the_ledgers_numbers():
    """S31.FIG2 at m = n2 = 2000: largest risk, largest gain and the ρ_H interval where w_MAML* is on the hard side."""
    stored = _ledger_data("S31.FIG2")["m = n2 = 2000"]
    spec = read_environment_file(EXAMPLES / "two_tasks.toml")
    rho_h = np.linspace(0.001, 0.999, 200)  # Figure 2's grid (numerics.figures.fig2.THEORY_RHO)
    sweep = dataclasses.replace(parse_sweep("hard.sigma_scale=0.004:3.996:200", spec), values=rho_h / 0.25)
    values = gain_map(spec, (sweep,)).values
    assert values.risk_above_task_optima.max() == pytest.approx(stored["max_risk"], rel=1e-9)
    assert np.nanmax(values.gain) == pytest.approx(stored["largest_ratio"], rel=1e-9)
    hard_side = rho_h[values.w_maml[:, 0] > 0]
    assert [hard_side.min(), hard_side.max()] == pytest.approx(stored["maml_hard_interval"], rel=1e-12)


def test_claims_on_the_paper_environments():
    two = explore(read_environment_file(EXAMPLES / "two_tasks.toml"))
    verdicts = {c.id: c.verdict for c in paper_claims(two)}
    assert verdicts["S2.ORDER"] is Verdict.HOLDS and verdicts["S31.LARGE_M"] is Verdict.HOLDS
    assert verdicts["S3.HARD"] is Verdict.HOLDS
    assert verdicts["S32.COR2"] is Verdict.NOT_CHECKED  # no spread r_H: not Sec. 3.2's form
    mixture = read_environment_file(EXAMPLES / "hard_easy_mixture.toml")
    cor2 = {c.id: c for c in paper_claims(explore(mixture))}["S32.COR2"]
    assert cor2.verdict is Verdict.NOT_CHECKED and "outside the stated regime" in cor2.summary  # t(1-t)² < 10 d/m
    cor2 = {c.id: c for c in paper_claims(explore(_at(mixture, m=5000)))}["S32.COR2"]
    assert cor2.verdict is Verdict.FAILS and cor2.data["printed_ratio"] == pytest.approx(11.0)


def test_order_fails_when_maml_is_trained_with_other_samples():
    spec = _at(read_environment_file(EXAMPLES / "three_clusters.toml"), alpha=1.2, m=2000)  # hatched in the README's map
    order = paper_claims(explore(spec))[0]
    assert spec.adaptation.n_train == 20 and order.id == "S2.ORDER" and order.verdict is Verdict.FAILS


def test_explore_command_writes_every_output(tmp_path: Path, capsys):
    out = tmp_path / "out"
    argv = ["explore", str(EXAMPLES / "three_clusters.toml"), "--mc", "2000", "--claims", "--out", str(out),
            "--sweep", "alpha=0.05:1.5:6", "--sweep", "m=2:200:log5", "--no-progress"]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "risk_above_task_optima" in printed and "S32.COR2" in printed and "gain map:" in printed
    record = json.loads((out / "explore.json").read_text())
    assert tuple(record) == JSON_KEYS
    assert set(record["meta_test_loss"]) == {"nal", "maml"} and set(record["alpha_star"]) == {"alpha", "maml", "nal"}
    for name in ("monte_carlo.json", "paper_claims.json", "gain_map.json", "explore.md",
                 "figures/gain_map.png", "figures/gain_map.pdf"):
        assert (out / name).is_file(), name
    assert np.array(json.loads((out / "gain_map.json").read_text())["gain"]).shape == (6, 5)


def test_help_explains_every_option(capsys):
    with pytest.raises(SystemExit):
        main(["explore", "--help"])
    text = capsys.readouterr().out
    for option in ("--mc", "--sweep", "--claims", "--out", "--seed", "--no-progress", "reuse_samples", "examples:"):
        assert option in text, option


def test_reuse_samples_prints_monte_carlo_intervals(tmp_path: Path, capsys):
    """reuse_samples with k = 2: labelled Monte Carlo, and every number gets an interval without --mc."""
    env = tmp_path / "reuse.toml"
    env.write_text("d = 2\nnoise_variance = 0.1\n[[family]]\nweight = 0.5\nsigma_scale = 0.2\nw_mean = [1.0, 0.0]\n"
                   "[[family]]\nweight = 0.5\nsigma_scale = 1.0\nw_mean = [-1.0, 0.5]\n"
                   "[adaptation]\nalpha = 0.8\nm = 4\nsteps = 2\nreuse_samples = true\n")
    assert main(["explore", str(env), "--no-progress", "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out
    assert "Monte Carlo plug-in" in printed and "MC, 99.9%" in printed and "20000 sampled tasks" in printed
    assert json.loads((tmp_path / "out" / "explore.json").read_text())["settings"]["method"].startswith("Monte Carlo")
