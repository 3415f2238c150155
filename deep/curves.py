"""Learning curves of a deep table: accuracy against iteration beside the paper's final values.

One panel per cell of Tables 1/2 (train/test classes × easy/hard tasks) and one row of
panels per setting. Each (setting, algorithm) has one colour: thin lines are the
training seeds, the thick line their mean, and the dashed line the paper's printed final
value (Table 4/5), which it reached after 20,000 iterations. The points are the run's
fixed learning-curve tasks (``curve_tasks`` per class set), not the full evaluation.

:func:`holding_from` states, for a contrast of cells, from which iteration on its
seed-mean curve stays positive: the budget from which an ordering of S5.OMNI holds.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import numpy as np

from maml_landscape.deep.paper_tables import CELLS
from maml_landscape.deep.results import profile_label, table_variant

COLOURS = {"maml": "tab:blue", "nal": "tab:orange", "nal-1": "tab:orange", "nal-10": "tab:red"}


def mean_curve(row: dict[str, Any], cell: str) -> tuple[np.ndarray, np.ndarray]:
    """(iterations, mean accuracy over the seeds that have a value at each iteration)."""
    by_iteration: dict[int, list[float]] = {}
    for curve in row.get("learning_curves", {}).values():
        for point in curve:
            if point.get(cell) is not None:
                by_iteration.setdefault(int(point["iteration"]), []).append(float(point[cell]))
    iterations = np.array(sorted(by_iteration), dtype=int)
    return iterations, np.array([np.mean(by_iteration[i]) for i in iterations])


def holding_from(table: dict[str, Any], terms: tuple[tuple[int, str, str, str], ...]) -> int | None:
    """The first curve iteration from which ``Σ sign · cell`` stays > 0 to the end (None: never).

    ``terms`` are the contrast's (sign, setting, algorithm, cell); only iterations that
    every term's curve has are used.
    """
    rows = {(r["setting"], r["algorithm"]): r for r in table["rows"]}
    series = []
    for sign, setting, algorithm, cell in terms:
        row = rows.get((setting, algorithm))
        if row is None or not row.get("learning_curves"):
            return None
        iterations, values = mean_curve(row, cell)
        series.append((sign, dict(zip(iterations.tolist(), values.tolist()))))
    common = sorted(set.intersection(*(set(s) for _, s in series))) if series else []
    if not common:
        return None
    total = [sum(sign * s[i] for sign, s in series) for i in common]
    start = None
    for iteration, value in zip(common, total):
        if value > 0 and start is None:
            start = iteration
        elif value <= 0:
            start = None
    return start


def has_curves(table: dict[str, Any]) -> bool:
    return any(row.get("learning_curves") for row in table["rows"])


def paper_table(table: dict[str, Any]) -> str:
    """The paper's table a stored deep table reproduces (Table 1: Omniglot, Table 2: FS-CIFAR100)."""
    if table.get("substitute"):
        return "Table 2 (its protocol, on Omniglot)"
    return "Table 1" if table["experiment"].startswith("omniglot") else "Table 2"


def printed_source(table: dict[str, Any]) -> str:
    """Where a figure's paper values come from: ``the paper's Table 1/4`` (Table 4 prints the ±)."""
    if table["experiment"] == "omniglot":
        return "the paper's Table 1/4"
    return "FS-CIFAR100's Table 2/5" if table.get("substitute") else "the paper's Table 2/5"


def algorithm_name(algorithm: str) -> str:
    """``nal-10`` as the paper writes it: ``NAL-10``."""
    return algorithm.upper()


def variant_text(table: dict[str, Any]) -> str:
    """The table's variant as its text table is headed: profile and budget (:func:`profile_label`),
    NAL's rate, hard alphabets and other departures (:func:`table_variant`), runs done."""
    text = f"{profile_label(table)}; {table_variant(table)}; "
    text += f"{table['done_runs']}/{table['planned_runs']} runs"
    if table.get("substitute"):
        text += "; SUBSTITUTE: Table 2's protocol on Omniglot"
    return text


def heading(fig, table: dict[str, Any], what: str) -> None:
    """Title ``fig`` ``<experiment>: <what>`` over :func:`variant_text`, wrapped to its width."""
    width = int(9 * fig.get_figwidth())
    lines = textwrap.wrap(variant_text(table), width, break_on_hyphens=False)
    fig.suptitle("\n".join([f"{table['experiment']}: {what}", *lines]))


def _legends(fig, algorithms: list[str], table: dict[str, Any]) -> None:
    """Two legend rows under the panels: a colour per algorithm, then what thin, thick, dashed mean."""
    from matplotlib.lines import Line2D

    colours = [Line2D([], [], color=COLOURS.get(a, "tab:gray"), linewidth=6) for a in algorithms]
    fig.legend(colours, [algorithm_name(a) for a in algorithms], loc="lower center",
               bbox_to_anchor=(0.5, 0.4 / fig.get_figheight()), ncol=len(algorithms), frameon=False)
    styles = {
        "mean over training seeds": {"linewidth": 2.2},
        "one training seed": {"linewidth": 0.7, "alpha": 0.45},
        f"final value in {printed_source(table)} (after 20,000 iterations)": {"linestyle": "--", "linewidth": 1.1},
    }
    lines = [Line2D([], [], color="black", **style) for style in styles.values()]
    fig.legend(lines, list(styles), loc="lower center", bbox_to_anchor=(0.5, 0), ncol=len(styles),
               frameon=False)


def draw_curves(table: dict[str, Any]):
    """The learning-curve figure of ``table`` (a matplotlib Figure; the caller saves it)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    settings = list(dict.fromkeys(r["setting"] for r in table["rows"]))
    fig, axes = plt.subplots(
        len(settings), len(CELLS), figsize=(3.5 * len(CELLS), 3.1 * len(settings) + 1.6),
        squeeze=False, sharex=True, sharey=True,
    )
    for row in table["rows"]:
        colour = COLOURS.get(row["algorithm"], "tab:gray")
        axis_row = axes[settings.index(row["setting"])]
        for ax, cell in zip(axis_row, CELLS):
            for curve in row.get("learning_curves", {}).values():
                points = [(p["iteration"], p[cell]) for p in curve if p.get(cell) is not None]
                if points:
                    ax.plot(*zip(*points), color=colour, linewidth=0.7, alpha=0.45)
            iterations, mean = mean_curve(row, cell)
            if len(iterations):
                ax.plot(iterations, mean, color=colour, linewidth=2.2)
            paper = row["cells"][cell].get("paper")
            if paper:
                ax.axhline(paper[0], color=colour, linestyle="--", linewidth=1.1)
    for i, setting in enumerate(settings):
        for ax, cell in zip(axes[i], CELLS):
            ax.set_title(f"{setting}: {cell}")
            ax.grid(alpha=0.3)
            ax.set_ylim(0, 100)
        axes[i][0].set_ylabel("accuracy %")
    for ax in axes[-1]:
        ax.set_xlabel("iteration")
    algorithms = list(dict.fromkeys(r["algorithm"] for r in table["rows"]))
    _legends(fig, algorithms, table)
    heading(fig, table, f"learning curves; {printed_source(table)} final values dashed")
    fig.tight_layout(rect=(0, 0.8 / fig.get_figheight(), 1, 1))
    return fig


def curves_stem(table: dict[str, Any]) -> str:
    """``<table file stem>-curves``: where ``deep curves`` saves the figure."""
    return f"{Path(table['path']).stem}-curves"
