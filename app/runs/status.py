"""How a run ends, and the small integer codes the loop keeps statuses as."""

from __future__ import annotations

from enum import StrEnum


class RunStatus(StrEnum):
    RUNNING = "running"
    CONVERGED = "converged"  # a stop rule held; the message names it
    MAX_STEPS = "max_steps"  # took the whole step budget
    DIVERGED = "diverged"  # loss, gradient, a parameter or the learning rate blew up
    STOPPED = "stopped"  # the server's deadline, a cancel or a failed computation ended it early


# A parameter whose magnitude passes this is treated as diverged.
DIVERGENCE_LIMIT = 1e6

# Status arrays hold indices into STATUSES.
STATUSES = tuple(RunStatus)
RUNNING, CONVERGED, MAX_STEPS, DIVERGED, STOPPED = range(len(STATUSES))
