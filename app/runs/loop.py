"""The batched run loop: all runs advance together, one engine evaluation per step for the batch.

Convention: params[k] is the iterate after k updates (params[0] is the start), and loss[k] and
grad[k] are evaluated at params[k]. A run that finishes keeps its last row frozen; only the
runs still going are evaluated and updated.
"""

from __future__ import annotations

import contextvars
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any, NamedTuple

import numpy as np

from app.engine import batch_hessian, batch_value_and_grad
from app.engine.compiled import compiled_batch_value_and_grad
from app.optim import clip_gradients, lr_at, shared_as_scalars
from app.runs.problem import RunProblem
from app.runs.status import DIVERGENCE_LIMIT, RunStatus

STATUSES = tuple(RunStatus)
_RUNNING, _CONVERGED, _MAX_STEPS, _DIVERGED, _STOPPED = (STATUSES.index(s) for s in STATUSES)
_LIMIT_SQUARED = DIVERGENCE_LIMIT**2
# NumPy 2 keeps its floating-point error state in a context variable; older NumPy keeps it per
# thread, where setting it once for the steps would leak to the caller.
_ERRSTATE_IN_CONTEXT = np.lib.NumpyVersion(np.__version__) >= "2.0.0"


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
    states: tuple[tuple[np.ndarray, dict[str, np.ndarray]], ...]  # (rows, buffers) per optimizer

    def state_of(self, run: int) -> dict[str, np.ndarray]:
        """The optimizer buffers of one run, each a (d,) row."""
        for rows, buffers in self.states:
            hits = np.flatnonzero(rows == run)
            if hits.size:
                return {name: buffer[hits[0]] for name, buffer in buffers.items()}
        return {}


@dataclass
class RunOutcome:
    status: RunStatus = RunStatus.RUNNING
    steps_taken: int = 0
    message: str = ""
    diverged_at: int | None = None
    converged_by: str | None = None
    clipped_steps: int = 0


@dataclass
class Simulation:
    """Iterate to get each Step; `outcomes` holds every run's ending once iteration stops."""

    problem: RunProblem
    should_stop: Callable[[], bool] | None = None
    deadline: float | None = None  # time.monotonic() value after which runs are stopped

    def __post_init__(self) -> None:
        # Endings are kept as arrays (one finish call may settle thousands of runs at once) and
        # turned into RunOutcome records when asked for.
        runs = len(self.problem.runs)
        self._codes = np.full(runs, _RUNNING)
        self._steps_taken = np.zeros(runs, dtype=np.int64)
        self._clipped_steps = np.zeros(runs, dtype=np.int64)
        self._endings: list[tuple[str, str | None]] = [("", None)]  # (message, rule)
        self._ending_of = np.zeros(runs, dtype=np.int64)
        self._outcomes: list[RunOutcome] | None = None
        self._no_clip: np.ndarray | None = None  # all-false clipped rows, shared between Steps
        self._lr_cache: tuple[np.ndarray, np.ndarray] | None = None

    def __iter__(self) -> Iterator[Step]:
        # Each step runs with NumPy's floating-point warnings ignored (overflow and NaN are what
        # the divergence checks are for); between steps the caller's own error state holds.
        run_quietly = _quiet_runner()
        steps = self._steps()
        while True:
            try:
                step = run_quietly(next, steps)
            except StopIteration:
                return
            yield step

    def _steps(self) -> Iterator[Step]:
        """The steps, set-up and cancel checks included; __iter__ runs each with FP warnings off."""
        problem = self.problem
        objective = problem.objective
        groups = problem.groups()
        params = problem.starts
        runs, dim = params.shape
        # A problem with one optimizer updates the whole batch: slices avoid fancy-index copies.
        group_rows = [slice(None) if len(groups) == 1 else g.rows for g in groups]
        # (rows, buffers) per optimizer, the form Step.states hands out.
        states = tuple(
            (g.rows, g.optimizer.init(params[rows], g.hyperparams))
            for g, rows in zip(groups, group_rows, strict=True)
        )
        settings = [shared_as_scalars(g.hyperparams) for g in groups]
        needs_hessian = any(g.optimizer.needs_hessian for g in groups)
        stochastic = objective.batch_size is not None and objective.n_samples is not None
        # Same-shaped batches every step: trace the loss once, then replay it (app.engine.compiled).
        value_and_grad = compiled_batch_value_and_grad(objective.loss)
        rng = np.random.default_rng(problem.seed)
        status = np.full(runs, _RUNNING)
        loss = np.full(runs, np.nan)
        grad = np.full((runs, dim), np.nan)
        hessians = None
        live: slice | np.ndarray = slice(None)  # the rows still running, as an index
        everyone, anyone = True, True  # whether every run, or any run, is still going
        running = None  # the runs still going, as a mask, once some have ended
        # The lr and clipped rows of a step that no update leaves, shared between Steps.
        no_lr = np.zeros(runs)
        no_clip = self._no_clip = np.zeros(runs, dtype=bool)
        last = problem.steps
        rules = problem.stop.loss_below is not None or problem.stop.grad_norm_below is not None
        for k in range(last + 1):
            if self._interrupted():
                status = status.copy()  # the Steps already handed out keep their statuses
                running = np.flatnonzero(status == _RUNNING)
                self._finish(status, running, k, _STOPPED, self._stop_reason(k))
                return
            points = params if everyone else params[live]
            loss_fn = objective.loss
            if stochastic:
                loss_fn = partial(loss_fn, batch=_sample_batches(rng, objective, len(points)))
            if needs_hessian:
                values, grads, hess = batch_hessian(loss_fn, points)
                hessians = (
                    np.full((runs, dim, dim), np.nan) if hessians is None else hessians.copy()
                )
                hessians[live] = hess
            elif stochastic:
                values, grads = batch_value_and_grad(loss_fn, points)
            else:
                values, grads = value_and_grad(points)
            healthy = _healthy(values, points, grads)
            if not healthy:
                values = np.where(np.isfinite(values), values, np.nan)  # the loss NaN, never inf
            # The engine's arrays are fresh, so a full batch keeps them without a copy.
            if everyone:
                loss, grad = values, grads
            else:
                loss, grad = loss.copy(), grad.copy()
                loss[live], grad[live] = values, grads
            # Most steps end no run: then the batch test is all there is to judge.
            if not healthy or rules or k == last:
                judged = self._judge(status, live, k, points, values, grads, healthy)
                if judged is not status:
                    status = judged
                    running = status == _RUNNING
                    everyone, anyone = bool(running.all()), bool(running.any())
                    live = slice(None) if everyone else np.flatnonzero(running)
            next_params, next_states, lr, clipped = params, states, no_lr, no_clip
            if k < last and anyone:
                next_params, next_states, lr, clipped = self._update(
                    groups,
                    settings,
                    group_rows,
                    states,
                    params,
                    grad,
                    hessians,
                    None if everyone else running,
                    k + 1,
                )
            yield Step(k, params, loss, grad, status, clipped, lr, states)
            if not anyone:
                return
            params, states = next_params, next_states

    # --- one step's pieces --------------------------------------------------------------------

    def _judge(
        self,
        status: np.ndarray,
        live: slice | np.ndarray,
        k: int,
        params: np.ndarray,
        values: np.ndarray,
        grads: np.ndarray,
        healthy: bool,
    ) -> np.ndarray:
        """Settle the runs that diverged, met a stop rule, or used up the budget at step k.

        values holds NaN where the loss is not finite; healthy is the batch test's verdict.
        Returns status itself when no run ended, else an updated copy (consecutive Steps share
        an unchanged status).
        """
        stop = self.problem.stop
        rules = stop.loss_below is not None or stop.grad_norm_below is not None
        last = k == self.problem.steps
        bad = None
        if not healthy:
            # max propagates NaN, and NaN compares false: non-finite rows count as bad.
            bad_param = ~(np.abs(params).max(axis=1, initial=0.0) <= DIVERGENCE_LIMIT)
            bad_loss = np.isnan(values)
            bad_grad = ~(np.abs(grads).max(axis=1, initial=0.0) < np.inf)
            bad = bad_param | bad_loss | bad_grad
            if not (bad.any() or rules or last):
                return status  # the batch test was a false alarm (a sum overflowed)
        elif not (rules or last):
            return status
        status = status.copy()
        runs_of = np.flatnonzero if isinstance(live, slice) else live.__getitem__
        ok = np.ones(len(values), dtype=bool)
        if bad is not None:
            for mask, what in (
                (bad_param, f"a parameter became non-finite or passed {DIVERGENCE_LIMIT:g}"),
                (bad_loss & ~bad_param, "the loss became non-finite"),
                (bad_grad & ~bad_loss & ~bad_param, "the gradient became non-finite"),
            ):
                self._finish(status, runs_of(mask), k, _DIVERGED, f"diverged at step {k}: {what}")
            ok = ~bad
        if stop.loss_below is not None:
            hit = ok & (values < stop.loss_below)
            message = f"converged at step {k}: loss < {stop.loss_below:g}"
            self._finish(status, runs_of(hit), k, _CONVERGED, message, "loss_below")
            ok &= ~hit
        if stop.grad_norm_below is not None:
            hit = ok & (np.linalg.norm(grads, axis=1) < stop.grad_norm_below)
            message = f"converged at step {k}: gradient norm < {stop.grad_norm_below:g}"
            self._finish(status, runs_of(hit), k, _CONVERGED, message, "grad_norm_below")
            ok &= ~hit
        if last:
            self._finish(status, runs_of(ok), k, _MAX_STEPS, f"took all {k} steps")
        return status

    def _update(self, groups, settings, group_rows, states, params, grad, hessians, running, step):
        """One optimizer update for the runs still going (running is None when all are);
        finished rows keep their values.

        states holds (rows, buffers) per optimizer, as Step.states does. Returns the next params
        and states, and each run's lr and clipped flag for this update.
        """
        problem = self.problem
        if running is None and len(states) == 1 and problem.clip is None:
            # The common case: one optimizer moving every run, so no row bookkeeping at all.
            ((rows, state),) = states
            hp = self._hyperparams_at(settings[0], step)
            new_params, new_state = groups[0].optimizer.update_fn(
                params, grad, state, hp, step, hessians
            )
            lr = self._lr_rows(hp["lr"], len(params))
            return new_params, ((rows, new_state),), lr, self._no_clip
        runs = len(params)
        if running is None:
            running = np.ones(runs, dtype=bool)
        next_params = params.copy()
        next_states = []
        lr = np.zeros(runs)
        clipped = np.zeros(runs, dtype=bool)
        for group, hp, rows, (state_rows, state) in zip(
            groups, settings, group_rows, states, strict=True
        ):
            going = running[rows]
            grads, was_clipped = grad[rows], None
            if problem.clip is not None:
                grads, was_clipped = clip_gradients(grads, problem.clip)
            hp = self._hyperparams_at(hp, step)
            new_params, new_state = group.optimizer.update_fn(
                params[rows], grads, state, hp, step, None if hessians is None else hessians[rows]
            )
            if not going.all():
                keep = going[:, None]
                new_params = np.where(keep, new_params, params[rows])
                new_state = {name: np.where(keep, v, state[name]) for name, v in new_state.items()}
            next_params[rows] = new_params
            next_states.append((state_rows, new_state))
            lr[rows] = np.where(going, np.reshape(hp["lr"], -1), 0.0)
            if was_clipped is not None:
                counted = was_clipped & going
                clipped[rows] = counted
                self._clipped_steps[np.arange(runs)[rows][counted]] += 1
                self._outcomes = None
        return next_params, tuple(next_states), lr, clipped

    def _hyperparams_at(self, hp: dict[str, Any], step: int) -> dict[str, Any]:
        """A group's settings for this update, its lr set by the schedule."""
        schedule = self.problem.schedule
        if schedule["name"] == "constant":
            return hp
        return {**hp, "lr": lr_at(schedule, hp["lr"], step)}

    def _lr_rows(self, lr: np.ndarray | float, runs: int) -> np.ndarray:
        """lr as one value per run, reused while it stays the same (a constant schedule)."""
        cached = self._lr_cache
        if cached is None or cached[0] is not lr:
            self._lr_cache = cached = (lr, np.broadcast_to(np.reshape(lr, -1), (runs,)).copy())
        return cached[1]

    def _finish(
        self,
        status: np.ndarray,
        runs: np.ndarray,
        k: int,
        code: int,
        message: str,
        rule: str | None = None,
    ) -> None:
        if not len(runs):
            return
        status[runs] = code
        self._codes[runs] = code
        self._steps_taken[runs] = k
        self._endings.append((message, rule))
        self._ending_of[runs] = len(self._endings) - 1
        self._outcomes = None

    @property
    def outcomes(self) -> list[RunOutcome]:
        """Every run's ending so far, in the order of the problem's runs."""
        if self._outcomes is None:
            self._outcomes = [
                RunOutcome(
                    status=STATUSES[code],
                    steps_taken=steps,
                    message=self._endings[ending][0],
                    diverged_at=steps if code == _DIVERGED else None,
                    converged_by=self._endings[ending][1],
                    clipped_steps=clipped,
                )
                for code, steps, ending, clipped in zip(
                    self._codes.tolist(),
                    self._steps_taken.tolist(),
                    self._ending_of.tolist(),
                    self._clipped_steps.tolist(),
                    strict=True,
                )
            ]
        return self._outcomes

    def _interrupted(self) -> bool:
        if self.deadline is not None and time.monotonic() > self.deadline:
            return True
        return self.should_stop is not None and self.should_stop()

    def _stop_reason(self, k: int) -> str:
        if self.deadline is not None and time.monotonic() > self.deadline:
            return f"stopped at step {k}: the server's time limit was reached"
        return f"stopped at step {k}: cancelled"


def simulate(problem: RunProblem, **options: object) -> Simulation:
    """A Simulation of problem; iterate it for the steps."""
    return Simulation(problem, **options)


def _quiet_runner() -> Callable[..., Any]:
    """A run(fn, *args) that calls fn with NumPy's floating-point warnings ignored and leaves the
    caller's error state as it was."""
    if not _ERRSTATE_IN_CONTEXT:
        return _run_ignoring_fp_errors
    # A private copy of the caller's context, set once: much cheaper than an errstate per step.
    context = contextvars.copy_context()
    context.run(np.seterr, all="ignore")
    return context.run


def _run_ignoring_fp_errors(fn: Callable[..., Any], *args: Any) -> Any:
    with np.errstate(all="ignore"):
        return fn(*args)


def _healthy(loss: np.ndarray, params: np.ndarray, grads: np.ndarray) -> bool:
    """One whole-batch test that every loss and gradient is finite and no parameter passed the
    limit.

    Dot products are the cheapest full passes NumPy has; NaN and inf survive them. They can
    only raise a false alarm (a sum of squares overflowing), which the row-by-row test clears.
    Not ndarray.dot, though quicker: it lets go of the GIL around BLAS even for a few numbers,
    and that hand-off on every step of a small batch stalls the server's other requests.
    """
    flat_grads, flat_params = grads.ravel(), params.ravel()  # views of contiguous arrays
    return (
        math.isfinite(loss @ loss)
        and math.isfinite(flat_grads @ flat_grads)
        and flat_params @ flat_params <= _LIMIT_SQUARED
    )


def _sample_batches(rng: np.random.Generator, objective, runs: int) -> np.ndarray:
    """Each run's mini-batch for this step: batch_size samples drawn without replacement."""
    keys = rng.random((runs, objective.n_samples))
    return np.argsort(keys, axis=1)[:, : objective.batch_size]
