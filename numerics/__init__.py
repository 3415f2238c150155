"""Numerical routes (NumPy): task environments, exact population quantities, Monte Carlo, SGD.

The public API (stable names; everything else is internal):

- environments (Sec. 3): :class:`Environment`, :class:`TaskFamily`, :func:`two_tasks`
  (Sec. 3.1), :func:`hard_easy_mixture` (Sec. 3.2), :func:`table3_environment` (App. C.1),
  :func:`random_environment`;
- exact population quantities (eqs. (1), (2), (5), Proposition 1): :func:`q_matrix`,
  :func:`nal_solution`, :func:`maml_solution`, :func:`meta_loss`,
  :func:`min_meta_loss`, :func:`excess_risk`, :func:`risk_above_task_optima`,
  :func:`noise_floor`;
- Monte Carlo estimates with standard errors: :func:`q_matrix_mc`, :func:`meta_loss_mc`,
  :func:`excess_risk_mc`, :func:`risk_above_task_optima_mc`;
- empirical training objectives and their minimisers (eqs. (3)-(4), (41), (43)):
  :func:`nal_minimiser`, :func:`maml_minimiser`.

Every function validates its input and raises ``ValueError`` with one line naming the
offending argument; none returns a NaN or inf silently.
"""

from maml_landscape.numerics.empirical import maml_minimiser, nal_minimiser
from maml_landscape.numerics.environments import (
    Environment,
    TaskFamily,
    hard_easy_mixture,
    random_environment,
    table3_environment,
    two_tasks,
)
from maml_landscape.numerics.monte_carlo import (
    MonteCarloEstimate,
    excess_risk_mc,
    meta_loss_mc,
    q_matrix_mc,
    risk_above_task_optima_mc,
)
from maml_landscape.numerics.population import (
    excess_risk,
    maml_solution,
    meta_loss,
    min_meta_loss,
    nal_solution,
    noise_floor,
    q_matrix,
    risk_above_task_optima,
)

__all__ = [
    "Environment",
    "MonteCarloEstimate",
    "TaskFamily",
    "excess_risk",
    "excess_risk_mc",
    "hard_easy_mixture",
    "maml_minimiser",
    "maml_solution",
    "meta_loss",
    "meta_loss_mc",
    "min_meta_loss",
    "nal_minimiser",
    "nal_solution",
    "noise_floor",
    "q_matrix",
    "q_matrix_mc",
    "random_environment",
    "risk_above_task_optima",
    "risk_above_task_optima_mc",
    "table3_environment",
    "two_tasks",
]
