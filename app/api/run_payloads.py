"""What POST /runs sends: every run's trace cut out of the recorded arrays, one line per step,
the closing `done` line, and the `error` line that ends a stream which failed."""

from __future__ import annotations

from typing import Any

from app.runs import STATUSES, RunOutcome, RunProblem, Simulation, Step, Trace

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


def done_json(problem: RunProblem, simulation: Simulation) -> dict[str, Any]:
    outcomes = simulation.outcomes
    return {
        "type": "done",
        "runs": [outcome_json(problem, o, r) for r, o in enumerate(outcomes)],
    }


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


def traces_json(problem: RunProblem, simulation: Simulation, trace: Trace) -> dict[str, Any]:
    """Per-run traces, each cut at the step where that run ended: views of the recorded arrays,
    written by the encoder in one pass."""
    runs = []
    for r, outcome in enumerate(simulation.outcomes):
        rows = trace.rows_until(outcome.steps_taken)
        group, row = simulation.layout.places[r]
        index = trace.index[rows]
        if len(index) == 1 and index[0] > outcome.steps_taken:
            index = [outcome.steps_taken]  # the frozen row of a run that ended earlier
        state = {name: buffers[rows, row] for name, buffers in trace.states[group].items()}
        if trace.count:
            final_state = {name: values[-1] for name, values in state.items()}
        else:  # stopped before its first step: the state it started with
            final_state = {n: b[row] for n, b in trace.initial_states[group].items()}
        runs.append(
            {
                **outcome_json(problem, outcome, r),
                "trace": {
                    "step": index,
                    "params": trace.params[rows, r],
                    "loss": trace.loss[rows, r],
                    "grad": trace.grad[rows, r],
                    "state": state,
                },
                "final_state": final_state,
            }
        )
    return {"runs": runs}


def error_json(error: Exception) -> dict[str, Any]:
    """The line that ends a stream whose computation failed."""
    msg = f"the computation failed: {type(error).__name__}: {error}"
    return {
        "type": "error",
        "detail": [{"field": "request", "loc": ["request"], "msg": msg, "type": "server_error"}],
    }
