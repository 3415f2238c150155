"""Compile the report folder's report.tex into report.pdf (``verify --pdf``).

latexmk runs pdflatex as often as the cross references need; without latexmk,
pdflatex runs three times (longtable's column widths and hyperref's labels settle by
then). The build files (report.aux, .log, .out, .fls, .fdb_latexmk) stay in
``OUT/.latex/`` so that latexmk's next build there is incremental; the PDF is then
copied to ``OUT/report.pdf`` atomically. Debian: ``apt-get install latexmk
texlive-latex-recommended lmodern``.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from maml_landscape.atomic import write_atomically
from maml_landscape.report.write import LATEX_NAME, ReportError
from maml_landscape.validate import printable

PDF_NAME = "report.pdf"
#: The build folder, inside the report folder.
BUILD_DIR = ".latex"
TIMEOUT_S = 900
_FLAGS = ["-interaction=nonstopmode", "-halt-on-error"]


def latex_tool() -> str:
    """``latexmk``, else ``pdflatex``; ReportError (one line, how to install) when neither is installed."""
    for tool in ("latexmk", "pdflatex"):
        if shutil.which(tool):
            return tool
    raise ReportError(
        "--pdf needs latexmk or pdflatex; install them (Debian: apt-get install latexmk "
        "texlive-latex-recommended lmodern) or leave out --pdf"
    )


def _commands(tool: str, build: Path) -> list[list[str]]:
    if tool == "latexmk":
        return [["latexmk", "-pdf", *_FLAGS, f"-outdir={build}", LATEX_NAME]]
    return [["pdflatex", *_FLAGS, f"-output-directory={build}", LATEX_NAME]] * 3


def compile_pdf(out_dir: Path) -> Path:
    """Build ``out_dir/report.tex`` into ``out_dir/report.pdf``; return its path.

    Raises ReportError (one line naming the log file) when LaTeX fails or takes longer
    than :data:`TIMEOUT_S` seconds.
    """
    out_dir = Path(out_dir)
    build = out_dir.resolve() / BUILD_DIR  # absolute: LaTeX runs in out_dir
    build.mkdir(parents=True, exist_ok=True)
    log = build / Path(LATEX_NAME).with_suffix(".log").name
    built = build / PDF_NAME
    for command in _commands(latex_tool(), build):
        try:
            result = subprocess.run(command, cwd=out_dir, capture_output=True, timeout=TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            raise ReportError(f"{command[0]} took over {TIMEOUT_S} s on {LATEX_NAME}; see {printable(log)}") from None
        if result.returncode != 0 or not built.exists():
            raise ReportError(f"{command[0]} could not compile {printable(out_dir / LATEX_NAME)}; see {printable(log)}")
    target = out_dir / PDF_NAME
    write_atomically(target, lambda tmp: shutil.copyfile(built, tmp))
    return target
