"""Which functions check which claims, and what a check needs from other claims.

A check is a function ``f(ctx: CheckContext) -> Outcome`` decorated with
``@check("CLAIM.ID")`` in any module of the ``checks`` subpackage of
``maml_landscape.theory``, ``maml_landscape.numerics`` or ``maml_landscape.deep``.
:func:`checks_for` imports those modules on first use, so adding a check is adding
a module; several checks may serve one claim (their verdicts are combined).

A check that builds on other claims' results says so: ``@check("H.X", needs=("S4.THM1",))``
makes it ``f(ctx, needed) -> Outcome``, where ``needed["S4.THM1"]`` maps each check name
of S4.THM1 to its outcome. :class:`Run` computes every check once per run and hands the
needed outcomes over; nothing is cached in the context.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from maml_landscape.claims import CLAIM_IDS
from maml_landscape.context import CheckContext
from maml_landscape.verdicts import Outcome

CHECK_PACKAGES = (
    "maml_landscape.theory.checks",
    "maml_landscape.numerics.checks",
    "maml_landscape.deep.checks",
)

CheckFunction = Callable[..., Outcome]
#: What a check with ``needs`` receives: claim ID -> check name -> outcome (registration order).
Needed = Mapping[str, Mapping[str, Outcome]]


@dataclass(frozen=True)
class RegisteredCheck:
    claim_id: str
    name: str  # "module:function", shown in the report
    function: CheckFunction
    needs: tuple[str, ...] = ()


_CHECKS: dict[str, list[RegisteredCheck]] = {}
_MODULES: list[str] = []  # the check modules in discovery order


def check_name(function: CheckFunction) -> str:
    """The name a check is registered and reported under: ``module:function``."""
    return f"{function.__module__}:{function.__qualname__}"


def check(claim_id: str, needs: tuple[str, ...] = ()) -> Callable[[CheckFunction], CheckFunction]:
    """Register the decorated function as a check of ``claim_id`` that needs the claims ``needs``."""
    for claim in (claim_id, *needs):
        if claim not in CLAIM_IDS:
            raise KeyError(f"unknown claim ID {claim!r}; the IDs are listed in maml_landscape.claims")
    if claim_id in needs:
        raise ValueError(f"a check of {claim_id} cannot need its own claim")

    def register(function: CheckFunction) -> CheckFunction:
        name = check_name(function)
        entries = _CHECKS.setdefault(claim_id, [])
        if all(entry.name != name for entry in entries):
            entries.append(RegisteredCheck(claim_id, name, function, tuple(needs)))
        return function

    return register


def discover() -> None:
    """Import every module of the check packages (once), in package order, then alphabetically."""
    if _MODULES:
        return
    for package_name in CHECK_PACKAGES:
        package = importlib.import_module(package_name)
        for module in pkgutil.iter_modules(package.__path__):
            _MODULES.append(f"{package_name}.{module.name}")
            importlib.import_module(_MODULES[-1])


def checks_for(claim_id: str) -> list[RegisteredCheck]:
    """The checks of one claim: by module in discovery order, then in the order they are defined.

    The order does not depend on which module happens to import which first.
    """
    discover()
    position = {module: index for index, module in enumerate(_MODULES)}
    entries = _CHECKS.get(claim_id, [])
    return sorted(entries, key=lambda e: (position.get(e.name.partition(":")[0], len(position)),
                                          e.function.__code__.co_firstlineno))


class Run:
    """The outcomes of one ``verify`` run: each check computed once, needed claims first."""

    def __init__(self, ctx: CheckContext) -> None:
        self.ctx = ctx
        self._outcomes: dict[str, Outcome] = {}
        self._active: list[str] = []

    def outcome(self, entry: RegisteredCheck) -> Outcome:
        """The outcome of one check, computing it (and the claims it needs) on first use."""
        if entry.name not in self._outcomes:
            if entry.name in self._active:
                raise RuntimeError(f"checks need each other in a cycle: {' -> '.join(self._active + [entry.name])}")
            self._active.append(entry.name)
            try:
                if entry.needs:
                    needed = {claim: self.claim(claim) for claim in entry.needs}
                    self._outcomes[entry.name] = entry.function(self.ctx, needed)
                else:
                    self._outcomes[entry.name] = entry.function(self.ctx)
            finally:
                self._active.pop()
        return self._outcomes[entry.name]

    def claim(self, claim_id: str) -> dict[str, Outcome]:
        """Every check of ``claim_id`` with its outcome, in registration order."""
        return {entry.name: self.outcome(entry) for entry in checks_for(claim_id)}
