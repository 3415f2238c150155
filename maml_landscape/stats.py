"""Statistics shared by every Monte Carlo comparison: z thresholds from false-alarm rates.

A Monte Carlo check compares an estimate with a prediction through
``z = (estimate - predicted) / stderr``. With ``k`` comparisons and a family-wise
false-alarm rate ``a``, each comparison uses the two-sided threshold
``z_{1 - a/(2k)}`` (Bonferroni), so a correct formula fails with probability ≤ a.
"""

from __future__ import annotations

from statistics import NormalDist

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
