"""The app factory: API routers, limits, error handlers, security headers, metrics, docs, page."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import gc
import hashlib
import re
import sys
from collections.abc import AsyncIterator

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware
from starlette.responses import Response

from app import __version__
from app.api.access_log import AccessLog
from app.api.blas import limit_blas_threads
from app.api.errors import install_error_handlers
from app.api.headers import SecurityHeaders
from app.api.limits import BodySizeLimit, ComputeSlots
from app.api.loop_monitor import watch_event_loop
from app.api.metrics import Metrics, exposition
from app.api.openapi import install_openapi
from app.api.responses import HealthOut
from app.api.router import api_router
from app.settings import SETTINGS, STATIC_DIR, TEMPLATES_DIR, Settings
from app.static_assets import (
    REVALIDATE,
    STATIC_GZIP_LEVEL,
    StaticVersion,
    VersionedStaticFiles,
)

API_PREFIX = "/api/v1"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
# API JSON is compressed fast; large answers are compressed in their worker thread instead.
# Static files are compressed hard (app.static_assets: once per version for the page's own).
API_GZIP_LEVEL = 1
# Server-sent events stay uncompressed (proxies and EventSource expect them plain); JSON Lines
# streams compress themselves, chunk by chunk (app.api.streams).
UNZIPPED = DEFAULT_EXCLUDED_CONTENT_TYPES


def docs_policy(html: str) -> str:
    """/docs' policy: Swagger UI's files from us, its one inline script by its hash."""
    scripts = re.findall(r"<script>(.*?)</script>", html, flags=re.S)
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'"
        for s in scripts
    )
    return (
        f"default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        "frame-ancestors 'none'"
    )


def embed_policy(origins: tuple[str, ...]) -> str:
    """/embed's policy: the page's, but framed by the listed origins (none listed: by none)."""
    ancestors = " ".join(origins) or "'none'"
    return CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", f"frame-ancestors {ancestors}")


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """At start-up: the OpenAPI document is made once, before any request waits for it, and the
    event loop's stalls are watched while the server runs."""
    app.openapi()
    # Compute threads hand the GIL over this often, so the event loop waits less for it.
    sys.setswitchinterval(app.state.settings.gil_switch_interval_seconds)
    blas = limit_blas_threads(app.state.settings.blas_threads)
    # Everything made at start-up (schemas, the OpenAPI document, the catalogue) lives for good:
    # kept out of the collector's scans, a full collection takes milliseconds, not a loop stall.
    gc.collect()
    gc.freeze()
    watcher = asyncio.create_task(watch_event_loop())
    try:
        yield
    finally:
        watcher.cancel()
        blas.restore_original_limits()


def create_app(settings: Settings = SETTINGS) -> FastAPI:
    app = FastAPI(
        lifespan=lifespan,
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
    async def health() -> HealthOut:  # on the event loop: no worker thread to wait for
        slots = app.state.compute_slots
        return HealthOut(status="ok", version=__version__, busy=slots.busy, capacity=slots.limit)

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        body, media_type = exposition()
        return Response(body, media_type=media_type)

    app.include_router(api_router(settings), prefix=API_PREFIX)
    install_openapi(app)
    static_version = StaticVersion(STATIC_DIR)
    static_files = VersionedStaticFiles(directory=STATIC_DIR, version=static_version)
    app.mount(
        "/static",
        GZipMiddleware(static_files, compresslevel=STATIC_GZIP_LEVEL),
        name="static",
    )
    templates = Jinja2Templates(directory=TEMPLATES_DIR)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page(request: Request) -> Response:
        config = {"api": API_PREFIX, "version": __version__}
        context = {"config": config, "static": static_version.prefix()}
        response = templates.TemplateResponse(request, "index.html", context)
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        # The page names its assets by version: revalidate it, cache them for good.
        response.headers["Cache-Control"] = REVALIDATE
        return response

    @app.get("/embed", response_class=HTMLResponse, include_in_schema=False)
    def embed(request: Request) -> Response:
        # The surface and controls alone, for a course page or a notebook to frame and drive.
        origins = settings.embed_origins
        config = {"api": API_PREFIX, "version": __version__, "origins": list(origins)}
        context = {"config": config, "static": static_version.prefix()}
        response = templates.TemplateResponse(request, "embed.html", context)
        response.headers["Content-Security-Policy"] = embed_policy(origins)
        response.headers["Cache-Control"] = REVALIDATE
        return response

    @app.get("/docs", include_in_schema=False)
    def docs() -> Response:
        # Swagger UI from our own static files: the docs work with the network off.
        static = static_version.prefix()
        response = get_swagger_ui_html(
            openapi_url=app.openapi_url,
            title=f"{app.title} — docs",
            swagger_js_url=f"{static}/vendor/swagger-ui-dist/swagger-ui-bundle.js",
            swagger_css_url=f"{static}/vendor/swagger-ui-dist/swagger-ui.css",
            swagger_favicon_url=f"{static}/favicon.svg",
        )
        response.headers["Content-Security-Policy"] = docs_policy(response.body.decode())
        return response

    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_credentials=False,
        allow_methods=["GET", "POST"],
        allow_headers=["*"],
    )
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_body_bytes,
        data_max_bytes=settings.max_data_body_bytes,
    )
    app.add_middleware(GZipMiddleware, compresslevel=API_GZIP_LEVEL, exclude_content_types=UNZIPPED)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(Metrics)
    if settings.access_log:
        app.add_middleware(AccessLog)
    return app


app = create_app()
