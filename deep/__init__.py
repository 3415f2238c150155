"""PyTorch experiments: conv4 MAML and NAL on Omniglot and FS-CIFAR100 (Section 5, App. C.4-C.5).

Modules: data (:mod:`omniglot`, :mod:`cifar`, :mod:`pools`, :mod:`tasks`,
:mod:`hard_alphabets`, :mod:`data`), the network and objectives (:mod:`model`,
:mod:`meta`), runs (:mod:`config`, :mod:`plans`, :mod:`train`, :mod:`runner`,
:mod:`selection`), results (:mod:`results`, :mod:`intervals`, :mod:`paper_tables`) and
the ``maml-landscape deep`` command (:mod:`cli`). Only :mod:`model`, :mod:`meta`,
:mod:`train` and the handlers that train import torch; the ledger checks in
:mod:`checks` read stored results and never do.

The public API (importing it does not import torch; training does):

- plans: :data:`PROFILES`, :class:`PlanOptions`, :func:`plan_runs`, :class:`RunConfig`;
- running: :class:`Paths`, :func:`run_experiment` (this process), :class:`Cluster` and
  :func:`submit_experiment` (local subprocesses or SLURM jobs);
- results: :func:`tabulate` (aggregate what is finished), :func:`load_tables`,
  :func:`render`.
"""

from maml_landscape.deep.config import PROFILES, RunConfig
from maml_landscape.deep.executors import Cluster, submit_experiment
from maml_landscape.deep.plans import PlanOptions, plan_runs
from maml_landscape.deep.results import load_tables, render
from maml_landscape.deep.runner import Paths, run_experiment, tabulate

__all__ = [
    "PROFILES",
    "Cluster",
    "Paths",
    "PlanOptions",
    "RunConfig",
    "load_tables",
    "plan_runs",
    "render",
    "run_experiment",
    "submit_experiment",
    "tabulate",
]
