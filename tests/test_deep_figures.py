"""Deep and explore figures: titles name the variant, legends explain every mark, talk-size fonts."""

from __future__ import annotations

import numpy as np
import pytest

from maml_landscape.deep.curves import draw_curves
from maml_landscape.deep.hard_alphabets import DEFAULT_HARD
from maml_landscape.deep.paper_tables import CELLS, TABLE_1
from maml_landscape.deep.results import profile_label, table_variant
from maml_landscape.deep.table_figures import table_figure
from maml_landscape.explore.render import gain_map_figure
from maml_landscape.explore.sweeps import GainMap, Sweep
from maml_landscape.plotting import TALK_STYLE

ALGORITHMS = ("maml", "nal-1", "nal-10")


@pytest.fixture(autouse=True)
def close_figures():
    """Every figure a test drew is closed after it (pyplot keeps them open)."""
    import matplotlib.pyplot as plt

    yield
    plt.close("all")


def _row(setting: str, algorithm: str) -> dict:
    """One row of a stored Omniglot table: two seeds, learning and loss curves, the paper's cells."""
    printed = TABLE_1[(setting, algorithm)]
    curve = [{"iteration": i, **{cell: 40.0 + i / 10 for cell in CELLS}} for i in (100, 200)]
    return {
        "setting": setting, "algorithm": algorithm, "seeds": [0, 1],
        "cells": {cell: {"mean": 50.0, "half_width": 5.0, "paper": list(printed[i])} for i, cell in enumerate(CELLS)},
        "learning_curves": {"0": curve, "1": curve},
        "loss_curves": [[2.0, 1.5, 1.0], [2.1, 1.4, 1.1]],
    }


@pytest.fixture
def table(tmp_path) -> dict:
    """A 200-iteration Omniglot table at NAL rate 1e-4 with the seeds overridden (fewer than the profile's)."""
    return {
        "path": str(tmp_path / "omniglot-cpu-nal_lr=0.0001.json"),
        "experiment": "omniglot", "profile": "cpu", "substitute": False, "budget": 200,
        "overrides": ["seeds=0"], "done_runs": 12, "planned_runs": 12, "configs": {},
        "options": {"nal_lr": 1e-4, "hard_alphabets": list(DEFAULT_HARD)},
        "rows": [_row(setting, algorithm) for setting in ("large", "small") for algorithm in ALGORITHMS],
    }


def _texts(fig) -> list:
    """Every text drawn on ``fig``: titles, labels, tick labels, legend entries."""
    from matplotlib.text import Text

    fig.canvas.draw()
    return [t for t in fig.findobj(Text) if t.get_text().strip() and t.get_visible()]


def _legend_labels(fig) -> list[str]:
    legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend())]
    return [t.get_text() for legend in legends for t in legend.get_texts()]


def _assert_talk_size(fig) -> None:
    smallest = min(t.get_fontsize() for t in _texts(fig))
    assert smallest >= TALK_STYLE["legend.fontsize"]


def test_table_figure_names_its_variant_and_explains_every_mark(table):
    fig = table_figure("S5.OMNI", table).drawing
    title = fig.get_suptitle().replace("\n", " ")
    assert profile_label(table) in title and "NAL lr 0.0001" in title and "OVERRIDDEN (seeds=0)" in title
    assert table_variant(table) in title and "12/12 runs" in title
    labels = _legend_labels(fig)
    assert {"MAML: measured mean", "NAL-1: measured mean", "NAL-10: measured mean"} <= set(labels)
    assert "95% interval over training seeds" in labels
    assert "the paper's Table 1/4 (value ± printed interval)" in labels
    assert {"setting large", "setting small"} <= set(labels)
    _assert_talk_size(fig)


def test_table_figure_diamonds_draw_the_printed_values(table):
    """The diamonds sit at the paper's Table 4 values, beside (not on) their bar's error bar."""
    fig = table_figure("S5.OMNI", table).drawing
    train_easy = fig.axes[0]
    diamonds = [line for line in train_easy.get_lines() if line.get_marker() == "D"]
    assert len(diamonds) == 1
    expected = [TABLE_1[(s, a)][0][0] for s in ("large", "small") for a in ALGORITHMS]
    assert np.allclose(diamonds[0].get_ydata(), expected)
    bars = [patch.get_x() + patch.get_width() / 2 for patch in train_easy.patches]
    assert np.all(np.abs(np.asarray(diamonds[0].get_xdata()) - bars) > 0.1)


def test_curves_title_names_the_variant_and_legend_explains_the_lines(table):
    fig = draw_curves(table)
    title = fig.get_suptitle().replace("\n", " ")
    assert "omniglot: learning curves; the paper's Table 1/4 final values dashed" in title
    assert profile_label(table) in title and table_variant(table) in title
    labels = _legend_labels(fig)
    assert ["MAML", "NAL-1", "NAL-10"] == labels[:3]
    assert {"mean over training seeds", "one training seed"} <= set(labels)
    assert any(label.startswith("final value in the paper's Table 1/4") for label in labels)
    _assert_talk_size(fig)


def _gain_map(gain: np.ndarray) -> GainMap:
    """A gain map over m (columns) and alpha (rows) whose risks give ``gain``."""
    from types import SimpleNamespace

    alpha = Sweep("alpha", "alpha", None, np.linspace(0.1, 1.0, gain.shape[0]), False)
    m = Sweep("m", "m", None, np.geomspace(2, 200, gain.shape[1]), True)
    values = SimpleNamespace(gain=gain.ravel())
    return GainMap((alpha, m), values, np.repeat(alpha.values, gain.shape[1]), np.full(gain.shape[1], 0.5))


def test_gain_map_legend_explains_the_hatching_and_fonts_are_talk_size():
    gain = np.outer(np.linspace(0.8, 1.2, 6), np.ones(5))
    fig = gain_map_figure(_gain_map(gain), "examples/x.toml")
    labels = _legend_labels(fig)
    assert labels == ["gain = 1 (MAML and NAL equal)", "MAML worse than NAL (gain < 1)",
                      "alpha* (MAML's best step size)"]
    assert "examples/x.toml" in fig.axes[0].get_title()
    _assert_talk_size(fig)


def test_gain_map_without_a_worse_region_has_no_legend_entry_for_it():
    fig = gain_map_figure(_gain_map(np.full((4, 3), 1.1)), "examples/x.toml")
    assert "MAML worse than NAL (gain < 1)" not in _legend_labels(fig)


def test_claims_sharing_a_table_get_a_file_each(table):
    """Each figure carries its claim's stamp, so two claims never write one file."""
    from maml_landscape.deep.table_figures import figure_name

    assert figure_name("S5.CIFAR", table) != figure_name("H.HARDTRAIN", table)
    assert figure_name("S5.CIFAR", table).startswith("deep_S5_CIFAR_")
