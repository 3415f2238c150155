"""Episodic training sets (Sec. 2) with their ground truth, for the checks of eqs. (3)-(4), (41)-(43).

:func:`sample_training_set` draws T tasks from an environment, τ(n1 + n2) samples per
task, and keeps what the printed minimisers (eqs. (41), (43)) are written in: the task
solutions w_i* and the label noise z = y - Xw_i*. The samples are split into τ episodes
of n2 inner and n1 outer samples by :func:`maml_landscape.numerics.empirical.split_episodes`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from maml_landscape.numerics.empirical import split_episodes
from maml_landscape.numerics.environments import Environment


@dataclass(frozen=True)
class TrainingSet:
    """T tasks of n = τ(n1 + n2) samples: data (X, y), noise z, solutions w_star, and the episode split.

    Shapes: X (T, n, d), y and z (T, n), w_star (T, d); X_in, y_in, z_in (T, τ, n2, ...)
    are the inner samples of each episode, X_out, y_out, z_out (T, τ, n1, ...) the outer ones.
    """

    X: np.ndarray
    y: np.ndarray
    z: np.ndarray
    w_star: np.ndarray
    X_in: np.ndarray
    y_in: np.ndarray
    X_out: np.ndarray
    y_out: np.ndarray
    z_in: np.ndarray
    z_out: np.ndarray

    @property
    def episodes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(X_in, y_in, X_out, y_out): the arguments of the MAML objective of eq. (4)."""
        return self.X_in, self.y_in, self.X_out, self.y_out


def sample_training_set(env: Environment, rng: np.random.Generator, T: int, tau: int, n1: int, n2: int) -> TrainingSet:
    """One training set from ``env``: T tasks, τ episodes of n1 + n2 samples each."""
    family, w_star = env.sample_tasks(rng, T)
    X, y = env.sample_data(rng, family, w_star, tau * (n1 + n2))
    z = y - np.einsum("tnd,td->tn", X, w_star)
    X_in, y_in, X_out, y_out = split_episodes(X, y, tau, n2)
    _, z_in, _, z_out = split_episodes(X, z, tau, n2)
    return TrainingSet(X=X, y=y, z=z, w_star=w_star, X_in=X_in, y_in=y_in, X_out=X_out, y_out=y_out, z_in=z_in, z_out=z_out)
