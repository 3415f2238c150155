"""The errors the deep experiments raise for bad input, unusable files and failed runs.

All derive from :class:`maml_landscape.errors.InputError`: the CLI prints one line on
stderr and exits with 2.
"""

from __future__ import annotations

from maml_landscape.errors import InputError


class DatasetError(InputError):
    """A dataset is missing, incomplete or corrupt; the message says what to download and where."""


class CheckpointError(InputError):
    """A checkpoint is unreadable or belongs to another configuration or training code.

    It is never used then: the message names the file and says how to restart.
    """


class ReplayMismatch(InputError):
    """A replay meant to backfill a run's milestone did not retrace the stored run; nothing was written."""


class TrainingDiverged(InputError):
    """A loss, gradient or adapted weight became NaN or infinite; the run is marked failed."""
