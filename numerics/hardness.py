"""Where the population solutions sit relative to hard and easy tasks (Sec. 3, S3.HARD; Remark 1).

Sec. 3 argues that for large m and n2 the matrices Q_i are dominated by Σ_i(I - αΣ_i)², so
w_NAL* (weights Σ_i) lies closer to the easy tasks' solutions and w_MAML* (weights
Q_i^(n2)) closer to the hard tasks'. :func:`placement` measures this exactly for a
two-family environment (family 0 hard, family 1 easy) from the population solutions of
eq. (5); :func:`random_hard_easy_environment` draws environments for a counterexample
search, isotropic or not.

Remark 1 says the gain condition (ρ_H/ρ_E)(1 - ρ_H/ρ_E)² ≫ d/m needs m ≫ d only because
tr(Σ) = O(d). :func:`gain_sample_size` measures the m (= n2) at which MAML's excess risk
falls below a fraction of NAL's, so it can be compared across spectra of equal d and
different effective dimension (:func:`effective_dimensions`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from maml_landscape.numerics.environments import Environment, TaskFamily
from maml_landscape.numerics.population import maml_solution, nal_solution, risk_above_task_optima

#: Kinds of random hard/easy environments: Σ = ρI; non-isotropic with every eigenvalue of the
#: hard Σ below every eigenvalue of the easy Σ ("hard in all directions", the paper's reading);
#: non-isotropic with only λ_min(Σ_hard) < λ_min(Σ_easy) (the paper's definition of hardness).
ENVIRONMENT_KINDS = ("isotropic", "ordered", "lambda_min")


def _random_rotation(rng: np.random.Generator, d: int) -> np.ndarray:
    q, r = np.linalg.qr(rng.standard_normal((d, d)))
    return q * np.sign(np.diag(r))


def _covariance(rng: np.random.Generator, eigenvalues: np.ndarray) -> np.ndarray:
    rotation = _random_rotation(rng, eigenvalues.size)
    sigma = (rotation * eigenvalues) @ rotation.T
    return (sigma + sigma.T) / 2


def random_hard_easy_environment(
    rng: np.random.Generator, d: int, kind: str, hard_weight: float | None = 0.5
) -> Environment:
    """Two task families, hard (index 0) and easy (index 1), with fixed solutions and λ_max = 1 overall.

    Spectra lie in [0.01, 1]; the two solutions are independent N(0, I_d) draws; the hard
    family's weight is ``hard_weight`` (Sec. 3.2's ½ by default; None draws it uniformly
    from [0.1, 0.9]). ``kind`` is one of :data:`ENVIRONMENT_KINDS`.
    """
    if kind not in ENVIRONMENT_KINDS:
        raise ValueError(f"kind must be one of {ENVIRONMENT_KINDS}, got {kind!r}")
    if d < 1:
        raise ValueError(f"d must be a positive integer, got {d}")
    if kind == "isotropic":
        rho_h = rng.uniform(0.01, 0.99)
        hard, easy = rho_h * np.eye(d), np.eye(d)
    else:
        if kind == "ordered":
            split = rng.uniform(0.05, 0.95)
            hard_eigs = rng.uniform(0.01, split, d)
            easy_eigs = np.append(rng.uniform(split, 1.0, d - 1), 1.0)
        else:
            hard_eigs, easy_eigs = rng.uniform(0.01, 1.0, (2, d))
            if hard_eigs.min() > easy_eigs.min():
                hard_eigs, easy_eigs = easy_eigs, hard_eigs
            top = max(hard_eigs.max(), easy_eigs.max())
            hard_eigs, easy_eigs = hard_eigs / top, easy_eigs / top
        hard, easy = _covariance(rng, hard_eigs), _covariance(rng, easy_eigs)
    weight = rng.uniform(0.1, 0.9) if hard_weight is None else float(hard_weight)
    if not 0 < weight < 1:
        raise ValueError(f"hard_weight must lie in (0, 1), got {hard_weight}")
    zeros = np.zeros((d, d))
    return Environment(
        families=(
            TaskFamily(weight, hard, rng.standard_normal(d), zeros),
            TaskFamily(1.0 - weight, easy, rng.standard_normal(d), zeros),
        ),
        noise_var=0.0,
    )


def largest_eigenvalue(env: Environment) -> float:
    """L = max_i λ_max(Σ_i), the largest task smoothness (α = 1/L is Sec. 3.1's natural step)."""
    return float(max(np.linalg.eigvalsh(f.sigma)[-1] for f in env.families))


@dataclass(frozen=True)
class Placement:
    """Distances of w_NAL*, w_MAML* to the hard (family 0) and easy (family 1) centres, over ‖μ_H - μ_E‖."""

    nal_to_hard: float
    nal_to_easy: float
    maml_to_hard: float
    maml_to_easy: float

    @property
    def nal_nearer_easy(self) -> bool:
        return self.nal_to_easy < self.nal_to_hard

    @property
    def maml_nearer_hard(self) -> bool:
        return self.maml_to_hard < self.maml_to_easy

    @property
    def maml_nearer_hard_than_nal(self) -> bool:
        """The comparative reading: MAML sits closer to the hard centre than NAL does."""
        return self.maml_to_hard < self.nal_to_hard


def placement(env: Environment, alpha: float, n2: int) -> Placement:
    """Where w_NAL* and w_MAML* (eq. 5) sit between the hard and easy centres of a two-family environment."""
    if len(env.families) != 2:
        raise ValueError("placement needs exactly two task families: hard (index 0) and easy (index 1)")
    hard, easy = env.w_means
    scale = float(np.linalg.norm(hard - easy))
    if scale == 0:
        raise ValueError("the hard and easy families have the same centre; placement is undefined")
    w_nal, w_maml = nal_solution(env), maml_solution(env, alpha, n2)

    def dist(w: np.ndarray, centre: np.ndarray) -> float:
        return float(np.linalg.norm(w - centre)) / scale

    return Placement(dist(w_nal, hard), dist(w_nal, easy), dist(w_maml, hard), dist(w_maml, easy))


# ------------------------------------------------------------------------------ Remark 1


def effective_dimensions(sigma: np.ndarray) -> dict[str, float]:
    """Effective dimensions of Σ: tr(Σ)/‖Σ‖ (Remark 1's tr Σ at unit scale), tr(Σ)²/tr(Σ²) and tr(Σ²)/‖Σ‖²."""
    eigenvalues = np.linalg.eigvalsh(np.asarray(sigma, dtype=float))
    top = eigenvalues[-1]
    return {
        "trace/norm": float(eigenvalues.sum() / top),
        "trace^2/trace(sq)": float(eigenvalues.sum() ** 2 / (eigenvalues**2).sum()),
        "trace(sq)/norm^2": float((eigenvalues**2).sum() / top**2),
    }


def two_task_environment(sigma_hard: np.ndarray, sigma_easy: np.ndarray, w_hard: np.ndarray, w_easy: np.ndarray) -> Environment:
    """Sec. 3.1's two equally likely fixed tasks with arbitrary covariances (noise-free: excess risk ignores ν²)."""
    zeros = np.zeros_like(np.asarray(sigma_hard, dtype=float))
    return Environment(
        families=(TaskFamily(0.5, sigma_hard, w_hard, zeros), TaskFamily(0.5, sigma_easy, w_easy, zeros)),
        noise_var=0.0,
    )


def risk_ratio(env: Environment, alpha: float, m: int) -> float:
    """E_m(w_MAML*)/E_m(w_NAL*) with n2 = m, E_m as Proposition 1 computes it (eqs. 6-7, 9).

    That is ½ E_i ‖w - w_i*‖²_{Q_i^(m)}, the risk above the task optima; the excess risk of
    eq. (2) would make MAML's identically zero at n2 = m (w_MAML* minimises F_m).
    """
    nal = risk_above_task_optima(env, nal_solution(env), alpha, m)
    maml = risk_above_task_optima(env, maml_solution(env, alpha, m), alpha, m)
    if nal <= 0:
        raise ValueError("NAL's excess risk is zero (the tasks share one solution); the ratio is undefined")
    return maml / nal


def gain_sample_size(env: Environment, alpha: float, fraction: float, max_doublings: int = 30) -> int:
    """The m (= n2) beyond which E_m(w_MAML*) ≤ fraction · E_m(w_NAL*) (Prop. 1's risks, :func:`risk_ratio`).

    The ratio is not monotone in m (for small m the variance terms dominate both risks);
    this is the *last* crossing on the grid m = 2^k, k ≤ ``max_doublings``, refined by
    bisection, i.e. the sample size from which on MAML keeps the stated gain. Raises
    ValueError if the ratio is still above ``fraction`` at m = 2^max_doublings.
    """
    if not 0 < fraction < 1:
        raise ValueError(f"fraction must lie in (0, 1), got {fraction}")
    grid = [2**k for k in range(max_doublings + 1)]
    above = [m for m in grid if risk_ratio(env, alpha, m) > fraction]
    if not above:
        return 1
    if above[-1] == grid[-1]:
        raise ValueError(
            f"MAML's risk stays above {fraction} × NAL's up to m = {grid[-1]}; "
            "the environment has no such gain (raise fraction or max_doublings)"
        )
    low, high = above[-1], 2 * above[-1]
    while high - low > 1:
        middle = (low + high) // 2
        if risk_ratio(env, alpha, middle) > fraction:
            low = middle
        else:
            high = middle
    return high
