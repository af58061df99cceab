"""Prometheus metrics: requests by route and status, their durations, 429s, busy compute slots.

With several worker processes (PROMETHEUS_MULTIPROC_DIR set, as `python -m app serve
--workers N` does) each process writes its values to that folder and /metrics adds them up.
"""

from __future__ import annotations

import os
import time

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as multi
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))

REQUESTS = Counter(
    "gdp_http_requests_total", "HTTP requests answered", ["method", "route", "status"]
)
DURATION = Histogram(
    "gdp_http_request_duration_seconds",
    "Time from a request's arrival to the end of its answer",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
REFUSED = Counter("gdp_refused_total", "Requests refused with 429 (compute slots full)", ["route"])
BUSY = Gauge("gdp_compute_slots_busy", "Compute slots in use", multiprocess_mode="livesum")
CAPACITY = Gauge("gdp_compute_slots", "Compute slots", multiprocess_mode="livesum")


def exposition() -> tuple[bytes, str]:
    """The metrics in Prometheus' text format: this process's, or every worker's added up."""
    if MULTIPROCESS:
        registry = CollectorRegistry()
        multi.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST


def route_of(scope: Scope) -> str:
    """The matched route's template with its router's prefix (bounded label values), the mount
    for static files, never the raw path."""
    template = getattr(scope.get("route"), "path", None)
    if template is None:
        return scope.get("root_path") or "unmatched"
    path = scope.get("path", "")
    head = template.split("{", 1)[0]
    at = path.find(head)
    return (path[:at] if at > 0 else "") + template


class Metrics:
    """Counts and times every HTTP request by method, route template and status."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), [500]

        async def record(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record)
        finally:
            method, route = scope["method"], route_of(scope)
            REQUESTS.labels(method, route, str(status[0])).inc()
            DURATION.labels(method, route).observe(time.perf_counter() - started)
            if status[0] == 429:
                REFUSED.labels(route).inc()
