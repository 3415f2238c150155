"""The questions ``maml-landscape explore`` answers about an environment, one function each.

Every answer is exact (closed form, :mod:`maml_landscape.explore.landscape`) for fresh
batches; with ``reuse_samples = true`` and several steps the curvature is a Monte Carlo
plug-in estimate (:mod:`maml_landscape.explore.reuse`) and :attr:`Answers.method` says so.
w_NAL and w_MAML are the population solutions of eq. (5) (MAML trained with n_train inner
samples and the same number of steps), each evaluated after adaptation on m fresh samples
per step:

- :func:`meta_test_loss`: F(w), the expected loss ½E(y - xᵀw')² after adaptation, noise included (eq. (1));
- :func:`risk_above_task_optima`: F(w) minus the mean of each task's best post-adaptation
  loss (Proposition 1's convention);
- :func:`excess_risk`: F(w) - inf_v F(v) (eq. (2)'s convention);
- :func:`gain`: NAL's risk above the task optima over MAML's;
- :func:`alpha_star`: the α minimising MAML's meta-test loss (w_MAML re-solved at each α);
- :func:`families`: each family's post-adaptation loss and each solution's distance to its mean.

>>> from maml_landscape.explore import parse_environment
>>> spec = parse_environment({"d": 1, "noise_variance": 0.0, "adaptation": {"alpha": 0.5, "m": 10},
...     "family": [{"weight": 0.5, "sigma_scale": 0.2, "w_mean": [1.0]},
...                {"weight": 0.5, "sigma_scale": 1.0, "w_mean": [-1.0]}]})
>>> round(gain(spec), 3)  # Sec. 3.1: (1 + K)(1 + t²/K)/(1 + t)², K = a_H/a_E, t = ρ_H/ρ_E
1.149
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np

from maml_landscape.explore.environment_file import EnvironmentSpec
from maml_landscape.explore.landscape import (
    MAML,
    NAL,
    CurvatureModel,
    Grid,
    SpectralEnvironment,
    Values,
    evaluate,
)
from maml_landscape.explore.multi_step import fresh_batch_spectra
from maml_landscape.explore.reuse import ReusedBatchCurvature
from maml_landscape.explore.step_size import alpha_star as search_alpha_star

#: Seed of the Monte Carlo plug-in curvature (reuse_samples only).
DEFAULT_SEED = 20240601
EXACT = "exact (fresh batch per step)"
PLUG_IN = "Monte Carlo plug-in (reuse_samples: one batch reused by every step)"


T = TypeVar("T")


@dataclass(frozen=True)
class Pair(Generic[T]):
    """One quantity for both solutions (a number here; Monte Carlo estimates in :mod:`.mc`)."""

    nal: T
    maml: T


@dataclass(frozen=True)
class AlphaStar:
    """α*, MAML's meta-test loss there and NAL's at the same α."""

    alpha: float
    maml: float
    nal: float


@dataclass(frozen=True)
class FamilyAnswer:
    """One family: its hardness (Σ's eigenvalue range), post-adaptation losses and distances to its mean."""

    name: str
    weight: float
    lambda_min: float
    lambda_max: float
    loss: Pair[float]
    distance: Pair[float]

    @property
    def nearer(self) -> str:
        """The solution nearer this family's mean w* (who is favoured, Sec. 3's hardness question)."""
        return "MAML" if self.distance.maml < self.distance.nal else "NAL"


@dataclass(frozen=True)
class Answers:
    """Every answer at the file's settings (α = α* when the file says "optimal")."""

    spec: EnvironmentSpec
    alpha: float
    method: str
    seed: int
    w_nal: np.ndarray
    w_maml: np.ndarray
    w_best: np.ndarray
    meta_test_loss: Pair[float]
    risk_above_task_optima: Pair[float]
    excess_risk: Pair[float]
    gain: float
    alpha_star: AlphaStar
    families: tuple[FamilyAnswer, ...]


def curvature_model(spec: EnvironmentSpec, seed: int = DEFAULT_SEED) -> CurvatureModel:
    """Exact fresh-batch curvature, or the Monte Carlo plug-in when one batch is reused by k ≥ 2 steps."""
    reused = spec.adaptation.reuse_samples and spec.adaptation.steps > 1
    return ReusedBatchCurvature(seed) if reused else fresh_batch_spectra


def method(spec: EnvironmentSpec) -> str:
    """How the answers are computed: :data:`EXACT` or :data:`PLUG_IN`."""
    return EXACT if curvature_model(spec) is fresh_batch_spectra else PLUG_IN


def settings_grid(spec: EnvironmentSpec, alpha: float) -> Grid:
    """The file's settings at step size ``alpha`` as a one-point grid."""
    senv = SpectralEnvironment.from_environment(spec.env)
    a = spec.adaptation
    return Grid.point(senv, alpha, a.m, a.training_samples, a.steps)


def alpha_star(spec: EnvironmentSpec, seed: int = DEFAULT_SEED) -> AlphaStar:
    """α* in (0, 2/λ_max) minimising F(w_MAML(α)), with MAML's and NAL's meta-test losses there."""
    senv = SpectralEnvironment.from_environment(spec.env)
    model = curvature_model(spec, seed)
    best = float(search_alpha_star(senv, settings_grid(spec, 1.0), model)[0])
    loss = values_at(spec, best, seed).meta_test_loss[0]
    return AlphaStar(best, float(loss[MAML]), float(loss[NAL]))


def values_at(spec: EnvironmentSpec, alpha: float, seed: int = DEFAULT_SEED) -> Values:
    """Every answer at the file's settings with step size ``alpha`` (arrays of one grid point)."""
    senv = SpectralEnvironment.from_environment(spec.env)
    return evaluate(senv, settings_grid(spec, alpha), curvature_model(spec, seed))


def _values(spec: EnvironmentSpec, seed: int) -> tuple[Values, float]:
    alpha = spec.adaptation.alpha
    if alpha is None:
        alpha = alpha_star(spec, seed).alpha
    return values_at(spec, alpha, seed), alpha


def _pair(row: np.ndarray) -> Pair[float]:
    return Pair(float(row[NAL]), float(row[MAML]))


def solutions(spec: EnvironmentSpec, seed: int = DEFAULT_SEED) -> tuple[np.ndarray, np.ndarray]:
    """(w_NAL, w_MAML): the population solutions of eq. (5), MAML with n_train inner samples."""
    values, _ = _values(spec, seed)
    return values.w_nal[0], values.w_maml[0]


def meta_test_loss(spec: EnvironmentSpec, seed: int = DEFAULT_SEED) -> Pair[float]:
    """F(w) of eq. (1) at w_NAL and w_MAML: expected loss after adaptation, noise included."""
    return _pair(_values(spec, seed)[0].meta_test_loss[0])


def risk_above_task_optima(spec: EnvironmentSpec, seed: int = DEFAULT_SEED) -> Pair[float]:
    """F(w) - E_i inf_v F_i(v) at both solutions: ½ E_i ‖w - w_i*‖²_{Q_i} (Proposition 1's convention)."""
    return _pair(_values(spec, seed)[0].risk_above_task_optima[0])


def excess_risk(spec: EnvironmentSpec, seed: int = DEFAULT_SEED) -> Pair[float]:
    """F(w) - inf_v F(v) at both solutions (eq. (2)); MAML's is 0 when n_train = m."""
    return _pair(_values(spec, seed)[0].excess_risk[0])


def gain(spec: EnvironmentSpec, seed: int = DEFAULT_SEED) -> float:
    """risk_above_task_optima(NAL) / risk_above_task_optima(MAML); NaN when MAML's is 0."""
    return float(_values(spec, seed)[0].gain[0])


def _families(spec: EnvironmentSpec, values: Values) -> tuple[FamilyAnswer, ...]:
    answers = []
    for k, (name, family) in enumerate(zip(spec.names, spec.env.families)):
        eigenvalues = np.linalg.eigvalsh(family.sigma)
        answers.append(FamilyAnswer(name, float(spec.env.weights[k]), float(eigenvalues[0]), float(eigenvalues[-1]),
                                    _pair(values.family_loss[0, k]), _pair(values.family_distance[0, k])))
    return tuple(answers)


def families(spec: EnvironmentSpec, seed: int = DEFAULT_SEED) -> tuple[FamilyAnswer, ...]:
    """Per family: its post-adaptation loss under each solution and ‖w - μ_k‖ (who is favoured)."""
    return _families(spec, _values(spec, seed)[0])


def explore(spec: EnvironmentSpec, seed: int = DEFAULT_SEED) -> Answers:
    """All the answers at once (one evaluation): what ``maml-landscape explore`` prints."""
    star = alpha_star(spec, seed)
    alpha = star.alpha if spec.adaptation.alpha is None else spec.adaptation.alpha
    values = values_at(spec, alpha, seed)
    return Answers(
        spec=spec, alpha=alpha, method=method(spec), seed=seed,
        w_nal=values.w_nal[0], w_maml=values.w_maml[0], w_best=values.w_best[0],
        meta_test_loss=_pair(values.meta_test_loss[0]),
        risk_above_task_optima=_pair(values.risk_above_task_optima[0]),
        excess_risk=_pair(values.excess_risk[0]),
        gain=float(values.gain[0]), alpha_star=star, families=_families(spec, values),
    )
