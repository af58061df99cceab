"""One step of every run, as the loop hands it out, and where each run's optimizer state lives."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from types import MappingProxyType
from typing import NamedTuple

import numpy as np

from app.runs.problem import OptimizerGroup

State = dict[str, np.ndarray]
NO_METRICS: Mapping[str, np.ndarray] = MappingProxyType({})


class RunLayout:
    """Which optimizer group holds each run, and at which row of that group's state buffers."""

    def __init__(self, groups: list[OptimizerGroup]) -> None:
        self.group_rows = [g.rows for g in groups]

    @cached_property
    def places(self) -> dict[int, tuple[int, int]]:
        """run -> (group, row), worked out when first asked for (a sweep never asks)."""
        return {
            run: (g, j)
            for g, rows in enumerate(self.group_rows)
            for j, run in enumerate(rows.tolist())
        }

    def state_of(self, states: tuple[State, ...], run: int) -> State:
        """One run's optimizer buffers, each a (d,) row; {} for a run that does not exist."""
        place = self.places.get(run)
        if place is None:
            return {}
        group, row = place
        return {name: buffer[row] for name, buffer in states[group].items()}


class Step(NamedTuple):
    """Every run's state at params[index]. Its arrays are never changed once it is handed out;
    consecutive Steps may share an array that did not change (a status, a learning rate)."""

    index: int
    params: np.ndarray  # (R, d)
    loss: np.ndarray  # (R,), NaN where not finite
    grad: np.ndarray  # (R, d)
    status: np.ndarray  # (R,) indices into STATUSES
    clipped: np.ndarray  # (R,) whether the update leaving this step was clipped
    lr: np.ndarray  # (R,) the learning rate of the update leaving this step
    states: tuple[State, ...]  # each optimizer group's buffers, (rows of the group, d) each
    layout: RunLayout
    metrics: Mapping[str, np.ndarray] = NO_METRICS  # the objective's metrics, (R,) each

    def state_of(self, run: int) -> State:
        """The optimizer buffers of one run, each a (d,) row."""
        return self.layout.state_of(self.states, run)
