"""One claim for the terminal (``maml-landscape show --format``): rich, md, plain or json.

- ``md``: the claim's section of claims.md, as it is (Markdown with LaTeX math);
- ``plain``: that section as text: math as Unicode (:mod:`maml_landscape.report.plain_math`),
  no Markdown markup, tables as aligned columns;
- ``rich``: the Markdown with math as Unicode, drawn by ``rich`` (headings, tables,
  emphasis); ``rich`` is imported only then, and without it the plain text is printed;
- ``json``: the claim's record in claims.json.
"""

from __future__ import annotations

import json
import re
from typing import Any, TextIO

from maml_landscape.report.markdown import claim_section
from maml_landscape.report.plain_math import math_text, prose_text

FORMATS = ("rich", "md", "plain", "json")
_DISPLAY_MATH = re.compile(r"\$\$\s*(.*?)\s*\$\$", re.DOTALL)
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def unicode_markdown(markdown: str) -> str:
    """``markdown`` with its math as Unicode: displayed formulas as indented lines, inline spans in place."""
    markdown = _DISPLAY_MATH.sub(lambda m: "    " + math_text(" ".join(m.group(1).split())), markdown)
    return "\n".join(prose_text(line) for line in markdown.splitlines())


def _is_rule(cells: list[str]) -> bool:
    return bool(cells) and all(re.fullmatch(r":?-+:?", c) for c in cells)


def _table(lines: list[str]) -> list[str]:
    """Pipe-table lines as aligned columns; lines without a ``|---|`` rule are prose, not a table."""
    rows = [[c.strip().replace("\\|", "|") for c in _CELL_SPLIT.split(line.strip())[1:-1]] for line in lines]
    if not any(_is_rule(r) for r in rows):
        return [out for line in lines for out in _plain_line(line)]
    rows = [r for r in rows if not _is_rule(r)]
    widths = [max(len(r[i]) if i < len(r) else 0 for r in rows) for i in range(max(map(len, rows)))]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]


def _plain_line(line: str) -> list[str]:
    heading = re.match(r"(#+)\s+(.*)", line)
    if heading:
        text = _plain_inline(heading.group(2))
        return [text, ("=" if len(heading.group(1)) <= 2 else "-") * len(text)]
    return [_plain_inline(line)]


def _plain_inline(text: str) -> str:
    text = re.sub(r"\*\*([^*]+)\*\*", r"\1", text)
    text = re.sub(r"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])", r"\1", text)
    return re.sub(r"`([^`]+)`", r"\1", text)


def plain_text(markdown: str) -> str:
    """Markdown (with math already as Unicode) as plain text."""
    out: list[str] = []
    table: list[str] = []
    for line in markdown.splitlines() + [""]:
        if line.lstrip().startswith("|"):
            table.append(line)
            continue
        if table:
            out += _table(table)
            table = []
        out += _plain_line(line)
    return "\n".join(out).rstrip() + "\n"


def _print_rich(markdown: str, stream: TextIO) -> bool:
    """Draw ``markdown`` with rich; False when rich is not installed."""
    try:
        from rich.console import Console
        from rich.markdown import Markdown
    except ImportError:
        return False
    Console(file=stream).print(Markdown(markdown))
    return True


def print_claim(record: dict[str, Any], fmt: str, stream: TextIO) -> None:
    """Print the claim ``record`` to ``stream`` in the format ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "json":
        stream.write(json.dumps(record, indent=1, ensure_ascii=False) + "\n")
        return
    markdown = claim_section(record, anchor=False)
    if fmt == "md":
        stream.write(markdown + "\n")
        return
    markdown = unicode_markdown(markdown)
    if fmt == "rich" and _print_rich(markdown, stream):
        return
    stream.write(plain_text(markdown))
