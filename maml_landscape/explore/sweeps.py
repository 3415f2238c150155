"""Maps of the answers over one or two settings (``--sweep NAME=LO:HI:N`` or ``NAME=LO:HI:logN``).

A sweep varies one of: ``alpha``, ``m`` (n_train follows m unless the file sets it),
``steps``, ``FAMILY.sigma_scale`` (multiplies that family's Σ as given in the file) or
``FAMILY.weight`` (that family's weight; the others keep their proportions). Every other
setting is the file's; with ``alpha = "optimal"`` and α not swept, each point uses its own α*.
The map's points are evaluated together (:func:`maml_landscape.explore.landscape.evaluate`);
when α is swept, α* is re-solved along the other axis (the α* curve of the gain map).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np

from maml_landscape.errors import UsageError
from maml_landscape.explore.answers import DEFAULT_SEED, curvature_model
from maml_landscape.explore.environment_file import EnvironmentSpec
from maml_landscape.explore.landscape import (
    CurvatureModel,
    Grid,
    SpectralEnvironment,
    Values,
    evaluate,
    step_size_limits,
)
from maml_landscape.explore.step_size import alpha_star
from maml_landscape.progress import Progress

SETTINGS = ("alpha", "m", "steps")
FAMILY_SETTINGS = ("sigma_scale", "weight")
INTEGER_SETTINGS = ("m", "steps")
#: Grid points evaluated between two progress updates.
BLOCK = 100
_FORMAT = re.compile(r"^(?P<name>[^=]+)=(?P<low>[^:]+):(?P<high>[^:]+):(?P<log>log)?(?P<count>\d+)$")


@dataclass(frozen=True)
class Sweep:
    """One swept setting: its name as given, the setting, the family it belongs to, and its values."""

    name: str
    setting: str
    family: int | None
    values: np.ndarray
    log: bool


@dataclass(frozen=True)
class GainMap:
    """The answers on the grid of one or two sweeps (first sweep = first axis).

    ``alpha_star`` is α* along the other axis when α is swept (one value if it is the only
    sweep), else None.
    """

    sweeps: tuple[Sweep, ...]
    values: Values
    alpha: np.ndarray
    alpha_star: np.ndarray | None

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(s.values.size for s in self.sweeps)

    @property
    def gain(self) -> np.ndarray:
        return self.values.gain.reshape(self.shape)


def _setting(name: str, spec: EnvironmentSpec) -> tuple[str, int | None]:
    if name in SETTINGS:
        return name, None
    family, _, setting = name.rpartition(".")
    if setting in FAMILY_SETTINGS and family in spec.names:
        if setting == "weight" and len(spec.names) < 2:
            raise UsageError(f"--sweep {name}: a weight sweep needs at least two families")
        return setting, spec.names.index(family)
    choices = ", ".join([*SETTINGS, *(f"{n}.{s}" for n in spec.names for s in FAMILY_SETTINGS)])
    raise UsageError(f"--sweep {name!r} is not a setting; choose one of {choices}")


def _values(name: str, setting: str, low: float, high: float, count: int, log: bool) -> np.ndarray:
    if count < 2 or not 0 < low < high or not np.isfinite(high):
        raise UsageError(f"--sweep {name}: need 0 < LO < HI and N ≥ 2 (got {low:g}:{high:g}:{count}); e.g. {name}=0.1:1:20")
    values = np.geomspace(low, high, count) if log else np.linspace(low, high, count)
    if setting in INTEGER_SETTINGS:
        values = np.unique(np.rint(values))  # integers; log grids may round onto the same value
        if values[0] < 1:
            raise UsageError(f"--sweep {name}: {setting} takes integers ≥ 1; raise LO to 1")
    if setting == "weight" and high >= 1:
        raise UsageError(f"--sweep {name}: a weight lies in (0, 1); lower HI below 1")
    return values


def parse_sweep(text: str, spec: EnvironmentSpec) -> Sweep:
    """``NAME=LO:HI:N`` (N evenly spaced values) or ``NAME=LO:HI:logN`` (N log-spaced) for ``spec``."""
    match = _FORMAT.match(text.strip())
    if not match:
        raise UsageError(f"--sweep {text!r} must look like NAME=LO:HI:N or NAME=LO:HI:logN, e.g. alpha=0.01:1:40")
    name = match["name"].strip()
    try:
        low, high = float(match["low"]), float(match["high"])
    except ValueError:
        raise UsageError(f"--sweep {text!r}: LO and HI must be numbers, e.g. m=2:2000:log30") from None
    setting, family = _setting(name, spec)
    values = _values(name, setting, low, high, int(match["count"]), bool(match["log"]))
    return Sweep(name, setting, family, values, bool(match["log"]))


def check_sweeps(sweeps: list[Sweep]) -> tuple[Sweep, ...]:
    """One or two sweeps of different settings."""
    if not 1 <= len(sweeps) <= 2:
        raise UsageError(f"give one or two --sweep options (a line or a map), got {len(sweeps)}")
    if len(sweeps) == 2 and (sweeps[0].setting, sweeps[0].family) == (sweeps[1].setting, sweeps[1].family):
        raise UsageError(f"--sweep {sweeps[0].name} is given twice; sweep two different settings")
    return tuple(sweeps)


def _apply(grid: Grid, sweep: Sweep, values: np.ndarray, follow_m: bool) -> Grid:
    """``grid`` with the swept setting set to ``values`` (G,)."""
    if sweep.setting == "alpha":
        return replace(grid, alpha=values)
    if sweep.setting == "m":
        return replace(grid, m=values, n_train=values if follow_m else grid.n_train)
    if sweep.setting == "steps":
        return replace(grid, steps=values.astype(int))
    column = sweep.family
    if sweep.setting == "sigma_scale":
        scales = grid.sigma_scales.copy()
        scales[:, column] = values
        return replace(grid, sigma_scales=scales)
    weights = grid.weights.copy()
    others = np.ones(weights.shape[1], bool)
    others[column] = False
    weights[:, others] *= ((1 - values) / (1 - weights[:, column]))[:, None]
    weights[:, column] = values
    return replace(grid, weights=weights)


def sweep_grid(spec: EnvironmentSpec, sweeps: tuple[Sweep, ...], alpha: float) -> Grid:
    """The grid of all combinations of the sweeps' values (first sweep varies slowest)."""
    senv = SpectralEnvironment.from_environment(spec.env)
    a = spec.adaptation
    mesh = np.meshgrid(*(s.values for s in sweeps), indexing="ij")
    grid = Grid.point(senv, alpha, a.m, a.training_samples, a.steps).repeat(mesh[0].size)
    for sweep, values in zip(sweeps, mesh):
        grid = _apply(grid, sweep, values.ravel().astype(float), follow_m=a.n_train is None)
    too_large = grid.alpha >= step_size_limits(senv, grid)
    if np.any(too_large):
        worst = int(np.argmax(too_large))
        raise UsageError(f"α = {grid.alpha[worst]:g} reaches 2/λ_max = {step_size_limits(senv, grid)[worst]:g} "
                         "on the swept grid, where the inner step diverges; lower the alpha sweep's HI or the sigma scale")
    return grid


def gain_map(spec: EnvironmentSpec, sweeps: tuple[Sweep, ...], seed: int = DEFAULT_SEED,
             progress: Progress | None = None) -> GainMap:
    """The answers on the sweeps' grid, α* where α is swept or "optimal"; ``progress`` counts grid points."""
    senv = SpectralEnvironment.from_environment(spec.env)
    model = curvature_model(spec, seed)
    swept_alpha = any(s.setting == "alpha" for s in sweeps)
    optimal = spec.adaptation.alpha is None
    grid = sweep_grid(spec, sweeps, 0.0 if optimal else spec.adaptation.alpha)  # 0.0: replaced below
    if optimal and not swept_alpha:
        grid = grid.with_alpha(alpha_star(senv, grid, model))
    parts = []
    for start in range(0, grid.size, BLOCK):
        parts.append(evaluate(senv, grid.take(slice(start, start + BLOCK)), model))
        if progress is not None:
            progress.update(min(start + BLOCK, grid.size))
    curve = _alpha_star_curve(spec, senv, sweeps, model) if swept_alpha else None
    return GainMap(sweeps, Values.concatenate(parts), grid.alpha, curve)


def _alpha_star_curve(spec: EnvironmentSpec, senv: SpectralEnvironment, sweeps: tuple[Sweep, ...],
                      model: CurvatureModel) -> np.ndarray:
    """α* at each value of the sweep that is not α (one value when α is the only sweep)."""
    others = tuple(s for s in sweeps if s.setting != "alpha")
    a = spec.adaptation
    if not others:
        return alpha_star(senv, Grid.point(senv, 1.0, a.m, a.training_samples, a.steps), model)
    return alpha_star(senv, sweep_grid(spec, others, 0.0), model)
