"""The one base class of every error caused by what the user gave (exit code 2).

The command line prints such an error as one line on stderr, without a traceback, and
exits with 2. Each subclass names where the bad input came from: an option
(:class:`UsageError`), a report folder or ledger (``report.write.ReportError``), a data
set (``deep.errors.DatasetError``), a checkpoint or a training run that cannot go on
(``deep.errors.CheckpointError``, ``deep.errors.TrainingDiverged``).
"""

from __future__ import annotations


class InputError(ValueError):
    """Bad input: the message is one line that names the offending value and the fix."""


class UsageError(InputError):
    """A command-line option or argument cannot be used."""
