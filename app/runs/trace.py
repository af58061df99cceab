"""The recorded steps: which steps a simulation keeps, and the arrays it keeps them in.

The arrays are allocated once, sized by the record rule and the budget, and filled row by row as
the steps are computed (a step's row is one contiguous block, the cheapest write there is).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.runs.step import State, Step


@dataclass(frozen=True)
class RecordRule:
    """Every `every`-th step (1: all), each step where a run ended, and the last step computed;
    or, with every None, only the last step computed."""

    every: int | None = 1

    def capacity(self, steps: int, runs: int) -> int:
        """The most rows a simulation of `steps` updates and `runs` runs can keep."""
        if self.every is None:
            return 1
        # Multiples of every, plus each run's ending step, plus a last step cut short.
        return min(steps + 1, steps // self.every + 1 + runs + 1)


EVERY_STEP = RecordRule(1)
FINAL_STEP = RecordRule(None)


class Trace:
    """Kept steps, one row each: step indices (K,), params (K, R, d), loss (K, R), grad (K, R, d),
    and each optimizer group's buffers (K, rows of the group, d)."""

    def __init__(self, starts: np.ndarray, states: tuple[State, ...], capacity: int) -> None:
        runs, dim = starts.shape
        self.starts = starts
        self.initial_states = states  # what a run that kept no step reports as its state
        self.index = np.empty(capacity, dtype=np.int64)
        self.params = np.empty((capacity, runs, dim))
        self.loss = np.empty((capacity, runs))
        self.grad = np.empty((capacity, runs, dim))
        self.states = tuple(
            {
                name: np.empty((capacity, *buffer.shape), dtype=buffer.dtype)
                for name, buffer in state.items()
            }
            for state in states
        )
        # (group, buffer name, its array) for every buffer, in one flat list for append
        self._buffers = [
            (group, name, kept)
            for group, state in enumerate(self.states)
            for name, kept in state.items()
        ]
        self.count = 0

    def append(self, step: Step) -> None:
        row = self.count
        self.index[row] = step.index
        self.params[row] = step.params
        self.loss[row] = step.loss
        self.grad[row] = step.grad
        states = step.states
        for group, name, kept in self._buffers:
            kept[row] = states[group][name]
        self.count = row + 1

    def rows_until(self, ended_at: int) -> slice:
        """The kept rows at or before step ended_at; when none (only a later step was kept, and
        a finished run's row stays frozen), the last kept row, which holds its ending."""
        count = int(np.searchsorted(self.index[: self.count], ended_at, side="right"))
        return slice(0, count) if count or not self.count else slice(self.count - 1, self.count)
