"""Where a report came from: package and library versions, git state, the run's profile and seed, time."""

from __future__ import annotations

import platform
import subprocess
import sys
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from maml_landscape import __version__
from maml_landscape.validate import printable

LIBRARIES = ("numpy", "sympy", "mpmath", "matplotlib", "torch", "hypothesis")


def _library_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def git_state(path: Path | None = None) -> dict[str, object]:
    """The commit and dirty flag of the checkout holding this package (None outside git)."""
    where = path or Path(__file__).resolve().parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=where, capture_output=True, text=True, timeout=10, check=False
        )
        if commit.returncode != 0:
            return {"commit": None, "dirty": None}
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=where, capture_output=True, text=True, timeout=10, check=False,
        )
        return {"commit": commit.stdout.strip(), "dirty": bool(status.stdout.strip())}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


def provenance(profile: str, seed: int, argv: list[str] | None = None) -> dict[str, object]:
    """A JSON-serialisable record of the run.

    ``run_profile`` and ``run_seed`` are this run's settings; a partial run keeps claims
    computed by earlier runs, so the profile and seed of each claim are in the claim
    itself, and :func:`maml_landscape.report.write.merge` adds their distinct values
    (``profiles``, ``seeds``) to the ledger's provenance.
    """
    return {
        "package": "maml-landscape",
        "version": __version__,
        "git": git_state(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "libraries": {name: _library_version(name) for name in LIBRARIES},
        "run_profile": profile,
        "run_seed": seed,
        "command": " ".join(printable(a) for a in (argv if argv is not None else sys.argv)),
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
