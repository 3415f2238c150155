"""Answer a researcher's own question about MAML vs NAL in any linear task environment.

The Python API behind ``maml-landscape explore`` (one function per question; exact,
closed-form answers for a fresh batch per inner step, derived in
:mod:`maml_landscape.theory.multi_step`)::

    from maml_landscape.explore import read_environment_file, explore, gain, alpha_star
    spec = read_environment_file("examples/three_clusters.toml")
    gain(spec)                 # NAL's risk above the task optima over MAML's (Proposition 1)
    alpha_star(spec).alpha     # MAML's best inner step size
    answers = explore(spec)    # everything at once

- the environment file: :func:`read_environment_file`, :func:`parse_environment`,
  :class:`EnvironmentSpec`, :class:`Adaptation`, :class:`EnvironmentFileError`;
- the questions (eqs. (1), (2), (5), Proposition 1): :func:`solutions`,
  :func:`meta_test_loss`, :func:`risk_above_task_optima`, :func:`excess_risk`,
  :func:`gain`, :func:`alpha_star`, :func:`families`, and :func:`explore` for all of them;
- the k-step curvature (the k-step analogue of Lemma 2): :func:`fresh_batch_spectra`;
- Monte Carlo beside the exact numbers: :func:`confirm`, :func:`simulate`;
- maps and the paper's claims on the environment: :func:`parse_sweep`, :func:`gain_map`,
  :func:`paper_claims`;
- outputs: :func:`write_outputs`.
"""

from maml_landscape.explore.answers import (
    AlphaStar,
    Answers,
    FamilyAnswer,
    Pair,
    alpha_star,
    excess_risk,
    explore,
    families,
    gain,
    meta_test_loss,
    risk_above_task_optima,
    solutions,
)
from maml_landscape.explore.environment_file import (
    Adaptation,
    EnvironmentFileError,
    EnvironmentSpec,
    parse_environment,
    read_environment_file,
)
from maml_landscape.explore.mc import MonteCarloAnswers, confirm, simulate
from maml_landscape.explore.multi_step import fresh_batch_spectra
from maml_landscape.explore.paper_claims import ClaimOnEnvironment, paper_claims
from maml_landscape.explore.render import write_outputs
from maml_landscape.explore.sweeps import GainMap, gain_map, parse_sweep

__all__ = [
    "Adaptation",
    "AlphaStar",
    "Answers",
    "ClaimOnEnvironment",
    "EnvironmentFileError",
    "EnvironmentSpec",
    "FamilyAnswer",
    "GainMap",
    "MonteCarloAnswers",
    "Pair",
    "alpha_star",
    "confirm",
    "excess_risk",
    "explore",
    "families",
    "fresh_batch_spectra",
    "gain",
    "gain_map",
    "meta_test_loss",
    "paper_claims",
    "parse_environment",
    "parse_sweep",
    "read_environment_file",
    "risk_above_task_optima",
    "simulate",
    "solutions",
    "write_outputs",
]
