"""Every router of the JSON API v1, built for one app's settings (its caps shape the schemas)."""

from __future__ import annotations

from typing import Any

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
from app.api.schemas import Caps, bodies_for


def api_router(settings: Any) -> APIRouter:
    bodies = bodies_for(Caps.of(settings))
    router = APIRouter(
        responses={
            400: {"description": "Malformed body", "model": ProblemBody},
            413: {"description": "Body over the size limit", "model": ProblemBody},
            422: {"description": "A value out of bounds, named by its field", "model": ProblemBody},
            429: {"description": "Too many computations at once", "model": ProblemBody},
        }
    )
    router.include_router(catalog.routes())
    router.include_router(caps.routes())
    for module in (surface, runs, tune, sweeps, inspect, predict, explain, lessons):
        router.include_router(module.routes(bodies))
    return router
