"""Statistics shared by every comparison: z thresholds from false-alarm rates, Student-t quantiles.

A Monte Carlo check compares an estimate with a prediction through
``z = (estimate - predicted) / stderr``. With ``k`` comparisons and a family-wise
false-alarm rate ``a``, each comparison uses the two-sided threshold
``z_{1 - a/(2k)}`` (Bonferroni), so a correct formula fails with probability ≤ a.
"""

from __future__ import annotations

import math
from functools import cache
from statistics import NormalDist

import mpmath

#: Family-wise false-alarm rate of the Monte Carlo assertions in tests and checks.
FAMILY_ALARM_RATE = 1e-6


def z_threshold(comparisons: int = 1, alarm_rate: float = FAMILY_ALARM_RATE) -> float:
    """Two-sided |z| threshold for ``comparisons`` tests at family-wise rate ``alarm_rate``.

    >>> round(z_threshold(1, 0.05), 3)
    1.96
    """
    if comparisons < 1:
        raise ValueError(f"comparisons must be a positive integer, got {comparisons}")
    if not 0 < alarm_rate < 1:
        raise ValueError(f"alarm_rate must lie in (0, 1), got {alarm_rate}")
    return NormalDist().inv_cdf(1 - alarm_rate / (2 * comparisons))


@cache
def t_quantile(probability: float, df: float) -> float:
    """Student-t quantile (mpmath, 30 digits); ``df = inf`` gives the normal quantile.

    >>> round(t_quantile(0.975, 4), 4)
    2.7764
    """
    if not 0 < probability < 1 or df <= 0:
        raise ValueError(f"need 0 < probability < 1 and df > 0, got {probability}, {df}")
    if math.isinf(df):
        return NormalDist().inv_cdf(probability)
    with mpmath.workdps(30):
        nu = mpmath.mpf(df)

        def cdf(t: mpmath.mpf) -> mpmath.mpf:
            x = nu / (nu + t * t)
            tail = mpmath.betainc(nu / 2, mpmath.mpf(1) / 2, 0, x, regularized=True) / 2
            return 1 - tail if t > 0 else tail

        start = NormalDist().inv_cdf(probability)
        return float(mpmath.findroot(lambda t: cdf(t) - probability, start))
