"""Helpers shared by the figure modules: confidence intervals, marking printed axis ranges, profile texts."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure as MplFigure

from maml_landscape.stats import t_quantile

#: Colours used for the two algorithms in every regenerated figure.
NAL_COLOUR = "tab:blue"
MAML_COLOUR = "tab:red"
#: Colours of the hard and easy tasks (sampled solutions in Fig. 1, reference lines w_1*, w_2* elsewhere).
HARD_COLOUR = "tab:orange"
EASY_COLOUR = "tab:green"

#: How the paper's printed axis limits are drawn, and their legend entry.
PRINTED_STYLE = {"color": "0.25", "linestyle": ":", "linewidth": 1.6}
PRINTED_RANGE_LABEL = "paper's printed axis range"
#: gid of reference marks (printed ranges, task solutions, predictions), listed last in a figure's legend.
REFERENCE = "reference"
#: Legend text of the error bars of a mean over repetitions.
T_INTERVAL = "mean ± 95% t-interval"

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


def finish_figure(fig: MplFigure, axes: np.ndarray | tuple[Axes, ...], xlabel: str, title: str,
                  legend_columns: int = 4) -> MplFigure:
    """The common end of a regenerated figure: x labels on ``axes``, :func:`figure_legend` below them, the title.

    ``fig`` must use the constrained layout (it makes room for the legend and the title).
    """
    for ax in np.ravel(axes):
        ax.set_xlabel(xlabel)
    figure_legend(fig, axes, legend_columns)
    fig.suptitle(title)
    return fig


def figure_legend(fig: MplFigure, axes: np.ndarray | tuple[Axes, ...], columns: int) -> None:
    """One legend below all panels, with every distinct label drawn in ``axes`` (so none covers data).

    Entries keep the order of ``axes`` (lines before error bars within one panel), the
    :data:`REFERENCE` marks last; columns fill top to bottom.
    """
    entries: dict[str, object] = {}
    for ax in np.ravel(axes):
        for handle, label in zip(*ax.get_legend_handles_labels()):
            entries.setdefault(label, handle)
    ordered = sorted(entries.items(), key=lambda entry: getattr(entry[1], "get_gid", lambda: None)() == REFERENCE)
    fig.legend([handle for _, handle in ordered], [label for label, _ in ordered], loc="outside lower center",
               ncols=columns)


def mark_printed_range(ax: Axes, low: float, high: float, axis: str = "y", label: str | None = None) -> None:
    """Dotted lines at the printed figure's axis limits (for visual comparison); ``label`` names the first.

    Call it after the panel's data are drawn: it widens the view so that neither line lies on the frame.
    """
    draw, get, set_ = (ax.axhline, ax.get_ylim, ax.set_ylim) if axis == "y" else (ax.axvline, ax.get_xlim, ax.set_xlim)
    for value, name in ((low, label), (high, None)):
        draw(value, zorder=3, label=name, gid=REFERENCE, **PRINTED_STYLE)
    start, end = get()
    pad = 0.03 * (max(end, high) - min(start, low))
    set_(min(start, low - pad), max(end, high + pad))


def mark_task_solutions(ax: Axes, hard: float, easy: float) -> None:
    """Reference lines at the hard task's solution w_1* and the easy task's w_2* (first coordinate)."""
    ax.axhline(hard, color=HARD_COLOUR, linewidth=2.5, alpha=0.7, gid=REFERENCE,
               label=f"$w_1^*$ = {hard:g}: hard task")
    ax.axhline(easy, color=EASY_COLOUR, linewidth=2.5, alpha=0.7, gid=REFERENCE,
               label=f"$w_2^*$ = {easy:g}: easy task")
