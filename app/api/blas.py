"""How many threads NumPy's BLAS (matrix products) may use while the server runs.

The server computes several requests at once, and admitted computations take turns (turns.py):
BLAS's own threads would spin on the cores the event loop needs, stalling it 50-200 ms on a
network's matrix products, and made those products slower, not faster. OpenBLAS honours a
count set from the main thread only: the lifespan runs there under uvicorn."""

from __future__ import annotations

from threadpoolctl import threadpool_limits


def limit_blas_threads(threads: int) -> threadpool_limits:
    """Limit BLAS to `threads` until `.restore_original_limits()` is called."""
    return threadpool_limits(threads, user_api="blas")
