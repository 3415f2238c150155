"""The explore gain map, vectorised, against a per-point loop: a 40 x 30 map at d = 10 and d = 100.

The map (``maml-landscape explore --sweep alpha=...:40 --sweep m=...:log30``) is 40 step sizes
x 30 sample sizes of a random environment with 5 task families (numerics.random_environment),
all answers at every point plus the α* curve (α* re-solved at each of the 30 m).
Vectorised: :func:`maml_landscape.explore.gain_map` (all points in chunks). Per-point loop: the
same functions called with one-point grids, one point (and one α* search) at a time; at
d = 100 it is timed on a fraction of the points and of the α* searches and scaled linearly
(its cost per point is constant). Rounds alternate between the two; medians are reported.
Targets: under 2 s (d = 10) and 20 s (d = 100) for the vectorised map.

Run: ``OPENBLAS_NUM_THREADS=1 python benchmarks/bench_explore.py [--rounds 3] [--loop-fraction 0.1]``.
On a machine whose cores are busy with other work, a multi-threaded BLAS can spin-wait and
slow both timings tenfold; one BLAS thread per process gives stable numbers.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

from maml_landscape.explore import gain_map, parse_sweep
from maml_landscape.explore.environment_file import Adaptation, EnvironmentSpec
from maml_landscape.explore.landscape import SpectralEnvironment, evaluate
from maml_landscape.explore.multi_step import fresh_batch_spectra
from maml_landscape.explore.step_size import alpha_star
from maml_landscape.explore.sweeps import sweep_grid
from maml_landscape.numerics import random_environment

FAMILIES = 5
TARGETS = {10: 2.0, 100: 20.0}


def environment(d: int, seed: int = 0) -> tuple[EnvironmentSpec, tuple]:
    """A random 5-family environment in dimension d and the 40 x 30 (alpha, m) sweeps."""
    env = random_environment(np.random.default_rng(seed), d, FAMILIES, eigenvalue_range=(0.1, 1.0))
    spec = EnvironmentSpec(env, tuple(f"f{k}" for k in range(FAMILIES)), Adaptation(0.5, 20, n_train=None))
    sweeps = (parse_sweep("alpha=0.01:1.9:40", spec), parse_sweep("m=2:2000:log30", spec))
    return spec, sweeps


def time_vectorised(spec: EnvironmentSpec, sweeps: tuple) -> float:
    start = time.perf_counter()
    gain_map(spec, sweeps)
    return time.perf_counter() - start


def time_loop(spec: EnvironmentSpec, sweeps: tuple, fraction: float, rng: np.random.Generator) -> float:
    """Seconds for the whole map one point at a time, from a timed random fraction scaled linearly."""
    senv = SpectralEnvironment.from_environment(spec.env)
    grid = sweep_grid(spec, sweeps, 0.0)
    curve = sweep_grid(spec, sweeps[1:], 0.0)
    points = rng.choice(grid.size, max(1, round(fraction * grid.size)), replace=False)
    searches = rng.choice(curve.size, max(1, round(fraction * curve.size)), replace=False)
    start = time.perf_counter()
    for row in points:
        evaluate(senv, grid.take(slice(row, row + 1)))
    for row in searches:
        alpha_star(senv, curve.take(slice(row, row + 1)), fresh_batch_spectra)
    seconds = time.perf_counter() - start
    return seconds * (grid.size + curve.size) / (points.size + searches.size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--loop-fraction", type=float, default=0.1, help="share of the map the d = 100 loop times")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    print(f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}, {os.cpu_count()} CPUs")
    for d in (10, 100):
        spec, sweeps = environment(d)
        fraction = 1.0 if d == 10 else args.loop_fraction
        vectorised, loop = [], []
        for round_index in range(args.rounds):
            vectorised.append(time_vectorised(spec, sweeps))
            loop.append(time_loop(spec, sweeps, fraction, rng))
            print(f"d = {d}, round {round_index + 1}: vectorised {vectorised[-1]:.2f} s, per-point loop {loop[-1]:.1f} s"
                  + ("" if fraction == 1 else f" (timed {fraction:.0%}, scaled)"))
        v, p = statistics.median(vectorised), statistics.median(loop)
        verdict = "meets" if v < TARGETS[d] else "MISSES"
        print(f"d = {d}: 40 x 30 map, {FAMILIES} families, with the alpha* curve; median of {args.rounds} interleaved "
              f"rounds: vectorised {v:.2f} s ({verdict} the {TARGETS[d]:g} s target), per-point loop {p:.1f} s, "
              f"speed-up {p / v:.0f}x")


if __name__ == "__main__":
    main()
