"""Process settings that make small-batch CPU training faster: glibc malloc thresholds.

glibc serves allocations above ``M_MMAP_THRESHOLD`` (dynamic, from 128 KiB) with fresh
``mmap`` pages and gives freed heap memory back above ``M_TRIM_THRESHOLD``; every
training step then page-faults its activations in again. Raising both keeps freed
buffers in the heap for reuse. Same effect as the environment variables
``MALLOC_MMAP_THRESHOLD_`` / ``MALLOC_TRIM_THRESHOLD_``; a no-op off glibc.
"""

from __future__ import annotations

import ctypes
import ctypes.util

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
#: glibc's largest accepted mmap threshold on 64-bit (HEAP_MAX_SIZE / 2 = 32 MiB).
MMAP_THRESHOLD_MAX = 32 * 1024 * 1024
TRIM_THRESHOLD = 1 << 30


def keep_freed_memory() -> bool:
    """Set the two malloc thresholds; True if glibc accepted both."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_MAX)) and bool(
        mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    )
