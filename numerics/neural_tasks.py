"""Population loss, gradient and Hessian of a two-layer network task in d = 2 (Section 4).

Task i: ``x ~ N(0, s_i I_2)``, ``y = Σ_k σ(⟨w^k_{i,*}, x⟩)`` (no noise), model
``h_W(x) = Σ_k σ(⟨w^k, x⟩)`` with the second layer fixed to ones, loss
``f_i(W) = ½ E (h_W(x) - y)²``. Weights are ``(M, 2)`` arrays whose rows are the neurons
``w^k`` (the transpose of the paper's ``W ∈ R^{d×M}``); flattened vectors are
``W.ravel()``. Theorem 1 takes ``s_i = 1``; Figure 4 uses ``s = 0.5`` (hard) and 1 (easy).

Expectations use a polar Gauss rule for the standard normal in the plane,
``E g(z) = (1/2π) ∫_0^π ∫_R g(r e_θ) |r| e^{-r²/2} dr dθ``: composite Gauss–Legendre
in r on pieces refined near 0, applied to ``g(r e_θ) + g(-r e_θ)`` (the integrand is
smooth in r on each half-line, also for ReLU) and Gauss–Legendre in θ on the pieces
between the angles where some ``⟨v, e_θ⟩ = 0`` (every ReLU kink lies on a piece boundary,
so no kink falls inside a piece). ReLU's Hessian has a line term from
``σ'' = δ``; in d = 2 it is ``u uᵀ (res(u) + res(-u)) / (π‖v_k‖)`` with u the unit vector
orthogonal to ``v_k`` and ``res = h_V - y`` (derived in :func:`_relu_line_term`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

#: Quadrature sizes: Gauss–Legendre nodes per radial piece and per angular piece.
N_RADIAL = 8
N_ANGULAR = 24


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _relu(z):
    return np.maximum(z, 0.0)


def _relu_d(z):
    return (z > 0).astype(float)


def _zero(z):
    return np.zeros_like(z)


def _softplus(z):
    return np.logaddexp(0.0, z)


def _sigmoid_d(z):
    s = _sigmoid(z)
    return s * (1 - s)


def _sigmoid_dd(z):
    s = _sigmoid(z)
    return s * (1 - s) * (1 - 2 * s)


def _tanh_d(z):
    return 1 - np.tanh(z) ** 2


def _tanh_dd(z):
    t = np.tanh(z)
    return -2 * t * (1 - t**2)


#: name -> (σ, σ', σ'') as NumPy ufunc-likes; ReLU's σ'' is 0 plus the line term.
ACTIVATIONS = {
    "relu": (_relu, _relu_d, _zero),
    "softplus": (_softplus, _sigmoid, _sigmoid_d),
    "sigmoid": (_sigmoid, _sigmoid_d, _sigmoid_dd),
    "tanh": (np.tanh, _tanh_d, _tanh_dd),
}


@cache
def _legendre(n: int) -> tuple[np.ndarray, np.ndarray]:
    return np.polynomial.legendre.leggauss(n)


#: Radial piece boundaries: fine near 0 (steep σ(r⟨v, e_θ⟩) for large ‖v‖), truncated at
#: r = 13 where the Gaussian weight is below e^{-84}.
RADIAL_BREAKS = (0.0, 0.125, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.5, 6.5, 9.0, 13.0)


@cache
def _radial_rule(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes r > 0 and weights for ``∫_0^∞ G(r) r e^{-r²/2} dr`` (composite Gauss–Legendre)."""
    x, wx = _legendre(n)
    breaks = np.asarray(RADIAL_BREAKS)
    lo, hi = breaks[:-1, None], breaks[1:, None]
    r = (0.5 * (hi - lo) * x + 0.5 * (hi + lo)).ravel()
    w = (0.5 * (hi - lo) * wx).ravel() * r * np.exp(-0.5 * r**2)
    return r, w


def gaussian_rule(directions: np.ndarray, n_radial: int = N_RADIAL,
                  n_angular: int = N_ANGULAR) -> tuple[np.ndarray, np.ndarray]:
    """Nodes ``z`` (N, 2) and weights (N,) for ``E g(z)``, z ~ N(0, I_2), split at the kinks of ``directions``.

    ``directions`` (K, 2): vectors v whose lines ``⟨v, z⟩ = 0`` must lie on piece boundaries.
    """
    directions = np.atleast_2d(np.asarray(directions, dtype=float))
    if directions.shape[1] != 2:
        raise ValueError(f"directions must have shape (K, 2) (d = 2), got {directions.shape}")
    kinks = np.mod(np.arctan2(directions[:, 1], directions[:, 0]) + np.pi / 2, np.pi)
    cuts = np.unique(np.concatenate([[0.0, np.pi], kinks]))
    cuts = cuts[np.concatenate([[True], np.diff(cuts) > 1e-14])]
    x, wx = _legendre(n_angular)
    lo, hi = cuts[:-1, None], cuts[1:, None]
    theta = (0.5 * (hi - lo) * x + 0.5 * (hi + lo)).ravel()
    w_theta = (0.5 * (hi - lo) * wx).ravel()
    r, w_r = _radial_rule(n_radial)
    e = np.stack([np.cos(theta), np.sin(theta)], axis=1)
    nodes = np.concatenate([r[:, None, None] * e[None], -r[:, None, None] * e[None]], axis=0).reshape(-1, 2)
    weights = np.concatenate([np.outer(w_r, w_theta)] * 2, axis=0).ravel() / (2 * np.pi)
    return nodes, weights


@dataclass(frozen=True)
class NeuronTask:
    """One regression task of Section 4: teacher rows ``w^k_{i,*}``, ``Σ_i = variance · I_2``, activation σ."""

    teacher: np.ndarray
    activation: str
    variance: float = 1.0
    quadrature: tuple[int, int] = (N_RADIAL, N_ANGULAR)

    def __post_init__(self) -> None:
        teacher = np.atleast_2d(np.asarray(self.teacher, dtype=float))
        if teacher.ndim != 2 or teacher.shape[1] != 2:
            raise ValueError(f"teacher must have shape (M, 2): one row per neuron in d = 2, got {teacher.shape}")
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {self.activation!r}; choose one of {', '.join(ACTIVATIONS)}")
        if min(self.quadrature) < 1:
            raise ValueError(f"quadrature sizes (radial, angular) must be positive, got {self.quadrature}")
        if not self.variance > 0:
            raise ValueError(f"variance must be positive (Σ = variance · I), got {self.variance}")
        object.__setattr__(self, "teacher", teacher)

    @property
    def neurons(self) -> int:
        return self.teacher.shape[0]

    def _weights(self, W: np.ndarray) -> np.ndarray:
        W = np.asarray(W, dtype=float).reshape(-1, 2)
        if W.shape != self.teacher.shape:
            raise ValueError(f"weights must have {self.teacher.size} entries (shape {self.teacher.shape}), got {W.size}")
        return W

    def _moments(self, W: np.ndarray):
        """Quadrature nodes/weights and pre-activations in standardised coordinates ``v = √s w``."""
        scale = np.sqrt(self.variance)
        V, V_star = scale * self._weights(W), scale * self.teacher
        z, weights = gaussian_rule(np.concatenate([V, V_star]), *self.quadrature)
        sigma, d_sigma, dd_sigma = ACTIVATIONS[self.activation]
        pre = z @ V.T
        residual = sigma(pre) @ np.ones(V.shape[0]) - sigma(z @ V_star.T) @ np.ones(V_star.shape[0])
        return scale, V, V_star, z, weights, pre, residual

    def loss(self, W: np.ndarray) -> float:
        """``f_i(W) = ½ E (h_W(x) - y)²``."""
        *_, weights, _, residual = self._moments(W)
        return 0.5 * float(weights @ residual**2)

    def gradient(self, W: np.ndarray) -> np.ndarray:
        """``∇f_i(W)``, flattened like ``W.ravel()``."""
        scale, V, _, z, weights, pre, residual = self._moments(W)
        d_sigma = ACTIVATIONS[self.activation][1]
        return scale * (z.T @ (d_sigma(pre) * (weights * residual)[:, None])).T.ravel()

    def gradient_and_hessian(self, W: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(∇f_i(W), ∇²f_i(W))``; the Hessian is D×D (D = 2M), ordered like ``W.ravel()``.

        Block (k, l) is ``E[σ'_k σ'_l z zᵀ] + δ_kl E[res σ''_k z zᵀ]`` in standardised
        coordinates (plus the ReLU line term), times the variance.
        """
        scale, V, V_star, z, weights, pre, residual = self._moments(W)
        _, d_sigma, dd_sigma = ACTIVATIONS[self.activation]
        ds = d_sigma(pre)
        weighted_residual = weights * residual
        gradient = scale * (z.T @ (ds * weighted_residual[:, None])).T.ravel()
        outer = np.stack([z[:, 0] ** 2, z[:, 0] * z[:, 1], z[:, 1] ** 2], axis=1)  # z zᵀ entries
        M = V.shape[0]
        hessian = np.empty((2 * M, 2 * M))
        curvature = (dd_sigma(pre) * weighted_residual[:, None]).T @ outer  # (M, 3)
        for k in range(M):
            for j in range(k, M):
                a, b, c = (weights * ds[:, k] * ds[:, j]) @ outer
                block = np.array([[a, b], [b, c]])
                if k == j:
                    a, b, c = curvature[k]
                    block += np.array([[a, b], [b, c]])
                    if self.activation == "relu":
                        block += _relu_line_term(V, V_star, k)
                hessian[2 * k:2 * k + 2, 2 * j:2 * j + 2] = block
                hessian[2 * j:2 * j + 2, 2 * k:2 * k + 2] = block.T
        return gradient, self.variance * hessian

    def hessian(self, W: np.ndarray) -> np.ndarray:
        """``∇²f_i(W)`` (D×D, D = 2M), rows/columns ordered like ``W.ravel()``."""
        return self.gradient_and_hessian(W)[1]


def _relu_line_term(V: np.ndarray, V_star: np.ndarray, k: int) -> np.ndarray:
    """``E[res(z) δ(⟨v_k, z⟩) z zᵀ]`` for ReLU, z ~ N(0, I_2).

    With z = a v̂_k + b u (u ⊥ v_k, unit), ``δ(⟨v_k, z⟩) = δ(a)/‖v_k‖`` and res is
    positively homogeneous of degree 1, so the term is
    ``u uᵀ/(2π‖v_k‖) ∫ res(b u) b² e^{-b²/2} db = u uᵀ (res(u) + res(-u)) / (π‖v_k‖)``.
    """
    norm = np.linalg.norm(V[k])
    if norm == 0:
        raise ValueError("the ReLU population Hessian is undefined at a zero neuron w^k = 0")
    u = np.array([-V[k, 1], V[k, 0]]) / norm

    def residual(x: np.ndarray) -> float:
        return float(np.maximum(V @ x, 0).sum() - np.maximum(V_star @ x, 0).sum())

    return np.outer(u, u) * (residual(u) + residual(-u)) / (np.pi * norm)
