"""What a check is given: the profile, a reproducible seed and where to write figures."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

PROFILES = ("quick", "paper")


@dataclass(frozen=True)
class CheckContext:
    """Run settings shared by all checks of one ``verify`` run.

    Attributes:
        profile: ``quick`` (CI-sized samples) or ``paper`` (the paper's protocol sizes).
        seed: the run's base seed; :meth:`seed_for` derives per-purpose seeds from it.
        out_dir: the report folder; figures go to ``out_dir / "figures"``.
        outcomes: outcomes computed with this context, by check name, so a check that
            builds on other claims' checks (a headline claim) reuses them; see
            :func:`maml_landscape.registry.outcome_of`.
    """

    profile: str
    seed: int
    out_dir: Path
    outcomes: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.profile not in PROFILES:
            raise ValueError(f"unknown profile {self.profile!r}; choose one of {', '.join(PROFILES)}")

    @property
    def quick(self) -> bool:
        return self.profile == "quick"

    @property
    def figures_dir(self) -> Path:
        path = self.out_dir / "figures"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def seed_for(self, purpose: str) -> int:
        """A seed for one purpose (e.g. ``"D.LEMMA2/mc"``), stable across runs and platforms."""
        return (self.seed * 1_000_003 + zlib.crc32(purpose.encode())) % 2**32

    def rng(self, purpose: str) -> np.random.Generator:
        return np.random.default_rng(self.seed_for(purpose))
