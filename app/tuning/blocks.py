"""The suggestion sweep run one block of rates at a time, the largest rates first: a block of
smaller rates runs only for the optimizers whose pick the rates tried so far do not settle.

Below the rates tried, a smaller rate can change the pick only by coming nearer the best: once
an optimizer's two smallest rates tried neither diverged nor came near the best, and the smaller
got less far, the loss is falling as the rate grows, as it does wherever a step is too small to
overshoot, and no smaller rate can come nearer. Otherwise its next block runs. With one block
this is the plain sweep of every rate.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from app.objectives import Objective, run_bytes
from app.runs import RunConfig, RunProblem
from app.tuning.search import run_to_end, suggested_index

# The memory one batch of the sweep may hold while it steps (app/objectives/batch_memory.py).
SWEEP_BATCH_BYTES = 100_000_000


@dataclass
class Tried:
    """One optimizer's rates run so far: each rate's final loss and whether it is unusable."""

    rates: list[float] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    unusable: list[bool] = field(default_factory=list)

    def pick(self, start_loss: float, near: float) -> int:
        rates = np.array(self.rates)
        losses, unusable = np.array(self.losses), np.array(self.unusable)
        return suggested_index(rates, losses, unusable, start_loss, near)

    def settled(self, start_loss: float, near: float) -> bool:
        """Whether no smaller rate can change the pick (see the module's docstring)."""
        low = np.argsort(self.rates)[:2]
        if len(low) < 2 or any(self.unusable[i] for i in low):
            return False
        if self.pick(start_loss, near) in low:
            return False  # the smallest rates are near the best: a smaller one may be too
        return self.losses[low[0]] >= self.losses[low[1]]


def sweep_blocks(
    objective: Objective,
    names: Sequence[str],
    blocks: Sequence[np.ndarray],
    steps: int,
    near: float,
    *,
    should_stop: Callable[[], bool] | None = None,
    deadline: float | None = None,
) -> tuple[dict[str, float], bool]:
    """Each optimizer's suggested rate, and whether every run that ran finished."""
    tried = {name: Tried() for name in names}
    pending, complete, start_loss = list(names), True, float("nan")
    for rates in blocks:
        # As many optimizers' rates at once as fit in SWEEP_BATCH_BYTES (a large network's
        # runs each hold megabytes while they step).
        per_batch = max(1, SWEEP_BATCH_BYTES // (len(rates) * run_bytes(objective)))
        for first in range(0, len(pending), per_batch):
            group = pending[first : first + per_batch]
            runs = tuple(RunConfig(name, {"lr": float(rate)}) for name in group for rate in rates)
            problem = RunProblem(objective=objective, runs=runs, steps=steps)
            finals = run_to_end(
                problem, should_stop=should_stop, deadline=deadline, watch_view=True
            )
            complete = complete and "stopped" not in finals.status
            start_loss = finals.start_loss
            shape = (len(group), len(rates))
            losses = finals.final_loss.reshape(shape)
            # A rate whose path runs far out of view is as useless to watch as one that diverges.
            unusable = (finals.diverged | finals.strayed).reshape(shape)
            for i, name in enumerate(group):
                tried[name].rates += rates.tolist()
                tried[name].losses += losses[i].tolist()
                tried[name].unusable += unusable[i].tolist()
        pending = [name for name in pending if not tried[name].settled(start_loss, near)]
        if not pending:
            break
    picks = {name: t.rates[t.pick(start_loss, near)] for name, t in tried.items()}
    return picks, complete
