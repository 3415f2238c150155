"""The ledger on a terminal: math as Unicode, ``show --format``, and the end of ``verify``."""

from __future__ import annotations

import json
import sys

import pytest

from maml_landscape.cli import main
from maml_landscape.evidence import Formula, Table, Text
from maml_landscape.report.plain_math import math_text, prose_text
from maml_landscape.report.short_summary import short_summary
from maml_landscape.report.terminal import plain_text, unicode_markdown
from maml_landscape.verdicts import Outcome, Verdict
from tests.helpers_ledger import temporary_checks


@pytest.mark.parametrize("latex, text", [
    (r"\frac{1}{2}\|w\|^2 \le \rho_H", "1/2 ‖w‖² ≤ ρ_H"),
    (r"\frac{a+b}{2m}", "(a + b)/(2m)"),
    (r"\frac{\rho_H^3}{\rho_E^2}", "ρ_H³/ρ_E²"),
    (r"E_i[\Sigma_i]^{-1} w^\top x", "E_i[Σ_i]⁻¹wᵀx"),
    (r"\hat f_i + \sqrt{x+1}", "f̂_i + √(x + 1)"),
    (r"\sum_{i=1}^n x_i", "∑_(i=1)ⁿ x_i"),
    (r"\sigma^2 + \frac{\alpha^2}{m}\operatorname{tr}(\Sigma_i^2)", "σ² + α²/m tr(Σ_i²)"),
    (r"\mathcal{E}_m(w) \ge 0", "ℰ_m(w) ≥ 0"),
    (r"\frac{1}{", r"\frac{1}{"),  # not convertible: the LaTeX source
])
def test_math_as_one_line_of_unicode(latex, text):
    assert math_text(latex) == text


def test_prose_converts_balanced_math_only():
    assert prose_text("gain $\\rho_H/\\rho_E \\ll 1$ here") == "gain ρ_H/ρ_E ≪ 1 here"
    assert prose_text("costs $5") == "costs $5"


def test_plain_text_drops_markup_and_aligns_tables():
    markdown = unicode_markdown("## S2.F: title\n\n**Where:** `x` and *y*\n\n$$\n\\frac{1}{2}\n$$\n\n"
                                "| a | long b |\n|---|---|\n| 1 \\| 2 | $x^2$ |")
    assert plain_text(markdown).splitlines() == [
        "S2.F: title", "===========", "", "Where: x and y", "", "    1/2", "", "a      long b", "1 | 2  x²"]
    assert plain_text("|z| > 2 is **large**") == "|z| > 2 is large\n"  # no |---| rule: prose, not a table


def _record(ctx):
    return Outcome(Verdict.APPROXIMATE, "within 10% of $\\frac{1}{2}$",
                   evidence=[Text("**note**"), Formula("derived", r"\alpha^2"), Table(["a"], [[1]])])


@pytest.fixture
def stored(tmp_path):
    with temporary_checks({"S2.F": [_record]}):
        assert main(["verify", "--claim", "S2.F", "--out", str(tmp_path), "--no-progress"]) == 0
    return tmp_path


@pytest.mark.parametrize("fmt, expected, absent", [
    ("md", ["## S2.F:", "$$\n\\alpha^2\n$$", "**Evidence:**"], []),
    ("plain", ["S2.F: Post-adaptation", "within 10% of 1/2", "    α²"], ["**", "$", "##"]),
    ("rich", ["S2.F: Post-adaptation", "within 10% of 1/2", "α²"], ["**", "$", "##"]),
])
def test_show_formats(stored, capsys, fmt, expected, absent):
    assert main(["show", "S2.F", "--out", str(stored), "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert all(e in out for e in expected), out
    assert not any(a in out for a in absent), out


def test_show_json_is_the_stored_record(stored, capsys):
    assert main(["show", "S2.F", "--out", str(stored), "--format", "json"]) == 0
    record = json.loads(capsys.readouterr().out)
    stored_record = json.loads((stored / "claims.json").read_text())["claims"][0]
    assert record == stored_record


def test_show_rich_without_rich_prints_plain_text(stored, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "rich", None)  # import rich raises ImportError
    monkeypatch.setitem(sys.modules, "rich.console", None)
    assert main(["show", "S2.F", "--out", str(stored), "--format", "rich"]) == 0
    out = capsys.readouterr().out
    assert "S2.F: Post-adaptation population objective\n=====" in out and "within 10% of 1/2" in out


def test_show_defaults_to_markdown_when_piped(stored, capsys):
    assert main(["show", "S2.F", "--out", str(stored)]) == 0
    assert "## S2.F:" in capsys.readouterr().out


def test_short_summary_lists_what_needs_attention():
    claims = [
        {"id": "A.1", "verdict": "holds", "summary": "fine"},
        {"id": "A.2", "verdict": "not checked", "summary": "no data"},
        {"id": "A.3", "verdict": "fails", "summary": "counterexample at $x^2 = 4$ " + "and more " * 20},
        {"id": "A.4", "verdict": "approximate", "summary": "within 10%"},
    ]
    lines = short_summary(claims, "1.0s", width=80).splitlines()
    assert lines[0].strip("= ") == "short claim summary" and len(lines[0]) == 80
    assert [line.split(" - ")[0] for line in lines[1:4]] == ["FAILS A.3", "APPROXIMATE A.4", "NOT CHECKED A.2"]
    assert lines[1].startswith("FAILS A.3 - counterexample at x² = 4") and len(lines[1]) == 80 and lines[1][-1] == "…"
    assert lines[4].strip("= ") == "4 claim(s): 1 holds, 1 approximate, 1 fails, 1 not checked in 1.0s"
    assert len(short_summary(claims, "1.0s", width=80, cut=False).splitlines()[1]) > 80  # a log keeps it whole
    assert short_summary(claims[:1], "2s").strip("= ") == "1 claim(s): 1 holds in 2s"
