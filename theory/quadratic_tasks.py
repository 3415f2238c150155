"""Two quadratic tasks: exact MAML/NAL stationary points and gradient-norm ratios (Theorem 1, Lemma 1).

Task i is ``f_i(w) = ½ (w - w_i*)ᵀ H_i (w - w_i*)``; the environment is uniform over
the two tasks and the inner step uses the full gradient (m = ∞), so the MAML objective
is eq. (30), ``F_∞(w) = ½ f_1(w - α∇f_1(w)) + ½ f_2(w - α∇f_2(w))``, and the NAL
objective is ``½ f_1(w) + ½ f_2(w)``. Everything is derived from these definitions
with SymPy (stationary points by solving ∇F = 0), exactly: with rational inputs
every quantity below is rational, so inequalities are decided without rounding.

Ratios of Euclidean norms are returned squared (``‖a‖²/‖b‖²``) so they stay rational.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sympy as sp

from maml_landscape.theory.symbols import ALPHA


@dataclass(frozen=True)
class QuadraticPair:
    """Two quadratic tasks ``f_i(w) = ½ (w - w_i*)ᵀ H_i (w - w_i*)`` (SymPy matrices)."""

    H1: sp.Matrix
    H2: sp.Matrix
    w1: sp.Matrix
    w2: sp.Matrix

    def __post_init__(self) -> None:
        d = self.w1.shape[0]
        for name, H in (("H1", self.H1), ("H2", self.H2)):
            if H.shape != (d, d):
                raise ValueError(f"{name} must be {d}x{d} to match w1, got {H.shape}")
            if H != H.T:
                raise ValueError(f"{name} must be symmetric (a Hessian); symmetrise it first")
        if self.w2.shape != (d, 1):
            raise ValueError(f"w2 must be a column vector of length {d}, got shape {self.w2.shape}")

    @property
    def dim(self) -> int:
        return self.w1.shape[0]

    def gradient(self, task: int, w: sp.Matrix) -> sp.Matrix:
        """``∇f_i(w) = H_i (w - w_i*)``."""
        H, w_star = self._task(task)
        return H * (w - w_star)

    def loss(self, task: int, w: sp.Matrix) -> sp.Expr:
        H, w_star = self._task(task)
        return ((w - w_star).T * H * (w - w_star))[0, 0] / 2

    def adapted(self, task: int, w: sp.Matrix, alpha: sp.Expr) -> sp.Matrix:
        """One full-gradient inner step, ``w_i = w - α∇f_i(w)`` (Lemma 1)."""
        return w - alpha * self.gradient(task, w)

    def _task(self, task: int) -> tuple[sp.Matrix, sp.Matrix]:
        if task == 1:
            return self.H1, self.w1
        if task == 2:
            return self.H2, self.w2
        raise ValueError(f"task must be 1 or 2, got {task!r}")


def maml_objective(pair: QuadraticPair, alpha: sp.Expr, w: sp.Matrix) -> sp.Expr:
    """Eq. (30): ``½ f_1(w - α∇f_1(w)) + ½ f_2(w - α∇f_2(w))``."""
    return sum(pair.loss(i, pair.adapted(i, w, alpha)) for i in (1, 2)) / 2


def nal_objective(pair: QuadraticPair, w: sp.Matrix) -> sp.Expr:
    """Two-task NAL population loss ``½ f_1(w) + ½ f_2(w)`` (eq. 3 with T → ∞)."""
    return (pair.loss(1, w) + pair.loss(2, w)) / 2


def _stationarity_system(objective: sp.Expr, w: sp.Matrix) -> tuple[sp.Matrix, sp.Matrix]:
    """``(A, b)`` with ``∇objective(w) = A w - b`` (linear in w for quadratic tasks)."""
    equations = [sp.expand(sp.diff(objective, wk)) for wk in w]
    A, b = sp.linear_eq_to_matrix(equations, list(w))
    return A, b


def _variables(d: int) -> sp.Matrix:
    return sp.Matrix(sp.symbols(f"w0:{d}", real=True))


def _solve(A: sp.Matrix, b: sp.Matrix) -> sp.Matrix:
    if sp.cancel(A.det()) == 0:
        raise ValueError("the objective has no unique stationary point (singular system)")
    return A.LUsolve(b).applyfunc(sp.cancel)


def maml_stationarity_system(pair: QuadraticPair, alpha: sp.Expr) -> tuple[sp.Matrix, sp.Matrix]:
    """``(A(α), b(α))`` with ``∇F_∞(w) = A(α) w - b(α)``, from differentiating eq. (30)."""
    w = _variables(pair.dim)
    return _stationarity_system(maml_objective(pair, alpha, w), w)


def maml_stationary_point(pair: QuadraticPair, alpha: sp.Expr) -> sp.Matrix:
    """Stationary point of eq. (30), from solving ``∇F_∞(w) = 0``."""
    return _solve(*maml_stationarity_system(pair, alpha))


def maml_stationary_point_first_order(pair: QuadraticPair, alpha: sp.Symbol) -> sp.Matrix:
    """``w_0 + α w_1``: the MAML stationary point to first order in α (implicit differentiation).

    From ``A(α) w(α) = b(α)``: ``w_0 = A(0)⁻¹ b(0)`` and ``w_1 = A(0)⁻¹ (b'(0) - A'(0) w_0)``;
    enough to get the first-order coefficient of any smooth function of ``w(α)`` exactly.
    """
    A, b = maml_stationarity_system(pair, alpha)
    A0, b0 = A.subs(alpha, 0), b.subs(alpha, 0)
    A1, b1 = sp.diff(A, alpha).subs(alpha, 0), sp.diff(b, alpha).subs(alpha, 0)
    w0 = _solve(A0, b0)
    w1 = _solve(A0, b1 - A1 * w0)
    return w0 + alpha * w1


def nal_stationary_point(pair: QuadraticPair) -> sp.Matrix:
    """Stationary point of the NAL population loss, from solving its gradient equation."""
    w = _variables(pair.dim)
    return _solve(*_stationarity_system(nal_objective(pair, w), w))


def squared_norm(v: sp.Matrix) -> sp.Expr:
    return sp.cancel((v.T * v)[0, 0])


def gradient_norms_squared(pair: QuadraticPair, w: sp.Matrix) -> tuple[sp.Expr, sp.Expr]:
    """``(‖∇f_1(w)‖², ‖∇f_2(w)‖²)``."""
    return squared_norm(pair.gradient(1, w)), squared_norm(pair.gradient(2, w))


def post_adaptation_norms_squared(pair: QuadraticPair, w: sp.Matrix, alpha: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """``(‖∇f_1(w_1)‖², ‖∇f_2(w_2)‖²)`` with ``w_i = w - α∇f_i(w)`` (Lemma 1)."""
    return tuple(squared_norm(pair.gradient(i, pair.adapted(i, w, alpha))) for i in (1, 2))


def gradient_ratio_squared(pair: QuadraticPair, w: sp.Matrix) -> sp.Expr:
    """``‖∇f_1(w)‖² / ‖∇f_2(w)‖²`` (the ratio bounded by eqs. 13 and 36, squared)."""
    num, den = gradient_norms_squared(pair, w)
    return sp.cancel(num / den)


def post_adaptation_ratio_squared(pair: QuadraticPair, w: sp.Matrix, alpha: sp.Expr) -> sp.Expr:
    """``‖∇f_1(w_1)‖² / ‖∇f_2(w_2)‖²`` with ``w_i = w - α∇f_i(w)`` (the ratio of eq. 29, squared)."""
    num, den = post_adaptation_norms_squared(pair, w, alpha)
    return sp.cancel(num / den)


@cache
def isotropic_ratios(d: int = 2) -> tuple[sp.Expr, sp.Expr, tuple[sp.Symbol, sp.Symbol, sp.Symbol]]:
    """Exact ratios at the MAML stationary point for ``H_i = h_i I_d`` and symbolic ``w_i*``.

    Returns ``(pre, post, (alpha, h1, h2))``: ``pre = ‖∇f_1(w_MAML)‖/‖∇f_2(w_MAML)‖`` and
    ``post = ‖∇f_1(w_1)‖/‖∇f_2(w_2)‖``, simplified in the admissible region
    ``0 < α h_i < 1`` (where ``1 - αh_i > 0`` fixes the square root's branch).
    """
    alpha = ALPHA
    h1, h2 = sp.symbols("h_1 h_2", positive=True)
    w1 = sp.Matrix(sp.symbols(f"a0:{d}", real=True))
    w2 = sp.Matrix(sp.symbols(f"b0:{d}", real=True))
    pair = QuadraticPair(h1 * sp.eye(d), h2 * sp.eye(d), w1, w2)
    w_maml = maml_stationary_point(pair, alpha)
    branch = {h1: sp.Symbol("u_1", positive=True), h2: sp.Symbol("u_2", positive=True)}
    results = []
    for squared in (gradient_ratio_squared(pair, w_maml),
                    post_adaptation_ratio_squared(pair, w_maml, alpha)):
        factored = sp.factor(squared)
        # In the admissible region 1 - αh_i > 0, so sqrt((1 - αh)^(2k)) = (1 - αh)^k:
        # substitute h_i = (1 - u_i)/α with u_i > 0, take the root, substitute back.
        positive_form = sp.factor(factored.subs({h: (1 - u) / alpha for h, u in branch.items()}))
        root = sp.sqrt(positive_form)
        results.append(sp.factor(sp.simplify(root.subs({u: 1 - alpha * h for h, u in branch.items()}))))
    return results[0], results[1], (alpha, h1, h2)


def rational_orthogonal(skew_entries: list[sp.Rational], d: int) -> sp.Matrix:
    """A rational orthogonal matrix by the Cayley transform ``(I - S)(I + S)⁻¹`` of a rational skew S.

    ``skew_entries`` fills the strict upper triangle of S row by row (``d(d-1)/2`` entries).
    """
    needed = d * (d - 1) // 2
    if len(skew_entries) != needed:
        raise ValueError(f"a {d}x{d} skew matrix needs {needed} entries, got {len(skew_entries)}")
    S = sp.zeros(d, d)
    entries = iter(skew_entries)
    for r in range(d):
        for c in range(r + 1, d):
            S[r, c] = sp.Rational(next(entries))
            S[c, r] = -S[r, c]
    return (sp.eye(d) - S) * (sp.eye(d) + S).inv()


def rational_spd(eigenvalues: list[sp.Rational], skew_entries: list[sp.Rational]) -> sp.Matrix:
    """``Qᵀ diag(eigenvalues) Q`` with rational Q: a rational SPD Hessian with known exact spectrum."""
    if any(sp.Rational(e) <= 0 for e in eigenvalues):
        raise ValueError(f"eigenvalues must be positive for a positive definite Hessian, got {eigenvalues}")
    Q = rational_orthogonal(skew_entries, len(eigenvalues))
    return Q.T * sp.diag(*[sp.Rational(e) for e in eigenvalues]) * Q


def first_order_coefficient(squared_ratio: sp.Expr, alpha: sp.Symbol) -> tuple[sp.Expr, sp.Expr]:
    """``(r_0, r_1)`` with ``r(α) = sqrt(squared_ratio) = r_0 + r_1 α + O(α²)`` as α → 0.

    ``squared_ratio`` must be regular at α = 0; it may be built from
    :func:`maml_stationary_point_first_order` (the O(α²) part of w(α) does not enter r_1).
    """
    rho0 = sp.cancel(squared_ratio.subs(alpha, 0))
    rho1 = sp.cancel(sp.diff(squared_ratio, alpha).subs(alpha, 0))
    r0 = sp.sqrt(rho0)
    return sp.simplify(r0), sp.simplify(rho1 / (2 * r0))


@dataclass(frozen=True)
class Spectra:
    """Exact Hessian eigenvalue bounds ``β_i = λ_min(H_i)``, ``L_i = λ_max(H_i)``."""

    beta1: sp.Rational
    L1: sp.Rational
    beta2: sp.Rational
    L2: sp.Rational

    @property
    def theorem_hypotheses(self) -> bool:
        """Theorem 1's ordering ``β_1 < β_2`` and ``L_1 < L_2`` (task 1 the hard task)."""
        return self.beta1 < self.beta2 and self.L1 < self.L2


def random_rational_pair(rng, d: int, denominator: int = 8) -> tuple[QuadraticPair, Spectra]:
    """A random pair with rational spectra satisfying ``0 < β_1 < β_2`` and ``L_1 < L_2``.

    Eigenvalues are multiples of ``1/denominator`` in ``(0, 4]``; eigenvectors come from a
    rational Cayley rotation; ``w_i*`` are distinct integer vectors in ``[-3, 3]^d``.
    """
    if d < 1:
        raise ValueError(f"d must be a positive integer, got {d}")
    while True:
        spectra = [sorted(int(k) for k in rng.integers(1, 4 * denominator + 1, size=d)) for _ in (1, 2)]
        bounds = Spectra(*(sp.Rational(v, denominator) for v in
                           (spectra[0][0], spectra[0][-1], spectra[1][0], spectra[1][-1])))
        if bounds.theorem_hypotheses:
            break
    n_skew = d * (d - 1) // 2
    hessians = [rational_spd([sp.Rational(v, denominator) for v in spec],
                             [sp.Rational(int(k), 5) for k in rng.integers(-10, 11, size=n_skew)])
                for spec in spectra]
    while True:
        w1, w2 = (sp.Matrix([int(k) for k in rng.integers(-3, 4, size=d)]) for _ in (1, 2))
        if w1 != w2:
            break
    return QuadraticPair(hessians[0], hessians[1], w1, w2), bounds
