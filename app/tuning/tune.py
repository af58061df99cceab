"""Tuning a race: every run's learning rate swept over a log range, all in one batch."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from app.optim import OPTIMIZERS, CheckedHyperparams
from app.runs import RunConfig, RunProblem
from app.tuning.search import best_index, run_to_end

# The swept range around each run's current rate, in decades below and above it.
DECADES_BELOW, DECADES_ABOVE = 4, 2
TUNE_CRITERION = (
    "lowest final loss (the full loss at the run's last point) among rates that did not diverge; "
    "ties within 1e-12 relative go to fewer steps, then the smaller rate"
)


def lr_grid(current: float, num: int) -> np.ndarray:
    """num log-spaced rates from current·1e-4 to current·1e2 at two significant digits,
    current itself among them."""
    span = DECADES_BELOW + DECADES_ABOVE
    below = max(1, min(num - 2, round((num - 1) * DECADES_BELOW / span)))
    lower = current * np.logspace(-DECADES_BELOW, 0, below + 1)
    upper = current * np.logspace(0, DECADES_ABOVE, num - below)
    exact = np.concatenate([lower[:-1], [current], upper[1:]])
    # Two significant digits, as a learner would type them (the current rate stays exact),
    # unless the grid is so fine that rounding would merge neighbours.
    nice = np.array([float(f"{rate:.2g}") for rate in exact])
    nice[below] = current
    return nice if (np.diff(nice) > 0).all() else exact


def current_lr(run: RunConfig) -> float:
    """The run's rate, or its optimizer's default when it is 0 (nothing to scale)."""
    default = next(h.default for h in OPTIMIZERS[run.optimizer].hyperparams if h.name == "lr")
    lr = float(run.hyperparams.get("lr", default))
    return lr if lr > 0 else float(default)


def tune(
    base: RunProblem,
    num: int,
    *,
    should_stop: Callable[[], bool] | None = None,
    deadline: float | None = None,
) -> dict[str, Any]:
    """For each run of base, its best rate among lr_grid(its rate, num), by TUNE_CRITERION."""
    grids = [lr_grid(current_lr(run), num) for run in base.runs]
    # A positive multiple of a checked rate is a checked rate: the rows need no second check.
    runs = tuple(
        replace(run, hyperparams=CheckedHyperparams({**run.hyperparams, "lr": float(rate)}))
        for run, grid in zip(base.runs, grids, strict=True)
        for rate in grid
    )
    finals = run_to_end(replace(base, runs=runs), should_stop=should_stop, deadline=deadline)
    answers = []
    for r, (run, rates) in enumerate(zip(base.runs, grids, strict=True)):
        rows = slice(r * num, (r + 1) * num)
        losses, diverged = finals.final_loss[rows], finals.diverged[rows]
        steps = finals.steps_taken[rows]
        pick = best_index(rates, losses, diverged, steps)
        answers.append(
            {
                "label": run.label,
                "lr": float(rates[pick]),
                "final_loss": float(losses[pick]),
                "status": finals.status[rows][pick],
                "steps_taken": int(steps[pick]),
                "tried": rates,
                "final_losses": losses,
                "diverged": diverged,
            }
        )
    return {"runs": answers, "criterion": TUNE_CRITERION}
