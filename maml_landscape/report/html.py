"""The ledger as one static HTML page (reports/html/index.html), readable offline.

Summary first: the verdict counts, then one row per claim ordered fails, approximate,
holds after correction, holds, not checked; buttons and a menu filter claims by verdict
and by paper section (:mod:`maml_landscape.report.html_style`). Then one section per
claim, anchored at its ID (``index.html#S3.INF``): the statement as printed, the result,
any correction, the command that reproduces it, and each check's evidence (derived
formulas as MathML, the comparisons with their tolerances, tables, figures inline, the
parameters chosen, seeds and runtimes). Figures are the report's own files, linked
from ``../figures/``; nothing is fetched from the network.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from maml_landscape.report.format import (
    MEASUREMENT_HEADERS,
    VERDICT_LEGEND,
    build_text,
    first_line,
    grouped_blocks,
    measurement_row,
    paper_section,
    settings_text,
    verdict_counts,
)
from maml_landscape.report.html_prose import inline, math, prose, table
from maml_landscape.report.html_style import SCRIPT, STYLE

TITLE = "Claims ledger: How does the task landscape affect MAML performance?"
#: The summary's order: what needs a reader's attention first.
SUMMARY_ORDER = ("fails", "approximate", "holds after correction", "holds", "not checked")
MEASUREMENTS_CAPTION = (
    "Comparison: each estimate against the prediction as a z-test; the |z| threshold comes from "
    "the stated false-alarm rate."
)


def _verdict(verdict: str) -> str:
    return f'<span class="badge v-{verdict.replace(" ", "-")}">{html.escape(verdict)}</span>'


def _attrs(claim: dict[str, Any]) -> str:
    """The attributes the filter reads."""
    verdict, section = html.escape(claim["verdict"]), html.escape(paper_section(claim["id"]))
    return f'data-verdict="{verdict}" data-section="{section}"'


def reproduce_command(claim: dict[str, Any]) -> str:
    """``maml-landscape verify --claim ID --profile P --seed S`` (flags the claim does not record left out)."""
    command = f"maml-landscape verify --claim {claim['id']}"
    if claim.get("profile") is not None:
        command += f" --profile {claim['profile']}"
    if claim.get("seed") is not None:
        command += f" --seed {claim['seed']}"
    return command


def _figure(block: dict[str, Any], out_dir: Path) -> str:
    caption = inline(block["caption"])
    path = block["path"]
    try:
        present = os.path.isfile(Path(out_dir) / path)
    except ValueError:  # a path the file system cannot name
        present = False
    if not present:
        return f'<p class="muted">Figure <code>{html.escape(path)}</code> is missing from the report folder; ' \
               f"rerun its claim. ({caption})</p>"
    src = html.escape(quote("../" + path))
    return f'<figure><img src="{src}" alt="{html.escape(block["caption"])}"><figcaption>{caption}</figcaption></figure>'


def _block(block: dict[str, Any], out_dir: Path) -> str:
    kind = block["type"]
    if kind == "text":
        return prose(block["text"])
    if kind == "formula":
        return (f'<figure class="formula"><figcaption>{inline(block["label"])}:</figcaption>'
                f'{math(block["latex"], display=True)}</figure>')
    if kind == "table":
        return table(list(block["headers"]), [list(r) for r in block["rows"]], block.get("caption") or "")
    if kind == "figure":
        return _figure(block, out_dir)
    if kind == "measurements":
        return table(list(MEASUREMENT_HEADERS), [list(measurement_row(m)) for m in block["items"]], MEASUREMENTS_CAPTION)
    raise ValueError(f"unknown evidence block type {kind!r}")


def _check(check: dict[str, Any], out_dir: Path) -> str:
    name = f"<code>{html.escape(check['name'])}</code>" if check["name"] else "no check registered"
    parts = [
        f'<div class="check"><h3>Check {name}: {_verdict(check["verdict"])} '
        f'<span class="muted">({check["runtime_s"]:.2f} s)</span></h3>',
        prose(check["summary"]),
        *(_block(b, out_dir) for b in grouped_blocks(check["evidence"])),
    ]
    if check["choices"]:
        parts.append(table(["parameter", "value", "why"], [[c["name"], c["value"], c["reason"]] for c in check["choices"]],
                           "Parameters the paper leaves unstated (chosen here)"))
    if check["seeds"]:
        seeds = ", ".join(f"{k} = {v}" for k, v in check["seeds"].items())
        parts.append(f'<p><span class="label">Seeds:</span> {html.escape(seeds)}</p>')
    return "\n".join(parts) + "</div>"


def _claim(claim: dict[str, Any], out_dir: Path) -> str:
    ident = html.escape(claim["id"])
    meta = [("Where", inline(claim["location"])), ("Kind", html.escape(claim["kind"])),
            ("Verdict", _verdict(claim["verdict"])), ("Profile", html.escape(str(claim.get("profile")))),
            ("Seed", html.escape(str(claim.get("seed")))), ("Runtime", f"{claim['runtime_s']:.2f} s")]
    parts = [
        f'<section class="claim" id="{ident}" {_attrs(claim)}>',
        f'<h2>{ident}: {inline(claim["title"])} {_verdict(claim["verdict"])}</h2>',
        '<dl class="meta">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in meta) + "</dl>",
        '<h3>As printed</h3>', prose(claim["statement"]),
        '<h3>Result</h3>', prose(claim["summary"]),
    ]
    if claim.get("correction"):
        parts += ["<h3>Correction</h3>", prose(claim["correction"])]
    parts += ["<h3>Reproduce</h3>", f"<pre><code>{html.escape(reproduce_command(claim))}</code></pre>"]
    parts += [_check(check, out_dir) for check in claim["checks"]]
    parts.append('<p class="top"><a href="#summary">↑ summary</a></p></section>')
    return "\n".join(parts)


def _summary(claims: list[dict[str, Any]]) -> str:
    counts = sorted(verdict_counts(claims), key=lambda vn: SUMMARY_ORDER.index(vn[0]))
    ordered = sorted(claims, key=lambda c: SUMMARY_ORDER.index(c["verdict"]))
    rows = "\n".join(
        f'<tr {_attrs(c)}><td><a href="#{html.escape(c["id"])}">{html.escape(c["id"])}</a></td>'
        f"<td>{inline(c['title'])}</td><td>{_verdict(c['verdict'])}</td><td>{inline(first_line(c['summary']))}</td></tr>"
        for c in ordered
    )
    buttons = [f'<button type="button" data-verdict="all" aria-pressed="true">all ({len(claims)})</button>']
    buttons += [f'<button type="button" data-verdict="{html.escape(v)}" aria-pressed="false">{html.escape(v)} ({n})</button>'
                for v, n in counts]
    sections = dict.fromkeys(paper_section(c["id"]) for c in claims)
    options = "".join(f'<option value="{html.escape(s)}">{html.escape(s)}</option>' for s in sections)
    return "\n".join([
        '<section id="summary"><h2>Summary</h2>',
        f'<p class="counts"><strong>{len(claims)} claims:</strong> '
        + " · ".join(f"{n} {_verdict(v)}" for v, n in counts) + "</p>",
        f'<p class="muted">{inline(VERDICT_LEGEND)}</p>',
        '<nav id="filters" aria-label="filter claims" hidden><span>Verdict:</span> ' + " ".join(buttons),
        '<label>Paper section: <select id="section-filter"><option value="">all sections</option>'
        + options + "</select></label>",
        f'<span id="shown" class="muted">{len(claims)} of {len(claims)} claims shown</span></nav>',
        '<div class="table"><table id="summary-table"><thead><tr><th>ID</th><th>claim</th><th>verdict</th>'
        f"<th>result</th></tr></thead>\n<tbody>\n{rows}\n</tbody></table></div></section>",
    ])


def render_html(ledger: dict[str, Any], out_dir: Path) -> str:
    """The page for ``ledger``, to be written to ``out_dir/html/index.html`` (figures under ``out_dir``)."""
    prov = ledger["provenance"]
    claims = ledger["claims"]
    commit, libraries = build_text(prov)
    provenance = (
        f"Generated by <code>maml-landscape verify</code> ({inline(settings_text(ledger))}) at "
        f"{html.escape(prov['generated_at'])}; maml-landscape {html.escape(prov['version'])}, commit "
        f"{html.escape(commit)}; Python {html.escape(prov['python'])}, {html.escape(libraries)}. "
        "Do not edit: regenerate."
    )
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{TITLE}</title><style>{STYLE}</style></head>",
        f'<body><header id="top"><h1>{TITLE}</h1><p class="provenance">{provenance}</p></header><main>',
        _summary(claims),
        *(_claim(c, out_dir) for c in claims),
        f"</main><script>{SCRIPT}</script></body></html>",
    ]) + "\n"
