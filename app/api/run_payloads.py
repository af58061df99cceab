"""What POST /runs sends: every run's trace cut out of the recorded arrays, one line per step,
the closing `done` line, and the `error` line that ends a stream which failed. Each finished run
also carries SciPy's OptimizeResult fields: x, fun, jac, nit, nfev, success."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from app.api.errors import problem
from app.runs import STATUSES, RunOutcome, RunProblem, RunStatus, Simulation, Step, Trace

STATUS_NAMES = [status.value for status in STATUSES]


def outcome_json(problem: RunProblem, outcome: RunOutcome, run: int) -> dict[str, Any]:
    config = problem.runs[run]
    return {
        "label": config.label,
        "optimizer": {"name": config.optimizer, **config.hyperparams},
        "status": outcome.status.value,
        "steps_taken": outcome.steps_taken,
        "message": outcome.message,
        "diverged_at": outcome.diverged_at,
        "converged_by": outcome.converged_by,
        "clipped_steps": outcome.clipped_steps,
    }


def optimize_result(outcome: RunOutcome, x: Any, fun: Any, jac: Any) -> dict[str, Any]:
    """SciPy's OptimizeResult fields of a finished run (its final point, loss and gradient)."""
    return {
        "x": x,
        "fun": fun,
        "jac": jac,
        "nit": outcome.steps_taken,
        "nfev": outcome.steps_taken + 1 if fun is not None else 0,
        "success": outcome.status is RunStatus.CONVERGED,
    }


def done_json(problem: RunProblem, simulation: Simulation, last: Step | None) -> dict[str, Any]:
    """The closing line: every run's ending, at the last step the stream computed."""
    runs = []
    for r, outcome in enumerate(simulation.outcomes):
        final = (None, None) if last is None else (last.loss[r], last.grad[r])
        x = problem.starts[r] if last is None else last.params[r]
        runs.append({**outcome_json(problem, outcome, r), **optimize_result(outcome, x, *final)})
    return {"type": "done", "runs": runs}


def step_json(step: Step, keep_params: bool = True) -> dict[str, Any]:
    """One step line: every run's numbers, as plain lists (orjson writes non-finite as null).
    Without keep_params (the record rule's params_every), params, grad and state are null; an
    objective with metrics (a network's test loss, accuracy) adds them per run."""
    loss, lr, clipped = step.loss.tolist(), step.lr.tolist(), step.clipped.tolist()
    status = [STATUS_NAMES[code] for code in step.status.tolist()]
    runs_count = len(loss)
    params = step.params.tolist() if keep_params else [None] * runs_count
    grad = step.grad.tolist() if keep_params else [None] * runs_count
    states = [{name: buffer.tolist() for name, buffer in s.items()} for s in step.states]
    metrics = {name: values.tolist() for name, values in step.metrics.items()}
    places = step.layout.places
    runs = []
    for r in range(runs_count):
        group, row = places[r]
        state = {name: rows[row] for name, rows in states[group].items()} if keep_params else None
        run = {
            "params": params[r],
            "loss": loss[r],
            "grad": grad[r],
            "state": state,
            "status": status[r],
            "lr": lr[r],
            "clipped": clipped[r],
        }
        if metrics:
            run["metrics"] = {name: values[r] for name, values in metrics.items()}
        runs.append(run)
    return {"type": "step", "step": step.index, "runs": runs}


def _ended(index: np.ndarray, steps_taken: int) -> np.ndarray:
    """Kept step indices; a run that ended earlier finds its ending in a later, frozen row."""
    if len(index) and index[-1] > steps_taken:
        index = index.copy()
        index[-1] = steps_taken
    return index


def trace_items(problem: RunProblem, simulation: Simulation, trace: Trace) -> Iterator[dict]:
    """Each run's trace, cut at the step where that run ended: views of the recorded arrays,
    one item at a time (the encoder writes and drops each before the next). When parameters
    are kept more sparsely than losses (params_every), params_step says at which steps."""
    sparse = trace.params_index is not trace.index
    for r, outcome in enumerate(simulation.outcomes):
        rows = trace.rows_until(outcome.steps_taken)
        vectors = trace.params_rows_until(outcome.steps_taken) if sparse else rows
        group, row = simulation.layout.places[r]
        index = _ended(trace.index[rows], outcome.steps_taken)
        state = {name: buffers[vectors, row] for name, buffers in trace.states[group].items()}
        params, grad = trace.params[vectors, r], trace.grad[vectors, r]
        loss = trace.loss[rows, r]
        if len(params):
            final_state = {name: values[-1] for name, values in state.items()}
            final = (params[-1], loss[-1], grad[-1])
        else:  # stopped before its first step: the state and point it started with
            final_state = {n: b[row] for n, b in trace.initial_states[group].items()}
            final = (trace.starts[r], None, None)
        kept: dict[str, Any] = {"step": index, "params": params, "loss": loss, "grad": grad}
        kept["state"] = state
        if sparse:
            kept["params_step"] = _ended(trace.params_index[vectors], outcome.steps_taken)
        if trace.metrics:
            kept["metrics"] = {name: values[rows, r] for name, values in trace.metrics.items()}
        yield {
            **outcome_json(problem, outcome, r),
            **optimize_result(outcome, *final),
            "trace": kept,
            "final_state": final_state,
        }


def traces_json(problem: RunProblem, simulation: Simulation, trace: Trace) -> dict[str, Any]:
    """The whole JSON answer at once (tests and benchmarks; the route writes it piece by piece)."""
    return {"runs": list(trace_items(problem, simulation, trace))}


def error_json(error: Exception) -> dict[str, Any]:
    """The line that ends a stream whose computation failed."""
    msg = f"the computation failed: {type(error).__name__}: {error}"
    return {"type": "error", "detail": [problem("request", msg, "server_error")]}
