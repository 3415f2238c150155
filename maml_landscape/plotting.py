"""Saving figures for the reports: PNG (Markdown) and PDF (LaTeX), written atomically."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure as MplFigure  # noqa: E402

from maml_landscape.atomic import write_atomically  # noqa: E402
from maml_landscape.context import CheckContext  # noqa: E402


def save_figure(fig: MplFigure, ctx: CheckContext, name: str) -> str:
    """Save ``fig`` as ``figures/<name>.png`` and ``.pdf``; return the PNG path relative to the report.

    The returned path is what an :class:`maml_landscape.evidence.Figure` block takes.
    """
    for suffix in (".png", ".pdf"):
        target = ctx.figures_dir / f"{name}{suffix}"
        # No creation date in the PDF: regenerated reports differ only where the content does.
        metadata = {"CreationDate": None} if suffix == ".pdf" else {}
        write_atomically(target, lambda tmp, s=suffix, m=metadata: fig.savefig(
            tmp, format=s[1:], dpi=150, bbox_inches="tight", metadata=m))
    import matplotlib.pyplot as plt

    plt.close(fig)
    return f"figures/{name}.png"
