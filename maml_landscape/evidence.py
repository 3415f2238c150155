"""Evidence blocks: the pieces a check hands to the Markdown and LaTeX reports.

Text may contain inline math between ``$`` signs; formulas are LaTeX (for
example ``sympy.latex(expr)``); figures are paths relative to the report folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union


@dataclass(frozen=True)
class Text:
    """A paragraph of prose; ``$...$`` spans are math."""

    text: str


@dataclass(frozen=True)
class Formula:
    """A displayed formula with a label such as "derived" or "printed (eq. 77)"."""

    label: str
    latex: str


@dataclass(frozen=True)
class Table:
    """A table of cells (numbers are formatted by the renderer); ``$...$`` allowed in cells."""

    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    caption: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "headers", tuple(self.headers))
        object.__setattr__(self, "rows", tuple(tuple(r) for r in self.rows))
        width = len(self.headers)
        for row in self.rows:
            if len(row) != width:
                raise ValueError(f"table row {row!r} has {len(row)} cells, headers have {width}")


@dataclass(frozen=True)
class Figure:
    """A figure file (PNG for Markdown; the PDF beside it, if any, for LaTeX).

    ``reproduces`` names the paper's figure or table it redraws (None: a figure of our
    own). ``drawing`` is the matplotlib figure not yet written: the runner stamps the
    claim's ID and verdict on it and saves it to ``path`` (see
    :func:`maml_landscape.plotting.figure_evidence`); it is not part of the ledger.
    """

    path: str
    caption: str
    reproduces: str | None = None
    drawing: Any = field(default=None, compare=False, repr=False, metadata={"ledger": False})


@dataclass(frozen=True)
class Measurement:
    """A Monte Carlo or numeric estimate compared with a predicted value.

    ``z = (estimate - predicted) / stderr``; ``alarm_rate`` is the two-sided
    false-alarm probability of the test that uses ``threshold`` on ``|z|``.
    """

    name: str
    estimate: float
    stderr: float
    predicted: float
    samples: int
    seed: int
    threshold: float
    alarm_rate: float
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def z(self) -> float:
        if self.stderr == 0:
            return 0.0 if self.estimate == self.predicted else float("inf")
        return (self.estimate - self.predicted) / self.stderr

    @property
    def passed(self) -> bool:
        return abs(self.z) <= self.threshold


Block = Union[Text, Formula, Table, Figure, Measurement]
