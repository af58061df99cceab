"""The JSON API v1: routers, request schemas, errors and load limits."""

from fastapi import APIRouter

from app.api.routes import catalog, inspect, runs, surface, sweeps


def api_router() -> APIRouter:
    router = APIRouter()
    for module in (catalog, surface, runs, sweeps, inspect):
        router.include_router(module.router)
    return router
