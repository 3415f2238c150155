"""README's "Ask your own question": its TOML is examples/three_clusters.toml, its numbers are current, its code runs."""

from __future__ import annotations

import re
from pathlib import Path

from maml_landscape.explore import explore, read_environment_file

ROOT = Path(__file__).resolve().parents[1]
TITLE = "## Ask your own question"


def _section() -> str:
    text = (ROOT / "README.md").read_text()
    assert TITLE in text, f"README.md needs the section {TITLE!r} (text in the explore issue)"
    start = text.index(TITLE)
    end = text.find("\n## ", start + len(TITLE))
    return text[start: end if end > 0 else len(text)]


def test_the_toml_shown_is_the_example_file():
    block = re.search(r"```toml\n(.*?)```", _section(), re.S).group(1)
    assert block == (ROOT / "examples" / "three_clusters.toml").read_text()


def test_the_printed_numbers_are_current():
    answers = explore(read_environment_file(ROOT / "examples" / "three_clusters.toml"))
    section = _section()
    assert f"{answers.gain:.4g}" in section and f"alpha* = {answers.alpha_star.alpha:.4g}" in section
    assert "reports/explore/figures/gain_map.png" in section and (ROOT / "reports/explore/figures/gain_map.png").is_file()


def test_python_examples_run_as_written():
    blocks = re.findall(r"```python\n(.*?)```", _section(), re.S)
    assert blocks
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, "README.md (Ask your own question)", "exec"), namespace)  # noqa: S102
