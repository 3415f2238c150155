"""``verify --pdf``: report.tex compiles to report.pdf, whose pages poppler renders non-blank.

Compiles the committed ledger (reports/claims.json, with the committed figures) as
``verify --resume --pdf`` does: no check reruns. Skipped outside CI when latexmk or
pdflatex, or poppler's pdfinfo and pdftoppm, are missing (``.ci/run`` installs them);
in CI (``CI=true``) that is a failure.
"""

from __future__ import annotations

import io
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from maml_landscape.cli import main
from maml_landscape.report import pdf as pdf_module
from maml_landscape.report.pdf import BUILD_DIR, PDF_NAME, compile_pdf
from maml_landscape.report.write import ReportError, load_ledger, write_reports
from tests.helpers_bad_input import assert_one_line_error, snapshot
from tests.helpers_ci import require

ROOT = Path(__file__).resolve().parents[1]
MIN_STDDEV = 10.0  # grey-level spread of a rendered page; a blank page has 0


def _require_latex() -> None:
    require(shutil.which("latexmk") or shutil.which("pdflatex"),
            "LaTeX is not installed (apt-get install latexmk texlive-latex-recommended lmodern)")


def _require_poppler() -> None:
    require(shutil.which("pdftoppm") and shutil.which("pdfinfo") and shutil.which("pdftotext"),
            "poppler-utils is not installed (apt-get install poppler-utils)")


@pytest.fixture
def committed(tmp_path):
    """The committed ledger's report set in ``tmp_path``, figures linked from reports/."""
    ledger = load_ledger(ROOT / "reports")
    assert ledger is not None, "reports/claims.json missing: run 'maml-landscape verify'"
    (tmp_path / "figures").symlink_to(ROOT / "reports" / "figures", target_is_directory=True)
    write_reports(ledger, tmp_path)
    return tmp_path, ledger


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_verify_pdf_compiles_the_ledger_and_its_first_pages_are_not_blank(committed, tmp_path, capsys):
    _require_latex()
    _require_poppler()
    out, ledger = committed
    profile, seed = ledger["claims"][0]["profile"], ledger["claims"][0]["seed"]
    assert main(["verify", "--resume", "--pdf", "--out", str(out), "--profile", profile, "--seed", str(seed),
                 "--no-progress"]) == 0
    assert "report.pdf" in capsys.readouterr().out
    pdf = out / PDF_NAME
    claims = ledger["claims"]
    assert _pages(pdf) >= len(claims) // 2  # a section per claim, most longer than half a page
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert all(c["id"] in text for c in claims)
    subprocess.run(["pdftoppm", "-r", "40", "-f", "1", "-l", "3", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 3
    for page in pages:
        image = Image.open(io.BytesIO(page.read_bytes())).convert("L")
        assert ImageStat.Stat(image).stddev[0] > MIN_STDDEV, page.name
    for build_file in ("report.aux", "report.log", "report.out"):  # kept out of the report folder
        assert (out / BUILD_DIR / build_file).exists() and not (out / build_file).exists()
    mask = os.umask(0o022)
    os.umask(mask)
    assert stat.S_IMODE(pdf.stat().st_mode) == 0o666 & ~mask  # e.g. 0644, as every report file


def test_a_compile_failure_is_one_line_naming_the_log(tmp_path):
    _require_latex()
    (tmp_path / "report.tex").write_text("\\documentclass{article}\\begin{document}\\undefinedmacro\\end{document}\n")
    with pytest.raises(ReportError) as raised:
        compile_pdf(tmp_path)
    message = str(raised.value)
    log = tmp_path / BUILD_DIR / "report.log"
    assert "could not compile" in message and str(log) in message and "\n" not in message
    assert log.exists() and not (tmp_path / PDF_NAME).exists()


def test_verify_pdf_without_latex_is_refused_before_any_check_runs(committed, monkeypatch, capsys):
    out, _ = committed
    monkeypatch.setattr(pdf_module.shutil, "which", lambda name: None)
    before = snapshot(out)
    code = main(["verify", "--claim", "S2.F", "--pdf", "--out", str(out), "--no-progress"])
    assert_one_line_error(code, capsys.readouterr().err, "--pdf needs latexmk or pdflatex")
    assert snapshot(out) == before
