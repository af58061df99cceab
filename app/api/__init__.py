"""The JSON API v1: routers, request schemas, errors and load limits."""

from fastapi import APIRouter

from app.api.errors import ProblemBody
from app.api.routes import catalog, inspect, runs, surface, sweeps


def api_router() -> APIRouter:
    router = APIRouter(
        responses={
            400: {"description": "Malformed body", "model": ProblemBody},
            413: {"description": "Body over the size limit", "model": ProblemBody},
            429: {"description": "Too many computations at once", "model": ProblemBody},
        }
    )
    for module in (catalog, surface, runs, sweeps, inspect):
        router.include_router(module.router)
    return router
