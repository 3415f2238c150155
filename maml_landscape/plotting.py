"""Figures for the reports: one talk-size style, the claim stamp, atomic PNG + PDF files.

A check draws a matplotlib figure and hands it over with :func:`figure_evidence`; it does
not write it. The runner, once the claim's verdict is combined from all its checks,
calls :func:`save_claim_figures`, which stamps "claim ID · verdict · which figure of the
paper it reproduces" above the figure (in the verdict's colour) and writes it. So every
figure in the reports carries the verdict the ledger gives its claim, not one check's.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure as MplFigure  # noqa: E402

from maml_landscape.atomic import write_atomically  # noqa: E402
from maml_landscape.evidence import Figure  # noqa: E402
from maml_landscape.verdicts import COLOURS, Outcome, Verdict  # noqa: E402

#: Font sizes readable on a projector when a figure is shown at slide width (points at 150 dpi).
TALK_STYLE = {
    "font.size": 13,
    "axes.titlesize": 13,
    "axes.labelsize": 13,
    "xtick.labelsize": 11.5,
    "ytick.labelsize": 11.5,
    "legend.fontsize": 11,
    "legend.title_fontsize": 11,
    "figure.titlesize": 14,
}
matplotlib.rcParams.update(TALK_STYLE)

#: Points of the stamp line above each figure.
STAMP_SIZE = 14


def figure_evidence(fig: MplFigure, name: str, caption: str, reproduces: str | None = None) -> Figure:
    """Evidence of a drawn figure, written later as ``figures/<name>.png`` and ``.pdf``.

    ``reproduces`` names what the figure redraws ("Figure 1", "Table 3"); None for a
    figure of our own. The runner stamps and saves it (:func:`save_claim_figures`).
    """
    return Figure(f"figures/{name}.png", caption, reproduces=reproduces, drawing=fig)


def stamp_text(claim_id: str, verdict: Verdict, reproduces: str | None) -> str:
    """The line stamped above a figure: claim ID, ledger verdict, what of the paper it redraws."""
    source = f"the paper's {reproduces}, regenerated" if reproduces else "not a figure of the paper"
    return f"{claim_id}  ·  verdict: {verdict.value}  ·  {source}"


def stamp(fig: MplFigure, claim_id: str, verdict: Verdict, reproduces: str | None) -> None:
    """Write :func:`stamp_text` above everything else in ``fig`` (replacing an earlier stamp)."""
    for text in list(fig.texts):
        if text.get_gid() == "claim-stamp":
            text.remove()
    if not hasattr(fig.canvas, "get_renderer"):  # a figure already saved and closed by pyplot
        FigureCanvasAgg(fig)
    content = fig.get_tightbbox(fig.canvas.get_renderer())  # inches
    y = max(content.y1 / fig.get_figheight(), 1.0) + 0.08 / fig.get_figheight()
    fig.text(0.5, y, stamp_text(claim_id, verdict, reproduces), ha="center", va="bottom", fontsize=STAMP_SIZE,
             fontweight="bold", color=COLOURS[verdict], gid="claim-stamp")


def save_claim_figures(outcomes: Iterable[Outcome], claim_id: str, verdict: Verdict, folder: Path) -> None:
    """Stamp and write every figure the ``outcomes`` of one claim drew."""
    for outcome in outcomes:
        for block in outcome.evidence:
            if isinstance(block, Figure) and block.drawing is not None:
                stamp(block.drawing, claim_id, verdict, block.reproduces)
                save_figure_files(block.drawing, folder, Path(block.path).stem)


def save_figure_files(fig: MplFigure, folder: Path, name: str) -> list[Path]:
    """Write ``fig`` to ``folder/<name>.png`` and ``.pdf`` atomically, close it, return the paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for suffix in (".png", ".pdf"):
        target = folder / f"{name}{suffix}"
        # No creation date in the PDF: regenerated reports differ only where the content does.
        metadata = {"CreationDate": None} if suffix == ".pdf" else {}
        write_atomically(target, lambda tmp, s=suffix, m=metadata: fig.savefig(
            tmp, format=s[1:], dpi=150, bbox_inches="tight", metadata=m))
        paths.append(target)
    import matplotlib.pyplot as plt

    plt.close(fig)
    return paths
