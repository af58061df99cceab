"""Sweeps: one optimizer configuration over many runs as one batch.

Over a hyper-parameter (1,000 log-spaced learning rates make a learning-rate curve) or over a
grid of start points (which known minimum each start reaches makes a basin-of-attraction map).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from app.objectives import Objective
from app.runs.loop import Simulation
from app.runs.problem import ProblemError, RunConfig, RunProblem
from app.runs.trace import FINAL_STEP

# A run counts as having reached a minimum when it ends this close to it, relative to the view.
BASIN_RADIUS = 0.05


@dataclass(frozen=True)
class SweepResult:
    values: np.ndarray  # (R,) swept hyper-parameter values, or (R, d) start points
    final_params: np.ndarray  # (R, d)
    final_loss: np.ndarray  # (R,), NaN where not finite
    status: tuple[str, ...]
    steps_taken: np.ndarray  # (R,)
    basin: np.ndarray | None  # (R,) index into objective.minima, -1 for none; start grids only


def sweep_values(spec: Mapping[str, Any], field: str) -> np.ndarray:
    """{"min", "max", "num", "scale": "log" | "linear"} as an array of values."""
    low, high, num = spec["min"], spec["max"], int(spec["num"])
    scale = spec.get("scale", "log")
    if num < 1:
        raise ProblemError(f"{field}.num", f"must be >= 1, got {num}")
    if not (math.isfinite(low) and math.isfinite(high)) or low > high:
        raise ProblemError(field, f"needs finite min <= max, got min={low} max={high}")
    if scale == "log":
        if low <= 0:
            raise ProblemError(f"{field}.min", f"a log scale needs min > 0, got {low}")
        return np.geomspace(low, high, num)
    if scale == "linear":
        return np.linspace(low, high, num)
    raise ProblemError(f"{field}.scale", f"must be 'log' or 'linear', got {scale!r}")


def start_grid(bounds: list[list[float]], resolution: int) -> np.ndarray:
    """Start points on a resolution^d grid over bounds, x varying fastest (row-major in y)."""
    axes = [np.linspace(lo, hi, resolution) for lo, hi in bounds]
    mesh = np.meshgrid(*axes, indexing="xy")
    return np.stack([m.reshape(-1) for m in mesh], axis=1)


def basin_of(objective: Objective, points: np.ndarray, finished_ok: np.ndarray) -> np.ndarray:
    """Index of the known minimum each point lies near (see BASIN_RADIUS), or -1."""
    if not objective.minima:
        return np.full(len(points), -1)
    minima = np.array([m.point for m in objective.minima])
    spans = np.array([hi - lo for lo, hi in objective.view_box])
    distance = np.linalg.norm((points[:, None, :] - minima[None, :, :]) / spans, axis=2)
    nearest = np.argmin(distance, axis=1)
    close = distance[np.arange(len(points)), nearest] < BASIN_RADIUS
    return np.where(close & finished_ok, nearest, -1)


def sweep(
    base: RunProblem,
    over: Mapping[str, Any],
    *,
    should_stop: Callable[[], bool] | None = None,
    deadline: float | None = None,
) -> SweepResult:
    """Run base's single run configuration for every value of `over`, all in one batch."""
    (template,) = base.runs
    if "start" in over:
        grid = over["start"]
        values = start_grid(grid["bounds"], int(grid["resolution"]))
        runs = tuple(replace(template, start=tuple(p)) for p in values)
    else:
        ((name, spec),) = over.items()
        values = sweep_values(spec, f"over.{name}")
        runs = tuple(
            RunConfig(template.optimizer, {**template.hyperparams, name: float(v)}, template.start)
            for v in values
        )
    problem = replace(base, runs=runs)
    simulation = Simulation(problem, record=FINAL_STEP, should_stop=should_stop, deadline=deadline)
    last = None
    for last in simulation:  # noqa: B007 (only the final step is kept)
        pass
    # A sweep stopped before its first step still reports every run, from its start.
    final_params = problem.starts if last is None else last.params
    final_loss = np.full(len(runs), np.nan) if last is None else last.loss
    status = tuple(outcome.status.value for outcome in simulation.outcomes)
    finished_ok = np.array([s in ("converged", "max_steps") for s in status])
    basin = basin_of(base.objective, final_params, finished_ok) if "start" in over else None
    return SweepResult(
        values=values,
        final_params=final_params,
        final_loss=final_loss,
        status=status,
        steps_taken=np.array([o.steps_taken for o in simulation.outcomes]),
        basin=basin,
    )
