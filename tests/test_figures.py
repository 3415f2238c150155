"""Figure modules: exact shortcuts against direct computation, and every figure writes PNG + PDF."""

from __future__ import annotations

from math import comb

import numpy as np
import pytest

from maml_landscape.context import CheckContext
from maml_landscape.numerics.figures import fig1, fig2, fig3, logistic, sgd_runs, table3
from maml_landscape.numerics.figures import neuron_landscapes as neurons
from maml_landscape.numerics.figures.mixture_risks import MixtureSetting, risk_grid, risks
from maml_landscape.numerics.sgd import nal_batch_weights
from maml_landscape.plotting import figure_evidence, save_claim_figures, stamp_text
from maml_landscape.stats import t_quantile, z_threshold
from maml_landscape.verdicts import Outcome, Verdict


def test_mixture_risks_are_linear_in_R2_and_spreads():
    """The coefficient shortcut equals the population functions at random points."""
    rng = np.random.default_rng(0)
    setting = MixtureSetting(4, 0.2, 0.8, 60, 40, 1.1)
    for _ in range(5):
        R, r_h, r_e = rng.uniform(0, 3), rng.uniform(0, 2), rng.uniform(0, 2)
        nal, maml = risk_grid(setting, np.array(R), np.array(r_h), np.array(r_e))
        assert (float(nal), float(maml)) == pytest.approx(risks(setting, R, r_h, r_e), rel=1e-10)


def test_expected_hard_weight_matches_simulated_batches():
    """A(ν) = E[hν/(hν + B − h)] against batches drawn with nal_batch_weights (z-test)."""
    rng = np.random.default_rng(1)
    family = rng.integers(0, 2, size=(1, 200000, 10))
    for nu in (1.0, 5.0):
        shares = (nal_batch_weights(family, np.array([[nu, 1.0]])) * (family == 0)).sum(-1)[0]
        z = (shares.mean() - table3.expected_hard_weight(nu)) / (shares.std() / np.sqrt(shares.size))
        assert abs(z) < z_threshold(2)
    assert table3.expected_hard_weight(1.0) == pytest.approx(sum(comb(10, h) * h for h in range(11)) / 10 / 2**10)


def test_logistic_quadrature_matches_monte_carlo():
    rng = np.random.default_rng(2)
    w, w_star, rho = np.linspace(-0.5, 0.5, 10), np.ones(10), 0.4
    x = np.sqrt(rho) * rng.standard_normal((200000, 10))
    u, v = x @ w, x @ w_star
    samples = np.logaddexp(0, u) - 0.5 * (1 + np.tanh(0.5 * v)) * u
    z = (samples.mean() - logistic.population_loss(w, rho, w_star)) / (samples.std() / np.sqrt(samples.size))
    assert abs(z) < z_threshold(1)


def test_t_quantile_is_the_student_quantile():
    assert t_quantile(0.975, 9) == pytest.approx(2.2621571628, rel=1e-8)
    assert t_quantile(0.975, 10000) == pytest.approx(1.96, abs=1e-3)


def test_neuron_maml_loss_equals_direct_computation():
    """Eq. (4) for one point, written out sample by sample for one episode."""
    env = neurons.ENVIRONMENTS[1]
    data = neurons.sample_data(env, np.random.default_rng(3), 2)
    w, alpha = np.array([0.3, -0.2]), 0.7
    sigma, slope = neurons.ACTIVATIONS[env.activation]
    x_in, y_in, x_out, y_out = data.x_in[0, 1], data.y_in[0, 1], data.x_out[0, 1], data.y_out[0, 1]
    gradient = sum((sigma(x @ w) - y) * slope(x @ w) * x for x, y in zip(x_in, y_in)) / len(x_in)
    adapted = w - alpha * gradient
    direct = np.mean([0.5 * (sigma(x @ adapted) - y) ** 2 for x, y in zip(x_out, y_out)])
    episodes = neurons.maml_episode_losses(w[None], data, env.activation, alpha)
    assert episodes[0, 0, 1] == pytest.approx(direct, rel=1e-12)


def test_agreement_false_alarm_is_the_binomial_tail():
    """P(share of covering intervals < 90%): at most 2 of 24 and 1 of 12 may miss."""
    miss = 1 - sgd_runs.AGREEMENT_LEVEL

    def tail(points, allowed):
        return 1 - sum(comb(points, k) * miss**k * (1 - miss) ** (points - k) for k in range(allowed + 1))

    assert sgd_runs.false_alarm(24) == pytest.approx(tail(24, 2), rel=1e-12)
    assert sgd_runs.false_alarm(12) == pytest.approx(tail(12, 1), rel=1e-12)
    assert sgd_runs.false_alarm(10) == pytest.approx(tail(10, 1), rel=1e-12)


def _fake_landscape(env, w_nal, w_maml, loss_nal, loss_maml):
    flat = np.zeros((1, 1))
    return neurons.Landscape(env, 1.0, flat, flat, flat, flat, np.array(w_nal), np.array(w_maml),
                             loss_nal, loss_maml, 1e-4)


def test_neuron_failures_report_each_failed_condition_with_its_value():
    equal, one_hard = neurons.ENVIRONMENTS[0], neurons.ENVIRONMENTS[1]
    assert neurons.statement_failures(0, equal, _fake_landscape(equal, (0, 0), (0.1, 0), 1.0, 1.05), 0.0, 5.0) == []
    failed = neurons.statement_failures(0, equal, _fake_landscape(equal, (0, 0), (0.4, 0), 1.0, 1.2), 0.0, 5.0)
    assert len(failed) == 2 and "0.40" in failed[0] and "20.0%" in failed[1]
    hard = one_hard.centroid(True)
    easy = one_hard.centroid(False)
    good = _fake_landscape(one_hard, easy, hard, 1.0, 0.5)
    assert neurons.statement_failures(1, one_hard, good, 10.0, 5.0) == []
    reversed_ = _fake_landscape(one_hard, hard, easy, 1.0, 0.95)
    assert len(neurons.statement_failures(1, one_hard, reversed_, 1.0, 5.0)) == 4


@pytest.fixture
def ctx(tmp_path):
    return CheckContext("quick", 1, tmp_path)


def _saved(ctx, fig, name):
    block = figure_evidence(fig, name, "caption", reproduces="Figure 1")
    save_claim_figures([Outcome(Verdict.FAILS, "x", evidence=[block])], "S32.FIG1", Verdict.FAILS, ctx.figures_dir)
    path = ctx.out_dir / block.path
    assert path.exists() and path.with_suffix(".pdf").exists()
    stamps = [t.get_text() for t in fig.texts if t.get_gid() == "claim-stamp"]
    assert stamps == [stamp_text("S32.FIG1", Verdict.FAILS, "Figure 1")]


def test_figures_write_png_and_pdf(ctx):
    rho = np.array([0.2, 0.6])
    curves = fig2.theory_curves(rho, 100, 100, 1.0)
    _saved(ctx, fig2.plot_figure2(curves, curves, curves), "fig2")
    points = fig2.sgd_points((0.2, 0.6), ((100, 100),), 2, 20, 1.0, 10, 0)
    _saved(ctx, fig2.plot_figure8([curves], points), "fig8")
    setting = MixtureSetting(10, 0.1, 0.9, 100, 100, 1 / 0.9)
    _saved(ctx, fig3.plot(setting, np.linspace(0, 5, 6), fig3.sgd_points(setting, (1.0, 2.0), 2, 20, 0)), "fig3")
    _saved(ctx, fig1.plot(fig1.scan_all(), np.random.default_rng(0)), "fig1")
    _saved(ctx, logistic.plot(logistic.curves((0.3,), 4.0, 4, 0), 4.0), "fig7")
    landscape = neurons.landscape(neurons.ENVIRONMENTS[2], 1.0, 5, 2, 0)
    _saved(ctx, neurons.plot([landscape], "test"), "fig6")


def test_the_stamp_sits_above_every_other_mark(ctx):
    """The claim stamp is drawn above the figure's own title (nothing overlaps it) and is written once."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    fig.suptitle("a two-line\nsuptitle")
    block = figure_evidence(fig, "stamp_test", "caption")
    for verdict in (Verdict.HOLDS, Verdict.FAILS):  # a second stamp replaces the first
        save_claim_figures([Outcome(verdict, "x", evidence=[block])], "S3.Q", verdict, ctx.figures_dir)
    renderer = fig.canvas.get_renderer()
    stamps = [t for t in fig.texts if t.get_gid() == "claim-stamp"]
    assert [t.get_text() for t in stamps] == [stamp_text("S3.Q", Verdict.FAILS, None)]
    assert stamps[0].get_window_extent(renderer).y0 >= fig._suptitle.get_window_extent(renderer).y1
    assert "not a figure of the paper" in stamps[0].get_text()


def test_figure_evidence_is_not_written_into_the_ledger():
    import matplotlib.pyplot as plt

    from maml_landscape.serialize import block_to_dict

    record = block_to_dict(figure_evidence(plt.figure(), "x", "caption", reproduces="Table 1"))
    assert record == {"type": "figure", "path": "figures/x.png", "caption": "caption", "reproduces": "Table 1"}
