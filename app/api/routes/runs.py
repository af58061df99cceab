"""POST /runs: a race of optimizer runs, as one JSON document, JSON Lines or server-sent events."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from app.api.compute import admit, compute
from app.api.encoding import StrictJSONResponse, dumps, jsonl_line, sse_event
from app.api.errors import TooMuchWork
from app.api.run_payloads import done_json, error_json, step_json, traces_json
from app.api.schemas import RunsRequest
from app.objectives import make_objective
from app.runs import EVERY_STEP, FINAL_STEP, RecordRule, RunConfig, RunProblem, Simulation

router = APIRouter(tags=["compute"], default_response_class=StrictJSONResponse)

# A stream sends what it has at least this often, so lines flow while long runs compute.
STREAM_FLUSH_SECONDS = 0.05
STREAM_FLUSH_STEPS = 500

logger = logging.getLogger(__name__)


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


def record_rule(record: Any) -> RecordRule:
    """The request's "all", "final" or {"every": k} as the loop's rule."""
    if record == "all":
        return EVERY_STEP
    if record == "final":
        return FINAL_STEP
    return RecordRule(record.every)


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
    rule = record_rule(body.record)
    deadline = time.monotonic() + request.app.state.settings.request_deadline_seconds
    kind = _wants(request)
    if kind == "json":

        def work(should_stop: Any) -> bytes:
            simulation = Simulation(
                problem, record=rule, should_stop=should_stop, deadline=deadline
            )
            trace = simulation.run()
            return dumps(traces_json(problem, simulation, trace))  # encoded off the event loop

        return Response(await compute(request, work), media_type="application/json")
    return _stream(problem, rule, deadline, request, kind)


def _stream(problem: RunProblem, rule: RecordRule, deadline: float, request: Request, kind: str):
    cancelled = threading.Event()
    simulation = Simulation(problem, record=rule, should_stop=cancelled.is_set, deadline=deadline)
    steps = iter(simulation)
    encode = jsonl_line if kind == "jsonl" else lambda p: sse_event(p["type"], p)
    slots = admit(request)

    def next_chunk(first: bool) -> tuple[bytes | None, bool]:
        """Lines for up to STREAM_FLUSH_SECONDS (the very first step alone), and whether the
        stream ends with them: a failure ends it with an error line after the lines made."""
        started, chunk = time.monotonic(), []
        try:
            for step in steps:
                chunk.append(encode(step_json(step)))
                if first or len(chunk) >= STREAM_FLUSH_STEPS:
                    break
                if time.monotonic() - started > STREAM_FLUSH_SECONDS:
                    break
        except Exception as error:
            logger.exception("a /runs stream failed")
            chunk.append(encode(error_json(error)))
            return b"".join(chunk), True
        return (b"".join(chunk) if chunk else None), False

    async def lines() -> AsyncIterator[bytes]:
        try:
            first = True
            while True:
                chunk, failed = await run_in_threadpool(next_chunk, first)
                if chunk is None:
                    break
                yield chunk
                if failed:
                    return
                first = False
                if await request.is_disconnected():
                    cancelled.set()
                    return
            yield encode(done_json(problem, simulation))
        except Exception as error:  # the stream ends with a line that says why, never cut
            logger.exception("a /runs stream failed")
            yield encode(error_json(error))
        finally:
            cancelled.set()
            slots.release()

    media = "application/jsonl" if kind == "jsonl" else "text/event-stream"
    return StreamingResponse(lines(), media_type=media, headers={"Cache-Control": "no-store"})
