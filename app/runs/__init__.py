"""The run loop: one objective, a batch of optimizer runs, advanced together step by step."""

from app.runs.ledger import RunOutcome
from app.runs.loop import Simulation
from app.runs.problem import ProblemError, RunConfig, RunProblem, StopRules
from app.runs.status import STATUSES, RunStatus
from app.runs.step import Step
from app.runs.sweeps import (
    StartGrid,
    SweepRange,
    SweepResult,
    basin_of,
    start_grid,
    sweep,
    sweep_values,
    sweepable,
)
from app.runs.trace import EVERY_STEP, FINAL_STEP, RecordRule, Trace, marked_steps

__all__ = [
    "EVERY_STEP",
    "FINAL_STEP",
    "STATUSES",
    "ProblemError",
    "RecordRule",
    "RunConfig",
    "RunOutcome",
    "RunProblem",
    "RunStatus",
    "Simulation",
    "StartGrid",
    "Step",
    "StopRules",
    "SweepRange",
    "SweepResult",
    "Trace",
    "basin_of",
    "marked_steps",
    "start_grid",
    "sweep",
    "sweep_values",
    "sweepable",
]
