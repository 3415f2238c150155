"""The ledger as a LaTeX document (reports/report.tex) that compiles with pdflatex.

Prose from the ledger is Markdown with ``$...$`` math: math spans pass through (with
Unicode symbols mapped to commands), the rest is escaped, ``**bold**``, ``*emphasis*``,
`` `code` `` and pipe tables are converted.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from maml_landscape.report.format import (
    MEASUREMENT_HEADERS,
    build_text,
    first_line,
    fmt_number,
    grouped_blocks,
    measurement_row,
    settings_text,
    verdict_counts,
)

_UNICODE = {
    "α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "δ": r"\delta", "ε": r"\varepsilon",
    "ζ": r"\zeta", "η": r"\eta", "θ": r"\theta", "κ": r"\kappa", "λ": r"\lambda",
    "μ": r"\mu", "ν": r"\nu", "ξ": r"\xi", "π": r"\pi", "ρ": r"\rho", "σ": r"\sigma",
    "τ": r"\tau", "φ": r"\phi", "χ": r"\chi", "ψ": r"\psi", "ω": r"\omega",
    "Σ": r"\Sigma", "Δ": r"\Delta", "Λ": r"\Lambda", "Ω": r"\Omega", "Φ": r"\Phi",
    "≈": r"\approx", "≤": r"\le", "≥": r"\ge", "≪": r"\ll", "≫": r"\gg", "≠": r"\neq",
    "→": r"\to", "←": r"\leftarrow", "⇒": r"\Rightarrow", "∞": r"\infty", "±": r"\pm",
    "×": r"\times", "·": r"\cdot", "∈": r"\in", "∩": r"\cap", "∪": r"\cup", "⪯": r"\preceq",
    "∇": r"\nabla", "‖": r"\|", "⟨": r"\langle", "⟩": r"\rangle", "√": r"\surd",
    "∑": r"\sum", "∏": r"\prod", "∝": r"\propto", "∼": r"\sim", "≡": r"\equiv",
    "²": r"^{2}", "³": r"^{3}", "ᵀ": r"^{\top}", "₁": r"_{1}", "₂": r"_{2}", "ᵢ": r"_{i}",
    "½": r"\tfrac{1}{2}", "′": r"'", "−": "-", "∗": "*",
}
_TEXT_ONLY = {"—": "---", "–": "--", "…": r"\ldots{}", "“": "``", "”": "''", "’": "'", "‘": "`", "\u00a0": "~"}
_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "_": r"\_", "%": r"\%", "&": r"\&",
    "#": r"\#", "^": r"\^{}", "~": r"\~{}", "<": r"\textless{}", ">": r"\textgreater{}",
}
_VERDICT_COLOR = {
    "holds": "green!45!black", "approximate": "blue!70!black", "holds after correction": "orange!80!black",
    "fails": "red!75!black", "not checked": "gray",
}


def _map_unicode(text: str, math: bool) -> str:
    out = []
    for ch in text:
        if ch in _UNICODE:
            command = _UNICODE[ch]
            out.append(command + (" " if command[-1].isalpha() else "") if math else rf"\ensuremath{{{command}}}")
        elif not math and ch in _TEXT_ONLY:
            out.append(_TEXT_ONLY[ch])
        elif ord(ch) > 127:
            out.append(r"\text{?}" if math else rf"\texttt{{[U+{ord(ch):04X}]}}")
        else:
            out.append(ch)
    return "".join(out)


def _escape_plain(text: str) -> str:
    escaped = "".join(_SPECIAL.get(ch, ch) for ch in text)
    escaped = re.sub(r"`([^`]+)`", r"\\texttt{\1}", escaped)
    escaped = re.sub(r"\*\*([^*]+)\*\*", r"\\textbf{\1}", escaped)
    escaped = re.sub(r"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])", r"\\emph{\1}", escaped)
    return _map_unicode(escaped, math=False)


def inline(text: str) -> str:
    """One line of Markdown-with-math as LaTeX."""
    pieces = str(text).split("$")
    if len(pieces) % 2 == 0:  # unbalanced: treat the whole string as text
        return _escape_plain(str(text).replace("$", ""))
    return "".join(
        _escape_plain(piece) if i % 2 == 0 else "$" + _map_unicode(piece, math=True) + "$"
        for i, piece in enumerate(pieces)
    )


def _fit(body: str) -> str:
    """Shrink ``body`` to the line width when it is wider, never enlarge it."""
    return r"\resizebox{\ifdim\width>\linewidth\linewidth\else\width\fi}{!}{" + body + "}"


def _tabular(headers: list[Any], rows: list[list[Any]]) -> str:
    spec = "l" * len(headers)
    lines = [r"\begin{tabular}{" + spec + "}", r"\toprule", " & ".join(inline(fmt_number(h)) for h in headers) + r" \\", r"\midrule"]
    lines += [" & ".join(inline(fmt_number(c)) for c in row) + r" \\" for row in rows]
    lines += [r"\bottomrule", r"\end{tabular}"]
    body = "\n".join(lines)
    if len(rows) > 40:
        return r"{\scriptsize " + body.replace(r"\begin{tabular}", r"\begin{longtable}").replace(r"\end{tabular}", r"\end{longtable}") + "}"
    return r"\begin{center}\small" + "\n" + _fit(body) + "\n" + r"\end{center}"


def prose(text: str) -> str:
    """Markdown paragraphs (and pipe tables) with math as LaTeX."""
    out, table = [], []
    for line in str(text).splitlines() + [""]:
        stripped = line.strip()
        if stripped.startswith("|"):
            cells = [c.strip() for c in stripped.strip("|").split("|")]
            if not all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                table.append(cells)
            continue
        if table:
            width = max(len(r) for r in table)
            padded = [r + [""] * (width - len(r)) for r in table]
            out.append(_tabular(padded[0], padded[1:]))
            table = []
        out.append(inline(line) if stripped else r"\par")
    return "\n".join(out)


def _block(block: dict[str, Any], out_dir: Path) -> str:
    kind = block["type"]
    if kind == "text":
        return prose(block["text"])
    if kind == "formula":
        return (
            r"\noindent\textit{" + inline(block["label"]) + r":}" + "\n"
            + r"\begin{center}" + _fit(r"$\displaystyle " + _map_unicode(block["latex"], math=True) + "$") + r"\end{center}"
        )
    if kind == "table":
        caption = (prose(block["caption"]) + "\n") if block.get("caption") else ""
        return caption + _tabular(list(block["headers"]), [list(r) for r in block["rows"]])
    if kind == "figure":
        pdf = Path(block["path"]).with_suffix(".pdf")
        path = pdf if (out_dir / pdf).exists() else Path(block["path"])
        return (
            r"\begin{figure}[htbp]\centering" + "\n"
            + r"\includegraphics[width=0.95\linewidth,height=0.45\textheight,keepaspectratio]{" + path.as_posix() + "}\n"
            + r"\caption{" + inline(block["caption"]) + "}\n" + r"\end{figure}"
        )
    if kind == "measurements":
        return _tabular(list(MEASUREMENT_HEADERS), [list(measurement_row(m)) for m in block["items"]])
    raise ValueError(f"unknown evidence block type {kind!r}")


def _verdict(v: str) -> str:
    return r"\textcolor{" + _VERDICT_COLOR[v] + "}{" + v + "}"


def _claim(c: dict[str, Any], out_dir: Path) -> str:
    parts = [
        r"\section{" + inline(c["id"]) + ": " + inline(c["title"]) + r"}\label{claim:" + c["id"] + "}",
        r"\textbf{Where:} " + inline(c["location"]) + r" \quad \textbf{Kind:} " + inline(c["kind"])
        + r" \quad \textbf{Verdict:} " + _verdict(c["verdict"]) + rf" \quad ({c['runtime_s']:.2f}\,s, "
        + inline(f"profile {c.get('profile')}" + (f", seed {c['seed']}" if c.get("seed") is not None else "")) + r")\par",
        r"\paragraph{As printed.} " + prose(c["statement"]),
        r"\paragraph{Evidence.} " + prose(c["summary"]),
    ]
    if c.get("correction"):
        parts.append(r"\paragraph{Correction.} " + prose(c["correction"]))
    for check in c["checks"]:
        name = inline("`" + check["name"] + "`") if check["name"] else "no check registered"
        parts.append(r"\subsection*{Check " + name + ": " + _verdict(check["verdict"]) + rf" ({check['runtime_s']:.2f}\,s)" + "}")
        parts.append(prose(check["summary"]))
        parts += [_block(b, out_dir) for b in grouped_blocks(check["evidence"])]
        if check["choices"]:
            parts.append(r"\paragraph{Parameters the paper leaves unstated (chosen here).}")
            parts.append(_tabular(["parameter", "value", "why"], [[ch["name"], ch["value"], ch["reason"]] for ch in check["choices"]]))
        if check["seeds"]:
            parts.append(r"\paragraph{Seeds.} " + inline(", ".join(f"{k} = {v}" for k, v in check["seeds"].items())))
    return "\n\n".join(parts)


PREAMBLE = r"""\documentclass[10pt]{article}
\usepackage[utf8]{inputenc}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage[margin=2cm]{geometry}
\usepackage{amsmath,amssymb}
\usepackage{graphicx}
\usepackage{booktabs,longtable,array}
\usepackage[table]{xcolor}
\usepackage[hidelinks]{hyperref}
\setlength{\parindent}{0pt}
\setlength{\parskip}{4pt}
\sloppy
"""


def render_latex(ledger: dict[str, Any], out_dir: Path) -> str:
    prov = ledger["provenance"]
    claims = ledger["claims"]
    commit, libraries = build_text(prov)
    summary_rows = [
        r"\hyperref[claim:" + c["id"] + "]{" + inline(c["id"]) + "} & " + inline(c["title"]) + " & "
        + _verdict(c["verdict"]) + " & " + inline(first_line(c["summary"], 110)) + r" \\"
        for c in claims
    ]
    counts = ", ".join(f"{n} {v}" for v, n in verdict_counts(claims))
    body = [
        PREAMBLE,
        r"\title{Claims ledger: How does the task landscape affect MAML performance?}",
        r"\author{Generated by \texttt{maml-landscape verify}}",
        r"\date{" + inline(prov["generated_at"]) + "}",
        r"\begin{document}",
        r"\maketitle",
        inline(
            "P" + settings_text(ledger, code=False)[1:] + f"; maml-landscape {prov['version']}, commit {commit}; "
            f"Python {prov['python']}; {libraries}."
        ) + r"\par",
        r"\textbf{" + str(len(claims)) + " claims:} " + inline(counts) + r".\par",
        r"{\footnotesize\begin{longtable}{@{}p{0.12\linewidth}p{0.25\linewidth}p{0.13\linewidth}p{0.44\linewidth}@{}}",
        r"\toprule ID & claim & verdict & evidence \\ \midrule \endhead",
        "\n".join(summary_rows),
        r"\bottomrule\end{longtable}}",
        r"\clearpage",
        "\n\n".join(_claim(c, out_dir) for c in claims),
        r"\end{document}",
    ]
    return "\n".join(body) + "\n"
