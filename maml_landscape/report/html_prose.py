"""Prose from the ledger (Markdown with ``$...$`` math) as HTML, for the HTML ledger.

The rules are the LaTeX report's (:mod:`maml_landscape.report.latex`): a string with an
odd number of ``$`` has no math; math spans become MathML (their LaTeX source in
``<code>`` when latex2mathml cannot convert them); ``**bold**``, ``*emphasis*``,
`` `code` `` and pipe tables are converted; everything else is escaped text. A block
that starts with ``Traceback`` (a crashed check) is kept verbatim.
"""

from __future__ import annotations

import html
import re
from typing import Any

from maml_landscape.report.format import fmt_number
from maml_landscape.report.mathml import to_mathml


def math(latex: str, display: bool = False) -> str:
    """One formula as MathML, or its LaTeX source in ``<code class="tex">`` when not convertible."""
    converted = to_mathml(latex, display)
    if converted is not None:
        return converted
    source = f'<code class="tex">{html.escape(latex)}</code>'
    return f'<div class="tex">{source}</div>' if display else source


def _plain(text: str) -> str:
    escaped = html.escape(text, quote=False)
    escaped = re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)
    escaped = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", escaped)
    return re.sub(r"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])", r"<em>\1</em>", escaped)


def inline(text: Any) -> str:
    """One line of Markdown-with-math as HTML."""
    pieces = str(text).split("$")
    if len(pieces) % 2 == 0:  # unbalanced: the whole string is text
        return _plain(str(text))
    return "".join(_plain(piece) if i % 2 == 0 else math(piece) for i, piece in enumerate(pieces))


def table(headers: list[Any], rows: list[list[Any]], caption: str = "") -> str:
    """A table of ledger values (numbers formatted as in every report, text as prose)."""
    head = "".join(f"<th>{inline(fmt_number(h))}</th>" for h in headers)
    body = "\n".join("<tr>" + "".join(f"<td>{inline(fmt_number(c))}</td>" for c in row) + "</tr>" for row in rows)
    cap = f"<caption>{inline(caption)}</caption>" if caption else ""
    return f'<div class="table"><table>{cap}<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody></table></div>'


def _pipe_table(lines: list[list[str]]) -> str:
    width = max(len(r) for r in lines)
    padded = [r + [""] * (width - len(r)) for r in lines]
    return table(padded[0], padded[1:])


def prose(text: Any) -> str:
    """Markdown paragraphs (blank-line separated) and pipe tables with math as HTML."""
    text = str(text)
    if text.startswith("Traceback"):
        return f"<pre>{html.escape(text)}</pre>"
    out, paragraph, rows = [], [], []

    def flush() -> None:
        if paragraph:
            out.append("<p>" + "\n".join(inline(line) for line in paragraph) + "</p>")
            paragraph.clear()
        if rows:
            out.append(_pipe_table(rows))
            rows.clear()

    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("|"):
            if paragraph:
                flush()
            cells = [c.strip() for c in stripped.strip("|").split("|")]
            if not all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                rows.append(cells)
        elif stripped:
            if rows:
                flush()
            paragraph.append(stripped)
        else:
            flush()
    flush()
    return "\n".join(out)
