"""Formatting shared by the Markdown and LaTeX renderers: numbers, measurement rows, counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from maml_landscape.verdicts import Verdict

VERDICT_ORDER = [v.value for v in Verdict]
#: What each verdict means (Markdown), under the counts of every report.
VERDICT_LEGEND = (
    "Verdicts: *holds* (derived/measured and printed agree within the stated tolerance); "
    "*holds after correction* (the printed form is wrong, the stated correction holds); "
    "*approximate* (holds within the stated error in the stated region); "
    "*fails* (counterexample or measured contradiction); *not checked* (reason given)."
)


def fmt_number(value: Any) -> str:
    """Compact, honest formatting: integers as is, floats to 4 significant digits."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value == 0:
            return "0"
        if 1e-3 <= abs(value) < 1e5:
            return f"{value:.4g}"
        return f"{value:.3e}"
    if isinstance(value, dict) and "exact" in value:
        return str(value["exact"])
    return str(value)


MEASUREMENT_HEADERS = ("quantity", "estimate ± s.e.", "predicted", "z", "|z| threshold (false-alarm rate)", "samples", "seed", "passes")


def measurement_row(block: dict[str, Any]) -> tuple[str, ...]:
    return (
        block["name"],
        f"{fmt_number(block['estimate'])} ± {fmt_number(block['stderr'])}",
        fmt_number(block["predicted"]),
        fmt_number(block["z"]),
        f"{fmt_number(block['threshold'])} ({fmt_number(block['alarm_rate'])})",
        fmt_number(block["samples"]),
        fmt_number(block["seed"]),
        "yes" if block["passed"] else "NO",
    )


def grouped_blocks(blocks: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Yield evidence blocks, merging runs of consecutive measurements into one table block."""
    pending: list[dict[str, Any]] = []
    for block in blocks:
        if block["type"] == "measurement":
            pending.append(block)
            continue
        if pending:
            yield {"type": "measurements", "items": pending}
            pending = []
        yield block
    if pending:
        yield {"type": "measurements", "items": pending}


def verdict_counts(claims: list[dict[str, Any]]) -> list[tuple[str, int]]:
    counts = Counter(c["verdict"] for c in claims)
    return [(v, counts[v]) for v in VERDICT_ORDER if counts[v]]


def first_line(text: str, limit: int = 160) -> str:
    """The text on one line, cut at ``limit`` characters without splitting a ``$...$`` span."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    if cut.count("$") % 2:
        cut = cut[: cut.rfind("$")]
    return cut.rstrip() + "…"


def claim_settings(claims: list[dict[str, Any]]) -> tuple[list[str], list[int]]:
    """The distinct profiles and seeds the ``claims`` were run with, sorted (unknown ones left out)."""
    profiles = sorted({c["profile"] for c in claims if isinstance(c.get("profile"), str)})
    seeds = sorted({c["seed"] for c in claims if isinstance(c.get("seed"), int) and not isinstance(c.get("seed"), bool)})
    return profiles, seeds


def _one_or_mixed(values: list[Any], fmt: Any) -> str:
    if not values:
        return "unknown"
    if len(values) == 1:
        return fmt(values[0])
    return "mixed: " + ", ".join(fmt(v) for v in values)


def settings_text(ledger: dict[str, Any], code: bool = True) -> str:
    """``profile `quick`, seed 20240601`` when every claim agrees, else the values as ``mixed: ...``.

    The values are the claims' own (each claim records the profile and seed it was run
    with); a ledger whose claims do not carry them falls back to its provenance.
    """
    prov = ledger.get("provenance") or {}
    claims = [
        {"profile": c.get("profile", prov.get("run_profile", prov.get("profile"))),
         "seed": c.get("seed", prov.get("run_seed", prov.get("seed")))}
        for c in ledger["claims"]
    ] or [{"profile": prov.get("run_profile", prov.get("profile")), "seed": prov.get("run_seed", prov.get("seed"))}]
    profiles, seeds = claim_settings(claims)
    quote = (lambda v: f"`{v}`") if code else str
    return f"profile {_one_or_mixed(profiles, quote)}, seed {_one_or_mixed(seeds, str)}"


def paper_section(claim_id: str) -> str:
    """The part of the paper a claim ID names: ``S31.SOL`` is Sec. 3.1, ``C1.SGD`` App. C.1.

    IDs are ``S<digits>`` (a section and its subsection), a letter with optional digits
    (an appendix), or ``H`` (the headline claims of the abstract and introduction).
    """
    prefix = claim_id.split(".", 1)[0]
    letter, digits = prefix[:1], prefix[1:]
    if letter == "H" and not digits:
        return "Abstract and introduction"
    number = ".".join(digits)
    if letter == "S" and digits.isdigit():
        return f"Sec. {number}"
    if letter.isalpha() and (not digits or digits.isdigit()):
        return f"App. {letter}" + (f".{number}" if number else "")
    return prefix


def build_text(prov: dict[str, Any]) -> tuple[str, str]:
    """The commit (``913541087507 (dirty)``) and the libraries (``numpy 2.4.6, ...``) of a provenance."""
    git = prov["git"]
    commit = (git["commit"][:12] + (" (dirty)" if git["dirty"] else "")) if git.get("commit") else "not a git checkout"
    return commit, ", ".join(f"{k} {v}" for k, v in prov["libraries"].items() if v)
