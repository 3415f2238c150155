"""Tools the tests need from the system (Chromium, LaTeX, poppler): skip outside CI, fail in CI.

``.ci/run`` installs them when missing; in CI (``CI=true``) a missing tool is a failure,
never a silent skip.
"""

from __future__ import annotations

import os

import pytest


def require(found: object, reason: str) -> None:
    """Skip the test with ``reason`` when ``found`` is falsy; in CI, fail with it instead."""
    if found:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run this test: {reason}")
    pytest.skip(reason)
