"""The HTML ledger's rendering, without a browser: MathML with a fallback, escaping, the page's parts.

The browser tests (tests/test_report_browser.py) look at the rendered page; these check
what the renderer writes, for inputs the committed ledger does not hold.
"""

from __future__ import annotations

import html.parser
import os
import stat

import pytest

from maml_landscape.cli import main
from maml_landscape.evidence import Figure, Formula, Table, Text
from maml_landscape.report.format import paper_section
from maml_landscape.report.html import reproduce_command
from maml_landscape.report.html_prose import inline, math, prose
from maml_landscape.report.mathml import to_mathml
from maml_landscape.verdicts import Outcome, Verdict
from tests.helpers_ledger import temporary_checks


def test_latex_becomes_mathml():
    assert to_mathml("x^2") == '<math display="inline"><mrow><msup><mi>x</mi><mn>2</mn></msup></mrow></math>'
    assert to_mathml(r"\frac{a}{b}", display=True).startswith('<math display="block">')
    assert "<mi>ρ</mi>" in to_mathml("ρ_H ≪ ρ_E")  # Unicode in math, as the ledger writes it


@pytest.mark.parametrize("latex", [r"\frac{a}{", "x^{", "", r"\text{<script>alert(1)</script>}", "a < b & c"])
def test_a_formula_latex2mathml_cannot_convert_shows_its_source(latex):
    assert to_mathml(latex) is None
    shown = math(latex)
    assert shown.startswith('<code class="tex">') and "<script>" not in shown
    assert html.unescape(shown.removeprefix('<code class="tex">').removesuffix("</code>")) == latex
    assert math(latex, display=True).startswith('<div class="tex">')


def test_inline_prose_escapes_text_and_converts_math_and_markup():
    out = inline("a < b & `c_d` **bold** *em* $x_i$")
    assert out.startswith("a &lt; b &amp; <code>c_d</code> <strong>bold</strong> <em>em</em> <math")
    assert inline("costs $5") == "costs $5"  # one dollar: no math


def test_prose_keeps_paragraphs_pipe_tables_and_tracebacks():
    out = prose("first\nline\n\n| a | b |\n|---|---|\n| 1 | $x$ |\nafter")
    assert out.count("<p>") == 2 and "<th>a</th>" in out and "<td><math" in out
    trace = prose("Traceback (most recent call last):\n  File \"x\", line 1\n<boom>")
    assert trace.startswith("<pre>Traceback") and "&lt;boom&gt;" in trace


@pytest.mark.parametrize("claim_id, section", [
    ("S2.F", "Sec. 2"), ("S31.SOL", "Sec. 3.1"), ("S32.COR2", "Sec. 3.2"), ("C1.SGD", "App. C.1"),
    ("B.LEMMA1", "App. B"), ("D.THM2", "App. D"), ("H.GAIN", "Abstract and introduction"),
])
def test_paper_section_of_a_claim_id(claim_id, section):
    assert paper_section(claim_id) == section


def test_reproduce_command_names_profile_and_seed():
    assert reproduce_command({"id": "S3.INF", "profile": "paper", "seed": 3}) == \
        "maml-landscape verify --claim S3.INF --profile paper --seed 3"
    assert reproduce_command({"id": "S3.INF", "profile": None, "seed": None}) == "maml-landscape verify --claim S3.INF"


class _Ids(html.parser.HTMLParser):
    """Element ids and the attributes of every element, from a whole page."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def _figure_check(ctx):
    import matplotlib.pyplot as plt

    from maml_landscape.plotting import figure_evidence

    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    return Outcome(Verdict.FAILS, "counterexample at $x = 1$", evidence=[
        Text("see **below**"), Formula("derived", r"\frac{1}{2}x^2"), Formula("broken", r"\frac{1}{"),
        Table(["a", "b"], [[1, 0.5]]), figure_evidence(fig, "html_test", "a line"), Figure("figures/nope.png", "gone"),
    ])


def test_verify_writes_an_html_page_with_an_anchor_per_claim(tmp_path):
    with temporary_checks({"S2.F": [_figure_check], "S3.INF": [lambda ctx: Outcome(Verdict.HOLDS, "ok")]}):
        assert main(["verify", "--claim", "S2.F", "--claim", "S3.INF", "--out", str(tmp_path), "--no-progress"]) == 0
    page = (tmp_path / "html" / "index.html").read_text()
    parser = _Ids()
    parser.feed(page)
    sections = [a for tag, a in parser.elements if tag == "section" and a.get("class") == "claim"]
    assert [(a["id"], a["data-verdict"], a["data-section"]) for a in sections] == [
        ("S2.F", "fails", "Sec. 2"), ("S3.INF", "holds", "Sec. 3")]
    rows = [a["data-verdict"] for tag, a in parser.elements if tag == "tr" and "data-verdict" in a]
    assert rows == ["fails", "holds"]  # the summary: fails first
    images = [a["src"] for tag, a in parser.elements if tag == "img"]
    assert images == ["../figures/html_test.png"] and (tmp_path / "figures" / "html_test.png").exists()
    assert "Figure <code>figures/nope.png</code> is missing" in page
    assert '<code class="tex">\\frac{1}{</code>' in page and '<math display="block">' in page
    assert "maml-landscape verify --claim S2.F --profile quick --seed 20240601" in page
    assert "http://" not in page and "https://" not in page  # nothing fetched from the network


def test_the_page_and_the_figures_get_the_mode_of_an_ordinary_file(tmp_path):
    """0o666 & ~umask, e.g. 0644 (not mkstemp's 0600)."""
    mask = os.umask(0o022)
    os.umask(mask)
    with temporary_checks({"S2.F": [_figure_check]}):
        assert main(["verify", "--claim", "S2.F", "--out", str(tmp_path), "--no-progress"]) == 0
    for path in (tmp_path / "html" / "index.html", tmp_path / "figures" / "html_test.png",
                 tmp_path / "figures" / "html_test.pdf"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask, path
