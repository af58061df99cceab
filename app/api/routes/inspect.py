"""POST /inspect: loss, gradient, Hessian and its eigenpairs, and the computation graph."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.api.compute import Job, compute, converted
from app.api.encoding import StrictJSONResponse, accepts_gzip, encode_document, encoded_response
from app.api.network_responses import NetworkInspectOut
from app.api.responses import InspectOut
from app.api.schemas import Bodies, NetworkPointBase
from app.landscape import inspect_network, inspect_point


def routes(bodies: Bodies) -> APIRouter:
    router = APIRouter(tags=["compute"], default_response_class=StrictJSONResponse)
    Body: Any = bodies.inspect

    @router.post(
        "/inspect",
        summary="Loss, gradient, Hessian, eigenpairs and the backprop graph at a point",
        description=(
            "Also plain SGD's stability limit sgd_lr_limit = 2/λmax with a note in words. For "
            "a network (objective id mlp): loss, gradient and the Hessian's extreme eigenvalues "
            "by Lanczos on Hessian-vector products (no dense Hessian, no graph)."
        ),
        responses={200: {"model": InspectOut | NetworkInspectOut}},
    )
    async def inspect(body: Body, request: Request) -> Response:
        if isinstance(body, NetworkPointBase):
            network, weights = await converted(body.checked)
            gzip = accepts_gzip(request.headers)

            def network_work(job: Job) -> Any:
                return encode_document(inspect_network(network, weights), gzip=gzip)

            return encoded_response(await compute(request, network_work))
        objective = await converted(body.objective.build)
        point, gzip = body.point, accepts_gzip(request.headers)

        def work(job: Job) -> Any:
            return encode_document(inspect_point(objective, point), gzip=gzip)

        return encoded_response(await compute(request, work))

    return router
