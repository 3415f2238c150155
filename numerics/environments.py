"""Task environments of Sec. 3: finite mixtures of Gaussian linear-regression task families.

A task i draws its data as x ~ N(0, Σ_i), y = <w_i*, x> + z with z ~ N(0, ν²)
(Sec. 3; the appendix calls ν² "σ²"). An :class:`Environment` is a finite mixture of
:class:`TaskFamily` objects: a family is picked with its weight, then its task
solution w* ~ N(w_mean, w_cov) (``w_cov = 0`` gives a fixed task). This covers the
two-task environment of Sec. 3.1 (:func:`two_tasks`), the hard/easy mixture of
Sec. 3.2 (:func:`hard_easy_mixture`) and the Table 3 environment of App. C.1
(:func:`table3_environment`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from maml_landscape.validate import finite_array, positive_finite, positive_int

#: Relative tolerance of the symmetry checks, and of the smallest eigenvalue of Σ (and of
#: w_cov) against max(1, largest eigenvalue). The mixture weights use WEIGHT_TOLERANCE.
RELATIVE_TOLERANCE = 1e-9
#: Absolute tolerance for the mixture weights summing to 1.
WEIGHT_TOLERANCE = 1e-6


def _as_matrix(name: str, value: object, dim: int | None = None) -> np.ndarray:
    try:
        array = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a square (d, d) matrix of numbers") from None
    if array.ndim != 2 or array.shape[0] != array.shape[1]:
        raise ValueError(f"{name} must be a square (d, d) matrix, got shape {array.shape}")
    if dim is not None and array.shape[0] != dim:
        raise ValueError(
            f"{name} has shape {array.shape} but w_mean has dimension {dim}; "
            "give every array of a task family the same dimension d"
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must have finite entries (it has NaN or inf)")
    scale = max(1.0, float(np.max(np.abs(array))))
    if not np.allclose(array, array.T, rtol=0.0, atol=RELATIVE_TOLERANCE * scale):
        raise ValueError(
            f"{name} must be symmetric (to {RELATIVE_TOLERANCE:g} × max(1, largest |entry|)); "
            "symmetrize it, e.g. (M + M.T) / 2"
        )
    return (array + array.T) / 2


def _psd_square_root(matrix: np.ndarray) -> np.ndarray:
    """A matrix L with L Lᵀ = matrix for a symmetric PSD matrix (singular allowed)."""
    eigenvalues, eigenvectors = np.linalg.eigh(matrix)
    return eigenvectors * np.sqrt(np.clip(eigenvalues, 0.0, None))


def _frozen(array: np.ndarray) -> np.ndarray:
    array = np.array(array, dtype=float)
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class TaskFamily:
    """One family of tasks in a finite mixture: weight, data covariance Σ and law of w*.

    Attributes:
        weight: mixture weight (positive; an environment's weights sum to 1).
        sigma: (d, d) symmetric positive definite data covariance Σ.
        w_mean: (d,) mean of the task solution w*.
        w_cov: (d, d) symmetric positive semi-definite covariance of w* (zeros: a fixed task).
    """

    weight: float
    sigma: np.ndarray
    w_mean: np.ndarray
    w_cov: np.ndarray
    _sigma_root: np.ndarray = field(init=False, repr=False)
    _w_root: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        weight = positive_finite("a task family's weight", self.weight)
        w_mean = finite_array("w_mean", self.w_mean)
        if w_mean.ndim != 1 or w_mean.size == 0:
            raise ValueError(
                f"w_mean must be a non-empty vector of shape (d,), got shape {w_mean.shape}"
            )
        dim = w_mean.size
        sigma = _as_matrix("sigma", self.sigma, dim)
        w_cov = _as_matrix("w_cov", self.w_cov, dim)
        _check_data_covariance(sigma)
        cov_eigenvalues = np.linalg.eigvalsh(w_cov)
        if cov_eigenvalues[0] < -RELATIVE_TOLERANCE * max(1.0, abs(cov_eigenvalues[-1])):
            raise ValueError(
                "w_cov must be positive semi-definite (smallest eigenvalue "
                f"{cov_eigenvalues[0]:.3g}); variances of w* cannot be negative"
            )
        object.__setattr__(self, "weight", weight)
        object.__setattr__(self, "sigma", _frozen(sigma))
        object.__setattr__(self, "w_mean", _frozen(w_mean))
        object.__setattr__(self, "w_cov", _frozen(w_cov))
        object.__setattr__(self, "_sigma_root", _frozen(np.linalg.cholesky(sigma)))
        object.__setattr__(self, "_w_root", _frozen(_psd_square_root(w_cov)))

    @property
    def dim(self) -> int:
        return self.w_mean.size


@dataclass(frozen=True, eq=False)
class Environment:
    """A distribution over tasks: a finite mixture of task families with label noise ν².

    Attributes:
        families: the task families; their weights sum to 1.
        noise_var: ν² (= the appendix's σ²), the variance of the label noise z; ≥ 0.
    """

    families: tuple[TaskFamily, ...]
    noise_var: float

    def __post_init__(self) -> None:
        families = tuple(self.families)
        if not families or not all(isinstance(f, TaskFamily) for f in families):
            raise ValueError("an environment needs a non-empty tuple of TaskFamily objects")
        dims = {f.dim for f in families}
        if len(dims) != 1:
            raise ValueError(f"all task families must have the same dimension, got {sorted(dims)}")
        total = sum(f.weight for f in families)
        if abs(total - 1.0) > WEIGHT_TOLERANCE:
            raise ValueError(
                f"mixture weights must sum to 1 (tolerance {WEIGHT_TOLERANCE:g}), got {total:.9g}; "
                "normalise them by their sum"
            )
        noise_var = _nonnegative("noise_var (ν²)", self.noise_var)
        object.__setattr__(self, "families", families)
        object.__setattr__(self, "noise_var", noise_var)

    @property
    def dim(self) -> int:
        return self.families[0].dim

    @property
    def weights(self) -> np.ndarray:
        """(K,) mixture weights, renormalised to sum exactly to 1."""
        weights = np.array([f.weight for f in self.families])
        return weights / weights.sum()

    @property
    def sigmas(self) -> np.ndarray:
        """(K, d, d) data covariances Σ_k."""
        return np.stack([f.sigma for f in self.families])

    @property
    def w_means(self) -> np.ndarray:
        """(K, d) means of w* per family."""
        return np.stack([f.w_mean for f in self.families])

    @property
    def w_covs(self) -> np.ndarray:
        """(K, d, d) covariances of w* per family."""
        return np.stack([f.w_cov for f in self.families])

    def sample_tasks(self, rng: np.random.Generator, T: int) -> tuple[np.ndarray, np.ndarray]:
        """Draw T i.i.d. tasks: family indices (T,) and task solutions w* (T, d)."""
        T = positive_int("T", T)
        family_index = rng.choice(len(self.families), size=T, p=self.weights)
        roots = np.stack([f._w_root for f in self.families])
        noise = rng.standard_normal((T, self.dim))
        w_star = self.w_means[family_index] + np.einsum("tij,tj->ti", roots[family_index], noise)
        return family_index, w_star

    def sample_data(
        self, rng: np.random.Generator, family_index: np.ndarray, w_star: np.ndarray, n: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Draw n samples for each of T tasks: X (T, n, d) with rows ~ N(0, Σ), y (T, n).

        ``y = X w* + z`` with z ~ N(0, ν²) i.i.d. (Sec. 3).
        """
        n = positive_int("n", n)
        family_index = np.asarray(family_index)
        w_star = finite_array("w_star", w_star)
        if family_index.ndim != 1 or not np.issubdtype(family_index.dtype, np.integer):
            raise ValueError(
                "family_index must be a 1-D integer array, as returned by sample_tasks"
            )
        if family_index.size and (
            family_index.min() < 0 or family_index.max() >= len(self.families)
        ):
            raise ValueError(f"family_index entries must lie in [0, {len(self.families)})")
        if w_star.shape != (family_index.size, self.dim):
            raise ValueError(
                f"w_star must have shape (T, d) = ({family_index.size}, {self.dim}), got {w_star.shape}"
            )
        roots = np.stack([f._sigma_root for f in self.families])
        gaussian = rng.standard_normal((family_index.size, n, self.dim))
        X = np.einsum("tnj,tij->tni", gaussian, roots[family_index])
        y = np.einsum("tnd,td->tn", X, w_star)
        if self.noise_var > 0:
            y = y + np.sqrt(self.noise_var) * rng.standard_normal(y.shape)
        return X, y


def _check_data_covariance(sigma: np.ndarray) -> None:
    """Σ positive definite with room to spare: its Cholesky factor samples the data.

    The rule is relative: smallest eigenvalue > RELATIVE_TOLERANCE × max(1, largest).
    """
    eigenvalues = np.linalg.eigvalsh(sigma)
    smallest, largest = float(eigenvalues[0]), float(eigenvalues[-1])
    if smallest <= 0:
        raise ValueError(
            f"sigma is not positive definite (smallest eigenvalue {smallest:.3g}); "
            "a data covariance needs every eigenvalue > 0"
        )
    threshold = RELATIVE_TOLERANCE * max(1.0, largest)
    if smallest <= threshold:
        raise ValueError(
            f"sigma is numerically singular: smallest eigenvalue {smallest:.3g} is not above "
            f"{RELATIVE_TOLERANCE:g} × max(1, largest eigenvalue {largest:.3g}) = {threshold:.3g}; "
            "raise its small eigenvalues (e.g. add a multiple of the identity)"
        )


def _nonnegative(name: str, value: float) -> float:
    message = f"{name} must be finite and ≥ 0, got {value!r}"
    if isinstance(value, (bool, str)):
        raise ValueError(message)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(message) from None
    if not np.isfinite(number) or number < 0:
        raise ValueError(message)
    return number


def two_tasks(
    rho_h: float, rho_e: float, w1: np.ndarray, w2: np.ndarray, noise_var: float
) -> Environment:
    """Sec. 3.1: two equally likely fixed tasks, Σ_1 = ρ_H I_d (hard, w_1*), Σ_2 = ρ_E I_d (easy, w_2*).

    The paper assumes ρ_H < ρ_E; equal values are allowed (no hardness discrepancy).
    """
    rho_h, rho_e = positive_finite("rho_h", rho_h), positive_finite("rho_e", rho_e)
    w1, w2 = finite_array("w1", w1), finite_array("w2", w2)
    if w1.ndim != 1 or w1.shape != w2.shape:
        raise ValueError(
            f"w1 and w2 must be vectors of the same shape (d,), got {w1.shape} and {w2.shape}"
        )
    dim = w1.size
    eye, zeros = np.eye(dim), np.zeros((dim, dim))
    return Environment(
        families=(
            TaskFamily(0.5, rho_h * eye, w1, zeros),
            TaskFamily(0.5, rho_e * eye, w2, zeros),
        ),
        noise_var=noise_var,
    )


def hard_easy_mixture(
    d: int, rho_h: float, rho_e: float, R: float, r_h: float, r_e: float, noise_var: float
) -> Environment:
    """Sec. 3.2: ½ hard tasks (Σ = ρ_H I, w* ~ N(R·1_d, r_H I)) + ½ easy (Σ = ρ_E I, w* ~ N(0, r_E I))."""
    d = positive_int("d", d)
    rho_h, rho_e = positive_finite("rho_h", rho_h), positive_finite("rho_e", rho_e)
    r_h, r_e = _nonnegative("r_h", r_h), _nonnegative("r_e", r_e)
    R = float(finite_array("R", R)) if np.ndim(R) == 0 else None
    if R is None:
        raise ValueError("R must be one finite number (the hard tasks' mean is R·1_d)")
    eye = np.eye(d)
    return Environment(
        families=(
            TaskFamily(0.5, rho_h * eye, np.full(d, R), r_h * eye),
            TaskFamily(0.5, rho_e * eye, np.zeros(d), r_e * eye),
        ),
        noise_var=noise_var,
    )


def random_covariance(
    rng: np.random.Generator, d: int, low: float, high: float, diagonal: bool = False
) -> np.ndarray:
    """A random (d, d) SPD matrix with eigenvalues uniform in [low, high] and a Haar-random basis.

    ``diagonal=True`` keeps the coordinate basis (the diagonal Σ of Lemma 2).
    """
    d = positive_int("d", d)
    low, high = positive_finite("low", low), positive_finite("high", high)
    if low > high:
        raise ValueError(f"low must not exceed high, got low={low}, high={high}")
    eigenvalues = rng.uniform(low, high, size=d)
    if diagonal:
        return np.diag(eigenvalues)
    basis, triangular = np.linalg.qr(rng.standard_normal((d, d)))
    basis = basis * np.sign(np.diag(triangular))
    covariance = (basis * eigenvalues) @ basis.T
    return (covariance + covariance.T) / 2


def random_environment(
    rng: np.random.Generator,
    d: int,
    families: int,
    eigenvalue_range: tuple[float, float] = (0.2, 2.0),
    mean_scale: float = 1.0,
    spread_range: tuple[float, float] = (0.0, 0.5),
    noise_var_range: tuple[float, float] = (0.0, 0.5),
) -> Environment:
    """A random mixture of ``families`` task families in dimension d (for property tests and searches).

    Weights ~ Dirichlet(1); Σ_k from :func:`random_covariance`; w_mean ~ N(0, mean_scale² I);
    w_cov = random covariance scaled into ``spread_range`` (a fixed task when the scale is 0);
    ν² uniform in ``noise_var_range``.
    """
    d, families = positive_int("d", d), positive_int("families", families)
    weights = rng.dirichlet(np.ones(families))
    weights = weights / weights.sum()
    members = []
    for weight in weights:
        spread = rng.uniform(*spread_range)
        w_cov = spread * random_covariance(rng, d, 0.1, 1.0) if spread > 0 else np.zeros((d, d))
        members.append(
            TaskFamily(
                float(weight),
                random_covariance(rng, d, *eigenvalue_range),
                mean_scale * rng.standard_normal(d),
                w_cov,
            )
        )
    return Environment(tuple(members), float(rng.uniform(*noise_var_range)))


def table3_environment() -> Environment:
    """App. C.1, Table 3: d = 10, noise variance 0.01, hard/easy equally likely.

    Easy: ρ_E = 1, w* ~ N(0_d, I_d); hard: ρ_H = 0.1, w* ~ N(2·1_d, I_d).
    """
    return hard_easy_mixture(d=10, rho_h=0.1, rho_e=1.0, R=2.0, r_h=1.0, r_e=1.0, noise_var=0.01)
