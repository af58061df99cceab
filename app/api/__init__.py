"""The JSON API v1: routers, request schemas, errors and load limits."""

from fastapi import APIRouter

from app.api.errors import ProblemBody
from app.api.routes import (
    caps,
    catalog,
    explain,
    inspect,
    lessons,
    predict,
    runs,
    surface,
    sweeps,
    tune,
)


def api_router() -> APIRouter:
    router = APIRouter(
        responses={
            400: {"description": "Malformed body", "model": ProblemBody},
            413: {"description": "Body over the size limit", "model": ProblemBody},
            429: {"description": "Too many computations at once", "model": ProblemBody},
        }
    )
    for module in (catalog, caps, surface, runs, tune, sweeps, inspect, predict, explain, lessons):
        router.include_router(module.router)
    return router
