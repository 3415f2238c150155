"""One figure per stored deep table: measured accuracy beside the paper's, and training loss.

Four panels, one per cell of Tables 1/2 (train/test classes × easy/hard tasks): bars are
the measured means with their 95% intervals over seeds, black diamonds the paper's
printed Table 4/5 values with their ±. A fifth panel shows each row's training loss
(mean over seeds), where it was stored: it shows at a glance how far NAL's weights move
at a given outer learning rate.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import numpy as np

from maml_landscape.context import CheckContext
from maml_landscape.deep.curves import COLOURS, draw_curves, has_curves
from maml_landscape.deep.paper_tables import CELLS
from maml_landscape.deep.results import profile_label
from maml_landscape.evidence import Figure
from maml_landscape.plotting import figure_evidence


def paper_table(table: dict[str, Any]) -> str:
    """The paper's table a stored deep table reproduces (Table 1: Omniglot, Table 2: FS-CIFAR100)."""
    if table.get("substitute"):
        return "Table 2 (its protocol, on Omniglot)"
    return "Table 1" if table["experiment"].startswith("omniglot") else "Table 2"


def figure_name(table: dict[str, Any]) -> str:
    """``deep_<table file stem>`` with every character LaTeX dislikes replaced by ``_``."""
    return "deep_" + re.sub(r"[^A-Za-z0-9-]", "_", Path(table["path"]).stem)


def _value(entry: dict[str, Any], key: str) -> float:
    value = entry.get(key)
    return math.nan if value is None else value


def table_figure(ctx: CheckContext, table: dict[str, Any]) -> Figure:
    """Draw and save the figure of ``table`` (as loaded by :func:`results.load_tables`)."""
    import matplotlib.pyplot as plt

    rows = table["rows"]
    curves = [r for r in rows if r.get("loss_curves")]
    panels = len(CELLS) + bool(curves)
    fig, axes = plt.subplots(1, panels, figsize=(3.6 * panels, 3.4))
    x = np.arange(len(rows))
    labels = [f"{r['setting']}\n{r['algorithm']}" for r in rows]
    colours = [COLOURS.get(r["algorithm"], "tab:gray") for r in rows]
    for ax, cell in zip(axes, CELLS):
        entries = [r["cells"][cell] for r in rows]
        ax.bar(
            x,
            [_value(e, "mean") for e in entries],
            yerr=[_value(e, "half_width") for e in entries],
            color=colours,
            capsize=2,
        )
        printed = [(i, e["paper"]) for i, e in enumerate(entries) if e.get("paper")]
        if printed:
            ax.errorbar(
                [i for i, _ in printed],
                [p[0] for _, p in printed],
                yerr=[p[1] for _, p in printed],
                fmt="D",
                color="black",
                markersize=4,
                label="paper",
            )
        ax.set_title(cell)
        ax.set_ylim(0, 100)
        ax.set_xticks(x, labels, fontsize=7)
        ax.grid(axis="y", alpha=0.3)
    axes[0].set_ylabel("accuracy %")
    if curves:
        ax = axes[-1]
        styles = dict(zip(dict.fromkeys(r["setting"] for r in curves), ("-", "--", ":", "-.")))
        for row in curves:
            mean = np.mean(np.asarray(row["loss_curves"], dtype=float), axis=0)
            ax.plot(
                np.linspace(0, 1, len(mean)),
                mean,
                color=COLOURS.get(row["algorithm"], "tab:gray"),
                linestyle=styles.get(row["setting"], "-"),
                label=f"{row['setting']} {row['algorithm']}",
            )
        ax.set_xlabel("fraction of training")
        ax.set_title("training loss (mean over seeds)")
        ax.legend(fontsize=6)
    nal_lr = table.get("options", {}).get("nal_lr")
    title = f"{table['experiment']}, {profile_label(table)}, {table['done_runs']}/{table['planned_runs']} runs"
    if nal_lr is not None:
        title += f", NAL outer rate {nal_lr:g}"
    if table["substitute"]:
        title += " (SUBSTITUTE: Table 2's protocol on Omniglot; diamonds are FS-CIFAR100's values)"
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    return figure_evidence(
        fig, figure_name(table),
        f"{title}: measured accuracy (bars, 95% intervals over seeds) and the paper's "
        "Table 4/5 values (black diamonds)" + ("; training loss at right" if curves else ""),
        reproduces=paper_table(table),
    )


def curves_figure(ctx: CheckContext, table: dict[str, Any]) -> Figure | None:
    """The learning curves of ``table`` (:mod:`maml_landscape.deep.curves`), if it stored any."""
    if not has_curves(table):
        return None
    return figure_evidence(
        draw_curves(table), figure_name(table) + "_curves",
        f"Learning curves ({profile_label(table)}): accuracy on fixed evaluation tasks against "
        "training iteration; thin lines are training seeds, thick their mean, dashed the "
        "paper's final Table 4/5 value after 20,000 iterations",
        reproduces=paper_table(table),
    )


def table_figures(ctx: CheckContext, table: dict[str, Any]) -> list[Figure]:
    """The table's figure and, where it stored learning curves, their figure."""
    curves = curves_figure(ctx, table)
    return [table_figure(ctx, table), *([curves] if curves else [])]
