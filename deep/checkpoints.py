"""Training checkpoints that know what wrote them: configuration hash and trajectory code.

A checkpoint (``<checkpoint_dir>/<config hash>.pt``) holds the parameters, Adam state,
iteration, losses and both random states of one run. Before it is used it is checked:

- readable (a truncated or corrupt file is refused, never half-used);
- written for the same configuration (its stored hash equals the run's);
- written by the same *trajectory code*: the SHA-256 of the source files that decide a
  run's sequence of parameters (model, meta-gradient, pooling, training loop, task
  sampling and data loading; :data:`TRAJECTORY_MODULES`). Changes elsewhere (reports,
  CLI, checks) leave it alone, so a long run survives them. ``allow_code_change``
  resumes across a change anyway, and the run's JSON records both versions.

A refused checkpoint raises :class:`CheckpointError` with one line that says how to
restart: delete the file (the run starts from iteration 0) or pass
``--allow-code-change``.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from maml_landscape.deep.errors import CheckpointError
from maml_landscape.validate import printable

#: The modules of ``maml_landscape.deep`` whose source decides a training trajectory.
TRAJECTORY_MODULES = (
    "model.py",
    "meta.py",
    "pooling.py",
    "train.py",
    "tasks.py",
    "pools.py",
    "data.py",
    "omniglot.py",
    "cifar.py",
    "hard_alphabets.py",
)


@functools.cache
def trajectory_code() -> str:
    """SHA-256 (16 hex digits) of the trajectory modules' source, read once per process."""
    digest = hashlib.sha256()
    folder = Path(__file__).parent
    for name in TRAJECTORY_MODULES:
        digest.update(name.encode() + b"\0" + (folder / name).read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def checkpoint_path(directory: Path, digest: str) -> Path:
    return Path(directory) / f"{digest}.pt"


@dataclass(frozen=True)
class Checked:
    """A checkpoint's state after the checks, and the trajectory code that wrote it."""

    state: dict[str, Any]
    code: str | None


#: What a training checkpoint holds; a milestone snapshot holds the first three and ``code``.
TRAINING_KEYS = ("hash", "iteration", "params", "optimizer", "rng", "torch_rng", "losses", "seconds")
SNAPSHOT_KEYS = ("hash", "iteration", "params")


def read_checkpoint(path: Path, needed: tuple[str, ...] = TRAINING_KEYS) -> dict[str, Any]:
    """The stored state, or a CheckpointError naming the file when it cannot be read."""
    import torch

    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # torch raises RuntimeError, EOFError, UnpicklingError, ...
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise CheckpointError(
            f"checkpoint {printable(path)} is unreadable ({reason[:120]}); delete it to restart "
            "this run from iteration 0"
        ) from None
    if not isinstance(state, dict) or any(key not in state for key in needed):
        raise CheckpointError(
            f"checkpoint {printable(path)} is not a maml-landscape training checkpoint; delete it "
            "to restart this run from iteration 0"
        )
    return state


def check_checkpoint(
    path: Path, digest: str, iterations: int, allow_code_change: bool = False
) -> Checked:
    """The verified state of ``path`` for the run with config hash ``digest``.

    Raises CheckpointError when it is unreadable, of another configuration, past the
    run's iterations, or of other trajectory code (unless ``allow_code_change``).
    """
    state = read_checkpoint(path)
    if state["hash"] != digest:
        raise CheckpointError(
            f"checkpoint {printable(path)} belongs to another configuration (hash "
            f"{state['hash']}, this run {digest}); delete it to restart this run from iteration 0"
        )
    if not 0 < int(state["iteration"]) <= iterations or len(state["losses"]) != state["iteration"]:
        raise CheckpointError(
            f"checkpoint {printable(path)} is at iteration {state['iteration']} of a run of "
            f"{iterations} iterations with {len(state['losses'])} losses; delete it to restart"
        )
    code = state.get("code")
    if code != trajectory_code() and not allow_code_change:
        written = code or "an older version without a code record"
        raise CheckpointError(
            f"checkpoint {printable(path)} was written by other training code ({written}, now "
            f"{trajectory_code()}); delete it to restart from iteration 0, or pass "
            "--allow-code-change to resume anyway (the run's JSON records both versions)"
        )
    return Checked(state, code)


def check_snapshot(path: Path, digest: str, iteration: int) -> dict[str, Any]:
    """The parameters saved at a milestone, checked to be this run's at ``iteration``."""
    state = read_checkpoint(path, SNAPSHOT_KEYS)
    if state["hash"] != digest or state["iteration"] != iteration:
        raise CheckpointError(
            f"milestone snapshot {printable(path)} is not this run's at iteration {iteration}; "
            "delete it and rerun (the milestone is then left out)"
        )
    return state["params"]


def checkpoint_state(path: Path, digest: str, iterations: int) -> str:
    """One phrase for ``deep status``: ``checkpoint k/N (resumes)`` or why it will not resume."""
    try:
        checked = check_checkpoint(path, digest, iterations, allow_code_change=True)
    except CheckpointError as error:
        return f"bad checkpoint: {error}"
    note = "" if checked.code == trajectory_code() else "; other training code: needs --allow-code-change"
    return f"checkpoint {checked.state['iteration']}/{iterations} (resumes{note})"
