"""Population objectives of multi-task linear regression in closed form (Sec. 2 eqs. (1)-(2), Sec. 3 eq. (5)).

The environment is a finite mixture of :class:`TaskFamily`: with probability
``weight`` a task has input covariance ``Sigma`` and solution ``w* ~ N(w_mean, w_cov)``
(``w_cov = 0`` gives a single task). Labels are ``y = <w*, x> + z``, ``z ~ N(0, noise_var)``.
All functions return exact SymPy expressions, so parameters may be rationals or symbols.

:func:`meta_loss` derives ``F_m(w)`` (eq. (1)) step by step from the definition:
the test loss of a task, the one-step adaptation on ``m`` fresh samples, the
expectation over the adaptation noise, over the adaptation inputs
(:func:`~maml_landscape.theory.adaptation.q_matrix`) and over the task's solution.
The population NAL and MAML solutions are the stationary points of the
corresponding objectives (NAL's is ``F`` with ``α = 0``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sympy

from maml_landscape.theory.adaptation import q_matrix
from maml_landscape.theory.gaussian_moments import row_second_moment
from maml_landscape.theory.symbols import HALF

INNER_LOSSES = ("mean", "sum")


def _as_matrix(value, name: str) -> sympy.ImmutableMatrix:
    if isinstance(value, sympy.MatrixBase):
        return sympy.ImmutableMatrix(value)
    if isinstance(value, (list, tuple)):
        return sympy.ImmutableMatrix(value)
    try:
        return sympy.ImmutableMatrix([[sympy.sympify(value)]])
    except (sympy.SympifyError, TypeError) as error:
        raise ValueError(
            f"{name} must be a SymPy Matrix, a nested list or a scalar, got {value!r}"
        ) from error


@dataclass(frozen=True)
class TaskFamily:
    """Tasks with input covariance ``Sigma`` and solutions ``w* ~ N(w_mean, w_cov)``, drawn with prob. ``weight``.

    Matrices may be SymPy matrices, nested lists or (for ``d = 1``) scalars;
    ``w_mean`` is a column of length ``d``; ``w_cov`` defaults to zero (one task).
    """

    weight: sympy.Expr
    Sigma: sympy.ImmutableMatrix
    w_mean: sympy.ImmutableMatrix
    w_cov: sympy.ImmutableMatrix | None = None

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "weight", sympy.sympify(self.weight))
        Sigma = _as_matrix(self.Sigma, "Sigma")
        if not Sigma.is_square or not (Sigma - Sigma.T).is_zero_matrix:
            raise ValueError(f"Sigma must be a symmetric square matrix, got {Sigma!r}")
        d = Sigma.shape[0]
        w_mean = _as_matrix(self.w_mean, "w_mean")
        if w_mean.shape == (1, d) and d > 1:
            w_mean = w_mean.T
        if w_mean.shape != (d, 1):
            raise ValueError(
                f"w_mean must be a column of length {d} (Sigma is {d}x{d}), got shape {w_mean.shape}"
            )
        w_cov = sympy.zeros(d, d) if self.w_cov is None else self.w_cov
        w_cov = _as_matrix(w_cov, "w_cov")
        if w_cov.shape != (d, d) or not (w_cov - w_cov.T).is_zero_matrix:
            raise ValueError(f"w_cov must be a symmetric {d}x{d} matrix, got {w_cov!r}")
        if self.weight.is_negative:
            raise ValueError(f"weight must be non-negative, got {self.weight}")
        set_(self, "Sigma", Sigma)
        set_(self, "w_mean", w_mean)
        set_(self, "w_cov", sympy.ImmutableMatrix(w_cov))

    @property
    def dimension(self) -> int:
        return self.Sigma.shape[0]


def environment_dimension(families: Sequence[TaskFamily]) -> int:
    """The common dimension ``d`` of the families; raises ``ValueError`` if the environment is malformed."""
    families = tuple(families)
    if not families:
        raise ValueError("an environment needs at least one TaskFamily")
    if not all(isinstance(f, TaskFamily) for f in families):
        raise ValueError("families must be TaskFamily instances")
    dims = {f.dimension for f in families}
    if len(dims) != 1:
        raise ValueError(f"all families must have the same dimension, got {sorted(dims)}")
    total = sympy.simplify(sum(f.weight for f in families) - 1)
    if total != 0:
        raise ValueError(f"family weights must sum to 1 (they sum to 1 + {total}); normalise them")
    return dims.pop()


def _column(w, d: int) -> sympy.Matrix:
    w = sympy.Matrix(_as_matrix(w, "w"))
    if w.shape == (1, d):
        w = w.T
    if w.shape != (d, 1):
        raise ValueError(f"w must be a column of length {d}, got shape {w.shape}")
    return w


def _inner_step_scale(m: sympy.Expr, inner_loss: str) -> sympy.Expr:
    """``c`` with ``∇f̂ = c X̂ᵀ(X̂w - ŷ)``: ``1/m`` for the averaged loss (Sec. 2), ``1`` for ``½‖X̂w - ŷ‖²`` (Sec. 3 as printed)."""
    if inner_loss == "mean":
        return 1 / m
    if inner_loss == "sum":
        return sympy.Integer(1)
    raise ValueError(f"inner_loss must be one of {INNER_LOSSES}, got {inner_loss!r}")


def inner_loss_gradients(samples: int, d: int) -> tuple[sympy.Matrix, sympy.Matrix, sympy.Matrix]:
    """The inner-loss gradients on explicit symbolic ``X̂`` (``samples × d``), ``ŷ``, ``w``, by differentiation.

    Returns ``∇_w ½‖X̂w - ŷ‖²`` (Sec. 3 as printed), ``∇_w (1/(2m))‖X̂w - ŷ‖²`` (the averaged
    loss of Sec. 2, ``m = samples``) and the closed form ``X̂ᵀ(X̂w - ŷ)``.
    """
    X = sympy.Matrix(samples, d, lambda i, j: sympy.Symbol(f"x_{i}{j}"))
    y = sympy.Matrix(samples, 1, lambda i, _: sympy.Symbol(f"y_{i}"))
    w = sympy.Matrix(d, 1, lambda i, _: sympy.Symbol(f"w_{i}"))
    r = X * w - y
    total = (r.T * r)[0, 0] / 2
    grad_sum = sympy.Matrix([sympy.diff(total, v) for v in w])
    grad_mean = sympy.Matrix([sympy.diff(total / samples, v) for v in w])
    return grad_sum, grad_mean, X.T * r


def family_meta_loss(
    w, family: TaskFamily, noise_var, alpha, m, inner_loss: str = "mean"
) -> sympy.Expr:
    """``E_{w*} E_{X̂,ŷ} f(w - α∇f̂(w; X̂, ŷ))`` for one family: eq. (1) restricted to it.

    Derivation (``u = w - w*``, ``ŷ = X̂w* + ẑ``, ``∇f̂ = c X̂ᵀ(X̂w - ŷ)``):

    * test loss ``f(v) = ½ E(<v - w*, x> - z)² = ½ ((v - w*)ᵀ E[xxᵀ] (v - w*) + σ²)``;
    * adapted ``v - w* = P u + αc X̂ᵀẑ`` with ``P = I - αc X̂ᵀX̂``; the cross term has
      ``E ẑ = 0``, and ``E_ẑ[ẑᵀX̂ΣX̂ᵀẑ] = σ² tr(Σ X̂ᵀX̂)``;
    * ``E_X̂[PᵀΣP] = Q`` is :func:`q_matrix` with step ``αcm`` (so that ``P = I - (αcm/m)X̂ᵀX̂``),
      ``E_X̂[X̂ᵀX̂] = m E[xxᵀ]``;
    * ``E_{w*}[uᵀQu] = (w - μ)ᵀQ(w - μ) + tr(Q C)``.
    """
    d = family.dimension
    w = _column(w, d)
    noise_var, alpha, m = (sympy.sympify(v) for v in (noise_var, alpha, m))
    c = _inner_step_scale(m, inner_loss)
    covariance = row_second_moment(sympy.Matrix(family.Sigma))  # E[x xᵀ]
    Q = q_matrix(family.Sigma, alpha * c * m, m)
    offset = w - family.w_mean
    curvature = (offset.T * Q * offset)[0, 0] + (Q * family.w_cov).trace()
    adaptation_noise = alpha**2 * c**2 * noise_var * (covariance * (m * covariance)).trace()
    return sympy.Rational(1, 2) * (curvature + adaptation_noise + noise_var)


def meta_loss(
    w, families: Sequence[TaskFamily], noise_var, alpha, m, inner_loss: str = "mean"
) -> sympy.Expr:
    """``F_m(w)`` of eq. (1) in closed form: the family losses (:func:`family_meta_loss`) averaged by weight.

    ``inner_loss="mean"`` adapts on the averaged empirical loss of Sec. 2;
    ``"sum"`` on ``½‖X̂w - ŷ‖²`` as printed in Sec. 3. ``alpha = 0`` gives the NAL
    population objective ``E_i f_i(w)``.
    """
    d = environment_dimension(families)
    w = _column(w, d)
    placeholder = sympy.Matrix(sympy.symbols(f"_v0:{d}"))
    polynomial = sympy.expand(
        sum(
            f.weight * family_meta_loss(placeholder, f, noise_var, alpha, m, inner_loss)
            for f in families
        )
    )
    return polynomial.xreplace(dict(zip(placeholder, w)))


def stationary_point(objective: Callable[[sympy.Matrix], sympy.Expr], d: int) -> sympy.Matrix:
    """The unique stationary point of a quadratic ``objective(w)`` on ``R^d``: solves ``∇ = 0``.

    Raises ``ValueError`` if the Hessian is singular (no unique solution).
    """
    variables = sympy.symbols(f"_w0:{d}", real=True)
    w = sympy.Matrix(variables)
    value = sympy.expand(objective(w))
    gradient = sympy.Matrix([sympy.diff(value, v) for v in variables])
    hessian, rhs = sympy.linear_eq_to_matrix(list(gradient), list(variables))
    if sympy.cancel(hessian.det()) == 0:
        raise ValueError(
            "the objective's Hessian is singular: the minimiser is not unique; "
            "use positive definite covariances or a non-degenerate step size"
        )
    return hessian.LUsolve(rhs).applyfunc(sympy.cancel)


def nal_solution(families: Sequence[TaskFamily]) -> sympy.Matrix:
    """``w_NAL*``: the minimiser of the population NAL objective ``E_i f_i(w)`` (Sec. 2, eq. (5))."""
    d = environment_dimension(families)
    noise = sympy.Dummy("noise_var")
    return stationary_point(lambda w: meta_loss(w, families, noise, 0, 1), d)


def maml_solution(
    families: Sequence[TaskFamily], alpha, n2, inner_loss: str = "mean"
) -> sympy.Matrix:
    """``w_MAML*``: the minimiser of the population MAML objective ``F_{n2}`` (eq. (1) with ``m = n2``; eq. (5))."""
    d = environment_dimension(families)
    noise = sympy.Dummy("noise_var")
    return stationary_point(lambda w: meta_loss(w, families, noise, alpha, n2, inner_loss), d)


def meta_loss_infimum(
    families: Sequence[TaskFamily], noise_var, alpha, m, inner_loss: str = "mean"
) -> sympy.Expr:
    """``inf_w F_m(w)``, attained at :func:`maml_solution` with ``n2 = m`` (``F_m`` is a convex quadratic)."""
    best = maml_solution(families, alpha, m, inner_loss)
    return meta_loss(best, families, noise_var, alpha, m, inner_loss)


def mean_q_matrix(families: Sequence[TaskFamily], alpha, m) -> sympy.Matrix:
    """``Q̄ = E_i[Q_i^(m)]``, the Hessian of ``F_m`` (eq. (5)'s ``E_i[Q_i^{(n_2)}]`` at ``n2 = m``)."""
    return sum(
        (f.weight * q_matrix(f.Sigma, alpha, m) for f in families),
        sympy.zeros(families[0].dimension),
    )


def meta_loss_infimum_closed_form(families: Sequence[TaskFamily], noise_var, alpha, m) -> sympy.Expr:
    """``inf_w F_m`` in closed form, the correction of eq. (16) (averaged inner loss).

    ``½E_i[σ² + (α²σ²/m)tr Σ_i² + μ_iᵀQ_iμ_i + tr(Q_iC_i)] - ½ b̄ᵀQ̄⁻¹b̄`` with
    ``b̄ = E_i[Q_iμ_i]``, ``Q̄`` = :func:`mean_q_matrix`: :func:`family_meta_loss` with the
    minimiser ``Q̄⁻¹b̄`` substituted, written out (a second route to :func:`meta_loss_infimum`).
    """
    Qs = [q_matrix(f.Sigma, alpha, m) for f in families]
    floor = sum(
        f.weight
        * HALF
        * (
            noise_var
            + alpha**2 * noise_var / m * (f.Sigma**2).trace()
            + (f.w_mean.T * Q * f.w_mean)[0, 0]
            + (Q * f.w_cov).trace()
        )
        for f, Q in zip(families, Qs)
    )
    b = sum(
        (f.weight * Q * f.w_mean for f, Q in zip(families, Qs)),
        sympy.zeros(families[0].dimension, 1),
    )
    Qbar = sum((f.weight * Q for f, Q in zip(families, Qs)), sympy.zeros(families[0].dimension))
    return floor - HALF * (b.T * Qbar.inv() * b)[0, 0]


def excess_risk(
    w, families: Sequence[TaskFamily], noise_var, alpha, m, inner_loss: str = "mean"
) -> sympy.Expr:
    """``E_m(w) = F_m(w) - inf_w' F_m(w')``, the excess risk as defined in eq. (2).

    Equals ``½ (w - w_m)ᵀ E_i[Q_i^(m)] (w - w_m)`` with ``w_m`` = :func:`maml_solution`
    at ``n2 = m``. This is *not* the quantity of Proposition 1 when the tasks'
    solutions differ; see :func:`task_oracle_gap`.
    """
    return meta_loss(w, families, noise_var, alpha, m, inner_loss) - meta_loss_infimum(
        families, noise_var, alpha, m, inner_loss
    )


def task_optimum_loss(
    family: TaskFamily, noise_var, alpha, m, inner_loss: str = "mean"
) -> sympy.Expr:
    """``E_{w*} inf_v F_{m,i}(v)`` over one family: each task's post-adaptation loss at its own solution.

    For a fixed task the post-adaptation loss is ``½ (v - w*)ᵀ Q (v - w*)`` plus terms
    free of ``v``, with ``Q = E[PᵀΣP] ⪰ 0``, so its infimum is the value at ``v = w*``.
    """
    fixed = TaskFamily(1, family.Sigma, family.w_mean)
    return family_meta_loss(family.w_mean, fixed, noise_var, alpha, m, inner_loss)


def task_oracle_gap(
    w, families: Sequence[TaskFamily], noise_var, alpha, m, inner_loss: str = "mean"
) -> sympy.Expr:
    """``F_m(w) - E_i inf_v F_{m,i}(v)``: the loss above each task's own optimum (the quantity of Prop. 1).

    Equals ``½ E_i ‖w - w_i*‖²_{Q_i^(m)}``, i.e. per family
    ``½ ((w - μ)ᵀ Q (w - μ) + tr(Q C))``; it exceeds :func:`excess_risk` by the
    ``w``-independent ``inf F_m - E_i inf F_{m,i} ≥ 0``, which vanishes iff the infimum
    of ``F_m`` is attained at every task's solution at once.
    """
    environment_dimension(families)
    floor = sum(f.weight * task_optimum_loss(f, noise_var, alpha, m, inner_loss) for f in families)
    return meta_loss(w, families, noise_var, alpha, m, inner_loss) - sympy.expand(floor)
