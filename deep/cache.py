"""Where preprocessed datasets are cached, and an atomic write of a cached uint8 array."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

#: Environment variable that moves the cache (default ``~/.cache/maml_landscape``).
CACHE_ENV = "MAML_LANDSCAPE_CACHE"


def default_cache_dir() -> Path:
    """``$MAML_LANDSCAPE_CACHE`` if set, else ``~/.cache/maml_landscape``."""
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "maml_landscape")


def atomic_write_bytes(path: Path, payload: Callable[[Any], None]) -> None:
    """Write a file through ``payload(file_object)`` to a temporary name, then rename it.

    A reader never sees a half-written file, and a killed writer leaves the old one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            payload(file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cached_array(
    cache_dir: Path, name: str, build: Callable[[], tuple[np.ndarray, dict[str, Any]]]
) -> tuple[np.ndarray, dict[str, Any]]:
    """Load ``name.npy`` and its ``name.json`` index from ``cache_dir``, building them once.

    ``build()`` returns the array and a JSON-serialisable index (names, provenance).
    """
    array_path = cache_dir / f"{name}.npy"
    index_path = cache_dir / f"{name}.json"
    if array_path.exists() and index_path.exists():
        return np.load(array_path, mmap_mode=None), json.loads(index_path.read_text())
    array, index = build()
    atomic_write_bytes(array_path, lambda f: np.save(f, array))
    atomic_write_bytes(index_path, lambda f: f.write(json.dumps(index, indent=1).encode()))
    return array, index
