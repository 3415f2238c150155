"""How verdicts move with the readings of the paper's unquantified words (maml_landscape.sensitivity).

H.GAIN's reported flips are checked against a direct recomputation of its rule at readings
around them, and against a second route: the numbers the flips must sit at, read straight off
the exact gain ratios (:func:`~maml_landscape.numerics.figures.mixture_risks.gain_ratios`).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from maml_landscape.context import CheckContext
from maml_landscape.numerics.checks.gain_conditions import (
    GAIN_READINGS,
    gain_verdict,
    headline_gain,
)
from maml_landscape.numerics.figures.mixture_risks import (
    GAIN_M,
    GAIN_R2_OVER_RE,
    GAIN_R2_OVER_RH,
    GAIN_RHO_RATIOS,
    gain_cases,
    gain_ratios,
)
from maml_landscape.sensitivity import RESOLUTION, Reading, sweep, sweep_each
from maml_landscape.verdicts import Verdict

#: The check's readings of (I), (II) and "substantial" (as in its evidence).
PAPER = {"hardness": 0.5, "geography": 1.0, "substantial": 1.5}


@pytest.fixture(scope="module")
def reported(tmp_path_factory):
    """H.GAIN's outcome as the ledger gets it (exact risks only: a tenth of a second)."""
    ctx = CheckContext(profile="quick", seed=0, out_dir=tmp_path_factory.mktemp("hgain"))
    return headline_gain(ctx)


def _flip(outcome, key):
    (flip,) = outcome.data["sensitivity"][key]["flips"]
    return flip


def _substantial_gains():
    """(ρ_H/ρ_E, R²/r_H, ratio) of every gain ≥ 1.5 on H.GAIN's grid, straight from gain_ratios."""
    return [(rho, k_h, ratio) for rho in GAIN_RHO_RATIOS for m in GAIN_M for k_e in GAIN_R2_OVER_RE
            for k_h, ratio in zip(GAIN_R2_OVER_RH, gain_ratios(rho, m, k_e)) if ratio >= PAPER["substantial"]]


def test_hgain_substantial_flip_matches_a_direct_recomputation(reported):
    flip = _flip(reported, "substantial")
    assert (flip["from"], flip["to"]) == ("fails", "approximate")
    cases = gain_cases()
    for reading, expected in ((flip["below"], Verdict.FAILS), (flip["below"] * 0.99, Verdict.FAILS),
                              (1.5, Verdict.FAILS), (flip["above"], Verdict.APPROXIMATE),
                              (flip["above"] * 1.01, Verdict.APPROXIMATE)):
        assert gain_verdict(cases, substantial=reading) is expected, reading
    # second route: no violation is left once "substantial" exceeds the largest gain outside (I) and (II)
    outside = [ratio for rho, k_h, ratio in _substantial_gains()
               if not (rho <= PAPER["hardness"] and k_h >= PAPER["geography"])]
    assert flip["below"] < max(outside) <= flip["above"]
    assert math.log(flip["above"] / flip["below"]) <= RESOLUTION * math.log(20.0 / 1.05) * (1 + 1e-9)


def test_hgain_hardness_flip_sits_at_the_largest_hardness_ratio_with_a_substantial_gain(reported):
    flip = _flip(reported, "hardness")
    cases = gain_cases()
    assert gain_verdict(cases, hardness=flip["below"]) is Verdict.FAILS
    assert gain_verdict(cases, hardness=flip["above"]) is Verdict.APPROXIMATE
    gains = _substantial_gains()
    assert all(k_h >= PAPER["geography"] for _, k_h, _ in gains)  # so (II) never binds: (I) alone decides
    assert flip["below"] < max(rho for rho, _, _ in gains) <= flip["above"]
    assert reported.data["sensitivity"]["hardness"]["unchanged"] == [0.02, flip["below"]]


def test_every_swept_verdict_is_the_rule_at_that_reading(reported):
    cases = gain_cases()
    for key, swept in reported.data["sensitivity"].items():
        for reading, verdict in zip(swept["readings"], swept["verdicts"]):
            assert gain_verdict(cases, **{key: reading}).value == verdict, (key, reading)
    assert {r.key for r in GAIN_READINGS} == set(reported.data["sensitivity"])


def _steps(x: float) -> Verdict:
    """Holds below 0.41, holds after correction to 0.42, approximate to 0.7, fails above."""
    if x < 0.41:
        return Verdict.HOLDS
    if x < 0.42:
        return Verdict.HOLDS_AFTER_CORRECTION
    return Verdict.APPROXIMATE if x < 0.7 else Verdict.FAILS


def test_sweep_finds_every_flip_including_two_between_neighbouring_readings():
    reading = Reading("x", "a word", "x ≤ {}", 0.5, 0.0, 1.0, points=7)  # readings 0, 1/6, 1/3, 0.5, ...
    swept = sweep(reading, _steps)
    assert [(f.before, f.after) for f in swept.flips] == [
        (Verdict.HOLDS, Verdict.HOLDS_AFTER_CORRECTION), (Verdict.HOLDS_AFTER_CORRECTION, Verdict.APPROXIMATE),
        (Verdict.APPROXIMATE, Verdict.FAILS)]
    for flip, at in zip(swept.flips, (0.41, 0.42, 0.7)):
        assert flip.below < at <= flip.above and flip.above - flip.below <= RESOLUTION
        assert _steps(flip.below) is flip.before and _steps(flip.above) is flip.after
    assert swept.verdict is Verdict.APPROXIMATE
    low, high = swept.unchanged()
    assert 0.42 <= low < 0.5 < high < 0.7


def test_a_verdict_that_returns_between_neighbouring_readings_is_missed_as_documented():
    reading = Reading("x", "a word", "x ≤ {}", 0.5, 0.0, 1.0, points=7)
    excursion = sweep(reading, lambda x: Verdict.FAILS if 0.41 <= x < 0.42 else Verdict.HOLDS)
    assert excursion.flips == ()


def test_sweep_each_holds_the_other_readings_at_the_checks_values():
    readings = (Reading("a", "word a", "a ≥ {}", 1.0, 0.5, 2.0), Reading("b", "word b", "b ≥ {}", 3.0, 1.0, 9.0, log=True))
    seen = []

    def decide(a: float, b: float) -> Verdict:
        seen.append((a, b))
        return Verdict.HOLDS

    sweep_each(readings, decide)
    assert all(a == 1.0 or b == 3.0 for a, b in seen)
    assert {a for a, _ in seen} > {1.0} and {b for _, b in seen} > {3.0}


@pytest.mark.parametrize(("low", "high", "value", "log", "points", "message"), [
    (2.0, 1.0, 1.5, False, 7, "low < high"),
    (1.0, 1.0, 1.0, False, 7, "low < high"),
    (1.0, 2.0, 3.0, False, 7, "must contain the check's reading 3"),
    (0.0, 2.0, 1.0, True, 7, "logarithmic range needs low > 0"),
    (-1.0, 2.0, 1.0, True, 7, "logarithmic range needs low > 0"),
    (float("nan"), 2.0, 1.0, False, 7, "the low end must be a finite number"),
    (1.0, float("inf"), 1.0, False, 7, "the high end must be a finite number"),
    (1.0, 2.0, "1.5", False, 7, "the check's reading must be a finite number"),
    (True, 2.0, 1.0, False, 7, "the low end must be a finite number"),
    (1.0, 2.0, 1.5, False, 1, "at least 2 points"),
    (1.0, 2.0, 1.5, False, 0, "points must be an integer ≥ 1"),
])
def test_a_bad_range_of_readings_is_rejected(low, high, value, log, points, message):
    with pytest.raises(ValueError, match="the readings of 'a word'") as error:
        Reading("x", "a word", "x ≥ {}", value, low, high, log=log, points=points)
    assert message in str(error.value)


def test_readings_need_distinct_keys():
    reading = Reading("x", "a word", "x ≥ {}", 1.0, 0.5, 2.0)
    with pytest.raises(ValueError, match="distinct keys"):
        sweep_each((reading, reading), lambda x: Verdict.HOLDS)


def test_the_grid_holds_the_checks_reading_and_both_ends():
    reading = Reading("x", "a word", "x ≥ {}", 1.5, 1.05, 20.0, log=True)
    grid = reading.grid()
    assert grid[0] == 1.05 and grid[-1] == 20.0 and 1.5 in grid and list(grid) == sorted(set(grid))
    assert np.all(np.diff(np.log(grid)) > 0.4 * np.log(20 / 1.05) / 6)  # no reading crowds the check's own
