"""The recorded steps: which steps a simulation keeps, and the arrays it keeps them in.

The arrays are allocated once, sized by the record rule and the budget, and filled row by row as
the steps are computed (a step's row is one contiguous block, the cheapest write there is).
A kept step's loss and metrics are (R,) each; its parameters, gradients and optimizer
buffers are (R, d) each, which for a network of d weights may be kept more sparsely.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from app.runs.step import State, Step


@dataclass(frozen=True)
class RecordRule:
    """Every `every`-th step (1: all), each step where a run ended, and the last step computed;
    or, with every None, only the last step computed.

    Of those, params_every says which also keep their parameters, gradients and optimizer
    buffers: the steps whose index is a multiple of it, and the last step kept (1: every kept
    step; None: the last only). Runs that ended earlier keep their rows frozen, so the last
    step holds their endings too.
    """

    every: int | None = 1
    params_every: int | None = 1

    def capacity(self, steps: int, runs: int) -> int:
        """The most rows a simulation of `steps` updates and `runs` runs can keep."""
        if self.every is None:
            return 1
        # Multiples of every, plus each run's ending step, plus a last step cut short.
        return min(steps + 1, steps // self.every + 1 + runs + 1)

    def params_capacity(self, steps: int, runs: int) -> int:
        """The most kept steps that also keep parameters."""
        rows = self.capacity(steps, runs)
        if self.params_every == 1:
            return rows
        if self.params_every is None:
            return 1
        return min(rows, steps // self.params_every + 2)  # multiples, plus the last step

    def keeps_params(self, index: int) -> bool:
        """Whether a kept step keeps its parameters (the last kept step always does)."""
        every = self.params_every
        return every == 1 or (every is not None and index % every == 0)


def marked_steps(steps: Iterable[Step], rule: RecordRule) -> Iterator[tuple[Step, bool]]:
    """Each step with whether it keeps its parameters by the rule, the last one always; one
    step behind its source, since a step is known to be the last only when the next is not."""
    previous = None
    for step in steps:
        if previous is not None:
            yield previous, rule.keeps_params(previous.index)
        previous = step
    if previous is not None:
        yield previous, True


EVERY_STEP = RecordRule(1)
FINAL_STEP = RecordRule(None)


class Trace:
    """Kept steps, one row each: step indices (K,), loss (K, R) and each metric (K, R); and the
    kept steps that keep parameters, one row each: their indices params_index (P,), params
    (P, R, d), grad (P, R, d) and each optimizer group's buffers (P, rows of the group, d).
    With the default rule P = K and params_index = index."""

    def __init__(
        self,
        starts: np.ndarray,
        states: tuple[State, ...],
        capacity: int,
        *,
        metric_names: tuple[str, ...] = (),
        rule: RecordRule = RecordRule(),
        params_capacity: int | None = None,
    ) -> None:
        runs, dim = starts.shape
        vectors = capacity if params_capacity is None else params_capacity
        self.starts = starts
        self.initial_states = states  # what a run that kept no step reports as its state
        self.index = np.empty(capacity, dtype=np.int64)
        self.loss = np.empty((capacity, runs))
        self.metrics = {name: np.empty((capacity, runs)) for name in metric_names}
        self.params_index = self.index if rule.params_every == 1 else np.empty(vectors, np.int64)
        self.params = np.empty((vectors, runs, dim))
        self.grad = np.empty((vectors, runs, dim))
        self.states = tuple(
            {
                name: np.empty((vectors, *buffer.shape), dtype=buffer.dtype)
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
        self._rule = rule
        self._unkept: Step | None = None  # the last step appended, if its vectors are not kept
        self.count = 0
        self.params_count = 0

    def append(self, step: Step) -> None:
        row = self.count
        self.index[row] = step.index
        self.loss[row] = step.loss
        for name, kept in self.metrics.items():
            kept[row] = step.metrics[name]
        self.count = row + 1
        if self._rule.keeps_params(step.index):
            self._keep_vectors(step)
            self._unkept = None
        else:
            self._unkept = step

    def close(self) -> None:
        """The steps are over: the last one keeps its parameters whatever the rule."""
        if self._unkept is not None:
            self._keep_vectors(self._unkept)
            self._unkept = None

    def _keep_vectors(self, step: Step) -> None:
        row = self.params_count
        if self.params_index is not self.index:
            self.params_index[row] = step.index
        self.params[row] = step.params
        self.grad[row] = step.grad
        states = step.states
        for group, name, kept in self._buffers:
            kept[row] = states[group][name]
        self.params_count = row + 1

    def params_rows_until(self, ended_at: int) -> np.ndarray:
        """The rows keeping parameters at or before step ended_at and, when none of them is at
        ended_at, the last row after it, whose frozen values are the run's at its ending."""
        index = self.params_index[: self.params_count]
        count = int(np.searchsorted(index, ended_at, side="right"))
        rows = np.arange(count)
        if count < self.params_count and (count == 0 or index[count - 1] < ended_at):
            rows = np.append(rows, self.params_count - 1)
        return rows

    def rows_until(self, ended_at: int) -> slice:
        """The kept rows at or before step ended_at; when none (only a later step was kept, and
        a finished run's row stays frozen), the last kept row, which holds its ending."""
        count = int(np.searchsorted(self.index[: self.count], ended_at, side="right"))
        return slice(0, count) if count or not self.count else slice(self.count - 1, self.count)
