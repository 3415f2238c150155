"""The end of ``verify``, in the manner of pytest's short test summary.

One line per claim that fails, is approximate or was not checked, with its reason (the
claim's summary, math as Unicode), then the counts::

    ================== short claim summary ==================
    FAILS S3.INF - eq. (16) is 2 times the infimum for one task (missing ½) ...
    APPROXIMATE S32.COR2 - eq. (12) is within 10% on 66%, 7%, 16% of the stated regime ...
    NOT CHECKED S5.CIFAR - no cifar results under reports/deep; run: ...
    ======= 42 claims: 26 holds, 2 approximate, ... in 1m52s =======
"""

from __future__ import annotations

from typing import Any

from maml_landscape.report.format import verdict_counts
from maml_landscape.report.plain_math import prose_text

#: The verdicts listed, in this order.
LISTED = ("fails", "approximate", "not checked")


def _rule(text: str, width: int) -> str:
    return f" {text} ".center(width, "=")


def short_summary(claims: list[dict[str, Any]], elapsed: str, width: int = 80, cut: bool = True) -> str:
    """The summary of ``claims``, ruled ``width`` wide; with ``cut``, longer lines are cut (a terminal)."""
    lines = []
    for verdict in LISTED:
        for claim in claims:
            if claim["verdict"] == verdict:
                line = f"{verdict.upper()} {claim['id']} - {' '.join(prose_text(claim['summary']).split())}"
                lines.append(line[: width - 1] + "…" if cut and len(line) > width else line)
    counts = ", ".join(f"{n} {v}" for v, n in verdict_counts(claims)) or "none run"
    total = _rule(f"{len(claims)} claim(s): {counts} in {elapsed}", width)
    return "\n".join([_rule("short claim summary", width), *lines, total]) if lines else total
