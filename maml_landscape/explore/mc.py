"""Monte Carlo beside every exact number: sample tasks, data and noise, adapt, evaluate.

Each sampled task draws its family and w*, then k batches of m samples (or one batch reused
by every step), and takes the k SGD steps of eq. (1) on the averaged loss from every
initialisation at once (common random numbers): w_NAL, w_MAML, w° = argmin F (eq. (2)) and
the task's own solution w* (Proposition 1's reference). The loss after adaptation is the
exact expectation over a test point, ½((w_k - w*)ᵀ Σ (w_k - w*) + ν²); averaging over test
points as well (as :func:`maml_landscape.numerics.meta_loss_mc` does) would only add variance.

Every estimate is a :class:`~maml_landscape.numerics.MonteCarloEstimate` (mean, standard
error, n) with a :data:`CONFIDENCE` interval from :func:`maml_landscape.stats.z_threshold`;
the gain, a ratio of two paired means, gets a delta-method standard error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from maml_landscape.explore.answers import Answers, Pair, values_at
from maml_landscape.numerics import Environment, MonteCarloEstimate
from maml_landscape.progress import Progress
from maml_landscape.stats import z_threshold

#: Two-sided confidence of the printed intervals.
CONFIDENCE = 0.999
#: Floats held by one chunk's data arrays (16 MiB).
CHUNK_FLOATS = 2**21
#: Columns of :class:`Simulation.losses`: the initialisations, then the task's own w*.
NAL, MAML, BEST, OWN = 0, 1, 2, 3
#: Monte Carlo estimates of one quantity for both solutions.
EstimatePair = Pair[MonteCarloEstimate]


def interval(estimate: MonteCarloEstimate, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """The two-sided normal interval estimate ± z_{(1+confidence)/2} · stderr."""
    half = z_threshold(1, 1.0 - confidence) * estimate.stderr
    return estimate.estimate - half, estimate.estimate + half


def mean_estimate(values: np.ndarray) -> MonteCarloEstimate:
    """The sample mean of ``values`` (n,) with its standard error s/√n."""
    n = values.size
    if n < 2:
        raise ValueError("a Monte Carlo standard error needs at least 2 samples; raise --mc")
    return MonteCarloEstimate(float(values.mean()), float(values.std(ddof=1) / np.sqrt(n)), n)


def ratio_estimate(numerator: np.ndarray, denominator: np.ndarray) -> MonteCarloEstimate:
    """mean(numerator)/mean(denominator) with the delta-method standard error."""
    ratio = numerator.mean() / denominator.mean()
    residual = numerator - ratio * denominator
    stderr = residual.std(ddof=1) / (np.sqrt(residual.size) * abs(denominator.mean()))
    return MonteCarloEstimate(float(ratio), float(stderr), residual.size)


@dataclass(frozen=True)
class Simulation:
    """Losses of sampled tasks after adaptation: ``losses`` (n, 4) with columns NAL, MAML, BEST, OWN."""

    family: np.ndarray
    losses: np.ndarray

    def paired(self, column: int, reference: int) -> np.ndarray:
        return self.losses[:, column] - self.losses[:, reference]


def _adapt(env: Environment, rng: np.random.Generator, family: np.ndarray, w_star: np.ndarray,
           starts: np.ndarray, alpha: float, m: int, steps: int, reuse: bool) -> np.ndarray:
    """k SGD steps on the averaged loss (1/(2m))‖Xw - y‖² from every start (c, J, d)."""
    X = y = None
    for _ in range(steps):
        if X is None or not reuse:
            X, y = env.sample_data(rng, family, w_star, m)
        residual = np.einsum("cnd,cjd->cjn", X, starts) - y[:, None, :]
        starts = starts - (alpha / m) * np.einsum("cnd,cjn->cjd", X, residual)
    return starts


def simulate(rng: np.random.Generator, env: Environment, inits: np.ndarray, alpha: float, m: int,
             steps: int, samples: int, reuse: bool = False, progress: Progress | None = None) -> Simulation:
    """Post-adaptation losses of ``samples`` sampled tasks from each row of ``inits`` and from w*.

    ``reuse=True`` reuses one batch of m samples in every step instead of drawing a fresh one;
    ``progress`` (if given) advances by the tasks done.
    """
    sigmas = env.sigmas
    chunk = max(1, CHUNK_FLOATS // (env.dim * (m + inits.shape[0] + 2)))
    families, losses = [], []
    for start in range(0, samples, chunk):
        count = min(chunk, samples - start)
        family, w_star = env.sample_tasks(rng, count)
        starts = np.concatenate([np.broadcast_to(inits, (count, *inits.shape)), w_star[:, None, :]], axis=1)
        error = _adapt(env, rng, family, w_star, starts, alpha, m, steps, reuse) - w_star[:, None, :]
        quadratic = np.einsum("cjd,cde,cje->cj", error, sigmas[family], error)
        families.append(family)
        losses.append(0.5 * (quadratic + env.noise_var))
        if progress is not None:
            progress.update(progress.done + count)
    return Simulation(np.concatenate(families), np.concatenate(losses))


@dataclass(frozen=True)
class MonteCarloAnswers:
    """The simulated counterpart of every number of :class:`~maml_landscape.explore.answers.Answers`."""

    samples: int
    seed: int
    meta_test_loss: EstimatePair
    risk_above_task_optima: EstimatePair
    excess_risk: EstimatePair
    gain: MonteCarloEstimate
    alpha_star: EstimatePair
    families: tuple[EstimatePair, ...]


def _pair(values: np.ndarray) -> EstimatePair:
    """Means of the NAL and MAML columns of ``values`` (n, ≥ 2)."""
    return EstimatePair(mean_estimate(values[:, NAL]), mean_estimate(values[:, MAML]))


def _family_pairs(simulation: Simulation, families: int) -> tuple[EstimatePair, ...]:
    pairs = []
    for k in range(families):
        rows = simulation.losses[simulation.family == k]
        if len(rows) < 2:
            raise ValueError(f"family {k + 1} was drawn {len(rows)} time(s) in the Monte Carlo sample; raise --mc")
        pairs.append(_pair(rows))
    return tuple(pairs)


def confirm(answers: Answers, samples: int, seed: int, progress: Progress | None = None) -> MonteCarloAnswers:
    """Simulate every number of ``answers``: the Monte Carlo column of the explore table.

    ``samples`` tasks at the file's settings and as many at α* (each a fresh task, data and
    noise draw), all from ``np.random.default_rng(seed)``; ``progress`` counts the 2 × samples tasks.
    """
    spec, rng = answers.spec, np.random.default_rng(seed)
    a = spec.adaptation
    inits = np.stack([answers.w_nal, answers.w_maml, answers.w_best])
    run = simulate(rng, spec.env, inits, answers.alpha, a.m, a.steps, samples, a.reuse_samples, progress)
    at_star = values_at(spec, answers.alpha_star.alpha, answers.seed)
    star_inits = np.stack([at_star.w_nal[0], at_star.w_maml[0], at_star.w_best[0]])
    star = simulate(rng, spec.env, star_inits, answers.alpha_star.alpha, a.m, a.steps, samples, a.reuse_samples,
                    progress)
    risks = np.stack([run.paired(NAL, OWN), run.paired(MAML, OWN)], axis=1)
    return MonteCarloAnswers(
        samples=samples, seed=seed,
        meta_test_loss=_pair(run.losses),
        risk_above_task_optima=_pair(risks),
        excess_risk=_pair(np.stack([run.paired(NAL, BEST), run.paired(MAML, BEST)], axis=1)),
        gain=ratio_estimate(risks[:, NAL], risks[:, MAML]),
        alpha_star=_pair(star.losses),
        families=_family_pairs(run, len(spec.env.families)),
    )
