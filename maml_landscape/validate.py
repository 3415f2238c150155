"""One checker per kind of value, shared by the command line and the Python API.

Each function returns the value in canonical form or raises :class:`ValueError` with
one line that names the value (``name``) and says what is accepted. The command line
wraps them as argparse types (:func:`argparse_type`), so an option and the API reject
the same values with the same words.
"""

from __future__ import annotations

import argparse
import math
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

T = TypeVar("T")


def _number_text(name: str, value: Any, text: bool, what: str, parse: Callable[[str], Any]) -> Any:
    """``value`` parsed from text when ``text`` (the command line), else refused as text."""
    if not isinstance(value, str):
        return value
    if not text:  # the Python API takes numbers; parsing "5" is the command line's job
        raise ValueError(f"{name} must be {what}, got {value!r}")
    try:
        return parse(value.strip())
    except ValueError:
        raise ValueError(f"{name} must be {what}, got {value!r}") from None


def _integer(name: str, given: Any, low: int, text: bool) -> int:
    what = f"an integer ≥ {low}"
    value = _number_text(name, given, text, what, int)
    if isinstance(value, bool) or not isinstance(value, (int, np.integer, float, np.floating)):
        raise ValueError(f"{name} must be {what}, got {given!r}")
    if not math.isfinite(float(value)) or not float(value).is_integer() or value < low:
        raise ValueError(f"{name} must be {what}, got {given!r}")
    return int(value)


def positive_int(name: str, value: Any, text: bool = False) -> int:
    """An integer ≥ 1 (a count: samples, iterations, threads, tasks); ``text``: parse a string."""
    return _integer(name, value, 1, text)


def non_negative_int(name: str, value: Any, text: bool = False) -> int:
    """An integer ≥ 0 (a seed); ``text``: parse a string."""
    return _integer(name, value, 0, text)


#: Seeds are below 2**63: torch's generators take a signed 64-bit seed.
SEED_LIMIT = 2**63


def seed(name: str, value: Any, text: bool = False) -> int:
    """A seed: an integer in [0, 2**63)."""
    number = non_negative_int(name, value, text)
    if number >= SEED_LIMIT:
        raise ValueError(f"{name} must be below 2**63 (a 64-bit seed), got {value!r}")
    return number


def at_most(name: str, value: int, limit: int, why: str) -> int:
    """``value`` unless it exceeds ``limit``; ``why`` says what the limit protects."""
    if value > limit:
        raise ValueError(f"{name} {value} exceeds {limit}: {why}")
    return value


def usable_cores() -> int:
    """The CPU cores this process may run on (its affinity; a SLURM job's allotment)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def positive_finite(name: str, given: Any, text: bool = False) -> float:
    """A float in (0, ∞): a step size or learning rate; ``text``: parse a string."""
    what = "a positive finite number"
    value = _number_text(name, given, text, what, float)
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be {what}, got {given!r}")
    number = float(value)
    if not (math.isfinite(number) and number > 0):
        raise ValueError(f"{name} must be {what}, got {given!r}")
    return number


def distinct_seeds(name: str, values: Iterable[Any], text: bool = False) -> tuple[int, ...]:
    """A non-empty tuple of distinct seeds ≥ 0 (a repeated seed would count one run twice)."""
    seeds = tuple(seed(name, v, text) for v in values)
    if not seeds:
        raise ValueError(f"{name} needs at least one seed, e.g. 0,1")
    repeated = sorted({s for s in seeds if seeds.count(s) > 1})
    if repeated:
        raise ValueError(
            f"{name} repeats {', '.join(map(str, repeated))}: each seed is one run, "
            "so give distinct seeds, e.g. 0,1,2"
        )
    return seeds


def reading_range(name: str, low: Any, high: Any, value: Any, log: bool = False) -> tuple[float, float]:
    """A range ``low < high`` of readings of a threshold that holds the check's own reading ``value``.

    Finite numbers; on a logarithmic scale (``log``) ``low > 0``. Returns ``(low, high)`` as floats.
    """
    numbers = []
    for part, given in (("low end", low), ("high end", high), ("check's reading", value)):
        if isinstance(given, bool) or not isinstance(given, (int, float, np.integer, np.floating)) \
                or not math.isfinite(float(given)):
            raise ValueError(f"{name}: the {part} must be a finite number, got {given!r}")
        numbers.append(float(given))
    low, high, value = numbers
    if not low < high:
        raise ValueError(f"{name}: the range needs low < high, got {low:g}..{high:g}")
    if log and low <= 0:
        raise ValueError(f"{name}: a logarithmic range needs low > 0, got {low:g}")
    if not low <= value <= high:
        raise ValueError(f"{name}: the range {low:g}..{high:g} must contain the check's reading {value:g}")
    return low, high


def finite_array(name: str, value: Any) -> np.ndarray:
    """A float array with only finite entries."""
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of numbers") from None
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} has NaN or infinite entries; give finite numbers")
    return array


def finite_result(name: str, value: T, hint: str = "") -> T:
    """``value`` (a number or array) if every entry is finite, else a ValueError.

    Put where a number leaves a computation: overflow there would otherwise go on as a
    silent NaN or inf.
    """
    if not np.all(np.isfinite(np.asarray(value, dtype=float))):
        raise ValueError(
            f"{name} overflowed float64 (NaN or inf)" + (f"; {hint}" if hint else "")
        )
    return value


def given_path(name: str, value: Any) -> Path:
    """A non-empty path (an empty string would silently mean the current folder)."""
    text = os.fspath(value) if isinstance(value, os.PathLike) else value
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"{name} must be a path, got an empty one")
    return Path(text)


def writable_dir(name: str, path: Path) -> Path:
    """``path`` created if missing and proved writable by a probe file, before any work starts."""
    path = given_path(name, path)
    try:
        path.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(dir=path, prefix=".probe-")
        os.close(handle)
        os.unlink(probe)
    except OSError as error:
        reason = error.strerror or str(error)
        raise ValueError(
            f"{name} {printable(path)} is not writable ({reason}); choose another folder"
        ) from None
    return path


def printable(path: Path | str) -> str:
    """A path as text that any terminal encoding can print (undecodable bytes escaped)."""
    raw = os.fsencode(os.fspath(path))
    return raw.decode("utf-8", errors="backslashreplace")


def argparse_type(check: Callable[..., T], name: str, **options: Any) -> Callable[[str], T]:
    """``check(name, text, **options)`` as an argparse ``type=``; ValueError -> one-line error.

    Number checkers take ``text=True`` here: the command line parses what the API refuses.
    """

    def convert(text: str) -> T:
        try:
            return check(name, text, **options)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    convert.__name__ = check.__name__
    return convert
