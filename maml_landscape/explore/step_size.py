"""The step size α* that minimises MAML's meta-test loss F(w_MAML(α)) (eq. (1), w_MAML re-solved per α).

The search runs over (0, 2/λ_max), the step sizes for which the inner step does not
diverge: a grid of :data:`COARSE_POINTS` values, then golden-section refinement of the
bracket around the best grid value (:data:`REFINEMENTS` steps, shrinking it by
0.618^30 ≈ 5e-7, so α* is resolved to about 1e-7 of 2/λ_max). All settings of a
grid are searched together.
"""

from __future__ import annotations

import numpy as np

from maml_landscape.explore.landscape import (
    CurvatureModel,
    Grid,
    SpectralEnvironment,
    maml_meta_test_loss,
    step_size_limits,
)

COARSE_POINTS = 32
REFINEMENTS = 30
GOLDEN = (np.sqrt(5.0) - 1.0) / 2.0


def _losses_at(senv: SpectralEnvironment, grid: Grid, alphas: np.ndarray, curvature: CurvatureModel) -> np.ndarray:
    """MAML's meta-test loss at ``alphas`` (G, n): n step sizes per setting of ``grid``."""
    count = alphas.shape[1]
    repeated = grid.repeat(count).with_alpha(alphas.ravel())
    return maml_meta_test_loss(senv, repeated, curvature).reshape(alphas.shape)


def _coarse_bracket(senv: SpectralEnvironment, grid: Grid, curvature: CurvatureModel) -> tuple[np.ndarray, np.ndarray]:
    """(low, high) around the best of COARSE_POINTS step sizes evenly spaced in (0, 2/λ_max)."""
    limit = step_size_limits(senv, grid)
    fractions = np.arange(1, COARSE_POINTS + 1) / (COARSE_POINTS + 1)
    losses = _losses_at(senv, grid, limit[:, None] * fractions[None], curvature)
    best = np.argmin(losses, axis=1)
    return limit * best / (COARSE_POINTS + 1), limit * (best + 2) / (COARSE_POINTS + 1)


def alpha_star(senv: SpectralEnvironment, grid: Grid, curvature: CurvatureModel) -> np.ndarray:
    """(G,) α* for every setting of ``grid`` (its own α is ignored)."""
    low, high = _coarse_bracket(senv, grid, curvature)
    inner = np.stack([high - GOLDEN * (high - low), low + GOLDEN * (high - low)], axis=1)
    losses = _losses_at(senv, grid, inner, curvature)
    for _ in range(REFINEMENTS):
        left = losses[:, 0] < losses[:, 1]  # the minimum lies in [low, inner right], else [inner left, high]
        low, high = np.where(left, low, inner[:, 0]), np.where(left, inner[:, 1], high)
        kept = np.where(left, inner[:, 0], inner[:, 1])
        kept_loss = np.where(left, losses[:, 0], losses[:, 1])
        fresh = np.where(left, high - GOLDEN * (high - low), low + GOLDEN * (high - low))
        fresh_loss = _losses_at(senv, grid, fresh[:, None], curvature)[:, 0]
        inner = np.where(left[:, None], np.stack([fresh, kept], 1), np.stack([kept, fresh], 1))
        losses = np.where(left[:, None], np.stack([fresh_loss, kept_loss], 1), np.stack([kept_loss, fresh_loss], 1))
    return (low + high) / 2
