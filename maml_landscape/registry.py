"""Which functions check which claims.

A check is a function ``f(ctx: CheckContext) -> Outcome`` decorated with
``@check("CLAIM.ID")`` in any module of the ``checks`` subpackage of
``maml_landscape.theory``, ``maml_landscape.numerics`` or ``maml_landscape.deep``.
:func:`checks_for` imports those modules on first use, so adding a check is adding
a module; several checks may serve one claim (their verdicts are combined).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

from maml_landscape.claims import CLAIM_IDS
from maml_landscape.context import CheckContext
from maml_landscape.verdicts import Outcome

CHECK_PACKAGES = (
    "maml_landscape.theory.checks",
    "maml_landscape.numerics.checks",
    "maml_landscape.deep.checks",
)

CheckFunction = Callable[[CheckContext], Outcome]


@dataclass(frozen=True)
class RegisteredCheck:
    claim_id: str
    name: str  # "module:function", shown in the report
    function: CheckFunction


_CHECKS: dict[str, list[RegisteredCheck]] = {}
_discovered = False


def check(claim_id: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register the decorated function as a check of ``claim_id``."""
    if claim_id not in CLAIM_IDS:
        raise KeyError(f"unknown claim ID {claim_id!r}; the IDs are listed in maml_landscape.claims")

    def register(function: CheckFunction) -> CheckFunction:
        name = f"{function.__module__}:{function.__qualname__}"
        entries = _CHECKS.setdefault(claim_id, [])
        if all(entry.name != name for entry in entries):
            entries.append(RegisteredCheck(claim_id, name, function))
        return function

    return register


def discover() -> None:
    """Import every module of the check packages (once)."""
    global _discovered
    if _discovered:
        return
    for package_name in CHECK_PACKAGES:
        package = importlib.import_module(package_name)
        for module in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{package_name}.{module.name}")
    _discovered = True


def checks_for(claim_id: str) -> list[RegisteredCheck]:
    """The registered checks of one claim, in registration order."""
    discover()
    return list(_CHECKS.get(claim_id, []))


def outcome_of(entry: RegisteredCheck, ctx: CheckContext) -> Outcome:
    """Run one check, or return its outcome if it already ran with this ``ctx``."""
    if entry.name not in ctx.outcomes:
        ctx.outcomes[entry.name] = entry.function(ctx)
    return ctx.outcomes[entry.name]


def claim_outcomes(claim_id: str, ctx: CheckContext) -> list[Outcome]:
    """The outcomes of every check of ``claim_id`` (each computed once per ``ctx``)."""
    return [outcome_of(entry, ctx) for entry in checks_for(claim_id)]
