"""How a run ends."""

from __future__ import annotations

from enum import StrEnum


class RunStatus(StrEnum):
    RUNNING = "running"
    CONVERGED = "converged"  # a stop rule held; the message names it
    MAX_STEPS = "max_steps"  # took the whole step budget
    DIVERGED = "diverged"  # loss, gradient or a parameter became non-finite or passed 1e6
    STOPPED = "stopped"  # the server's deadline or a cancel ended it early


# A parameter whose magnitude passes this is treated as diverged.
DIVERGENCE_LIMIT = 1e6
