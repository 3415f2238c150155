"""Where a result came from, in one JSON shape for the ledger and the deep results.

``{"package", "version", "python", "platform", "processor", "libraries": {...},
"git": {"commit", "dirty"}, "command", "generated_at", **run}``, where ``run`` holds the
run's own settings (the ledger's ``run_profile`` and ``run_seed``). ``dirty`` says whether
the tracked code (:data:`CODE_FOLDERS`) differs from the commit; the git state is read once
per process, so a long run names the code it loaded even if the checkout moves on.
"""

from __future__ import annotations

import functools
import platform
import subprocess
import sys
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from maml_landscape import __version__
from maml_landscape.validate import printable

LIBRARIES = ("numpy", "sympy", "mpmath", "matplotlib", "torch", "hypothesis")
#: Folders whose tracked files make up the code (a change there marks the commit dirty).
CODE_FOLDERS = ("deep", "theory", "numerics", "maml_landscape")


def _library_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _git(*args: str) -> str | None:
    """The output of a git command run beside this package, or None (no git, not a checkout)."""
    try:
        done = subprocess.run(["git", *args], cwd=Path(__file__).resolve().parent,
                              capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


@functools.cache
def git_state() -> dict[str, object]:
    """The commit of the checkout holding this package and whether its code differs (None outside git).

    Read once per process: :mod:`maml_landscape.deep.train` calls it when imported.
    """
    head = _git("rev-parse", "HEAD")
    if not head:
        return {"commit": None, "dirty": None}
    top = (_git("rev-parse", "--show-toplevel") or "").strip()
    changed = _git("-C", top, "status", "--porcelain", "--untracked-files=no", "--", *CODE_FOLDERS)
    return {"commit": head.strip(), "dirty": None if changed is None else bool(changed)}


def provenance(**run: object) -> dict[str, object]:
    """A JSON-serialisable record of this process's code and environment, with ``run``'s settings.

    The ledger passes ``run_profile`` and ``run_seed``; a partial run keeps claims computed by
    earlier runs, so the profile and seed of each claim are in the claim itself, and
    :func:`maml_landscape.report.write.merge` adds their distinct values (``profiles``,
    ``seeds``) to the ledger's provenance.
    """
    return {
        "package": "maml-landscape",
        "version": __version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "libraries": {name: _library_version(name) for name in LIBRARIES},
        "git": git_state(),
        "command": " ".join(printable(a) for a in sys.argv),
        **run,
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def generated_at(record: dict) -> str | None:
    """When a stored result was made: ``provenance.generated_at`` (results stored before the
    shapes were unified carry ``provenance.utc``)."""
    prov = record.get("provenance") or {}
    return prov.get("generated_at", prov.get("utc"))
