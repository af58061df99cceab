"""The batched run loop: all runs advance together, one engine evaluation per step for the batch.

Convention: params[k] is the iterate after k updates (params[0] is the start), and loss[k] and
grad[k] are evaluated at params[k]. A run that finishes keeps its last row frozen; only the
runs still going are evaluated and updated.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from app.engine import batch_hessian, batch_value_and_grad
from app.optim import clip_gradients, lr_at
from app.runs.problem import RunProblem
from app.runs.status import DIVERGENCE_LIMIT, RunStatus

STATUSES = tuple(RunStatus)
_RUNNING, _CONVERGED, _MAX_STEPS, _DIVERGED, _STOPPED = (STATUSES.index(s) for s in STATUSES)


@dataclass(frozen=True)
class Step:
    """Every run's state at params[index]; arrays are fresh each step and never mutated."""

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
    outcomes: list[RunOutcome] = field(init=False)

    def __post_init__(self) -> None:
        self.outcomes = [RunOutcome() for _ in self.problem.runs]

    def __iter__(self) -> Iterator[Step]:
        problem = self.problem
        objective = problem.objective
        groups = problem.groups()
        params = problem.starts
        runs, dim = params.shape
        # A problem with one optimizer updates the whole batch: slices avoid fancy-index copies.
        group_rows = [slice(None) if len(groups) == 1 else g.rows for g in groups]
        states = [
            g.optimizer.init(params[rows], g.hyperparams)
            for g, rows in zip(groups, group_rows, strict=True)
        ]
        needs_hessian = any(g.optimizer.needs_hessian for g in groups)
        rng = np.random.default_rng(problem.seed)
        status = np.full(runs, _RUNNING)
        loss = np.full(runs, np.nan)
        grad = np.full((runs, dim), np.nan)
        hessians = None
        for k in range(problem.steps + 1):
            running = status == _RUNNING
            live = slice(None) if running.all() else np.flatnonzero(running)
            if self._interrupted():
                status = status.copy()  # the Steps already handed out keep their statuses
                self._finish(status, np.flatnonzero(running), k, _STOPPED, self._stop_reason(k))
                return
            batch = _sample_batches(rng, objective, int(running.sum()))
            loss_of_batch = partial(objective.loss, batch=batch)
            with np.errstate(all="ignore"):
                if needs_hessian:
                    values, grads, hess = batch_hessian(loss_of_batch, params[live])
                    hessians = (
                        np.full((runs, dim, dim), np.nan) if hessians is None else hessians.copy()
                    )
                    hessians[live] = hess
                else:
                    values, grads = batch_value_and_grad(loss_of_batch, params[live])
            loss, grad, status = loss.copy(), grad.copy(), status.copy()
            finite = np.isfinite(values)
            loss[live] = values if finite.all() else np.where(finite, values, np.nan)
            grad[live] = grads
            self._judge(status, live, k, params[live], values, finite, grads)
            lr = np.zeros(runs)
            clipped = np.zeros(runs, dtype=bool)
            next_params, next_states = params, states
            still_running = status == _RUNNING
            if k < problem.steps and still_running.any():
                next_params, next_states = self._update(
                    groups,
                    group_rows,
                    states,
                    params,
                    grad,
                    hessians,
                    still_running,
                    k + 1,
                    lr,
                    clipped,
                )
            yield Step(
                k,
                params,
                loss,
                grad,
                status,
                clipped,
                lr,
                tuple(zip((g.rows for g in groups), states, strict=True)),
            )
            if not still_running.any():
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
        finite: np.ndarray,
        grads: np.ndarray,
    ) -> None:
        """Settle the runs that diverged, met a stop rule, or used up the budget at step k."""
        runs_of = np.flatnonzero if isinstance(live, slice) else live.__getitem__
        with np.errstate(invalid="ignore"):
            # One whole-batch test first: on the common step nothing diverged.
            healthy = (
                finite.all()
                and np.abs(grads).max() < np.inf
                and np.abs(params).max() <= DIVERGENCE_LIMIT
            )
            if healthy:
                ok = np.ones(len(values), dtype=bool)
            else:
                # max propagates NaN, and NaN compares false: non-finite rows count as bad.
                bad_param = ~(np.abs(params).max(axis=1) <= DIVERGENCE_LIMIT)
                bad_loss = ~finite
                bad_grad = ~(np.abs(grads).max(axis=1) < np.inf)
                for mask, what in (
                    (bad_param, f"a parameter became non-finite or passed {DIVERGENCE_LIMIT:g}"),
                    (bad_loss & ~bad_param, "the loss became non-finite"),
                    (bad_grad & ~bad_loss & ~bad_param, "the gradient became non-finite"),
                ):
                    self._finish(
                        status, runs_of(mask), k, _DIVERGED, f"diverged at step {k}: {what}"
                    )
                ok = ~(bad_loss | bad_grad | bad_param)
        stop = self.problem.stop
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
        if k == self.problem.steps:
            self._finish(status, runs_of(ok), k, _MAX_STEPS, f"took all {k} steps")

    def _update(
        self, groups, group_rows, states, params, grad, hessians, running, step, lr, clipped
    ):
        """One optimizer update for the runs still going; finished rows keep their values."""
        next_params = params.copy()
        next_states = []
        problem = self.problem
        for group, rows, state in zip(groups, group_rows, states, strict=True):
            going = running[rows]
            grads, was_clipped = grad[rows], None
            if problem.clip is not None:
                grads, was_clipped = clip_gradients(grads, problem.clip)
            hp = group.hyperparams
            if problem.schedule["name"] != "constant":
                hp = {**hp, "lr": lr_at(problem.schedule, hp["lr"], step)}
            with np.errstate(all="ignore"):
                new_params, new_state = group.optimizer.update(
                    params[rows],
                    grads,
                    state,
                    hp,
                    step,
                    None if hessians is None else hessians[rows],
                )
            if not going.all():
                keep = going[:, None]
                new_params = np.where(keep, new_params, params[rows])
                new_state = {name: np.where(keep, v, state[name]) for name, v in new_state.items()}
            next_params[rows] = new_params
            next_states.append(new_state)
            lr[rows] = np.where(going, hp["lr"].reshape(-1), 0.0)
            if was_clipped is not None:
                counted = was_clipped & going
                clipped[rows] = counted
                for run in np.arange(len(params))[rows][counted]:
                    self.outcomes[run].clipped_steps += 1
        return next_params, next_states

    def _finish(
        self,
        status: np.ndarray,
        runs: np.ndarray,
        k: int,
        code: int,
        message: str,
        rule: str | None = None,
    ) -> None:
        for run in runs:
            status[run] = code
            outcome = self.outcomes[run]
            outcome.status = STATUSES[code]
            outcome.steps_taken = k
            outcome.message = message
            outcome.converged_by = rule
            outcome.diverged_at = k if code == _DIVERGED else None

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


def _sample_batches(rng: np.random.Generator, objective, runs: int) -> np.ndarray | None:
    """Each run's mini-batch for this step: batch_size samples drawn without replacement."""
    if objective.batch_size is None or objective.n_samples is None:
        return None
    keys = rng.random((runs, objective.n_samples))
    return np.argsort(keys, axis=1)[:, : objective.batch_size]
