"""The Table 3 figure (numerics/figures/table3.py): our SGD columns beside the paper's printed values."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from maml_landscape.numerics.figures import printed, table3


def _fake_columns(offset: float) -> tuple[table3.Column, ...]:
    """Five columns of three made-up trials each, in Table 3's column order."""
    return tuple(
        table3.Column(name, np.array([0.2, 0.3, 0.4]) * (i + 1) + offset, np.array([0.9, 0.8, 0.7]) - 0.1 * i,
                      np.zeros(3))
        for i, name in enumerate((*(f"NAL ν={nu}" for nu in printed.TABLE3_NU), "MAML"))
    )


def test_table3_figure_draws_ours_beside_the_printed_values():
    fig = table3.plot(_fake_columns(0.0), None, "fake setting")
    try:
        coordinate, error = fig.axes
        labels = [t.get_text() for t in fig.legends[0].get_texts()]
        assert any(label.startswith("ours") for label in labels)
        assert "paper (Table 3, mean ± std)" in labels
        assert [t.get_text() for t in coordinate.get_xticklabels()] == list(table3.column_labels())
        for ax, row in ((coordinate, printed.TABLE3_AVERAGE_COORDINATE), (error, printed.TABLE3_TEST_ERROR)):
            drawn = {tuple(np.round(line.get_ydata(), 6)) for line in ax.get_lines()}
            assert tuple(np.round([m for m, _ in row], 6)) in drawn  # the printed means, as drawn
        ours_nal = coordinate.get_lines()[0].get_ydata()
        assert np.allclose(ours_nal, [0.3 * (i + 1) for i in range(4)])  # the fake trials' means
    finally:
        plt.close(fig)


def test_table3_figure_adds_population_predictions():
    population = tuple(table3.Column(c.name, c.average_coordinate[:1], c.excess_risk[:1], c.excess_risk_eq2[:1])
                       for c in _fake_columns(0.1))
    fig = table3.plot(_fake_columns(0.0), population, "fake setting")
    try:
        labels = [t.get_text() for t in fig.legends[0].get_texts()]
        assert len(labels) == 4 and labels[-1].startswith("population")
    finally:
        plt.close(fig)
