"""Shared assertions of the bad-input tables: one clear line, no traceback, nothing stored changed."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def log_message(message: str) -> None:
    """Append ``test id<TAB>message`` to $BAD_INPUT_LOG when set (lists every class's message)."""
    log = os.environ.get("BAD_INPUT_LOG")
    if log:
        test = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" (", 1)[0]
        with open(log, "a", encoding="utf-8") as file:
            file.write(f"{test}\t{message.strip()}\n")


def snapshot(*roots: Path) -> dict[str, str]:
    """Path -> SHA-256 of every file under ``roots`` (a stored state to compare after a bad call)."""
    state = {}
    for root in roots:
        root = Path(root)
        if not root.exists():
            continue
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            state[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return state


def assert_one_line_error(code: int, err: str, fragment: str, expected_code: int = 2) -> None:
    """Exit status ``expected_code``, stderr one line containing ``fragment``, no traceback."""
    lines = [line for line in err.splitlines() if line.strip()]
    assert "Traceback" not in err, err
    assert code == expected_code, (code, err)
    assert len(lines) == 1, err
    assert fragment.lower() in lines[0].lower(), (fragment, lines[0])
    log_message(lines[0])
