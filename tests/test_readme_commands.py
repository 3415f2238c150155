"""Every cheap ``maml-landscape`` command of the README runs as written (exit 0).

The commands are read from the README's code blocks at collection time, so a command
added there is run here unless it matches :data:`NOT_RUN` (with the reason). They run
in-process in a scratch folder holding a copy of reports/ and examples/, so that
``verify`` writes there and the checkout is left as it was.
"""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import pytest

from maml_landscape.cli import main
from tests.helpers_ci import require

ROOT = Path(__file__).resolve().parents[1]
#: A README command containing one of these is not run here, for the reason given.
NOT_RUN = {"PATH/TO": "names a data set or cluster folder the reader fills in (every training command does)"}
#: Commands the README shows that do not work yet, with why (strict: fixing one fails here, so
#: it is then removed from this list).
KNOWN_BROKEN: dict[str, str] = {}


def readme_commands() -> list[str]:
    """The ``maml-landscape`` command lines of the README's code blocks (continuations joined, comments cut)."""
    blocks, language, lines = [], None, []
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        if not line.startswith("```"):
            lines.append(line)
        elif language is None:
            language, lines = line[3:].strip(), []
        else:
            if language in ("", "bash"):
                blocks.append("\n".join(lines))
            language = None
    commands = [
        " ".join(shlex.split(line, comments=True))
        for block in blocks
        for line in block.replace("\\\n", " ").splitlines()
        if line.startswith("maml-landscape ")
    ]
    return list(dict.fromkeys(commands))


def _why_not_run(command: str) -> str | None:
    argv = shlex.split(command)[1:]
    if argv[0] == "verify" and "--claim" not in argv and "--resume" not in argv:
        return "verifies every claim (minutes)"
    return next((why for pattern, why in NOT_RUN.items() if pattern in command), None)


def _cases() -> list:
    cases = []
    for command in readme_commands():
        why = _why_not_run(command)
        if why:
            continue
        broken = KNOWN_BROKEN.get(command.removeprefix("maml-landscape "))
        marks = [pytest.mark.xfail(strict=True, reason=broken)] if broken else []
        cases.append(pytest.param(command, id=command.removeprefix("maml-landscape ")[:60], marks=marks))
    return cases


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """A folder with copies of reports/ (without checkpoints) and examples/, as the README's commands expect."""
    folder = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "reports", folder / "reports", ignore=shutil.ignore_patterns("checkpoints", ".latex"))
    shutil.copytree(ROOT / "examples", folder / "examples")
    return folder


def test_the_readme_has_cheap_commands_and_every_known_broken_one_is_still_there():
    commands = readme_commands()
    assert len(_cases()) >= 4
    assert all(f"maml-landscape {c}" in commands for c in KNOWN_BROKEN)


@pytest.mark.parametrize("command", _cases())
def test_readme_command_runs_as_written(command, scratch, monkeypatch, capsys):
    argv = shlex.split(command)[1:]
    if "--pdf" in argv:
        require(shutil.which("latexmk") or shutil.which("pdflatex"),
                "LaTeX is not installed (apt-get install latexmk texlive-latex-recommended lmodern)")
    monkeypatch.chdir(scratch)
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 0, captured.err[-2000:]
    assert "Traceback" not in captured.err
