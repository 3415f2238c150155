"""k inner SGD steps on fresh batches: the k-step analogue of Lemma 2's Q^(m), derived in SymPy.

Definitions (Sec. 2, eq. (1)): a task has x ~ N(0, Σ), y = <w*, x> + z, z ~ N(0, ν²); inner
step j draws a fresh batch (X_j, y_j) of m samples and steps on the averaged empirical loss
f̂(w) = (1/(2m))‖X_j w - y_j‖², w_j = w_{j-1} - α ∇f̂(w_{j-1}); after k steps the task's loss
is f(w_k) = ½ E(<w_k, x> - y)².

Derivation, each step a function below:

1. :func:`sgd_step` differentiates f̂ and takes the step; with e_j = w_j - w* and
   y_j = X_j w* + z_j it equals :func:`error_update`, e_j = P_j e_{j-1} + (α/m) X_jᵀ z_j with
   P_j = I - (α/m) X_jᵀX_j (checked on explicit symbolic matrices in the tests).
2. The batches are independent of e_{j-1} and z_j has mean 0, so M_j = E[e_j e_jᵀ] obeys
   M_j = E[P M_{j-1} Pᵀ] + (α/m)² E[X_jᵀ z_j z_jᵀ X_j]: :func:`step_map` (Isserlis, through
   :func:`~maml_landscape.theory.gaussian_moments.expected_sandwich`) and
   :func:`injected_noise` (E[zzᵀ] = ν² I, E[XᵀX] = m E[xxᵀ]).
3. The loss after k steps is ½ (tr(E[xxᵀ] M_k) + ν²) (:func:`task_loss`), a quadratic in
   w; its Hessian is the k-step curvature Q^(m,k) (:func:`curvature`) and its value at w = w*
   the task's best loss (:func:`best_loss`). For k = 1 they are Lemma 2's Q^(m) and
   ½ ν² (1 + α² tr(Σ²)/m).
"""

from __future__ import annotations

import sympy

from maml_landscape.theory.gaussian_moments import expected_sandwich, row_second_moment


def averaged_loss(w: sympy.Matrix, X: sympy.Matrix, y: sympy.Matrix) -> sympy.Expr:
    """f̂(w; X, y) = (1/(2m))‖X w - y‖², the averaged empirical loss of Sec. 2 (m = rows of X)."""
    residual = X * w - y
    return (residual.T * residual)[0, 0] / (2 * X.shape[0])


def sgd_step(w: sympy.Matrix, X: sympy.Matrix, y: sympy.Matrix, alpha: sympy.Expr) -> sympy.Matrix:
    """w - α ∇f̂(w; X, y), the gradient taken by differentiating :func:`averaged_loss` entrywise."""
    loss = averaged_loss(w, X, y)
    gradient = sympy.Matrix([sympy.diff(loss, entry) for entry in w])
    return w - alpha * gradient


def error_update(e: sympy.Matrix, X: sympy.Matrix, z: sympy.Matrix, alpha: sympy.Expr) -> sympy.Matrix:
    """P e + (α/m) Xᵀ z with P = I - (α/m) XᵀX: the error after one step (step 1 of the derivation)."""
    m = X.shape[0]
    P = sympy.eye(X.shape[1]) - (alpha / m) * X.T * X
    return P * e + (alpha / m) * X.T * z


def step_map(Sigma: sympy.Matrix, M: sympy.Matrix, alpha: sympy.Expr, m: sympy.Expr) -> sympy.Matrix:
    """T(M) = E[P M Pᵀ] for P = I - (α/m) XᵀX, X with m i.i.d. rows N(0, Σ) (Isserlis).

    P M Pᵀ = M - (α/m)(XᵀX M + M XᵀX) + α² (XᵀX/m) M (XᵀX/m); E[XᵀX] = m E[xxᵀ] and the last
    term is :func:`expected_sandwich` with A = M. ``m`` may be a symbol.
    """
    Sigma, M = sympy.Matrix(Sigma), sympy.Matrix(M)
    gram_mean = m * row_second_moment(Sigma)
    linear = (alpha / m) * (gram_mean * M + M * gram_mean)
    return (M - linear + alpha**2 * expected_sandwich(Sigma, M, m)).applyfunc(sympy.expand)


def injected_noise(Sigma: sympy.Matrix, noise_var: sympy.Expr, alpha: sympy.Expr, m: sympy.Expr) -> sympy.Matrix:
    """(α/m)² E[Xᵀ z zᵀ X] = (α/m)² ν² E[XᵀX] = (α/m)² ν² m E[xxᵀ]: the noise one step adds to M."""
    return ((alpha / m) ** 2 * noise_var * m * row_second_moment(sympy.Matrix(Sigma))).applyfunc(sympy.expand)


def error_second_moment(
    Sigma: sympy.Matrix, M0: sympy.Matrix, noise_var: sympy.Expr, alpha: sympy.Expr, m: sympy.Expr, steps: int
) -> sympy.Matrix:
    """M_k = E[e_k e_kᵀ] from M_0 = e_0 e_0ᵀ: M_j = T(M_{j-1}) + (α/m)² E[XᵀzzᵀX] (step 2)."""
    if steps < 1:
        raise ValueError(f"steps must be a positive integer, got {steps}")
    noise = injected_noise(Sigma, noise_var, alpha, m)
    M = sympy.Matrix(M0)
    for _ in range(steps):
        M = step_map(Sigma, M, alpha, m) + noise
    return M


def task_loss(
    w: sympy.Matrix, w_star: sympy.Matrix, Sigma: sympy.Matrix, noise_var: sympy.Expr,
    alpha: sympy.Expr, m: sympy.Expr, steps: int,
) -> sympy.Expr:
    """E f(w_k) = ½ (tr(E[xxᵀ] M_k) + ν²) after k fresh-batch steps from w (step 3)."""
    e0 = sympy.Matrix(w) - sympy.Matrix(w_star)
    M = error_second_moment(Sigma, e0 * e0.T, noise_var, alpha, m, steps)
    return sympy.expand(sympy.Rational(1, 2) * ((row_second_moment(sympy.Matrix(Sigma)) * M).trace() + noise_var))


def curvature(Sigma: sympy.Matrix, alpha: sympy.Expr, m: sympy.Expr, steps: int) -> sympy.Matrix:
    """Q^(m,k): the Hessian in w of :func:`task_loss` (k = 1: Lemma 2's Q^(m), below eq. (5))."""
    d = sympy.Matrix(Sigma).shape[0]
    w = sympy.Matrix(sympy.symbols(f"_w0:{d}"))
    loss = task_loss(w, sympy.zeros(d, 1), Sigma, sympy.Integer(0), alpha, m, steps)
    return sympy.hessian(loss, list(w)).applyfunc(sympy.expand)


def best_loss(Sigma: sympy.Matrix, noise_var: sympy.Expr, alpha: sympy.Expr, m: sympy.Expr, steps: int) -> sympy.Expr:
    """The task's loss after k steps from its own solution w = w*, where the quadratic is smallest."""
    d = sympy.Matrix(Sigma).shape[0]
    return task_loss(sympy.zeros(d, 1), sympy.zeros(d, 1), Sigma, noise_var, alpha, m, steps)
