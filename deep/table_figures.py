"""One figure per stored deep table: measured accuracy beside the paper's, and training loss.

Four panels (2 × 2), one per cell of Tables 1/2 (train/test classes × easy/hard tasks):
bars are the measured means with their 95% intervals over seeds, a colour per algorithm,
black diamonds the paper's printed Table 4/5 values with their ±. A fifth panel at the
right shows each row's training loss (mean over seeds), where it was stored: it shows at
a glance how far NAL's weights move at a given outer learning rate. The legend under the
panels explains every mark; the title names the table's variant (:func:`curves.heading`).
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import numpy as np

from maml_landscape.deep.curves import (
    COLOURS,
    algorithm_name,
    draw_curves,
    has_curves,
    heading,
    paper_table,
    printed_source,
    variant_text,
)
from maml_landscape.deep.paper_tables import CELLS
from maml_landscape.evidence import Figure
from maml_landscape.plotting import figure_evidence


def figure_name(claim: str, table: dict[str, Any]) -> str:
    """``deep_<claim>_<table file stem>``, every character LaTeX dislikes replaced by ``_``.

    One file per claim: each figure carries its claim's stamp, and claims share tables.
    """
    return "deep_" + re.sub(r"[^A-Za-z0-9-]", "_", f"{claim}_{Path(table['path']).stem}")


def _value(entry: dict[str, Any], key: str) -> float:
    value = entry.get(key)
    return math.nan if value is None else value


#: Diamonds sit this far right of their bar's centre, clear of the bar's own error bar.
PAPER_OFFSET = 0.22


def _positions(rows: list[dict[str, Any]]) -> tuple[np.ndarray, list[float], list[str]]:
    """Bar positions (one group per setting, a gap between groups), group centres, settings."""
    settings = list(dict.fromkeys(r["setting"] for r in rows))
    group = [settings.index(r["setting"]) for r in rows]
    x = np.arange(len(rows)) + 0.8 * np.array(group)
    centres = [float(np.mean(x[np.array(group) == i])) for i in range(len(settings))]
    return x, centres, settings


def _accuracy_panel(ax, table: dict[str, Any], cell: str) -> dict[str, Any]:
    """One cell of the table: measured bars with 95% intervals, the paper's diamonds with their ±.

    Returns the error bars drawn, for the legend: ``interval`` and, if printed, ``paper``.
    """
    rows = table["rows"]
    x, centres, settings = _positions(rows)
    entries = [r["cells"][cell] for r in rows]
    bars = ax.bar(
        x,
        [_value(e, "mean") for e in entries],
        yerr=[_value(e, "half_width") for e in entries],
        color=[COLOURS.get(r["algorithm"], "tab:gray") for r in rows],
        capsize=3,
    )
    drawn = {"interval": bars.errorbar}
    printed = [(i, e["paper"]) for i, e in enumerate(entries) if e.get("paper")]
    if printed:
        drawn["paper"] = ax.errorbar(
            [x[i] + PAPER_OFFSET for i, _ in printed],
            [p[0] for _, p in printed],
            yerr=[p[1] for _, p in printed],
            fmt="D",
            color="black",
            markersize=6,
        )
    ax.set_title(cell)
    ax.set_ylim(0, 105)
    ax.set_xticks(centres, settings)
    ax.grid(axis="y", alpha=0.3)
    return drawn


def _loss_panel(ax, curves: list[dict[str, Any]]) -> None:
    """Each row's training loss (mean over seeds): colour per algorithm, line style per setting."""
    from matplotlib.lines import Line2D

    styles = dict(zip(dict.fromkeys(r["setting"] for r in curves), ("-", "--", ":", "-.")))
    for row in curves:
        mean = np.mean(np.asarray(row["loss_curves"], dtype=float), axis=0)
        ax.plot(
            np.linspace(0, 1, len(mean)),
            mean,
            color=COLOURS.get(row["algorithm"], "tab:gray"),
            linestyle=styles.get(row["setting"], "-"),
            linewidth=1.8,
        )
    ax.set_xlabel("fraction of training")
    ax.set_ylabel("training loss")
    ax.set_title("training loss (mean over seeds)")
    handles = [Line2D([], [], color="black", linestyle=style) for style in styles.values()]
    ax.legend(handles, [f"setting {s}" for s in styles], loc="best")


def _legend(fig, table: dict[str, Any], drawn: dict[str, Any]) -> None:
    """Two rows under the panels: a colour per algorithm, then the two kinds of error bar."""
    from matplotlib.patches import Patch

    algorithms = list(dict.fromkeys(r["algorithm"] for r in table["rows"]))
    colours = [Patch(color=COLOURS.get(a, "tab:gray")) for a in algorithms]
    fig.legend(colours, [f"{algorithm_name(a)}: measured mean" for a in algorithms],
               loc="lower center", bbox_to_anchor=(0.5, 0.4 / fig.get_figheight()),
               ncol=len(algorithms), frameon=False)
    marks = {"95% interval over training seeds": drawn["interval"]}
    if "paper" in drawn:
        marks[f"{printed_source(table)} (value ± printed interval)"] = drawn["paper"]
    fig.legend(list(marks.values()), list(marks), loc="lower center", bbox_to_anchor=(0.5, 0),
               ncol=len(marks), frameon=False)


def table_figure(claim: str, table: dict[str, Any]) -> Figure:
    """The figure of ``table`` (as loaded by :func:`results.load_tables`) in ``claim``'s evidence.

    The four accuracy panels sit in a 2 × 2 grid, the training-loss panel (where stored) to
    their right spanning both rows, the legend under them all.
    """
    import matplotlib.pyplot as plt

    curves = [r for r in table["rows"] if r.get("loss_curves")]
    columns = 2 + bool(curves)
    fig = plt.figure(figsize=(5.2 * columns, 9.4))
    grid = fig.add_gridspec(2, columns)
    first = fig.add_subplot(grid[0, 0])
    axes = [first] + [fig.add_subplot(grid[i // 2, i % 2], sharey=first) for i in range(1, len(CELLS))]
    drawn: dict[str, Any] = {}
    for ax, cell in zip(axes, CELLS):
        drawn.update(_accuracy_panel(ax, table, cell))
    for ax in axes[::2]:
        ax.set_ylabel("accuracy %")
    if curves:
        _loss_panel(fig.add_subplot(grid[:, 2]), curves)
    _legend(fig, table, drawn)
    heading(fig, table, f"accuracy (bars) beside {printed_source(table)} (diamonds)")
    fig.tight_layout(rect=(0, 0.85 / fig.get_figheight(), 1, 1))
    return figure_evidence(
        fig, figure_name(claim, table),
        f"{table['experiment']} ({variant_text(table)}): measured accuracy (bars, 95% intervals "
        f"over seeds) and {printed_source(table)} values with their printed intervals (black "
        "diamonds)" + ("; training loss at right" if curves else ""),
        reproduces=paper_table(table),
    )


def curves_figure(claim: str, table: dict[str, Any]) -> Figure | None:
    """The learning curves of ``table`` (:mod:`maml_landscape.deep.curves`), if it stored any."""
    if not has_curves(table):
        return None
    return figure_evidence(
        draw_curves(table), figure_name(claim, table) + "_curves",
        f"Learning curves ({variant_text(table)}): accuracy on fixed evaluation tasks against "
        "training iteration; thin lines are training seeds, thick their mean, dashed the "
        f"final value in {printed_source(table)} after 20,000 iterations",
        reproduces=paper_table(table),
    )


def table_figures(claim: str, table: dict[str, Any]) -> list[Figure]:
    """The table's figure and, where it stored learning curves, their figure, for ``claim``."""
    curves = curves_figure(claim, table)
    return [table_figure(claim, table), *([curves] if curves else [])]
