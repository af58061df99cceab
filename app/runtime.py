"""Process-level tuning for the numerical work, applied once at start-up."""

from __future__ import annotations

import ctypes
import ctypes.util

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3


def keep_freed_memory(mmap_threshold: int = 32 << 20, trim_threshold: int = 256 << 20) -> bool:
    """Ask glibc to reuse freed memory rather than hand it back to the kernel at once.

    The engine keeps every intermediate of a batch alive until the backward pass, so without this
    each large array is a fresh mmap whose first touch page-faults: measured here at 0.75 ms per
    1.3 MB array against 0.05 ms for the arithmetic on it. Returns False where libc is not glibc.
    """
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, mmap_threshold)) and bool(
        mallopt(_M_TRIM_THRESHOLD, trim_threshold)
    )
