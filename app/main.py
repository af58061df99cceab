"""The app factory: API routers, security headers, static files, and the page route."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from app import __version__
from app.runtime import keep_freed_memory
from app.settings import STATIC_DIR, TEMPLATES_DIR

API_PREFIX = "/api/v1"


def create_app() -> FastAPI:
    keep_freed_memory()
    app = FastAPI(
        title="Gradient Descent Playground API",
        version=__version__,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
    )

    @app.get(f"{API_PREFIX}/health", tags=["meta"], summary="Liveness and version")
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    templates = Jinja2Templates(directory=TEMPLATES_DIR)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page(request: Request) -> HTMLResponse:
        config = {"api": API_PREFIX, "version": __version__}
        return templates.TemplateResponse(request, "index.html", {"config": config})

    return app


app = create_app()
