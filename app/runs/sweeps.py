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

from app.errors import FieldError
from app.objectives import Objective
from app.optim import OPTIMIZERS, CheckedHyperparams
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


@dataclass(frozen=True)
class SweepRange:
    """A checked range of one numeric hyper-parameter: num values from low to high."""

    name: str
    low: float
    high: float
    num: int
    scale: str = "log"  # "log" | "linear"

    def values(self) -> np.ndarray:
        if self.scale == "log":
            return np.geomspace(self.low, self.high, self.num)
        return np.linspace(self.low, self.high, self.num)


@dataclass(frozen=True)
class StartGrid:
    """Start points on a resolution^d grid over bounds ([lo, hi] per axis, lo < hi)."""

    bounds: tuple[tuple[float, float], ...]
    resolution: int

    @property
    def count(self) -> int:
        return self.resolution ** len(self.bounds)

    def points(self) -> np.ndarray:
        return start_grid([list(b) for b in self.bounds], self.resolution)


Over = SweepRange | StartGrid


def sweepable(optimizer: str) -> tuple[str, ...]:
    """The hyper-parameters of an optimizer a sweep can range over: its numeric ones."""
    return tuple(h.name for h in OPTIMIZERS[optimizer].hyperparams if h.kind in ("float", "int"))


def sweep_values(spec: Mapping[str, Any], field: str) -> np.ndarray:
    """{"min", "max", "num", "scale": "log" | "linear"} checked, as an array of values."""
    return parse_range(field.rpartition(".")[2], spec, field).values()


def parse_range(name: str, spec: Mapping[str, Any], field: str) -> SweepRange:
    """A range spec from a Python caller, checked; raises FieldError under `field`."""
    low, high, num = spec["min"], spec["max"], int(spec["num"])
    scale = spec.get("scale", "log")
    if num < 1:
        raise ProblemError(f"{field}.num", f"must be >= 1, got {num}")
    if not (math.isfinite(low) and math.isfinite(high)) or low > high:
        raise ProblemError(field, f"needs finite min <= max, got min={low} max={high}")
    if scale not in ("log", "linear"):
        raise ProblemError(f"{field}.scale", f"must be 'log' or 'linear', got {scale!r}")
    if scale == "log" and low <= 0:
        raise ProblemError(f"{field}.min", f"a log scale needs min > 0, got {low}")
    return SweepRange(name, float(low), float(high), num, scale)


def parse_over(over: Mapping[str, Any], template: RunConfig) -> Over:
    """`{"start": {"bounds", "resolution"}}` or `{name: range}` from a Python caller, checked
    (the range's ends as the optimizer's settings too)."""
    ((name, spec),) = over.items()
    if name == "start":
        bounds = tuple((float(lo), float(hi)) for lo, hi in spec["bounds"])
        return StartGrid(bounds, int(spec["resolution"]))
    if name not in sweepable(template.optimizer):
        raise ProblemError(f"over.{name}", f"not a numeric setting of {template.optimizer!r}")
    rng = parse_range(name, spec, f"over.{name}")
    for end, value in (("min", rng.low), ("max", rng.high)):
        try:
            OPTIMIZERS[template.optimizer].check({**template.hyperparams, name: value})
        except FieldError as error:
            raise ProblemError(f"over.{name}.{end}", error.reason) from None
    return rng


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
    over: Over | Mapping[str, Any],
    *,
    should_stop: Callable[[], bool] | None = None,
    deadline: float | None = None,
) -> SweepResult:
    """Run base's single run configuration for every value of `over`, all in one batch."""
    (template,) = base.runs
    if not isinstance(over, SweepRange | StartGrid):
        over = parse_over(over, template)
    if isinstance(over, StartGrid):
        values = over.points()
        runs = tuple(replace(template, start=tuple(p)) for p in values)
    else:
        values = over.values()
        # Every value lies between two checked ends, so each row is checked as it is made.
        hyperparams = template.hyperparams
        runs = tuple(
            RunConfig(
                template.optimizer,
                CheckedHyperparams({**hyperparams, over.name: float(v)}),
                template.start,
            )
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
    grid = isinstance(over, StartGrid)
    basin = basin_of(base.objective, final_params, finished_ok) if grid else None
    return SweepResult(
        values=values,
        final_params=final_params,
        final_loss=final_loss,
        status=status,
        steps_taken=np.array([o.steps_taken for o in simulation.outcomes]),
        basin=basin,
    )
