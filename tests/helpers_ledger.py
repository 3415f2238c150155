"""Test helpers: register temporary checks without touching the real registry."""

from __future__ import annotations

import contextlib

from maml_landscape import registry


@contextlib.contextmanager
def temporary_checks(checks: dict):
    """Replace the registered checks of some claims for the duration of a test."""
    registry.discover()
    saved = {k: list(v) for k, v in registry._CHECKS.items()}
    try:
        for claim_id, functions in checks.items():
            registry._CHECKS[claim_id] = [
                registry.RegisteredCheck(claim_id, f"tests:{f.__name__}", f) for f in functions
            ]
        yield
    finally:
        registry._CHECKS.clear()
        registry._CHECKS.update(saved)
