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

from pathlib import Path
from typing import Any

import numpy as np

from maml_landscape.deep.paper_tables import CELLS
from maml_landscape.deep.results import profile_label

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


def draw_curves(table: dict[str, Any]):
    """The learning-curve figure of ``table`` (a matplotlib Figure; the caller saves it)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    settings = list(dict.fromkeys(r["setting"] for r in table["rows"]))
    fig, axes = plt.subplots(
        len(settings), len(CELLS), figsize=(3.4 * len(CELLS), 2.9 * len(settings)),
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
                ax.plot(iterations, mean, color=colour, linewidth=2.2, label=row["algorithm"])
            paper = row["cells"][cell].get("paper")
            if paper:
                ax.axhline(paper[0], color=colour, linestyle="--", linewidth=1.1)
    for i, setting in enumerate(settings):
        for ax, cell in zip(axes[i], CELLS):
            ax.set_title(f"{setting}: {cell}", fontsize=10)
            ax.grid(alpha=0.3)
            ax.set_ylim(0, 100)
            ax.tick_params(labelsize=9)
        axes[i][0].set_ylabel("accuracy %", fontsize=10)
    for ax in axes[-1]:
        ax.set_xlabel("iteration", fontsize=10)
    handles, labels = axes[0][0].get_legend_handles_labels()
    from matplotlib.lines import Line2D

    handles += [Line2D([], [], color="black", linewidth=0.7, alpha=0.45),
                Line2D([], [], color="black", linestyle="--")]
    labels += ["one training seed", "paper's final value (20,000 iterations)"]
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=9, frameon=False)
    title = f"{table['experiment']}, {profile_label(table)}: learning curves"
    if table.get("substitute"):
        title += " (SUBSTITUTE; dashed: FS-CIFAR100's values)"
    fig.suptitle(title, fontsize=11)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig


def curves_stem(table: dict[str, Any]) -> str:
    """``<table file stem>-curves``: where ``deep curves`` saves the figure."""
    return f"{Path(table['path']).stem}-curves"
