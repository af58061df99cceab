"""POST /sweeps: one optimizer configuration over many runs (a learning-rate curve, a basin map)."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.api.compute import Job, compute, converted
from app.api.encoding import StrictJSONResponse, accepts_gzip, encode_document, encoded_response
from app.api.run_responses import SweepOut
from app.api.schemas import Bodies
from app.runs import sweep


def routes(bodies: Bodies) -> APIRouter:
    router = APIRouter(tags=["compute"], default_response_class=StrictJSONResponse)
    Body: Any = bodies.sweeps

    @router.post(
        "/sweeps",
        summary="Sweep a hyper-parameter or a grid of start points in one batch",
        description=(
            'over is {"lr": {"min", "max", "num", "scale"}} (any numeric setting of the '
            'optimizer) or {"start": {"bounds", "resolution"}}; runs × steps stays within '
            "max_sweep_work (GET /limits)."
        ),
        responses={200: {"model": SweepOut}},
    )
    async def sweeps(body: Body, request: Request) -> Response:
        # Every cap is checked before the rates or starts are made.
        base, over = await converted(body.plan)
        name, minima = body.over_name, base.objective.minima
        gzip = accepts_gzip(request.headers)

        def work(job: Job) -> Any:
            result = sweep(base, over, should_stop=job.should_stop, deadline=job.deadline)
            answer = {
                "over": name,
                "values": result.values,
                "final_params": result.final_params,
                "final_loss": result.final_loss,
                "status": result.status,
                "steps_taken": result.steps_taken,
                "basin": result.basin,
                "minima": [{"point": m.point, "value": m.value} for m in minima],
            }
            return encode_document(answer, gzip=gzip)

        return encoded_response(await compute(request, work))

    return router
