"""The shape of a ledger (claims.json): what a file must hold before any report renders it.

:func:`ledger_problem` walks the parsed JSON (top level, provenance, each claim, each
check, each evidence block) and names the first thing that is wrong, so a damaged or
foreign claims.json is refused in one line instead of failing later with a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from maml_landscape.verdicts import Verdict

_JSON_TYPES = {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
               int: "a number", float: "a number", type(None): "null"}
_VERDICTS = [v.value for v in Verdict]
_BLOCK_FIELDS = {
    "text": {"text": str},
    "formula": {"label": str, "latex": str},
    "table": {"headers": list, "rows": list},
    "figure": {"path": str, "caption": str},
    "measurement": {k: object for k in ("name", "estimate", "stderr", "predicted", "z", "threshold",
                                        "alarm_rate", "samples", "seed", "passed")},
}
_OPTIONAL_STRING = (str, type(None))
_CHECK_FIELDS = (("name", _OPTIONAL_STRING, False), ("runtime_s", float, False), ("summary", str, False),
                 ("evidence", list, False), ("choices", list, False), ("seeds", dict, False))
_CLAIM_FIELDS = (
    ("title", str, False), ("location", str, False), ("kind", str, False), ("statement", str, False),
    ("summary", str, False), ("correction", _OPTIONAL_STRING, True), ("runtime_s", float, False),
    ("profile", str, True), ("seed", (int, type(None)), True), ("checks", list, False),
)
_PROVENANCE_FIELDS = tuple(
    (name, (kind, type(None)), True)
    for name, kind in (("seed", int), ("run_seed", int), ("profile", str), ("run_profile", str))
)


def _first(problems: Iterable[str | None]) -> str | None:
    """The first problem found (``problems`` is lazy: later ones may rely on earlier checks)."""
    return next((p for p in problems if p), None)


def _kind(value: Any) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _field_problem(where: str, record: dict[str, Any], name: str, expected: Any, optional: bool = False) -> str | None:
    """Why ``record[name]`` is not of type ``expected`` (a type or tuple of types), or None."""
    if name not in record:
        return None if optional else f"{where} has no {name!r}"
    value = record[name]
    if expected is object:
        return None
    types = expected if isinstance(expected, tuple) else (expected,)
    if isinstance(value, bool) and bool not in types:
        ok = False
    elif float in types:
        ok = _number(value)
    else:
        ok = isinstance(value, types)
    if not ok:
        wanted = " or ".join(_JSON_TYPES.get(t, t.__name__) for t in types)
        return f"{name!r} of {where} is {_kind(value)}, not {wanted}"
    return None


def _fields(where: str, record: dict[str, Any], fields: Iterable[tuple[str, Any, bool]]) -> Iterator[str | None]:
    return (_field_problem(where, record, name, kind, optional) for name, kind, optional in fields)


def _verdict_problem(where: str, record: dict[str, Any]) -> str | None:
    problem = _field_problem(where, record, "verdict", str)
    if problem is None and record["verdict"] not in _VERDICTS:
        problem = f"{where} has the verdict {record['verdict']!r:.40}, not one of {', '.join(_VERDICTS)}"
    return problem


def _table_rows_problem(where: str, block: dict[str, Any]) -> str | None:
    if _field_problem(where, block, "caption", str, optional=True):
        return f"{where} has a caption that is not a string"
    if not all(isinstance(row, list) for row in block["rows"]):
        return f"{where} has a row that is not an array"
    return None


def _block_problem(where: str, block: Any) -> str | None:
    if not isinstance(block, dict):
        return f"{where} is {_kind(block)}, not an object"
    kind = block.get("type")
    if kind not in _BLOCK_FIELDS:
        return f"{where} has unknown type {kind!r:.40}"
    fields = ((name, expected, False) for name, expected in _BLOCK_FIELDS[kind].items())
    return _first([*_fields(where, block, fields)]) or (
        _table_rows_problem(where, block) if kind == "table" else None
    )


def _choice_problem(where: str, choice: Any) -> str | None:
    if not isinstance(choice, dict) or not {"name", "value", "reason"} <= set(choice):
        return f"{where} is not an object with name, value and reason"
    return None


def _check_problem(where: str, check: Any) -> str | None:
    if not isinstance(check, dict):
        return f"{where} is {_kind(check)}, not an object"

    def problems() -> Iterator[str | None]:
        yield from _fields(where, check, _CHECK_FIELDS)
        yield _verdict_problem(where, check)
        for j, block in enumerate(check["evidence"]):
            yield _block_problem(f"{where} evidence block {j + 1}", block)
        for j, choice in enumerate(check["choices"]):
            yield _choice_problem(f"{where} choice {j + 1}", choice)

    return _first(problems())


def _claim_problem(where: str, claim: Any) -> str | None:
    if not isinstance(claim, dict):
        return f"{where} is {_kind(claim)}, not an object"
    problem = _field_problem(where, claim, "id", str)
    if problem:
        return problem
    where = f"{where} ({claim['id']!r:.40})"

    def problems() -> Iterator[str | None]:
        yield from _fields(where, claim, _CLAIM_FIELDS)
        yield _verdict_problem(where, claim)
        for j, check in enumerate(claim["checks"]):
            yield _check_problem(f"{where} check {j + 1}", check)

    return _first(problems())


def ledger_problem(ledger: Any) -> str | None:
    """What makes ``ledger`` (parsed JSON) not a ledger this package can render, or None."""
    if not isinstance(ledger, dict):
        return f"the top level is {_kind(ledger)}, not an object"

    def problems() -> Iterator[str | None]:
        yield from _fields("the ledger", ledger, (("claims", list, False), ("provenance", dict, False),
                                                   ("generation", str, True)))
        yield from _fields("the provenance", ledger["provenance"], _PROVENANCE_FIELDS)
        for i, claim in enumerate(ledger["claims"]):
            yield _claim_problem(f"claim {i + 1}", claim)

    return _first(problems())
