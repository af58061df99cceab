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
        self._starts = problem.starts
        self._updates = Updates(groups, self._starts, problem.clip)
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
        problem, rule = self.problem, self.record
        trace = Trace(
            self._starts,
            self._updates.states,
            rule.capacity(problem.steps, len(problem.runs)),
            metric_names=problem.objective.metric_names,
            rule=rule,
            params_capacity=rule.params_capacity(problem.steps, len(problem.runs)),
        )
        _quiet_runner()(self._record, trace)  # all the steps, FP warnings off once
        trace.close()
        return trace

    def _record(self, trace: Trace) -> None:
        for step in self._steps():
            trace.append(step)

    def _steps(self) -> Iterator[Step]:
        """The kept steps; __iter__ runs each with FP warnings off."""
        ledger, every = self.ledger, self.record.every
        params = self._starts
        self._start()
        pending = None  # the last step computed while it is not handed out, as Step's fields
        for k in range(self.problem.steps + 1):
            version = ledger.version
            if not self._evaluate(k, params):  # interrupted, or the loss failed: runs ended at k
                if pending is not None:
                    yield self._step(pending)
                return
            states = self._updates.states  # this step's, before the update leaving it
            next_params, lr, clipped = self._advance(k, params)
            fields = (k, params, self._loss, self._grad, ledger.status, clipped, lr, states)
            if not ledger.any_going:
                yield self._step(fields)
                return
            ended = ledger.version != version  # a run ended at k
            if every == 1 or (every is not None and (k % every == 0 or ended)):  # RecordRule
                pending = None
                yield self._step(fields)
            else:
                pending = fields
            params = next_params

    def _step(self, fields: tuple) -> Step:
        """The Step handed out, with the objective's metrics at its params if it has any."""
        metrics = self.problem.objective.metrics
        if metrics is None:
            return Step(*fields, self.layout)
        return Step(*fields, self.layout, metrics(fields[1]))

    # --- one step's parts ---------------------------------------------------------------------

    def _start(self) -> None:
        if hasattr(self, "_evaluator"):
            raise RuntimeError("a Simulation runs once; make a new one to run again")
        problem = self.problem
        runs, dim = self._starts.shape
        self._evaluator = evaluator_for(
            problem.objective, needs_hessian=self._updates.needs_hessian, seed=problem.seed
        )
        self._loss, self._grad = np.full(runs, np.nan), np.full((runs, dim), np.nan)
        self._hessians: np.ndarray | None = None

    def _evaluate(self, k: int, params: np.ndarray) -> bool:
        """Loss and gradient at step k for the runs still going, judged by the ledger; False when
        the runs still going were ended at k instead (a cancel, the deadline, a failed loss)."""
        ledger = self.ledger
        if (self.deadline is not None and time.monotonic() > self.deadline) or (
            self.should_stop is not None and self.should_stop()
        ):
            ledger.end_going(k, STOPPED, self._stop_reason(k))
            return False
        points = params if ledger.all_going else params[ledger.going_rows]
        try:
            values, grads, hessians = self._evaluator(points)
        except Exception as error:  # a loss that cannot be computed ends the runs here
            ledger.end_going(k, *_failure(error, k))
            return False
        healthy = batch_is_healthy(values, points, grads)
        if not healthy:
            values = np.where(np.isfinite(values), values, np.nan)  # the loss NaN, never inf
        if ledger.all_going:  # the evaluator's arrays are fresh: kept without a copy
            self._loss, self._grad, self._hessians = values, grads, hessians
        else:  # the rows of runs that ended stay frozen
            rows = ledger.going_rows
            self._loss, self._grad = self._loss.copy(), self._grad.copy()
            self._loss[rows], self._grad[rows] = values, grads
            if hessians is not None:  # only the updates read them, and never change them
                if self._hessians is None:
                    runs, dim = self._grad.shape
                    self._hessians = np.full((runs, dim, dim), np.nan)
                self._hessians[rows] = hessians
        # Most steps end no run: then the batch test is all there is to judge.
        if not healthy or ledger.has_rules or k == ledger.last:
            ledger.judge(k, points, values, grads, healthy)
        return True

    def _advance(self, k: int, params: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The update leaving step k: the next params, and each run's lr and clipped flag."""
        ledger, updates, rates = self.ledger, self._updates, self._rates
        if k == ledger.last or not ledger.any_going:
            return params, rates.idle, updates.no_clip
        hyperparams, lr = rates.at(k + 1, ledger)
        if not ledger.any_going:  # the schedule ended the last runs
            return params, lr, updates.no_clip
        try:
            next_params, clipped = updates.apply(
                params, self._grad, hyperparams, k + 1, self._hessians, ledger
            )
        except Exception as error:  # an update that cannot be computed ends the runs here
            ledger.end_going(k, *_failure(error, k))
            return params, rates.idle, updates.no_clip
        return next_params, lr, clipped

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
