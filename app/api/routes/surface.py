"""POST /surface: the loss over a grid, for the contour under the descent path."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.api.compute import Job, compute, converted
from app.api.encoding import StrictJSONResponse, accepts_gzip, encode_document, encoded_response
from app.api.network_payloads import slice_payload
from app.api.network_responses import SliceOut
from app.api.responses import SurfaceOut
from app.api.schemas import Bodies, NetworkSurfaceBase
from app.api.surface_payloads import as_f32
from app.landscape import surface_grid


def routes(bodies: Bodies) -> APIRouter:
    router = APIRouter(tags=["compute"], default_response_class=StrictJSONResponse)
    Body: Any = bodies.surface

    @router.post(
        "/surface",
        summary="The loss on a grid: z[i][j] = f(x[j], y[i]); null where not finite",
        description=(
            "format 'f32' sends z as base64 little-endian float32, row-major, with shape "
            "[ny, nx] and the finite z_min and z_max: about a third of the JSON's size. For a "
            "network (objective id mlp) the grid is a 2-D slice of weight space: `slice` "
            "picks its plane (random filter-normalised directions, or the principal components "
            "of the path given), and the answer adds the plane and the path on it."
        ),
        responses={200: {"model": SurfaceOut | SliceOut}},
    )
    async def surface(body: Body, request: Request) -> Response:
        f32, gzip = body.format == "f32", accepts_gzip(request.headers)
        if isinstance(body, NetworkSurfaceBase):
            network, plane = await converted(body.plane)

            def network_work(job: Job) -> Any:
                return encode_document(
                    slice_payload(network, plane, f32, lambda: not job.alive(job.deadline)),
                    gzip=gzip,
                )

            return encoded_response(await compute(request, network_work))
        objective, bounds, resolution = await converted(body.grid)

        def work(job: Job) -> Any:
            grid = surface_grid(objective, bounds, resolution)
            return encode_document(as_f32(grid) if f32 else grid, gzip=gzip)

        return encoded_response(await compute(request, work))

    return router
