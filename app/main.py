"""The app factory: API routers, limits, error handlers, security headers, docs and the page."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from app import __version__
from app.api import api_router
from app.api.errors import install_error_handlers
from app.api.limits import BodySizeLimit, ComputeSlots
from app.settings import SETTINGS, STATIC_DIR, TEMPLATES_DIR, Settings

API_PREFIX = "/api/v1"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)


def create_app(settings: Settings = SETTINGS) -> FastAPI:
    app = FastAPI(
        title="Gradient Descent Playground API",
        version=__version__,
        description=(
            "Loss surfaces, optimizer races streamed step by step, sweeps and point inspection, "
            "computed by the playground's own reverse-mode autodiff engine on NumPy."
        ),
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.compute_slots = ComputeSlots(settings.max_concurrent_computations)
    install_error_handlers(app)

    @app.get(f"{API_PREFIX}/health", tags=["meta"], summary="Liveness, version and load")
    def health() -> dict[str, object]:
        slots = app.state.compute_slots
        return {"status": "ok", "version": __version__, "busy": slots.busy, "capacity": slots.limit}

    app.include_router(api_router(), prefix=API_PREFIX)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    templates = Jinja2Templates(directory=TEMPLATES_DIR)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page(request: Request) -> Response:
        config = {"api": API_PREFIX, "version": __version__}
        response = templates.TemplateResponse(request, "index.html", {"config": config})
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return response

    @app.get("/docs", include_in_schema=False)
    def docs() -> Response:
        # Swagger UI from our own static files: the docs work with the network off.
        response = get_swagger_ui_html(
            openapi_url=app.openapi_url,
            title=f"{app.title} — docs",
            swagger_js_url="/static/vendor/swagger-ui-dist/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui-dist/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )
        return response

    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_credentials=False,
        allow_methods=["GET", "POST"],
        allow_headers=["*"],
    )
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    return app


app = create_app()
