"""Learning rates per update: each optimizer group's hyper-parameters with the lr the schedule
sets, and every run's lr as one row (0 where no update leaves the step)."""

from __future__ import annotations

from typing import Any

import numpy as np

from app.optim import Schedule
from app.runs.ledger import Ledger
from app.runs.status import DIVERGED

HyperParams = dict[str, Any]


class LearningRates:
    """The schedule applied to every group's base lr at once, one call per update.

    The base rates sit in one flat vector (one entry for a group that shares its lr, one per
    run otherwise), so a step's schedule is one NumPy product whatever the number of groups.
    """

    def __init__(
        self,
        schedule: Schedule,
        hyperparams: list[HyperParams],
        rows: list[slice | np.ndarray],
        runs: int,
    ) -> None:
        self.schedule = schedule
        self.constant = schedule.constant
        self.hyperparams = hyperparams
        bases = [np.reshape(hp["lr"], -1).astype(np.float64) for hp in hyperparams]
        self.base = np.concatenate(bases)
        self.spans: list[tuple[int, int]] = []  # (offset, size) of each group's rates
        source = np.empty(runs, dtype=np.int64)  # each run's entry in the flat vector
        offset = 0
        for base, group_rows in zip(bases, rows, strict=True):
            self.spans.append((offset, len(base)))
            count = len(np.arange(runs)[group_rows])
            source[group_rows] = offset if len(base) == 1 else offset + np.arange(count)
            offset += len(base)
        self.source = source
        self.base_row = self.base[source]
        self.idle = np.zeros(runs)  # the lr row of a step that no update leaves
        self._constant_row = (-1, self.base_row)  # (ledger version, row) for a constant schedule

    def at(self, step: int, ledger: Ledger) -> tuple[list[HyperParams], np.ndarray]:
        """Each group's hyper-parameters for update `step` (1-based) and every run's lr.

        A run whose lr the schedule makes non-finite cannot take the update: it diverges at the
        step the update would leave, step - 1.
        """
        if self.constant:
            return self.hyperparams, self._row_while_constant(ledger)
        try:
            rates = self.schedule.rate(self.base, step)
        except OverflowError:  # gamma ** t past the largest float
            rates = np.full_like(self.base, np.inf)
        row = rates[self.source]
        finite = np.isfinite(row)
        if not finite.all():
            message = f"diverged at step {step - 1}: the learning-rate schedule overflowed"
            ledger.end_going(step - 1, DIVERGED, message, among=~finite)
        if ledger.going_mask is not None:
            row = np.where(ledger.going_mask, row, 0.0)
        hyperparams = [
            {**hp, "lr": rates[offset] if size == 1 else rates[offset : offset + size, None]}
            for hp, (offset, size) in zip(self.hyperparams, self.spans, strict=True)
        ]
        return hyperparams, row

    def _row_while_constant(self, ledger: Ledger) -> np.ndarray:
        version, row = self._constant_row
        if version != ledger.version:
            row = self.base_row
            if ledger.going_mask is not None:
                row = np.where(ledger.going_mask, row, 0.0)
            self._constant_row = (ledger.version, row)
        return row
