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


def step_json(step: Step) -> dict[str, Any]:
    """One step line: every run's numbers, as plain lists (orjson writes non-finite as null)."""
    params, grad, loss = step.params.tolist(), step.grad.tolist(), step.loss.tolist()
    lr, clipped = step.lr.tolist(), step.clipped.tolist()
    status = [STATUS_NAMES[code] for code in step.status.tolist()]
    states = [{name: buffer.tolist() for name, buffer in s.items()} for s in step.states]
    places = step.layout.places
    runs = []
    for r in range(len(params)):
        group, row = places[r]
        runs.append(
            {
                "params": params[r],
                "loss": loss[r],
                "grad": grad[r],
                "state": {name: rows[row] for name, rows in states[group].items()},
                "status": status[r],
                "lr": lr[r],
                "clipped": clipped[r],
            }
        )
    return {"type": "step", "step": step.index, "runs": runs}


def trace_items(problem: RunProblem, simulation: Simulation, trace: Trace) -> Iterator[dict]:
    """Each run's trace, cut at the step where that run ended: views of the recorded arrays,
    one item at a time (the encoder writes and drops each before the next)."""
    for r, outcome in enumerate(simulation.outcomes):
        rows = trace.rows_until(outcome.steps_taken)
        group, row = simulation.layout.places[r]
        index = trace.index[rows]
        if len(index) == 1 and index[0] > outcome.steps_taken:
            index = np.array([outcome.steps_taken])  # the frozen row of a run that ended earlier
        state = {name: buffers[rows, row] for name, buffers in trace.states[group].items()}
        params, loss, grad = trace.params[rows, r], trace.loss[rows, r], trace.grad[rows, r]
        if len(params):
            final_state = {name: values[-1] for name, values in state.items()}
            final = (params[-1], loss[-1], grad[-1])
        else:  # stopped before its first step: the state and point it started with
            final_state = {n: b[row] for n, b in trace.initial_states[group].items()}
            final = (trace.starts[r], None, None)
        yield {
            **outcome_json(problem, outcome, r),
            **optimize_result(outcome, *final),
            "trace": {"step": index, "params": params, "loss": loss, "grad": grad, "state": state},
            "final_state": final_state,
        }


def traces_json(problem: RunProblem, simulation: Simulation, trace: Trace) -> dict[str, Any]:
    """The whole JSON answer at once (tests and benchmarks; the route writes it piece by piece)."""
    return {"runs": list(trace_items(problem, simulation, trace))}


def error_json(error: Exception) -> dict[str, Any]:
    """The line that ends a stream whose computation failed."""
    msg = f"the computation failed: {type(error).__name__}: {error}"
    return {"type": "error", "detail": [problem("request", msg, "server_error")]}
