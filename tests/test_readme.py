"""The README's contract: its test command is what CI runs, and its ledger summary is generated."""

from pathlib import Path

from maml_landscape.report.write import README_END, README_START, load_ledger, readme_summary

ROOT = Path(__file__).resolve().parents[1]


def _commands(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("python3.11 -m venv")]


def test_ci_runs_the_readme_test_command():
    readme = _commands((ROOT / "README.md").read_text())
    ci = _commands((ROOT / ".ci" / "run").read_text())
    assert len(readme) == 2 and ci == [readme[1]]
    assert "maml-landscape verify" in readme[0] and "pytest" in readme[1]


def test_readme_summary_matches_committed_ledger():
    ledger = load_ledger(ROOT / "reports")
    assert ledger is not None, "reports/claims.json missing: run 'maml-landscape verify --readme README.md'"
    text = (ROOT / "README.md").read_text()
    block = text[text.index(README_START): text.index(README_END) + len(README_END)]
    assert block == readme_summary(ledger), "README ledger summary is stale: run 'maml-landscape verify --readme README.md'"


def test_python_api_examples_run_as_written():
    """Every ```python block of the README's "Python API" section, run in order in one namespace."""
    import re

    text = (ROOT / "README.md").read_text()
    section = text[text.index("## Python API"): text.index("## Layout")]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) >= 5
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, "README.md (Python API)", "exec"), namespace)  # noqa: S102


def test_public_api_names_exist():
    import maml_landscape.deep as deep
    import maml_landscape.numerics as numerics
    import maml_landscape.theory as theory

    for package in (numerics, theory, deep):
        assert package.__all__ and all(hasattr(package, name) for name in package.__all__)
