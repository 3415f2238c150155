"""Figures 4-6 (Sec. 4, App. C.3): NAL and MAML loss landscapes of one neuron, d = 2, four tasks.

Task i: x ~ N(0, s_i I_2) (s = 0.5 hard, 1 easy), y = σ(<w_i*, x>) without noise, σ =
Softplus or Sigmoid. As in App. C.3 the landscapes are empirical: eq. (3) on n = 500
samples per task (NAL) and eq. (4) with τ = 25 episodes of n2 inner and n1 = 20 outer
samples per task (MAML; n2 = m = 250 Softplus, 80 Sigmoid), averaged losses. The
ground-truth neurons are unstated: :data:`ENVIRONMENTS` holds the positions chosen
inside the printed -2..2 window. Solutions: grid minimum refined on finer local grids.
Post-adaptation losses at the two solutions are re-estimated on fresh data, paired.
:func:`statement_failures` reads Sec. 4's statement about one environment as measurable
conditions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure as MplFigure

from maml_landscape.numerics.figures import printed
from maml_landscape.numerics.figures.common import MAML_COLOUR, NAL_COLOUR


def _sigmoid(u: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * u))


def _sigmoid_slope(u: np.ndarray) -> np.ndarray:
    s = _sigmoid(u)
    return s * (1.0 - s)


#: activation -> (σ, σ')
ACTIVATIONS: dict[str, tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]] = {
    "softplus": (lambda u: np.logaddexp(0.0, u), _sigmoid),
    "sigmoid": (_sigmoid, _sigmoid_slope),
}


@dataclass(frozen=True)
class NeuronEnvironment:
    """Four single-neuron regression tasks: ground-truth neurons (4, 2) and which are hard."""

    name: str
    activation: str
    neurons: tuple[tuple[float, float], ...]
    hard: tuple[bool, ...]

    @property
    def variances(self) -> np.ndarray:
        return np.where(self.hard, printed.NEURON_HARD_VARIANCE, printed.NEURON_EASY_VARIANCE)

    def centroid(self, hard: bool) -> np.ndarray | None:
        mask = np.array(self.hard) == hard
        return np.array(self.neurons)[mask].mean(axis=0) if mask.any() else None


#: Chosen ground-truth neurons (unstated in the paper), inside the printed -2..2 window.
ENVIRONMENTS = (
    NeuronEnvironment("Fig. 4(a)-(b): all tasks equally hard", "softplus",
                      ((1.5, 1.0), (0.5, -1.0), (-1.0, 1.5), (-1.5, -0.5)), (False,) * 4),
    NeuronEnvironment("Fig. 4(c)-(d): one hard task", "softplus",
                      ((1.0, 1.5), (1.5, 0.5), (0.5, 0.5), (-1.5, -1.0)), (False, False, False, True)),
    NeuronEnvironment("Fig. 6(a)-(b): small R", "sigmoid",
                      ((-1.0, 1.0), (1.0, -1.0), (0.3, 0.2), (-0.2, -0.3)), (False, False, True, True)),
    NeuronEnvironment("Fig. 6(c)-(d): large R, small r_H", "sigmoid",
                      ((1.0, 1.5), (1.5, 1.0), (-1.5, -1.2), (-1.2, -1.5)), (False, False, True, True)),
)


@dataclass(frozen=True)
class LandscapeData:
    """Sampled data: NAL (T, n, 2), (T, n); MAML episodes (T, τ, n2|n1, 2), (T, τ, n2|n1)."""

    x_nal: np.ndarray
    y_nal: np.ndarray
    x_in: np.ndarray
    y_in: np.ndarray
    x_out: np.ndarray
    y_out: np.ndarray


def sample_data(env: NeuronEnvironment, rng: np.random.Generator, tau: int) -> LandscapeData:
    """Gaussian inputs and noiseless labels for NAL (n = 500) and τ MAML episodes per task."""
    sigma, _ = ACTIVATIONS[env.activation]
    n2 = printed.NEURON_N2[env.activation]
    neurons = np.array(env.neurons)
    scale = np.sqrt(env.variances)

    def draw(shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
        x = rng.standard_normal((len(neurons), *shape, 2)) * scale.reshape(-1, *([1] * len(shape)), 1)
        labels = sigma(np.einsum("t...k,tk->t...", x, neurons))
        return x, labels

    x_nal, y_nal = draw((printed.NEURON_NAL_SAMPLES,))
    x_in, y_in = draw((tau, n2))
    x_out, y_out = draw((tau, printed.NEURON_N1))
    return LandscapeData(x_nal, y_nal, x_in, y_in, x_out, y_out)


def nal_loss(points: np.ndarray, data: LandscapeData, activation: str) -> np.ndarray:
    """Eq. (3) with averaged task losses at each point (P, 2): (P,)."""
    sigma, _ = ACTIVATIONS[activation]
    prediction = sigma(np.einsum("tnk,pk->ptn", data.x_nal, points))
    return 0.5 * np.mean((prediction - data.y_nal) ** 2, axis=(1, 2))


def maml_episode_losses(points: np.ndarray, data: LandscapeData, activation: str, alpha: float) -> np.ndarray:
    """Post-adaptation outer loss of every episode (eq. (4)'s summands): (P, T, τ)."""
    sigma, slope = ACTIVATIONS[activation]
    u = np.einsum("tenk,pk->pten", data.x_in, points)
    signal = (sigma(u) - data.y_in) * slope(u)
    gradient = np.einsum("pten,tenk->ptek", signal, data.x_in) / data.x_in.shape[2]
    adapted = points[:, None, None, :] - alpha * gradient
    prediction = sigma(np.einsum("tenk,ptek->pten", data.x_out, adapted))
    return 0.5 * np.mean((prediction - data.y_out) ** 2, axis=-1)


def maml_loss(points: np.ndarray, data: LandscapeData, activation: str, alpha: float, chunk: int = 64) -> np.ndarray:
    """Eq. (4) with averaged losses at each point (P, 2): (P,), in chunks of points."""
    return np.concatenate([
        maml_episode_losses(points[i : i + chunk], data, activation, alpha).mean(axis=(1, 2))
        for i in range(0, len(points), chunk)
    ])


def natural_alpha(env: NeuronEnvironment, seed: int, samples: int = 20000) -> float:
    """1/L with L the largest Hessian eigenvalue of any task's loss at its own neuron.

    At w_i* the residual vanishes, so ∇²f_i(w_i*) = E[σ'(<w_i*, x>)² x xᵀ] (Monte Carlo,
    ``samples`` inputs per task): the analogue of Sec. 3.1's "natural choice" α = 1/ρ_E.
    """
    _, slope = ACTIVATIONS[env.activation]
    rng = np.random.default_rng(seed)
    neurons = np.array(env.neurons)
    x = rng.standard_normal((len(neurons), samples, 2)) * np.sqrt(env.variances)[:, None, None]
    weights = slope(np.einsum("tnk,tk->tn", x, neurons)) ** 2
    hessians = np.einsum("tn,tni,tnj->tij", weights, x, x) / samples
    return float(1.0 / np.linalg.eigvalsh(hessians)[:, -1].max())


def _grid(size: int, centre: tuple[float, float] = (0.0, 0.0), half_width: float = 2.0) -> tuple[np.ndarray, ...]:
    axis_x = np.linspace(centre[0] - half_width, centre[0] + half_width, size)
    axis_y = np.linspace(centre[1] - half_width, centre[1] + half_width, size)
    gx, gy = np.meshgrid(axis_x, axis_y)
    return gx, gy, np.column_stack([gx.ravel(), gy.ravel()])


def minimise(loss: Callable[[np.ndarray], np.ndarray], values: np.ndarray, points: np.ndarray, spacing: float) -> np.ndarray:
    """The grid minimiser refined four times on 5×5 local grids of halving width."""
    best = points[np.argmin(values)]
    width = spacing
    for _ in range(4):
        _, _, local = _grid(5, tuple(best), width)
        best = local[np.argmin(loss(local))]
        width /= 2
    return best


@dataclass(frozen=True)
class Landscape:
    """Both landscapes of one environment, their minimisers and fresh-data losses at them."""

    env: NeuronEnvironment
    alpha: float
    grid_x: np.ndarray
    grid_y: np.ndarray
    nal_values: np.ndarray  # (size, size)
    maml_values: np.ndarray
    nal_solution: np.ndarray
    maml_solution: np.ndarray
    post_adaptation_nal: float  # eq. (4) on fresh data at w_NAL
    post_adaptation_maml: float  # ... at w_MAML
    difference_stderr: float  # of (loss at w_NAL) - (loss at w_MAML), paired over episodes

    def distance_to(self, point: np.ndarray | None) -> tuple[float, float]:
        """(‖w_NAL - point‖, ‖w_MAML - point‖)."""
        if point is None:
            return (float("nan"), float("nan"))
        return float(np.linalg.norm(self.nal_solution - point)), float(np.linalg.norm(self.maml_solution - point))


@lru_cache(maxsize=16)
def landscape(env: NeuronEnvironment, alpha: float, size: int, fresh_tau: int, seed: int) -> Landscape:
    """Sample data, evaluate both landscapes on a size×size grid over [-2, 2]², minimise, re-evaluate."""
    rng = np.random.default_rng(seed)
    data = sample_data(env, rng, printed.NEURON_TAU)
    gx, gy, points = _grid(size)
    spacing = 4.0 / (size - 1)
    nal_values = nal_loss(points, data, env.activation)
    maml_values = maml_loss(points, data, env.activation, alpha)
    w_nal = minimise(lambda p: nal_loss(p, data, env.activation), nal_values, points, spacing)
    w_maml = minimise(lambda p: maml_loss(p, data, env.activation, alpha), maml_values, points, spacing)
    fresh = sample_data(env, rng, fresh_tau)
    episodes = maml_episode_losses(np.stack([w_nal, w_maml]), fresh, env.activation, alpha)
    difference = (episodes[0] - episodes[1]).ravel()
    return Landscape(
        env, alpha, gx, gy, nal_values.reshape(gx.shape), maml_values.reshape(gx.shape), w_nal, w_maml,
        float(episodes[0].mean()), float(episodes[1].mean()),
        float(difference.std(ddof=1) / np.sqrt(difference.size)),
    )


CLOSE = 0.25  # solutions "coincide"/"close": within 0.25 (1/16 of the printed window)
FAR = 0.5
SIGNIFICANT = 0.9  # "significantly smaller" loss: at most 90% of NAL's and paired z > threshold
SIMILAR = 0.1  # "similar" loss: relative difference below 10%
COINCIDE = (0, 2)  # environments whose statement is "solutions close, losses similar"


def statement_failures(index: int, env: NeuronEnvironment, ls: Landscape, z: float, threshold: float,
                       close: float = CLOSE, far: float = FAR, significant: float = SIGNIFICANT,
                       similar: float = SIMILAR) -> list[str]:
    """The conditions of one environment's statement (Figs. 4-6) that fail, each with its measured value.

    ``z`` is the paired z of NAL's minus MAML's post-adaptation loss on fresh data; the
    statement of environment 3 (Fig. 6(c)-(d)) also needs solutions at least ``far`` apart.
    The readings of Sec. 4's words: solutions "close" within ``close``, losses "similar" within
    ``similar`` (relative), a "significantly smaller" loss at most ``significant`` × NAL's.
    """
    gap = float(np.linalg.norm(ls.nal_solution - ls.maml_solution))
    nal, maml = ls.post_adaptation_nal, ls.post_adaptation_maml
    failures = []
    if index in COINCIDE:
        if not gap <= close:
            failures.append(f"‖w_NAL − w_MAML‖ = {gap:.2f} > {close}")
        if not abs(nal - maml) <= similar * nal:
            failures.append(f"losses differ by {100 * abs(nal - maml) / nal:.1f}% > {100 * similar:.0f}%")
        return failures
    nal_hard, maml_hard = ls.distance_to(env.centroid(True))
    nal_easy, maml_easy = ls.distance_to(env.centroid(False))
    if not maml_hard < nal_hard:
        failures.append(f"MAML not closer to the hard centroid ({maml_hard:.2f} vs NAL {nal_hard:.2f})")
    if not nal_easy < maml_easy:
        failures.append(f"NAL not closer to the easy centroid ({nal_easy:.2f} vs MAML {maml_easy:.2f})")
    if not maml <= significant * nal:
        failures.append(f"loss ratio MAML/NAL = {maml / nal:.2f} > {significant}")
    if not z > threshold:
        failures.append(f"paired z = {z:.1f} ≤ {threshold:.2f}")
    if index == 3 and not gap >= far:
        failures.append(f"‖w_NAL − w_MAML‖ = {gap:.2f} < {far}")
    return failures


#: Colour-bar labels: what each landscape's colour shows (averaged losses, Sec. 2).
LOSS_LABELS = {
    "NAL": "NAL loss, eq. (3)\n(log scale)",
    "MAML": "MAML loss, eq. (4)\n(after one step; log scale)",
}


def _draw_landscape(fig: MplFigure, ax, ls: Landscape, name: str, values: np.ndarray) -> None:
    """One panel: the loss on the printed -2..2 window, the tasks' neurons and both solutions."""
    neurons = np.array(ls.env.neurons)
    hard = np.array(ls.env.hard)
    mesh = ax.pcolormesh(ls.grid_x, ls.grid_y, values, norm=LogNorm(), shading="auto", cmap="viridis")
    fig.colorbar(mesh, ax=ax, label=LOSS_LABELS[name])
    ax.scatter(*neurons[~hard].T, marker="o", s=70, color="white", edgecolor="k",
               label=f"easy task's neuron $w_i^*$ ($\\Sigma = {printed.NEURON_EASY_VARIANCE:g} I$)")
    if hard.any():
        ax.scatter(*neurons[hard].T, marker="s", s=70, color="orange", edgecolor="k",
                   label=f"hard task's neuron $w_i^*$ ($\\Sigma = {printed.NEURON_HARD_VARIANCE:g} I$)")
    ax.scatter(*ls.nal_solution, marker="*", s=320, color=NAL_COLOUR, edgecolor="w", label="NAL solution (min. of eq. (3))")
    ax.scatter(*ls.maml_solution, marker="*", s=320, color=MAML_COLOUR, edgecolor="w",
               label="MAML solution (min. of eq. (4))")
    ax.set_xlim(*printed.NEURON_AXIS)
    ax.set_ylim(*printed.NEURON_AXIS)
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    ax.set_title(f"{name}: {ls.env.name}\n{ls.env.activation}, $\\alpha$ = {ls.alpha:g}")


def plot(landscapes: list[Landscape], title: str) -> MplFigure:
    """One row per environment: NAL landscape (left) and MAML landscape (right), log colour scale.

    The window is the paper's printed -2..2 (Figs. 4-6); one legend below the panels names every mark.
    """
    fig, axes = plt.subplots(len(landscapes), 2, figsize=(12, 5.2 * len(landscapes)), squeeze=False,
                             layout="constrained")
    for row, ls in enumerate(landscapes):
        for column, (name, values) in enumerate((("NAL", ls.nal_values), ("MAML", ls.maml_values))):
            _draw_landscape(fig, axes[row, column], ls, name, values)
    fullest = max(axes.ravel(), key=lambda ax: len(ax.get_legend_handles_labels()[1]))  # a panel with hard tasks
    fig.legend(*fullest.get_legend_handles_labels(), loc="outside lower center", ncol=2, frameon=False)
    fig.suptitle(f"{title}: chosen neurons (unstated in the paper, see the evidence)")
    return fig
