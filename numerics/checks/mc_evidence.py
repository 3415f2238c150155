"""Evidence of the Monte Carlo checks: z-tests of simulated estimates against predicted values.

The checks of :mod:`.moment_identities`, :mod:`.meta_loss_mc`, :mod:`.proposition1_mc` and
:mod:`.order_mc` simulate each quantity from its definition (Gaussian data, the SGD step
itself, test points) with :mod:`maml_landscape.numerics.monte_carlo` and compare the
estimate by z-tests with (i) the formula as printed and (ii) the derived formula
(:mod:`maml_landscape.numerics.closed_forms`, :mod:`maml_landscape.numerics.population`).
Thresholds come from :func:`maml_landscape.stats.z_threshold` with the family-wise false-alarm
rate :data:`maml_landscape.stats.FAMILY_ALARM_RATE` split (Bonferroni) over all the
comparisons of one check. A check whose Monte Carlo disagrees with the *derived*
formula cannot tell a wrong claim from a wrong simulation and reports ``not checked``
(:func:`maml_landscape.verdicts.cross_check_failed`).
"""

from __future__ import annotations

import numpy as np

from maml_landscape.evidence import Measurement
from maml_landscape.numerics.monte_carlo import MonteCarloEstimate
from maml_landscape.stats import FAMILY_ALARM_RATE, z_threshold

ALARM_RATE = FAMILY_ALARM_RATE
#: The cross-check named when a simulation disagrees with the derived formula.
MONTE_CARLO = "Monte Carlo"


def bonferroni_threshold(comparisons: int) -> float:
    """The |z| threshold of each of a check's ``comparisons`` z-tests at the family-wise rate :data:`ALARM_RATE`."""
    return z_threshold(comparisons, ALARM_RATE)


def scalar_measurement(
    name: str, mc: MonteCarloEstimate, predicted: float, seed: int, threshold: float, **extra
) -> Measurement:
    """One z-test of a scalar Monte Carlo estimate against ``predicted``."""
    return Measurement(
        name=name,
        estimate=float(mc.estimate),
        stderr=float(mc.stderr),
        predicted=float(predicted),
        samples=mc.n,
        seed=seed,
        threshold=threshold,
        alarm_rate=ALARM_RATE,
        extra=dict(extra),
    )


def entrywise_measurement(
    name: str, mc: MonteCarloEstimate, predicted: np.ndarray, seed: int, threshold: float, upper_only: bool = False
) -> Measurement:
    """The entry with the largest |z|; the threshold is Bonferroni over all compared entries."""
    z = np.abs(mc.z(predicted))
    if upper_only:
        z = np.where(np.triu(np.ones_like(z, dtype=bool)), z, -1.0)
    row, col = np.unravel_index(int(np.argmax(z)), z.shape)
    worst = MonteCarloEstimate(mc.estimate[row, col], mc.stderr[row, col], mc.n)
    return scalar_measurement(
        f"{name}, worst entry ({row + 1},{col + 1})", worst, predicted[row, col], seed, threshold,
        max_abs_z_over_entries=float(z.max()),
    )


def format_z(measurement: Measurement) -> str:
    """The signed z of a table cell, ``inf`` when it is not finite."""
    return f"{measurement.z:+.2f}" if np.isfinite(measurement.z) else "inf"


def threshold_caption(threshold: float) -> str:
    """The caption sentence stating a check's z threshold and its family-wise false-alarm rate."""
    return f"Threshold |z| ≤ {threshold:.2f} (family-wise false-alarm rate {ALARM_RATE:g})."
