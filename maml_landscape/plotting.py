"""Saving figures for the reports: PNG (Markdown) and PDF (LaTeX), written atomically."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure as MplFigure  # noqa: E402

from maml_landscape.atomic import write_atomically  # noqa: E402
from maml_landscape.context import CheckContext  # noqa: E402


def save_figure(fig: MplFigure, ctx: CheckContext, name: str) -> str:
    """Save ``fig`` as ``figures/<name>.png`` and ``.pdf``; return the PNG path relative to the report.

    The returned path is what an :class:`maml_landscape.evidence.Figure` block takes.
    """
    save_figure_files(fig, ctx.figures_dir, name)
    return f"figures/{name}.png"


def save_figure_files(fig: MplFigure, folder: Path, name: str) -> list[Path]:
    """Write ``fig`` to ``folder/<name>.png`` and ``.pdf`` atomically, close it, return the paths."""
    paths = []
    for suffix in (".png", ".pdf"):
        target = Path(folder) / f"{name}{suffix}"
        # No creation date in the PDF: regenerated reports differ only where the content does.
        metadata = {"CreationDate": None} if suffix == ".pdf" else {}
        write_atomically(target, lambda tmp, s=suffix, m=metadata: fig.savefig(
            tmp, format=s[1:], dpi=150, bbox_inches="tight", metadata=m))
        paths.append(target)
    import matplotlib.pyplot as plt

    plt.close(fig)
    return paths
