"""POST /tune: each run's best learning rate for the race's budget, in one batched sweep."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.api.compute import compute
from app.api.encoding import StrictJSONResponse, json_response
from app.api.errors import TooMuchWork
from app.api.responses import TuneOut
from app.api.routes.runs import build_problem
from app.api.schemas import TuneRequest
from app.tuning import TUNE_CRITERION, tune

router = APIRouter(tags=["compute"], default_response_class=StrictJSONResponse)


@router.post(
    "/tune",
    summary="Pick each run's best learning rate for this budget with one sweep",
    description=(
        "Takes POST /runs' body (record is ignored) plus num. Each run's lr is swept over num "
        "log-spaced rates from 1e-4× to 1e2× its own (its own among them), its other settings "
        "fixed; all runs × rates run as one batch. Best: " + TUNE_CRITERION + "; when every "
        "rate diverges, the one that lasted longest. runs × num must stay within "
        "max_sweep_runs and runs × num × steps within max_sweep_work (GET /limits)."
    ),
    responses={200: {"model": TuneOut}},
)
async def tune_route(body: TuneRequest, request: Request) -> Response:
    settings = request.app.state.settings
    count = len(body.runs) * body.num
    # Checked before anything is allocated: a sweep's work is its runs × rates × steps.
    if count > settings.max_sweep_runs:
        raise TooMuchWork(
            "num", f"runs × num = {count} is over the cap of {settings.max_sweep_runs}"
        )
    if count * body.steps > settings.max_sweep_work:
        raise TooMuchWork(
            "steps",
            f"runs × num × steps = {count * body.steps} is over the cap of "
            f"{settings.max_sweep_work}",
        )
    base = build_problem(body, request)
    deadline = time.monotonic() + settings.request_deadline_seconds

    def work(should_stop: Any) -> dict[str, Any]:
        return tune(base, body.num, should_stop=should_stop, deadline=deadline)

    return json_response(await compute(request, work))
