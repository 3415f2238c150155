"""Helpers shared by the figure modules: confidence intervals, marking printed axis ranges, profile texts."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure as MplFigure

from maml_landscape.stats import t_quantile

#: Colours used for the two algorithms in every regenerated figure.
NAL_COLOUR = "tab:blue"
MAML_COLOUR = "tab:red"

#: How a profile's sizes relate to the paper's protocol, as the figure checks' evidence states it.
REDUCED_PROFILE = "Profile `quick` (reduced grid and repetitions, same iteration counts)"
PAPER_PROFILE = "Profile `paper`"


def mean_and_halfwidth(samples: np.ndarray, axis: int = -1, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Mean over ``axis`` and the half-width of its two-sided t confidence interval."""
    count = samples.shape[axis]
    if count < 2:
        raise ValueError("a confidence interval needs at least two repetitions")
    mean = samples.mean(axis=axis)
    stderr = samples.std(axis=axis, ddof=1) / np.sqrt(count)
    return mean, t_quantile(0.5 + level / 2, count - 1) * stderr


def finish_figure(fig: MplFigure, axes: np.ndarray | tuple[Axes, ...], xlabel: str, title: str, legend_size: float,
                  title_size: float) -> MplFigure:
    """The common end of a regenerated figure: x labels and legends on ``axes``, the title, a tight layout."""
    for ax in np.ravel(axes):
        ax.set_xlabel(xlabel)
        ax.legend(fontsize=legend_size)
    fig.suptitle(title, fontsize=title_size)
    fig.tight_layout()
    return fig


def mark_printed_range(ax: Axes, low: float, high: float, axis: str = "y") -> None:
    """Dotted grey lines at the printed figure's axis limits (for visual comparison)."""
    draw = ax.axhline if axis == "y" else ax.axvline
    for value in (low, high):
        draw(value, color="0.5", linestyle=":", linewidth=1.0)
