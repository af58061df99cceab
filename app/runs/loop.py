"""The batched run loop: all runs advance together, one evaluation per step for the batch.

Convention: params[k] is the iterate after k updates (params[0] is the start), and loss[k] and
grad[k] are evaluated at params[k]. A run that finishes keeps its last row frozen; only the
runs still going are evaluated and updated.

Each step wires three parts: the evaluator (app/runs/evaluator.py, chosen once per problem),
the ledger of run outcomes (app/runs/ledger.py) and the update per optimizer group
(app/runs/updates.py, with the schedule's rates from app/runs/rates.py).
"""

from __future__ import annotations

import contextvars
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from app.optim import shared_as_scalars
from app.runs.evaluator import evaluator_for
from app.runs.ledger import Ledger, RunOutcome, batch_is_healthy
from app.runs.problem import RunProblem
from app.runs.rates import LearningRates
from app.runs.status import DIVERGED, STATUSES, STOPPED
from app.runs.step import RunLayout, Step
from app.runs.trace import EVERY_STEP, RecordRule, Trace
from app.runs.updates import Updates

__all__ = ["STATUSES", "Simulation", "Step"]

logger = logging.getLogger(__name__)

# NumPy 2 keeps its floating-point error state in a context variable; older NumPy keeps it per
# thread, where setting it once for the steps would leak to the caller.
_ERRSTATE_IN_CONTEXT = np.lib.NumpyVersion(np.__version__) >= "2.0.0"


class Simulation:
    """Iterate for the kept Steps (every step unless `record` says otherwise), or call run() for
    them in a Trace; `outcomes` holds every run's ending once the steps stop."""

    def __init__(
        self,
        problem: RunProblem,
        *,
        record: RecordRule = EVERY_STEP,
        should_stop: Callable[[], bool] | None = None,
        deadline: float | None = None,  # time.monotonic() value after which runs are stopped
    ) -> None:
        self.problem = problem
        self.record = record
        self.should_stop = should_stop
        self.deadline = deadline
        self.ledger = Ledger(len(problem.runs), problem.stop, problem.steps)
        groups = problem.groups()
        self.layout = RunLayout(groups)
        self._updates = Updates(groups, problem.starts, problem.clip)
        self._rates = LearningRates(
            problem.schedule,
            [shared_as_scalars(g.hyperparams) for g in groups],  # NumPy's cheapest operands
            [g.rows for g in self._updates.groups],
            len(problem.runs),
        )

    @property
    def outcomes(self) -> list[RunOutcome]:
        """Every run's ending so far, in the order of the problem's runs."""
        return self.ledger.outcomes

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

    def run(self) -> Trace:
        """Every kept step, recorded into arrays allocated once."""
        problem = self.problem
        capacity = self.record.capacity(problem.steps, len(problem.runs))
        trace = Trace(problem.starts, self._updates.states, capacity)
        _quiet_runner()(self._record, trace)  # all the steps, FP warnings off once
        return trace

    def _record(self, trace: Trace) -> None:
        for step in self._steps():
            trace.append(step)

    def _steps(self) -> Iterator[Step]:
        """The kept steps; __iter__ runs each with FP warnings off."""
        problem, ledger, updates, rates = self.problem, self.ledger, self._updates, self._rates
        evaluate = evaluator_for(
            problem.objective, needs_hessian=updates.needs_hessian, seed=problem.seed
        )
        params = problem.starts
        runs, dim = params.shape
        loss = np.full(runs, np.nan)
        grad = np.full((runs, dim), np.nan)
        hessians = None
        last = problem.steps
        record = self.record
        pending: Step | None = None  # the last step computed, while it is not yet handed out
        for k in range(last + 1):
            if self._interrupted():
                ledger.end_going(k, STOPPED, self._stop_reason(k))
                if pending is not None:
                    yield pending
                return
            version = ledger.version
            points = params if ledger.all_going else params[ledger.live]
            try:
                values, grads, hess = evaluate(points)
            except Exception as error:  # a loss that cannot be computed ends the runs here
                ledger.end_going(k, *_failure(error, k))
                if pending is not None:
                    yield pending
                return
            healthy = batch_is_healthy(values, points, grads)
            if not healthy:
                values = np.where(np.isfinite(values), values, np.nan)  # the loss NaN, never inf
            # The evaluator's arrays are fresh, so a full batch keeps them without a copy.
            if ledger.all_going:
                loss, grad, hessians = values, grads, hess
            else:
                loss, grad = loss.copy(), grad.copy()
                loss[ledger.live], grad[ledger.live] = values, grads
                if hess is not None:
                    if hessians is None:
                        hessians = np.full((runs, dim, dim), np.nan)
                    else:
                        hessians = hessians.copy()
                    hessians[ledger.live] = hess
            # Most steps end no run: then the batch test is all there is to judge.
            if not healthy or ledger.has_rules or k == last:
                ledger.judge(k, points, values, grads, healthy)
            states = updates.states  # this step's, before the update leaving it
            next_params, lr, clipped = params, rates.idle, updates.no_clip
            if k < last and ledger.any_going:
                hyperparams, lr = rates.at(k + 1, ledger)
                if ledger.any_going:
                    try:
                        next_params, clipped = updates.apply(
                            params, grad, hyperparams, k + 1, hessians, ledger
                        )
                    except Exception as error:  # an update that cannot be computed, likewise
                        ledger.end_going(k, *_failure(error, k))
                        next_params, lr, clipped = params, rates.idle, updates.no_clip
            step = Step(k, params, loss, grad, ledger.status, clipped, lr, states, self.layout)
            if not ledger.any_going:
                yield step
                return
            if record.keeps(k, ledger.version != version):
                pending = None
                yield step
            else:
                pending = step
            params = next_params

    def _interrupted(self) -> bool:
        if self.deadline is not None and time.monotonic() > self.deadline:
            return True
        return self.should_stop is not None and self.should_stop()

    def _stop_reason(self, k: int) -> str:
        if self.deadline is not None and time.monotonic() > self.deadline:
            return f"stopped at step {k}: the server's time limit was reached"
        return f"stopped at step {k}: cancelled"


def _failure(error: Exception, k: int) -> tuple[int, str]:
    """The status and message of runs whose step k could not be computed."""
    what = f"{type(error).__name__}: {error}"
    if isinstance(error, ArithmeticError | np.linalg.LinAlgError):
        return DIVERGED, f"diverged at step {k}: the computation failed ({what})"
    logger.exception("step %d of a run failed", k)
    return STOPPED, f"stopped at step {k}: the computation failed ({what})"


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
