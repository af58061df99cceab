"""POST /runs: a race of optimizer runs, as one JSON document, JSON Lines or server-sent events."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.api.compute import Job, compute, converted
from app.api.encoding import (
    Abandoned,
    StrictJSONResponse,
    accepts_gzip,
    encode_pieces,
    encoded_response,
)
from app.api.errors import TooMuchWork
from app.api.limits import check_answer_size
from app.api.openapi import RUN_LINE_CONTENT
from app.api.run_payloads import trace_items
from app.api.run_responses import RunsOut
from app.api.schemas import Bodies
from app.api.streams import run_stream
from app.runs import Simulation

# Writing the answer may take this long past the computation's deadline.
ENCODE_GRACE_SECONDS = 10.0


def wanted(request: Request) -> str:
    accept = request.headers.get("accept", "")
    if "text/event-stream" in accept:
        return "sse"
    if "application/jsonl" in accept or "application/x-ndjson" in accept:
        return "jsonl"
    return "json"


def routes(bodies: Bodies) -> APIRouter:
    router = APIRouter(tags=["compute"], default_response_class=StrictJSONResponse)
    Body: Any = bodies.runs

    @router.post(
        "/runs",
        summary="Race optimizer runs down one objective",
        description=(
            "The Accept header picks the response: application/json (default) gives every "
            "run's trace; application/jsonl streams one JSON object per recorded step, then one "
            "'done' object (or an 'error' object if the computation failed); text/event-stream "
            "sends the same objects as SSE events 'step' (id: the step), 'done' and 'error'. "
            "A JSON answer holds at most max_response_numbers numbers (GET /limits): record "
            'every k-th step ({"every": k}) or stream a longer race.'
        ),
        responses={200: {"model": RunsOut, "content": RUN_LINE_CONTENT}},
    )
    async def runs(body: Body, request: Request) -> Response:
        problem, rule, kind = await converted(body.problem), body.rule(), wanted(request)
        if kind != "json":
            return run_stream(problem, rule, request, kind)
        settings = request.app.state.settings
        check_answer_size(problem, rule, settings.max_response_numbers)
        gzip = accepts_gzip(request.headers)

        def work(job: Job) -> Any:
            simulation = Simulation(
                problem, record=rule, should_stop=job.should_stop, deadline=job.deadline
            )
            trace = simulation.run()
            ending = job.deadline + ENCODE_GRACE_SECONDS
            items = trace_items(problem, simulation, trace)
            try:
                return encode_pieces(
                    b'{"runs":[', items, b"]}", gzip=gzip, keep_going=lambda: job.alive(ending)
                )
            except Abandoned:
                if job.should_stop():
                    return None  # the client has gone: nobody to answer
                raise TooMuchWork(
                    "record", "writing the answer passed the time limit: record fewer steps"
                ) from None

        encoded = await compute(request, work)
        return Response(status_code=499) if encoded is None else encoded_response(encoded)

    return router
