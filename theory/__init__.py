"""Symbolic derivations (SymPy) of the paper's linear-regression results (Sections 2-4, Appendices A, B, D).

The public API returns exact SymPy expressions, so parameters may be rationals or
symbols; nothing in it is typed from the paper:

- Gaussian moments (Isserlis): :func:`expected_sandwich` (``E[XᵀX A XᵀX]``, Lemma 2's
  left-hand side, derived), :func:`isserlis_moment`;
- the adaptation matrix ``Q^(s) = E[PᵀΣP]`` (eqs. (5), (84)): :func:`q_matrix`;
- population objectives of a mixture of :class:`TaskFamily` (eqs. (1), (2), (5)):
  :func:`meta_loss`, :func:`nal_solution`, :func:`maml_solution`,
  :func:`meta_loss_infimum`, :func:`excess_risk`.

The printed forms (as the paper prints them, errata included) live apart, in
``maml_landscape.theory.printed``, so a derivation and its printed claim are never the
same code.
"""

from maml_landscape.theory.adaptation import q_matrix
from maml_landscape.theory.gaussian_moments import expected_sandwich, isserlis_moment
from maml_landscape.theory.population import (
    TaskFamily,
    excess_risk,
    maml_solution,
    meta_loss,
    meta_loss_infimum,
    nal_solution,
)

__all__ = [
    "TaskFamily",
    "excess_risk",
    "expected_sandwich",
    "isserlis_moment",
    "maml_solution",
    "meta_loss",
    "meta_loss_infimum",
    "nal_solution",
    "q_matrix",
]
