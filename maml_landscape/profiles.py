"""Profiles: how large each check's samples and grids are, registered once per check module.

In the spirit of Hypothesis's ``settings.register_profile``: a ``verify`` run names a
profile (:data:`PROFILES`), and every check module registers one immutable, validated
sizes object per profile with :class:`Sizes`. A check asks ``SIZES.of(ctx)`` and never
branches on the profile itself::

    @dataclass(frozen=True)
    class McSizes:
        draws: int

    SIZES = Sizes(quick=McSizes(draws=200_000), paper=McSizes(draws=2_000_000))

    @check("D.LEMMA2")
    def lemma2_by_monte_carlo(ctx):
        draws = SIZES.of(ctx).draws
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Generic, TypeVar

#: The profiles of ``verify``, with what each means (shown by ``--help`` and in the reports).
PROFILES: dict[str, str] = {
    "quick": "CI-sized samples, minutes for all claims",
    "paper": "the paper's protocol sizes",
}

T = TypeVar("T")


class Sizes(Generic[T]):
    """One frozen dataclass of sizes per profile, validated when the module is imported.

    Every profile of :data:`PROFILES` must be given, all of one frozen dataclass type.
    Numbers (also inside tuples) must be finite and positive, tuples non-empty: a size
    of zero or a NaN is a bug found at import, not a silent empty check.
    """

    def __init__(self, **by_profile: T) -> None:
        missing = set(PROFILES) - set(by_profile)
        unknown = set(by_profile) - set(PROFILES)
        if missing or unknown:
            raise ValueError(f"Sizes needs exactly the profiles {sorted(PROFILES)}; missing {sorted(missing)}, unknown {sorted(unknown)}")
        kinds = {type(v) for v in by_profile.values()}
        if len(kinds) != 1:
            raise TypeError(f"Sizes of every profile must be one dataclass type, got {sorted(k.__name__ for k in kinds)}")
        for profile, sizes in by_profile.items():
            if not (dataclasses.is_dataclass(sizes) and type(sizes).__dataclass_params__.frozen):
                raise TypeError(f"Sizes for {profile!r} must be a frozen dataclass instance, got {sizes!r}")
            for item in dataclasses.fields(sizes):
                _check_size(f"{type(sizes).__name__}.{item.name} ({profile})", getattr(sizes, item.name))
        self._by_profile = dict(by_profile)

    def of(self, ctx: Any) -> T:
        """The sizes of ``ctx.profile``."""
        return self._by_profile[ctx.profile]

    def __getitem__(self, profile: str) -> T:
        return self._by_profile[profile]


def _check_size(name: str, value: Any) -> None:
    if isinstance(value, bool) or isinstance(value, str) or value is None:
        return
    if isinstance(value, tuple):
        if not value:
            raise ValueError(f"{name} is an empty tuple")
        for element in value:
            _check_size(name, element)
        return
    if isinstance(value, (int, float)) or hasattr(value, "__float__"):
        if not (math.isfinite(float(value)) and float(value) > 0):
            raise ValueError(f"{name} = {value!r}; sizes must be finite and positive")
        return
    raise TypeError(f"{name} = {value!r}: sizes are numbers, strings, booleans, None or tuples of them")


def description(profile: str) -> str:
    """The profile's name and meaning, for reports: ``quick (CI-sized samples, ...)``."""
    return f"{profile} ({PROFILES[profile]})"
