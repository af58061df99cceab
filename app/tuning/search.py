"""Run a batch to its end and judge its runs: the rules behind suggestions and tuning."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from app.runs import EVERY_STEP, FINAL_STEP, RunProblem, Simulation

# Tuning: final losses this close (relative) are a tie, settled by fewer steps, then smaller lr.
TIE_RELATIVE = 1e-12
# A path strays when it leaves the view box grown by this many box widths on every side.
STRAY_MARGIN = 1.0


@dataclass(frozen=True)
class Finals:
    """How every run of a batch ended."""

    final_loss: (
        np.ndarray
    )  # (R,) the objective's full loss at each run's final point, NaN if not finite
    diverged: np.ndarray  # (R,) bool
    status: tuple[str, ...]
    steps_taken: np.ndarray  # (R,)
    start_loss: float  # the full loss at the objective's default start
    strayed: np.ndarray  # (R,) bool: the path left the view box by over STRAY_MARGIN widths


def run_to_end(
    problem: RunProblem,
    *,
    should_stop: Callable[[], bool] | None = None,
    deadline: float | None = None,
    watch_view: bool = False,
) -> Finals:
    """Run every run of problem as one batch and keep only how each ended (and, with
    watch_view, which paths strayed out of view on the way)."""
    # Only how each run ends is judged: a network's test metrics at every step are not needed.
    objective = dataclasses.replace(problem.objective, metric_names=(), metrics=None)
    problem = dataclasses.replace(problem, objective=objective)
    box = np.array(objective.view_box, dtype=np.float64)
    centre, half = box.mean(axis=1), (box[:, 1] - box[:, 0]) / 2.0
    reach = 1.0 + 2.0 * STRAY_MARGIN  # in half-widths from the centre
    strayed = np.zeros(len(problem.runs), dtype=bool)
    record = EVERY_STEP if watch_view else FINAL_STEP  # only the end matters unless watching
    simulation = Simulation(problem, record=record, should_stop=should_stop, deadline=deadline)
    last = None
    for last in simulation:
        if watch_view:
            with np.errstate(invalid="ignore"):
                strayed |= ~(np.abs((last.params - centre) / half).max(axis=1) <= reach)
    final_params = problem.starts if last is None else last.params
    with np.errstate(all="ignore"):
        # The full loss, not the last mini-batch's: a stochastic run is judged on all the data.
        final_loss = np.asarray(objective.loss(final_params), dtype=np.float64)
        start = np.array([objective.default_start], dtype=np.float64)
        start_loss = float(np.asarray(objective.loss(start))[0])
    status = tuple(outcome.status.value for outcome in simulation.outcomes)
    diverged = np.array([s == "diverged" for s in status])
    return Finals(
        final_loss=np.where(np.isfinite(final_loss), final_loss, np.nan),
        diverged=diverged,
        status=status,
        steps_taken=np.array([o.steps_taken for o in simulation.outcomes]),
        start_loss=start_loss,
        strayed=strayed,
    )


def _usable(final_loss: np.ndarray, diverged: np.ndarray) -> np.ndarray:
    return ~diverged & np.isfinite(final_loss)


def best_index(
    rates: np.ndarray, final_loss: np.ndarray, diverged: np.ndarray, steps_taken: np.ndarray
) -> int:
    """Tuning's pick: the lowest final loss without diverging; ties (1e-12 relative) go to fewer
    steps, then the smaller rate. When every rate diverged, the one that lasted longest."""
    order = np.lexsort((rates, -steps_taken))  # latest divergence first, then the smaller rate
    usable = _usable(final_loss, diverged)
    if not usable.any():
        return int(order[0])
    best = final_loss[usable].min()
    tied = usable & (final_loss <= best + TIE_RELATIVE * abs(best))
    candidates = np.flatnonzero(tied)
    return int(candidates[np.lexsort((rates[candidates], steps_taken[candidates]))[0]])


def suggested_index(
    rates: np.ndarray, final_loss: np.ndarray, diverged: np.ndarray, start_loss: float, near: float
) -> int:
    """Suggestion's pick: the smallest rate whose final loss is within `near` of the best one's
    progress (near × (start loss − best)), so the path stays watchable; the smallest rate when
    every rate diverged."""
    usable = _usable(final_loss, diverged)
    if not usable.any():
        return int(np.argmin(rates))
    best = final_loss[usable].min()
    progress = start_loss - best if np.isfinite(start_loss) and start_loss > best else 0.0
    close = usable & (final_loss <= best + near * progress)
    candidates = np.flatnonzero(close)
    return int(candidates[np.argmin(rates[candidates])])
