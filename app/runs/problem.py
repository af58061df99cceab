"""A validated run request in plain Python: objective, runs, budget, stop rules, options."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from app.errors import FieldError
from app.objectives import Objective
from app.optim import OPTIMIZERS, OptimizerDef, broadcast_hyperparams, resolve_schedule
from app.optim.clipping import clip_gradients


class ProblemError(FieldError):
    """A request that cannot run."""


@dataclass(frozen=True)
class StopRules:
    loss_below: float | None = None  # the texts' "until the loss is below 0.001"
    grad_norm_below: float | None = None


@dataclass(frozen=True)
class RunConfig:
    optimizer: str
    hyperparams: Mapping[str, Any] = field(default_factory=dict)
    start: tuple[float, ...] | None = None  # None: the objective's default start
    label: str = ""


@dataclass(frozen=True)
class OptimizerGroup:
    """The runs of one optimizer: their rows in the batch and their hyper-parameter arrays."""

    optimizer: OptimizerDef
    rows: np.ndarray
    hyperparams: dict[str, np.ndarray]


@dataclass(frozen=True)
class RunProblem:
    objective: Objective
    runs: tuple[RunConfig, ...]
    steps: int
    stop: StopRules = StopRules()
    schedule: Mapping[str, Any] | None = None
    clip: Mapping[str, Any] | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        if not self.runs:
            raise ProblemError("runs", "at least one run is needed")
        if self.steps < 0:
            raise ProblemError("steps", f"must be >= 0, got {self.steps}")
        for name in ("loss_below", "grad_norm_below"):
            value = getattr(self.stop, name)
            if value is not None and not (math.isfinite(value) and value > 0):
                raise ProblemError(f"stop.{name}", f"must be a positive number, got {value}")
        try:
            object.__setattr__(self, "schedule", resolve_schedule(self.schedule))
            clip_gradients(np.zeros((1, 1)), self.clip)
        except ValueError as error:
            raise _as_problem(error, "schedule" if "schedule" in str(error) else "clip") from None
        for i, run in enumerate(self.runs):
            if run.optimizer not in OPTIMIZERS:
                known = ", ".join(OPTIMIZERS)
                raise ProblemError(
                    f"runs[{i}].optimizer.name",
                    f"unknown optimizer {run.optimizer!r}; known: {known}",
                )
            if run.start is not None and len(run.start) != self.objective.dim:
                raise ProblemError(
                    f"runs[{i}].start",
                    f"needs {self.objective.dim} coordinate(s) for {self.objective.id!r}, "
                    f"got {len(run.start)}",
                )

    @property
    def starts(self) -> np.ndarray:
        default = self.objective.default_start
        return np.array([run.start or default for run in self.runs], dtype=np.float64)

    def groups(self) -> list[OptimizerGroup]:
        """Runs grouped by optimizer, hyper-parameters validated and broadcast per run (worked
        out once: the route validates with it, then the loop runs with it)."""
        return list(self._groups)

    @cached_property
    def _groups(self) -> tuple[OptimizerGroup, ...]:
        by_name: dict[str, list[int]] = {}
        for i, run in enumerate(self.runs):
            by_name.setdefault(run.optimizer, []).append(i)
        groups = []
        for name, rows in by_name.items():
            configs = [self.runs[i].hyperparams for i in rows]
            try:
                hp = broadcast_hyperparams(OPTIMIZERS[name], configs, len(rows))
            except ValueError as error:
                raise _hyperparam_error(error, rows) from None
            groups.append(OptimizerGroup(OPTIMIZERS[name], np.array(rows), hp))
        return tuple(groups)


def _as_problem(error: ValueError, default_field: str) -> ProblemError:
    text = str(error)
    head, sep, reason = text.partition(": ")
    if sep and " " not in head:
        return ProblemError(head, reason)
    return ProblemError(default_field, text)


def _hyperparam_error(error: ValueError, rows: Sequence[int]) -> ProblemError:
    """Re-address "runs[j].lr: ..." (j within the optimizer's group) to the request's run index."""
    head, _, reason = str(error).partition(": ")
    run = rows[0]
    if head.startswith("runs["):
        local, _, name = head[len("runs[") :].partition("].")
        run, head = rows[int(local)], name
    return ProblemError(f"runs[{run}].optimizer.{head}", reason)
