"""POST /runs: a race of optimizer runs, as one JSON document, JSON Lines or server-sent events."""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import numpy as np
from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from app.api.compute import admit, compute
from app.api.encoding import StrictJSONResponse, json_response, jsonl_line, sse_event
from app.api.errors import TooMuchWork
from app.api.schemas import RunsRequest
from app.objectives import make_objective
from app.runs import RunConfig, RunProblem
from app.runs.loop import STATUSES, Simulation, Step

router = APIRouter(tags=["compute"], default_response_class=StrictJSONResponse)

# A stream sends what it has at least this often, so lines flow while long runs compute.
STREAM_FLUSH_SECONDS = 0.05
STREAM_FLUSH_STEPS = 500


def build_problem(body: RunsRequest, request: Request) -> RunProblem:
    settings = request.app.state.settings
    work = body.steps * len(body.runs)
    if len(body.runs) > settings.max_runs:
        raise TooMuchWork("runs", f"{len(body.runs)} runs is over the cap of {settings.max_runs}")
    if body.steps > settings.max_steps:
        raise TooMuchWork("steps", f"{body.steps} is over the cap of {settings.max_steps}")
    if work > settings.max_steps_times_runs:
        raise TooMuchWork(
            "steps",
            f"steps × runs = {work} is over the cap of {settings.max_steps_times_runs}",
        )
    problem = RunProblem(
        objective=make_objective(body.objective.as_dict()),
        runs=tuple(
            RunConfig(
                run.optimizer.name,
                run.optimizer.hyperparams(),
                None if run.start is None else tuple(run.start),
                run.label or f"{run.optimizer.name} #{i + 1}",
            )
            for i, run in enumerate(body.runs)
        ),
        **body.problem_options(),
    )
    problem.groups()  # raises ProblemError naming runs[i].optimizer.<name>
    return problem


def recorded(simulation: Simulation, record: Any) -> Iterator[Step]:
    """The steps to report: all, every k-th plus each run's last, or only the final one."""
    every = 1 if record == "all" else None if record == "final" else record.every
    last = None
    previous_status = None
    for step in simulation:
        last = step
        ended = previous_status is not None and (step.status != previous_status).any()
        previous_status = step.status
        if every is not None and (step.index % every == 0 or ended):
            yield step
            last = None
    if last is not None:
        yield last


def outcome_json(problem: RunProblem, simulation: Simulation, run: int) -> dict[str, Any]:
    outcome = simulation.outcomes[run]
    return {
        "label": problem.runs[run].label,
        "optimizer": {"name": problem.runs[run].optimizer, **problem.runs[run].hyperparams},
        "status": outcome.status.value,
        "steps_taken": outcome.steps_taken,
        "message": outcome.message,
        "diverged_at": outcome.diverged_at,
        "converged_by": outcome.converged_by,
        "clipped_steps": outcome.clipped_steps,
    }


def step_json(step: Step) -> dict[str, Any]:
    return {
        "type": "step",
        "step": step.index,
        "runs": [
            {
                "params": step.params[r],
                "loss": step.loss[r],
                "grad": step.grad[r],
                "state": step.state_of(r),
                "status": STATUSES[step.status[r]].value,
                "lr": step.lr[r],
                "clipped": bool(step.clipped[r]),
            }
            for r in range(len(step.params))
        ],
    }


def traces_json(problem: RunProblem, simulation: Simulation, steps: list[Step]) -> dict[str, Any]:
    """Per-run traces, each cut at the step where that run ended."""
    index = np.array([s.index for s in steps])
    params = np.stack([s.params for s in steps], axis=1)  # (R, K, d)
    loss = np.stack([s.loss for s in steps], axis=1)
    grad = np.stack([s.grad for s in steps], axis=1)
    runs = []
    for r in range(len(problem.runs)):
        ended_at = simulation.outcomes[r].steps_taken
        keep = index <= ended_at
        run_index = index[keep]
        if not keep.any():
            # Recorded only after this run ended (record "final"): its row has stayed frozen
            # since, so the last recorded step holds its ending, which happened at ended_at.
            keep[-1] = True
            run_index = np.array([ended_at])
        state_rows = [s.state_of(r) for s, kept in zip(steps, keep, strict=True) if kept]
        state = {name: np.stack([row[name] for row in state_rows]) for name in state_rows[0]}
        runs.append(
            {
                **outcome_json(problem, simulation, r),
                "trace": {
                    "step": run_index,
                    "params": params[r][keep],
                    "loss": loss[r][keep],
                    "grad": grad[r][keep],
                    "state": state,
                },
                "final_state": {name: values[-1] for name, values in state.items()},
            }
        )
    return {"runs": runs}


def _wants(request: Request) -> str:
    accept = request.headers.get("accept", "")
    if "text/event-stream" in accept:
        return "sse"
    if "application/jsonl" in accept or "application/x-ndjson" in accept:
        return "jsonl"
    return "json"


@router.post(
    "/runs",
    summary="Race optimizer runs down one objective",
    description=(
        "The Accept header picks the response: application/json (default) gives every run's "
        "trace; application/jsonl streams one JSON object per step, then one 'done' object; "
        "text/event-stream sends the same objects as SSE events 'step' and 'done'."
    ),
    responses={
        200: {
            "content": {
                "application/json": {},
                "application/jsonl": {"schema": {"type": "string"}},
                "text/event-stream": {"schema": {"type": "string"}},
            }
        }
    },
)
async def runs(body: RunsRequest, request: Request) -> Response:
    problem = build_problem(body, request)
    deadline = time.monotonic() + request.app.state.settings.request_deadline_seconds
    kind = _wants(request)
    if kind == "json":

        def work(should_stop: Any) -> dict[str, Any]:
            simulation = Simulation(problem, should_stop=should_stop, deadline=deadline)
            return traces_json(problem, simulation, list(recorded(simulation, body.record)))

        return json_response(await compute(request, work))
    return _stream(problem, body.record, deadline, request, kind)


def _stream(problem: RunProblem, record: Any, deadline: float, request: Request, kind: str):
    slots = admit(request)
    cancelled = threading.Event()
    simulation = Simulation(problem, should_stop=cancelled.is_set, deadline=deadline)
    steps = recorded(simulation, record)
    encode = jsonl_line if kind == "jsonl" else lambda p: sse_event(p["type"], p)

    def next_chunk(first: bool) -> bytes | None:
        """Encode steps for up to STREAM_FLUSH_SECONDS (the very first step alone)."""
        started, chunk = time.monotonic(), []
        for step in steps:
            chunk.append(encode(step_json(step)))
            if first or len(chunk) >= STREAM_FLUSH_STEPS:
                break
            if time.monotonic() - started > STREAM_FLUSH_SECONDS:
                break
        return b"".join(chunk) if chunk else None

    async def lines() -> AsyncIterator[bytes]:
        try:
            first = True
            while (chunk := await run_in_threadpool(next_chunk, first)) is not None:
                yield chunk
                first = False
                if await request.is_disconnected():
                    cancelled.set()
                    return
            done = {
                "type": "done",
                "runs": [outcome_json(problem, simulation, r) for r in range(len(problem.runs))],
            }
            yield encode(done)
        finally:
            cancelled.set()
            slots.release()

    media = "application/jsonl" if kind == "jsonl" else "text/event-stream"
    return StreamingResponse(lines(), media_type=media, headers={"Cache-Control": "no-store"})
