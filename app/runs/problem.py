"""A run request in plain Python: objective, runs, budget, stop rules and options, as typed values.

The API's request schema checks everything and builds these values directly. A caller in
Python (tuning, lessons, a notebook) may pass plain settings instead: each is checked once, when
its value is built (RunConfig's hyper-parameters, the schedule, the clip), never per step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from app.errors import FieldError
from app.objectives import Objective
from app.optim import (
    CONSTANT,
    OPTIMIZERS,
    CheckedHyperparams,
    Clip,
    OptimizerDef,
    Schedule,
    parse_clip,
    parse_schedule,
    stack_hyperparams,
)


class ProblemError(FieldError):
    """A request that cannot run."""


@dataclass(frozen=True)
class StopRules:
    loss_below: float | None = None  # the texts' "until the loss is below 0.001"
    grad_norm_below: float | None = None


@dataclass(frozen=True)
class RunConfig:
    """One run: its optimizer, its checked hyper-parameters, its start and its label. Plain
    settings are checked (and completed with the defaults) when the config is made."""

    optimizer: str
    hyperparams: Mapping[str, Any] = field(default_factory=dict)
    start: tuple[float, ...] | None = None  # None: the objective's default start
    label: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.hyperparams, CheckedHyperparams):
            return
        if self.optimizer not in OPTIMIZERS:
            known = ", ".join(OPTIMIZERS)
            raise ProblemError(
                "optimizer.name", f"unknown optimizer {self.optimizer!r}; known: {known}"
            )
        try:
            checked = OPTIMIZERS[self.optimizer].check(self.hyperparams)
        except FieldError as error:
            raise ProblemError(f"optimizer.{error.field}", error.reason) from None
        object.__setattr__(self, "hyperparams", checked)


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
    schedule: Schedule = CONSTANT
    clip: Clip | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        if not self.runs:
            raise ProblemError("runs", "at least one run is needed")
        # Plain settings from a Python caller become checked values; typed ones pass as they are.
        object.__setattr__(self, "schedule", parse_schedule(self.schedule))
        object.__setattr__(self, "clip", parse_clip(self.clip))

    @property
    def starts(self) -> np.ndarray:
        default = self.objective.default_start
        return np.array([run.start or default for run in self.runs], dtype=np.float64)

    def groups(self) -> list[OptimizerGroup]:
        """Runs grouped by optimizer, their checked hyper-parameters stacked per run."""
        return list(self._groups)

    @cached_property
    def _groups(self) -> tuple[OptimizerGroup, ...]:
        by_name: dict[str, list[int]] = {}
        for i, run in enumerate(self.runs):
            by_name.setdefault(run.optimizer, []).append(i)
        return tuple(
            OptimizerGroup(
                OPTIMIZERS[name],
                np.array(rows),
                stack_hyperparams(
                    OPTIMIZERS[name], [self.runs[i].hyperparams for i in rows], len(rows)
                ),
            )
            for name, rows in by_name.items()
        )
