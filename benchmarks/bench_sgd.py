"""Batched SGD against a per-run Python loop on the Figure 3 protocol at paper scale.

Paper scale: 2 panel pairs × 10 values of R, 10 repetitions, NAL and MAML, 5,000
iterations, n1 = 25, n2 = 500 (400 runs of one algorithm each). The batched trainer
(:func:`maml_landscape.numerics.sgd.train`) runs all of them. The per-run loop is the
straightforward implementation: per run and iteration, draw a task and its n1 + n2 raw
samples (``Environment.sample_tasks``/``sample_data``) and step with the gradients of
:mod:`maml_landscape.numerics.empirical`. The loop is timed on a subset of runs and
iterations and extrapolated linearly (its cost per run-iteration is constant); the
batched trainer is timed on a fraction of the iterations and scaled likewise. Rounds
alternate between the two; medians are reported.

Run: ``python benchmarks/bench_sgd.py [--rounds 3]``.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from maml_landscape.numerics.empirical import maml_gradient, nal_gradient, split_episodes
from maml_landscape.numerics.figures import fig3, printed
from maml_landscape.numerics.sgd import EnvironmentStack, Protocol, train

R_GRID = tuple(np.arange(0.5, 5.01, 0.5))
REPETITIONS = printed.REPETITIONS
ITERATIONS = printed.SGD_ITERATIONS


def _environments() -> list:
    setting = fig3.DEFAULT_SETTING
    return [fig3.environment(setting, R, *fig3.spreads(R, ratios))
            for ratios in printed.FIG3_SETTINGS for R in R_GRID]


def time_batched(envs: list, iterations: int, seed: int) -> float:
    """Seconds for all runs of both algorithms over ``iterations`` iterations."""
    setting = fig3.DEFAULT_SETTING
    protocol = Protocol(iterations=iterations, n1=printed.SGD_N1, n2=setting.n2, alpha=setting.alpha,
                        maml_step=setting.n2 * printed.MAML_RATE_PER_N2, nal_step=printed.NAL_RATE)
    stack = EnvironmentStack(tuple(envs))
    start = time.perf_counter()
    train(stack, protocol, REPETITIONS, np.random.default_rng(seed))
    return time.perf_counter() - start


def time_loop(envs: list, runs: int, iterations: int, seed: int) -> float:
    """Seconds for ``runs`` (environment, repetition) pairs of both algorithms, one run at a time."""
    setting = fig3.DEFAULT_SETTING
    n1, n2 = printed.SGD_N1, setting.n2
    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    for run in range(runs):
        env = envs[run % len(envs)]
        w_nal, w_maml = np.zeros(env.dim), np.zeros(env.dim)
        for _ in range(iterations):
            family, w_star = env.sample_tasks(rng, 1)
            X, y = env.sample_data(rng, family, w_star, n1 + n2)
            w_nal = w_nal - printed.NAL_RATE * nal_gradient(w_nal, X, y, "mean")
            X_in, y_in, X_out, y_out = split_episodes(X, y, 1, n2)
            w_maml = w_maml - n2 * printed.MAML_RATE_PER_N2 * maml_gradient(
                w_maml, X_in, y_in, X_out, y_out, setting.alpha, inner="mean", outer="mean")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batched-iterations", type=int, default=1000, help="timed iterations per round")
    parser.add_argument("--loop-runs", type=int, default=2)
    parser.add_argument("--loop-iterations", type=int, default=500)
    args = parser.parse_args()
    envs = _environments()
    total_runs = len(envs) * REPETITIONS
    batched, loop = [], []
    for round_index in range(args.rounds):
        seconds = time_batched(envs, args.batched_iterations, round_index)
        batched.append(seconds * ITERATIONS / args.batched_iterations)
        seconds = time_loop(envs, args.loop_runs, args.loop_iterations, round_index)
        loop.append(seconds * (total_runs / args.loop_runs) * (ITERATIONS / args.loop_iterations))
        print(f"round {round_index + 1}: batched {batched[-1]:.1f} s, per-run loop {loop[-1]:.0f} s (extrapolated)")
    b, p = statistics.median(batched), statistics.median(loop)
    print(f"Figure 3 protocol at paper scale: {len(envs)} grid points x {REPETITIONS} repetitions x 2 algorithms, "
          f"{ITERATIONS} iterations, n1 = {printed.SGD_N1}, n2 = {fig3.DEFAULT_SETTING.n2}")
    print(f"batched: timed {args.batched_iterations} of {ITERATIONS} iterations per round, scaled by "
          f"{ITERATIONS / args.batched_iterations:g}")
    print(f"per-run loop: timed {args.loop_runs} of {total_runs} runs x {args.loop_iterations} of {ITERATIONS} "
          f"iterations per round, extrapolated linearly")
    print(f"median over {args.rounds} interleaved rounds: batched {b:.1f} s, per-run loop {p:.0f} s, "
          f"speed-up {p / b:.0f}x")


if __name__ == "__main__":
    main()
