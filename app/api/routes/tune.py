"""POST /tune: each run's best learning rate for the race's budget, in one batched sweep."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.api.compute import Job, compute, converted
from app.api.encoding import StrictJSONResponse, accepts_gzip, encode_document, encoded_response
from app.api.responses import TuneOut
from app.api.schemas import Bodies
from app.tuning import TUNE_CRITERION, tune


def routes(bodies: Bodies) -> APIRouter:
    router = APIRouter(tags=["compute"], default_response_class=StrictJSONResponse)
    Body: Any = bodies.tune

    @router.post(
        "/tune",
        summary="Pick each run's best learning rate for this budget with one sweep",
        description=(
            "Takes POST /runs' body (record is ignored) plus num. Each run's lr is swept over "
            "num log-spaced rates from 1e-4× to 1e2× its own (its own among them), its other "
            "settings fixed; all runs × rates run as one batch. Best: " + TUNE_CRITERION + "; "
            "when every rate diverges, the one that lasted longest. runs × num must stay within "
            "max_sweep_runs and runs × num × steps within max_sweep_work (GET /limits)."
        ),
        responses={200: {"model": TuneOut}},
    )
    async def tune_route(body: Body, request: Request) -> Response:
        # The caps between fields are checked before anything is made.
        base, num = await converted(body.tune_problem)
        gzip = accepts_gzip(request.headers)

        def work(job: Job) -> Any:
            answer = tune(base, num, should_stop=job.should_stop, deadline=job.deadline)
            return encode_document(answer, gzip=gzip)

        return encoded_response(await compute(request, work))

    return router
