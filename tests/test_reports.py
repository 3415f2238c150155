"""Report rendering: LaTeX escaping, Markdown tables, and report.tex compiling with pdflatex."""

import shutil
import subprocess

import pytest

from maml_landscape.cli import main
from maml_landscape.report.format import first_line
from maml_landscape.report.latex import inline, prose
from maml_landscape.report.markdown import summary_table


def test_inline_keeps_math_and_escapes_text():
    assert inline("a_b 50% & $x_i^2$") == r"a\_b 50\% \& $x_i^2$"
    assert inline("ρ ≤ 1") == r"\ensuremath{\rho} \ensuremath{\le} 1"
    assert " ".join(inline("$ρ_H ≪ ρ_E$").split()) == r"$\rho _H \ll \rho _E$"
    assert inline("**bold** and `code_x`") == r"\textbf{bold} and \texttt{code\_x}"


def test_unbalanced_dollar_is_text():
    assert "$" not in inline("costs $5")


def test_pipe_tables_become_tabular():
    tex = prose("before\n| a | b |\n|---|---|\n| 1 | $x$ |\nafter")
    assert r"\begin{tabular}{ll}" in tex and r"1 & $x$ \\" in tex and "before" in tex and "after" in tex


def test_first_line_never_splits_math():
    text = "x " * 70 + "$\\frac{a}{b}$ tail"
    assert first_line(text, 150).count("$") % 2 == 0


def test_markdown_summary_escapes_pipes():
    claims = [{"id": "S2.F", "title": "a|b", "verdict": "holds", "summary": "c|d"}]
    assert "a\\|b" in summary_table(claims)


@pytest.mark.slow  # a full verify (2-3 min); tests/test_report_pdf.py compiles the committed ledger in seconds
@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed (apt-get install texlive-latex-recommended)")
def test_report_tex_compiles_with_pdflatex(tmp_path):
    """The full quick ledger (every claim's real checks) renders to a LaTeX file that compiles."""
    assert main(["verify", "--out", str(tmp_path), "--no-progress"]) == 0
    result = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "report.tex"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert (tmp_path / "report.pdf").stat().st_size > 10_000
