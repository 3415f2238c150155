"""What a check is given: the profile, a reproducible seed and where to write figures."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from maml_landscape.profiles import PROFILES


@dataclass(frozen=True)
class CheckContext:
    """Run settings shared by all checks of one ``verify`` run.

    Attributes:
        profile: a key of :data:`maml_landscape.profiles.PROFILES`; checks read their sizes
            for it from their module's :class:`maml_landscape.profiles.Sizes`.
        seed: the run's base seed; :meth:`seed_for` derives per-purpose seeds from it.
        out_dir: the report folder; figures go to ``out_dir / "figures"``.
        deep_results_dir: where the stored CNN results (``maml-landscape deep run``) are
            read from; None: ``out_dir / "deep"`` (see :attr:`deep_dir`).
    """

    profile: str
    seed: int
    out_dir: Path
    deep_results_dir: Path | None = None

    def __post_init__(self) -> None:
        if self.profile not in PROFILES:
            raise ValueError(f"unknown profile {self.profile!r}; choose one of {', '.join(PROFILES)}")

    @property
    def figures_dir(self) -> Path:
        path = self.out_dir / "figures"
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def deep_dir(self) -> Path:
        """The folder of the stored deep results the checks read."""
        return self.out_dir / "deep" if self.deep_results_dir is None else self.deep_results_dir

    def seed_for(self, purpose: str) -> int:
        """A seed for one purpose (e.g. ``"D.LEMMA2/mc"``), stable across runs and platforms."""
        return (self.seed * 1_000_003 + zlib.crc32(purpose.encode())) % 2**32

    def rng(self, purpose: str) -> np.random.Generator:
        return np.random.default_rng(self.seed_for(purpose))
