"""Process settings that make small-batch CPU training faster: glibc malloc thresholds.

glibc serves allocations above ``M_MMAP_THRESHOLD`` (dynamic, from 128 KiB) with fresh
``mmap`` pages and gives freed heap memory back above ``M_TRIM_THRESHOLD``; every
training step then page-faults its activations in again. Raising both keeps freed
buffers in the heap for reuse. A heap that keeps its memory keeps its peak, and glibc
gives each new thread its own heap ("arena"): with ``--workers`` threads, each arena
grew to a task's peak and the process held several (457 MiB peak RSS for 2 workers in
the benchmark's setting, 388 MiB with one arena, at the same speed). So the threads
share one arena (``M_ARENA_MAX = 1``). Same effect as the environment variables
``MALLOC_MMAP_THRESHOLD_`` / ``MALLOC_TRIM_THRESHOLD_`` / ``MALLOC_ARENA_MAX``; a no-op
off glibc. Call it before starting threads: arenas that exist are kept.
"""

from __future__ import annotations

import ctypes
import ctypes.util

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
#: glibc's largest accepted mmap threshold on 64-bit (HEAP_MAX_SIZE / 2 = 32 MiB).
MMAP_THRESHOLD_MAX = 32 * 1024 * 1024
TRIM_THRESHOLD = 1 << 30


def keep_freed_memory() -> bool:
    """Set the two malloc thresholds and one arena; True if glibc accepted all three."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    settings = (
        (M_MMAP_THRESHOLD, MMAP_THRESHOLD_MAX),
        (M_TRIM_THRESHOLD, TRIM_THRESHOLD),
        (M_ARENA_MAX, 1),
    )
    return all([bool(mallopt(option, value)) for option, value in settings])
