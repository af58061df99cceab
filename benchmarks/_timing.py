"""Shared timing helpers: best-of-repeats wall time, so background noise inflates nothing."""

from __future__ import annotations

import os
import timeit
from collections.abc import Callable

# One thread everywhere, so ratios compare the same amount of hardware.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


def best_seconds(fn: Callable[[], object], *, repeat: int = 7, min_time: float = 0.2) -> float:
    """Seconds per call: the fastest of `repeat` batches, each lasting at least min_time."""
    return side_by_side({"fn": fn}, repeat=repeat, min_time=min_time)["fn"]


def side_by_side(
    fns: dict[str, Callable[[], object]], *, repeat: int = 9, min_time: float = 0.1
) -> dict[str, float]:
    """Seconds per call of each function, measured in interleaved rounds on a shared machine.

    Alternating the contenders round by round exposes them to the same background load, and the
    fastest round of each is kept: noise only ever adds time.
    """
    timers = {}
    for name, fn in fns.items():
        number, elapsed = timeit.Timer(fn).autorange()
        timers[name] = (timeit.Timer(fn), max(1, int(number * min_time / max(elapsed, 1e-9))))
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(repeat):
        for name, (timer, number) in timers.items():
            best[name] = min(best[name], timer.timeit(number) / number)
    return best


def try_import_torch():
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    return torch


def row(label: str, seconds: float) -> str:
    unit, scale = ("µs", 1e6) if seconds < 1e-3 else ("ms", 1e3) if seconds < 1 else ("s", 1.0)
    return f"  {label:<46} {seconds * scale:10.2f} {unit}"
