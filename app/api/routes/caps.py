"""GET /limits: every cap a request is held to, so a client can stay within them."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.api.encoding import StrictJSONResponse, json_response
from app.api.responses import Limits


def routes() -> APIRouter:
    router = APIRouter(tags=["meta"], default_response_class=StrictJSONResponse)

    @router.get(
        "/limits",
        summary="Every cap: runs, steps, grid resolution, sweeps, concurrency, body size",
        responses={200: {"model": Limits}},
    )
    async def limits(request: Request) -> Response:
        settings = request.app.state.settings
        return json_response({name: getattr(settings, name) for name in Limits.model_fields})

    return router
