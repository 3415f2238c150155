"""Where preprocessed datasets are cached, and an atomic write of a cached uint8 array."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from maml_landscape.atomic import write_bytes_atomically
from maml_landscape.validate import printable

#: Environment variable that moves the cache (default ``~/.cache/maml_landscape``).
CACHE_ENV = "MAML_LANDSCAPE_CACHE"


def default_cache_dir() -> Path:
    """``$MAML_LANDSCAPE_CACHE`` if set, else ``~/.cache/maml_landscape``."""
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "maml_landscape")


def cached_array(
    cache_dir: Path, name: str, build: Callable[[], tuple[np.ndarray, dict[str, Any]]]
) -> tuple[np.ndarray, dict[str, Any]]:
    """Load ``name.npy`` and its ``name.json`` index from ``cache_dir``, building them once.

    ``build()`` returns the array and a JSON-serialisable index (names, provenance). A
    cached pair that cannot be read (truncated, corrupt, or not matching each other) is
    rebuilt from the sources, with one warning line on stderr naming the file.
    """
    array_path = cache_dir / f"{name}.npy"
    index_path = cache_dir / f"{name}.json"
    if array_path.exists() and index_path.exists():
        try:
            array = np.load(array_path, mmap_mode=None, allow_pickle=False)
            index = json.loads(index_path.read_text(encoding="utf-8"))
            lengths = {len(v) for v in index.values() if isinstance(v, list)}
            if array.dtype != np.uint8 or lengths - {len(array)}:
                raise ValueError(f"{len(array)} arrays but an index of {sorted(lengths)}")
            return array, index
        except (OSError, EOFError, ValueError, AttributeError) as error:
            print(
                f"maml-landscape: warning: cached {printable(array_path)} is unreadable "
                f"({str(error)[:80]}); rebuilding it from the data",
                file=sys.stderr,
            )
    array, index = build()
    write_bytes_atomically(array_path, lambda f: np.save(f, array))
    write_bytes_atomically(index_path, lambda f: f.write(json.dumps(index, indent=1).encode()))
    return array, index
