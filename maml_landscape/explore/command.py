"""``maml-landscape explore ENV.toml``: the command line of :mod:`maml_landscape.explore`.

Bad input (the file, an option, an output folder) is one line on stderr with exit code 2,
raised as :class:`~maml_landscape.errors.InputError` and printed by ``maml_landscape.cli.main``.
"""

from __future__ import annotations

import argparse
import math
import sys

from rich.console import Console

from maml_landscape import validate
from maml_landscape.errors import InputError
from maml_landscape.explore.answers import DEFAULT_SEED, PLUG_IN, explore
from maml_landscape.explore.environment_file import read_environment_file
from maml_landscape.explore.mc import confirm
from maml_landscape.explore.paper_claims import paper_claims
from maml_landscape.explore.render import FIGURE_NAME, print_terminal, write_outputs
from maml_landscape.explore.sweeps import check_sweeps, gain_map, parse_sweep
from maml_landscape.progress import Progress
from maml_landscape.validate import printable

#: Monte Carlo tasks when reuse_samples makes every number a simulation and --mc is not given.
REUSE_DEFAULT_MC = 20_000
#: Width of the tables when the output is not a terminal (a file, a pipe, a test).
PIPE_WIDTH = 130

DESCRIPTION = """\
Answer questions about MAML vs NAL in your own linear task environment: the population
solutions w_NAL and w_MAML (eq. (5), MAML trained with n_train inner samples), each adapted
on m fresh samples per inner step, with their meta-test loss F(w) (eq. (1), noise included),
their risk above the task optima (Proposition 1), their excess risk F(w) - inf F (eq. (2)),
the gain (NAL's risk over MAML's), the step size alpha* that minimises MAML's loss, and each
family's loss and distance to both solutions. Everything is exact (closed form) for a fresh
batch per step; with reuse_samples = true and steps > 1 it is a Monte Carlo plug-in and
every number comes with a 99.9% interval."""

EPILOG = """\
environment file (TOML; see examples/three_clusters.toml):
  d = 10
  noise_variance = 0.25            # label noise nu^2
  [[family]]                       # one table per task family
  name = "hard"
  weight = 0.3                     # weights sum to 1
  sigma_eigenvalues = [0.1, ...]   # diagonal Sigma; or sigma = [[...]]; or sigma_scale = 0.1
  w_mean = [1.0, ...]              # mean of the task solution w*
  w_cov_scale = 0.5                # w* ~ N(w_mean, 0.5 I); or w_cov = [[...]]; neither: fixed task
  [adaptation]
  alpha = 0.2                      # a number in (0, 2/lambda_max), or "optimal"
  m = 20                           # samples per inner step at test time
  steps = 1                        # inner SGD steps (default 1)
  n_train = 20                     # MAML's inner sample size in training (default m)
  reuse_samples = false            # true: one batch reused by every step (Monte Carlo)

examples:
  maml-landscape explore examples/three_clusters.toml
  maml-landscape explore examples/three_clusters.toml --mc 20000 --claims
  maml-landscape explore examples/three_clusters.toml --sweep alpha=0.01:1.0:40 --sweep m=2:2000:log30 --out reports/explore
  maml-landscape explore examples/three_clusters.toml --sweep hard.weight=0.05:0.9:30 --out reports/explore
"""


def _mc_samples(name: str, text: str) -> int:
    """N ≥ 2 sampled tasks (a standard error needs two)."""
    samples = validate.positive_int(name, text, text=True)
    if samples < 2:
        raise ValueError(f"{name} must be at least 2 (a standard error needs two samples), got {text!r}")
    return samples


def add_explore(sub: argparse._SubParsersAction) -> None:
    """Register ``explore`` on the main parser's subcommands."""
    parser = sub.add_parser("explore", help="answer questions about MAML vs NAL in your own task environment (TOML)",
                            description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("env_file", type=validate.argparse_type(validate.given_path, "ENV.toml"), metavar="ENV.toml",
                        help="the environment file (format below)")
    parser.add_argument("--mc", type=validate.argparse_type(_mc_samples, "--mc"), metavar="N",
                        help="also simulate every number with N sampled tasks (tasks, data, noise, adaptation) and print "
                        "it beside the exact one with its 99.9%% interval, e.g. --mc 20000")
    parser.add_argument("--sweep", action="append", default=[], metavar="NAME=LO:HI:N|logN",
                        help="map the answers over a setting: alpha, m, steps, FAMILY.sigma_scale (multiplies that "
                        "family's Sigma) or FAMILY.weight; N even or logN log-spaced values; give one (a line) or two "
                        "(a map), e.g. --sweep alpha=0.01:1.0:40 --sweep m=2:2000:log30; draws the gain map with the "
                        "alpha* curve and the region where MAML is worse than NAL hatched (needs --out)")
    parser.add_argument("--claims", action="store_true",
                        help="decide the paper's claims about an environment (S2.ORDER, S3.HARD, S31.LARGE_M, S32.COR2) "
                        "on yours, with the ledger's verdict words")
    parser.add_argument("--out", type=validate.argparse_type(validate.writable_dir, "--out"), metavar="DIR",
                        help="write explore.json, explore.md and, as asked, monte_carlo.json, paper_claims.json, "
                        "gain_map.json and figures/gain_map.{png,pdf} into DIR, e.g. --out reports/explore")
    parser.add_argument("--seed", type=validate.argparse_type(validate.seed, "--seed", text=True), default=DEFAULT_SEED,
                        help="seed of the Monte Carlo draws (default: %(default)s)")
    parser.add_argument("--no-progress", action="store_true", help="no progress display on stderr")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """The handler of ``maml-landscape explore``: check everything, compute, print, write."""
    spec = read_environment_file(args.env_file)
    sweeps = check_sweeps([parse_sweep(text, spec) for text in args.sweep]) if args.sweep else None
    out = args.out  # created and proved writable while parsing
    samples = args.mc or None
    try:
        answers = explore(spec, args.seed)
        if samples is None and answers.method == PLUG_IN:
            samples = REUSE_DEFAULT_MC  # reuse_samples: every number is a simulation, so each gets an interval
        mc = None
        if samples is not None:
            mc = confirm(answers, samples, args.seed,
                         Progress("Monte Carlo", 2 * samples, start=0, enabled=not args.no_progress))
        claims = paper_claims(answers) if args.claims else ()
        grid_map = None
        if sweeps is not None:
            total = math.prod(s.values.size for s in sweeps)
            grid_map = gain_map(spec, sweeps, args.seed, Progress("gain map", total, start=0, enabled=not args.no_progress))
    except ValueError as error:  # a numeric check of the environment that the file's own checks let through
        raise InputError(f"{spec.source}: {error}") from None
    paths = write_outputs(out, answers, mc, claims, grid_map) if out is not None else []
    figure = out / "figures" / f"{FIGURE_NAME}.png" if out is not None and grid_map is not None else None
    print_terminal(Console(highlight=False, width=None if sys.stdout.isatty() else PIPE_WIDTH), answers, mc, claims, figure)
    if grid_map is not None and out is None:
        print("(the gain map was computed but not drawn: add --out DIR to write it)")
    if paths:
        print("wrote " + ", ".join(printable(p) for p in paths))
    return 0
