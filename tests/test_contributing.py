"""CONTRIBUTING.md's example check runs as written and agrees with the suite's own check of S3.Q."""

import re
from pathlib import Path

from maml_landscape import registry
from maml_landscape.context import CheckContext
from maml_landscape.theory.checks.general_lemma2 import q_matrix_isserlis

ROOT = Path(__file__).resolve().parents[1]


def test_the_example_check_runs_and_matches_the_registered_one(tmp_path, monkeypatch):
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    example = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    monkeypatch.setattr(registry, "check", lambda claim, needs=(): (lambda function: function))
    namespace: dict = {}
    exec(compile(example, "CONTRIBUTING.md", "exec"), namespace)
    ctx = CheckContext("quick", 0, tmp_path)
    mine, suites = namespace["q_matrix_isserlis"](ctx), q_matrix_isserlis(ctx)
    assert mine.verdict is suites.verdict
