"""A search for environments where MAML's population solution is worse than NAL's (S2.ORDER, Sec. 2).

With n2 = m, w_MAML* minimises F_m, so E_m(w_MAML*) ≤ E_m(w_NAL*) holds exactly (eq. (2)).
With n2 ≠ m MAML optimises F_{n2}, another objective; :func:`find_order_counterexample`
draws random environments and computes both excess risks exactly (no sampling) to find
draws where the order fails.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from maml_landscape.numerics.environments import Environment, random_environment
from maml_landscape.numerics.population import excess_risk, maml_solution, nal_solution


@dataclass(frozen=True)
class OrderCounterexample:
    """An environment and (α, n2, m) with E_m(w_MAML*(n2)) > E_m(w_NAL*) (exact)."""

    env: Environment
    alpha: float
    n2: int
    m: int
    maml_excess: float
    nal_excess: float


def find_order_counterexample(
    rng: np.random.Generator, tries: int
) -> tuple[OrderCounterexample | None, int]:
    """Search random environments for E_m(w_MAML*(n2)) > E_m(w_NAL*) with n2 ≠ m (exact, no sampling).

    Draws d ∈ 1..5, 1-4 families, α λ_max ∈ [0.2, 1.5], n2, m ∈ 1..50 with n2 ≠ m. Returns
    the violation with the largest gap E_m(MAML) - E_m(NAL) (None if none; the largest gap
    is the easiest to confirm by simulation) and the number of violating draws.
    """
    best, violations = None, 0
    for _ in range(tries):
        env = random_environment(rng, int(rng.integers(1, 6)), int(rng.integers(1, 5)))
        largest = max(float(np.linalg.eigvalsh(s)[-1]) for s in env.sigmas)
        alpha = float(rng.uniform(0.2, 1.5)) / largest
        n2, m = (int(v) for v in rng.choice(np.arange(1, 51), size=2, replace=False))
        maml = excess_risk(env, maml_solution(env, alpha, n2), alpha, m)
        nal = excess_risk(env, nal_solution(env), alpha, m)
        if maml > nal * (1 + 1e-9) + 1e-12:
            violations += 1
            if best is None or maml - nal > best.maml_excess - best.nal_excess:
                best = OrderCounterexample(env, alpha, n2, m, maml, nal)
    return best, violations
