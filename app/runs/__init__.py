"""The run loop: one objective, a batch of optimizer runs, advanced together step by step."""

from app.runs.loop import Step, simulate
from app.runs.problem import ProblemError, RunConfig, RunProblem, StopRules
from app.runs.status import RunStatus
from app.runs.sweeps import SweepResult, basin_of, start_grid, sweep, sweep_values

__all__ = [
    "ProblemError",
    "RunConfig",
    "RunProblem",
    "RunStatus",
    "Step",
    "StopRules",
    "SweepResult",
    "basin_of",
    "simulate",
    "start_grid",
    "sweep",
    "sweep_values",
]
