"""A search of random hard/easy environments for violations of Sec. 3's placement prose (S3.HARD).

Sec. 3 argues that for large m and n2, w_NAL* lies nearer the easy tasks' solutions and
w_MAML* nearer the hard tasks'. :func:`search_placements` draws two-family environments of
each kind of :data:`maml_landscape.numerics.hardness.ENVIRONMENT_KINDS`, places the exact
population solutions of eq. (5) with :func:`maml_landscape.numerics.hardness.placement` at
every step size of :data:`STEP_FACTORS` and every n2 of :data:`N2_GRID`, and counts the
environments that violate each reading of :data:`READINGS` (exact, no sampling).
"""

from __future__ import annotations

import numpy as np

from maml_landscape.numerics.hardness import (
    ENVIRONMENT_KINDS,
    largest_eigenvalue,
    placement,
    random_hard_easy_environment,
)

N2_GRID = (1, 2, 5, 10, 100, 1_000, 10_000, 1_000_000)
#: "Large n2" for the prose claim: the variance part of Q_i is at most 1e-3 of its leading part.
LARGE_N2_FACTOR = 1_000
STEP_FACTORS = (1.0, 0.5)  # α = factor / L; 1/L is Sec. 3.1's "natural choice"
READINGS = ("NAL nearer easy", "MAML nearer hard", "MAML nearer hard than NAL")

#: Violations per (kind, α factor, n2): how many environments violate each reading, in the order of READINGS.
ViolationCounts = dict[tuple[str, float, int], list[int]]
#: The largest violation per (kind, α factor, index of the reading) at large n2, described for the report.
WorstViolations = dict[tuple[str, float, int], dict]


def search_placements(rng: np.random.Generator, per_kind: int) -> tuple[ViolationCounts, WorstViolations]:
    """Draw ``per_kind`` environments of each kind (d ∈ 2..8) and count the violations of each reading.

    A reading is violated when its margin is ≥ 0: NAL not nearer the easy centre, MAML not
    nearer the hard centre, MAML not nearer the hard centre than NAL. The worst violation is
    kept only for large n2 (n2 ≥ :data:`LARGE_N2_FACTOR` (d + 1)), the regime of the prose.
    """
    counts, worst = {}, {}
    for kind in ENVIRONMENT_KINDS:
        for _ in range(per_kind):
            d = int(rng.integers(2, 9))
            env = random_hard_easy_environment(rng, d, kind)
            L = largest_eigenvalue(env)
            for factor in STEP_FACTORS:
                for n2 in N2_GRID:
                    p = placement(env, factor / L, n2)
                    margins = (
                        p.nal_to_easy - p.nal_to_hard,
                        p.maml_to_hard - p.maml_to_easy,
                        p.maml_to_hard - p.nal_to_hard,
                    )
                    key = (kind, factor, n2)
                    row = counts.setdefault(key, [0, 0, 0])
                    for r, margin in enumerate(margins):
                        row[r] += margin >= 0
                        large = n2 >= LARGE_N2_FACTOR * (d + 1)
                        if large and margin >= 0 and margin > worst.get((kind, factor, r), {"margin": -1})["margin"]:
                            worst[(kind, factor, r)] = {
                                "margin": float(margin), "d": d, "n2": n2, "alpha": factor / L,
                                "hard eigenvalues": np.round(np.linalg.eigvalsh(env.families[0].sigma), 3).tolist(),
                                "easy eigenvalues": np.round(np.linalg.eigvalsh(env.families[1].sigma), 3).tolist(),
                                "distances (NAL→H, NAL→E, MAML→H, MAML→E)": [
                                    round(v, 3) for v in (p.nal_to_hard, p.nal_to_easy, p.maml_to_hard, p.maml_to_easy)
                                ],
                            }
    return counts, worst
