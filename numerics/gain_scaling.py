"""How the sample size of MAML's gain scales with d and with effective dimensions (Remark 1).

Remark 1 says the gain condition (ρ_H/ρ_E)(1 - ρ_H/ρ_E)² ≫ d/m needs m ≫ d only because
tr(Σ) = O(d). :func:`gain_sample_sizes` measures m* (the sample size from which on MAML's
risk is at most a fraction of NAL's, :func:`maml_landscape.numerics.hardness.gain_sample_size`)
in Sec. 3.1's two-task setting for spectra of equal d and different effective dimension
(:func:`spectra`), exactly (no sampling).
"""

from __future__ import annotations

import numpy as np

from maml_landscape.numerics.hardness import (
    effective_dimensions,
    gain_sample_size,
    two_task_environment,
)

#: Number of unit eigenvalues of the non-isotropic spectra: their effective dimension stays at this as d grows.
UNIT_EIGENVALUES = 4


def spectra(d: int) -> dict[str, np.ndarray]:
    """Spectra of Σ_E/ρ_E (Σ_H/ρ_H the same): isotropic; 4 unit + tiny tail; 4 unit + tail 1/√d; 4 unit + tail 0.3."""
    tail = d - UNIT_EIGENVALUES
    return {
        "isotropic": np.ones(d),
        "spike, tail 1e-3": np.r_[np.ones(UNIT_EIGENVALUES), np.full(tail, 1e-3)],
        "spike, tail 1/√d": np.r_[np.ones(UNIT_EIGENVALUES), np.full(tail, 1 / np.sqrt(d))],
        "spike, tail 0.3": np.r_[np.ones(UNIT_EIGENVALUES), np.full(tail, 0.3)],
    }


def gain_sample_sizes(
    dims: tuple[int, ...], rho_h: float, rho_e: float, fraction: float
) -> dict[str, list[tuple[int, int, dict[str, float]]]]:
    """Per spectrum of :func:`spectra`: (d, m*, effective dimensions of D) for every d of ``dims``.

    Σ_H = ρ_H D, Σ_E = ρ_E D, α = 1/ρ_E, n2 = m, and w_1* = -w_2* = 1 on the top
    :data:`UNIT_EIGENVALUES` eigendirections of D and 0 elsewhere (the tasks differ in the
    high-variance directions).
    """
    results: dict[str, list[tuple[int, int, dict[str, float]]]] = {}
    for d in dims:
        for name, eigs in spectra(d).items():
            D = np.diag(eigs)
            w = np.r_[np.ones(UNIT_EIGENVALUES), np.zeros(d - UNIT_EIGENVALUES)]
            env = two_task_environment(rho_h * D, rho_e * D, w, -w)
            results.setdefault(name, []).append((d, gain_sample_size(env, 1.0 / rho_e, fraction), effective_dimensions(D)))
    return results
