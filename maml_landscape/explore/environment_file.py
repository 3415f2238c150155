"""The environment file of ``maml-landscape explore``: a TOML description of a task environment.

A file gives the dimension, the label noise ν² and a finite mixture of task families
(Sec. 3: x ~ N(0, Σ_k), y = <w*, x> + z, w* ~ N(w_mean, w_cov)), plus the adaptation
of eq. (1): the step size α, the m samples per inner step, the number of inner steps and
MAML's inner sample size in training (eq. (5)'s n2)::

    d = 10
    noise_variance = 0.25
    [[family]]
    name = "hard"
    weight = 0.3
    sigma_eigenvalues = [0.1, ...]    # or sigma = [[...], ...], or sigma_scale = 0.1
    w_mean = [1.0, ...]
    w_cov_scale = 0.5                 # or w_cov = [[...], ...]; neither: a fixed task
    [adaptation]
    alpha = 0.2                       # or "optimal"
    m = 20
    steps = 1
    n_train = 20                      # default m
    reuse_samples = false             # true: one batch reused by every step (Monte Carlo only)

Every field is checked; a bad one raises :class:`EnvironmentFileError`, one line that
names the file, the field and the fix.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import tomllib

from maml_landscape.errors import InputError
from maml_landscape.numerics.environments import WEIGHT_TOLERANCE, Environment, TaskFamily
from maml_landscape.validate import printable

#: ``alpha = "optimal"``: use the step size that minimises MAML's meta-test loss.
OPTIMAL = "optimal"
TOP_KEYS = ("d", "noise_variance", "family", "adaptation")
FAMILY_KEYS = ("name", "weight", "sigma_eigenvalues", "sigma", "sigma_scale", "w_mean", "w_cov_scale", "w_cov")
ADAPTATION_KEYS = ("alpha", "m", "steps", "n_train", "reuse_samples")
SIGMA_KEYS = ("sigma_eigenvalues", "sigma", "sigma_scale")
W_COV_KEYS = ("w_cov_scale", "w_cov")


class EnvironmentFileError(InputError):
    """An environment file that cannot be used: the message names the file, the field and the fix."""


@dataclass(frozen=True)
class Adaptation:
    """The inner loop of eq. (1) at test time and in MAML's training.

    Attributes:
        alpha: the inner step size α, or None for "optimal" (:func:`answers.alpha_star`).
        m: samples per inner step at test time (the m of F_m, eq. (1)).
        steps: inner SGD steps k, each on a fresh batch of m samples (the same in training).
        n_train: MAML's inner sample size in training (eq. (5)'s n2); None means m.
        reuse_samples: one batch of m samples reused by every step (Monte Carlo only).
    """

    alpha: float | None
    m: int
    steps: int = 1
    n_train: int | None = None
    reuse_samples: bool = False

    @property
    def training_samples(self) -> int:
        """n2 of eq. (5): ``n_train``, or m when it is not given."""
        return self.m if self.n_train is None else self.n_train


@dataclass(frozen=True)
class EnvironmentSpec:
    """An environment file, checked: the task environment, the family names and the adaptation."""

    env: Environment
    names: tuple[str, ...]
    adaptation: Adaptation
    source: str = "<environment>"

    @property
    def largest_eigenvalue(self) -> float:
        """λ_max over every family's Σ: inner steps with α ≥ 2/λ_max diverge."""
        return float(max(np.linalg.eigvalsh(f.sigma)[-1] for f in self.env.families))


def read_environment_file(path: str | Path) -> EnvironmentSpec:
    """Read and check an environment file (TOML, read with the standard library's tomllib)."""
    path = Path(path)
    where = printable(path)
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise EnvironmentFileError(f"{where}: no such file; give the path of an environment TOML file") from None
    except IsADirectoryError:
        raise EnvironmentFileError(f"{where} is a folder; give the path of an environment TOML file") from None
    except OSError as error:
        raise EnvironmentFileError(f"{where} cannot be read ({error.strerror}); check its permissions") from None
    except UnicodeDecodeError:
        raise EnvironmentFileError(f"{where} is not UTF-8 text; save it as UTF-8 TOML") from None
    except tomllib.TOMLDecodeError as error:
        raise EnvironmentFileError(f"{where} is not valid TOML ({error}); fix the syntax there") from None
    return parse_environment(data, where)


def parse_environment(data: dict[str, Any], source: str = "<environment>") -> EnvironmentSpec:
    """Check a parsed environment file (a dict as tomllib returns it) and build its environment."""
    fields = _Fields(source)
    fields.only(data, TOP_KEYS, "the top level")
    d = fields.integer(data, "d", "d", low=1)
    noise_var = fields.number(data, "noise_variance", "noise_variance", low=0.0, open_low=False)
    rows = data.get("family")
    if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) for r in rows):
        raise fields.error("family", "needs at least one [[family]] table", "add [[family]] tables with weight, sigma_* and w_mean")
    names = tuple(_family_name(row, index, fields) for index, row in enumerate(rows))
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise fields.error(f"family name {duplicated[0]!r}", "is used twice", "give every family its own name")
    families = tuple(_family(row, name, d, fields) for row, name in zip(rows, names))
    _check_weights(families, names, fields)
    env = Environment(families, noise_var)
    adaptation = _adaptation(data.get("adaptation"), fields)
    spec = EnvironmentSpec(env, names, adaptation, source)
    _check_alpha(spec, fields)
    return spec


class _Fields:
    """Typed reads of one file's fields; every failure is one line naming the file and the field."""

    def __init__(self, source: str) -> None:
        self.source = source

    def error(self, field: str, problem: str, fix: str) -> EnvironmentFileError:
        return EnvironmentFileError(f"{self.source}: {field} {problem}; {fix}")

    def only(self, table: dict, allowed: tuple[str, ...], where: str) -> None:
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f"did you mean {close[0]!r}?" if close else f"allowed keys: {', '.join(allowed)}"
                raise self.error(f"unknown key {key!r} in {where}", "is not a field of the environment file", hint)

    def present(self, table: dict, key: str, field: str) -> Any:
        if key not in table:
            raise self.error(field, "is missing", f"add {key} = ... (see 'maml-landscape explore --help')")
        return table[key]

    def integer(self, table: dict, key: str, field: str, low: int) -> int:
        value = self.present(table, key, field)
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise self.error(f"{field} = {value!r}", f"must be an integer ≥ {low}", f"write e.g. {key} = {max(low, 20)}")
        return value

    def number(self, table: dict, key: str, field: str, low: float, open_low: bool = True) -> float:
        value = self.present(table, key, field)
        bound = f"> {low:g}" if open_low else f"≥ {low:g}"
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                or value < low or (open_low and value == low):
            raise self.error(f"{field} = {value!r}", f"must be a finite number {bound}", f"write e.g. {key} = 0.5")
        return float(value)

    def vector(self, table: dict, key: str, field: str, d: int) -> np.ndarray:
        value = self.present(table, key, field)
        if not isinstance(value, list) or not all(_is_real(v) for v in value):
            raise self.error(field, "must be a list of finite numbers", f"write {key} = [{', '.join(['0.5'] * min(d, 3))}, ...]")
        if len(value) != d:
            raise self.error(field, f"has {len(value)} entries but d = {d}", f"give exactly {d} numbers")
        return np.array(value, dtype=float)

    def matrix(self, table: dict, key: str, field: str, d: int) -> np.ndarray:
        value = self.present(table, key, field)
        if not isinstance(value, list) or not all(isinstance(r, list) and all(_is_real(v) for v in r) for r in value):
            raise self.error(field, "must be a list of rows of finite numbers", f"write {key} = [[...], ...] with {d} rows")
        shape = (len(value), *sorted({len(r) for r in value}))
        if shape != (d, d):
            raise self.error(field, f"has shape {' x '.join(map(str, shape))} but d = {d}", f"give {d} rows of {d} numbers")
        return np.array(value, dtype=float)


def _is_real(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _family_name(row: dict, index: int, fields: _Fields) -> str:
    name = row.get("name", f"family{index + 1}")
    if not isinstance(name, str) or not name.strip():
        raise fields.error(f"family[{index + 1}].name", "must be a non-empty string", 'write e.g. name = "hard"')
    return name


def _one_of(row: dict, keys: tuple[str, ...], where: str, fields: _Fields, required: bool) -> str | None:
    given = [k for k in keys if k in row]
    if len(given) > 1:
        raise fields.error(f"{where}", f"gives both {given[0]} and {given[1]}", f"keep one of {', '.join(keys)}")
    if required and not given:
        raise fields.error(f"{where}", "has no data covariance", f"add one of {', '.join(keys)}")
    return given[0] if given else None


def _sigma(row: dict, where: str, d: int, fields: _Fields) -> np.ndarray:
    key = _one_of(row, SIGMA_KEYS, where, fields, required=True)
    field = f"{where}.{key}"
    if key == "sigma_scale":
        return fields.number(row, key, field, low=0.0) * np.eye(d)
    if key == "sigma_eigenvalues":
        eigenvalues = fields.vector(row, key, field, d)
        if np.any(eigenvalues <= 0):
            raise fields.error(f"{field}", f"has the eigenvalue {eigenvalues.min():g}", "a data covariance needs every eigenvalue > 0")
        return np.diag(eigenvalues)
    return fields.matrix(row, key, field, d)


def _w_cov(row: dict, where: str, d: int, fields: _Fields) -> np.ndarray:
    key = _one_of(row, W_COV_KEYS, where, fields, required=False)
    if key is None:
        return np.zeros((d, d))
    field = f"{where}.{key}"
    if key == "w_cov_scale":
        return fields.number(row, key, field, low=0.0, open_low=False) * np.eye(d)
    return fields.matrix(row, key, field, d)


def _family(row: dict, name: str, d: int, fields: _Fields) -> TaskFamily:
    where = f"family {name!r}"
    fields.only(row, FAMILY_KEYS, where)
    weight = fields.number(row, "weight", f"{where}.weight", low=0.0)
    sigma = _sigma(row, where, d, fields)
    w_mean = fields.vector(row, "w_mean", f"{where}.w_mean", d)
    w_cov = _w_cov(row, where, d, fields)
    try:  # TaskFamily's own checks: Σ symmetric positive definite, w_cov symmetric PSD
        return TaskFamily(weight, sigma, w_mean, w_cov)
    except ValueError as error:
        raise fields.error(where, f"is not usable: {error}", "fix that field") from None


def _check_weights(families: tuple[TaskFamily, ...], names: tuple[str, ...], fields: _Fields) -> None:
    total = sum(f.weight for f in families)
    if abs(total - 1.0) > WEIGHT_TOLERANCE:
        listed = ", ".join(f"{n} {f.weight:g}" for n, f in zip(names, families))
        raise fields.error("the family weights", f"sum to {total:.6g}, not 1 ({listed})",
                           "make them sum to 1, e.g. divide each by their sum")


def _adaptation(table: Any, fields: _Fields) -> Adaptation:
    if not isinstance(table, dict):
        raise fields.error("[adaptation]", "is missing", "add an [adaptation] table with alpha and m")
    fields.only(table, ADAPTATION_KEYS, "[adaptation]")
    alpha = None if table.get("alpha") == OPTIMAL else fields.number(table, "alpha", "adaptation.alpha", low=0.0)
    m = fields.integer(table, "m", "adaptation.m", low=1)
    steps = fields.integer(table, "steps", "adaptation.steps", low=1) if "steps" in table else 1
    n_train = fields.integer(table, "n_train", "adaptation.n_train", low=1) if "n_train" in table else None
    reuse = table.get("reuse_samples", False)
    if not isinstance(reuse, bool):
        raise fields.error(f"adaptation.reuse_samples = {reuse!r}", "must be true or false", "write reuse_samples = false")
    return Adaptation(alpha, m, steps, n_train, reuse)


def _check_alpha(spec: EnvironmentSpec, fields: _Fields) -> None:
    """α in (0, 2/λ_max): beyond it the inner step x ↦ (I - αΣ)x diverges along Σ's top eigenvector."""
    alpha, top = spec.adaptation.alpha, spec.largest_eigenvalue
    if alpha is not None and alpha >= 2.0 / top:
        raise fields.error(f"adaptation.alpha = {alpha:g}", f"is outside (0, 2/λ_max) = (0, {2.0 / top:.6g}), where the inner step diverges",
                           f'choose alpha < {2.0 / top:.6g} or alpha = "{OPTIMAL}"')
