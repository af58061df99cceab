"""Shared fixtures for the API suite: apps with chosen caps, strict-JSON clients, a live server.

Every response that passes through the `client` fixture is parsed with a JSON parser that
rejects NaN and Infinity (whole bodies, JSON Lines lines and SSE data fields alike), so any
test that touches an endpoint also checks that the server only ever writes strict JSON.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
import uvicorn
from api_caps import SMALL_CAPS
from fastapi import FastAPI

from app.main import create_app
from app.settings import SETTINGS

API = "/api/v1"


# --- strict JSON -----------------------------------------------------------------------------


def _reject_constant(token: str) -> Any:
    raise ValueError(f"non-strict JSON token {token!r}")


def strict_loads(text: str | bytes) -> Any:
    """json.loads that refuses NaN, Infinity and -Infinity."""
    return json.loads(text, parse_constant=_reject_constant)


def jsonl_objects(text: str) -> list[dict[str, Any]]:
    """Every line of a JSON Lines body, strictly parsed; the body must end with a newline."""
    assert text.endswith("\n"), "a JSON Lines body ends with a newline"
    return [strict_loads(line) for line in text.splitlines()]


def sse_events(text: str) -> list[tuple[str, dict[str, Any]]]:
    """(event name, strictly parsed data) for every server-sent event in text."""
    events = []
    for block in text.split("\n\n"):
        if not block.strip():
            continue
        name, data = "message", []
        for line in block.split("\n"):
            field, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if field == "event":
                name = value
            elif field == "data":
                data.append(value)
        assert data, f"an SSE event without data: {block!r}"
        events.append((name, strict_loads("\n".join(data))))
    return events


def check_strict(content_type: str, body: bytes) -> None:
    """Parse body strictly by its content type; raises on any NaN/Infinity token."""
    if not body:
        return
    text = body.decode("utf-8")
    if content_type.startswith("application/jsonl"):
        jsonl_objects(text)
    elif content_type.startswith("text/event-stream"):
        sse_events(text)
    elif content_type.startswith("application/json"):
        strict_loads(text)


def assert_problem(
    response: httpx.Response, status: int, field: str | None = None, *words: str
) -> dict[str, Any]:
    """A 4xx JSON body {"detail": [{"field", "msg", ...}]}; field named, msg holding words."""
    assert response.status_code == status, (response.status_code, response.text[:500])
    assert response.headers["content-type"].startswith("application/json")
    detail = strict_loads(response.content)["detail"]
    assert isinstance(detail, list) and detail, detail
    for item in detail:
        assert isinstance(item.get("field"), str) and item["field"], item
        assert isinstance(item.get("msg"), str) and item["msg"], item
    if field is None:
        return detail[0]
    hits = [item for item in detail if item["field"] == field]
    assert hits, f"no error names {field!r}: {detail}"
    for word in words:
        assert any(word in item["msg"] for item in hits), f"{word!r} not in {hits}"
    return hits[0]


# --- apps and clients ------------------------------------------------------------------------


def make_app(**caps: Any) -> FastAPI:
    return create_app(SETTINGS.replace(**caps))


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def app() -> FastAPI:
    """The app with the shipped caps."""
    return make_app()


@pytest.fixture(scope="session")
def small_app() -> FastAPI:
    return make_app(**SMALL_CAPS)


def strict_client(app: FastAPI) -> httpx.AsyncClient:
    async def check(response: httpx.Response) -> None:
        await response.aread()
        check_strict(response.headers.get("content-type", ""), response.content)

    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
        base_url="http://testserver",
        event_hooks={"response": [check]},
        timeout=30,
    )


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with strict_client(app) as c:
        yield c


@pytest.fixture
async def small_client(small_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with strict_client(small_app) as c:
        yield c


# --- a real server, for what ASGITransport cannot express (streaming, disconnects) ------------


class LiveServer:
    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        config = uvicorn.Config(
            app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=lambda: asyncio.run(self.server.serve(sockets=[self.sock])), daemon=True
        )

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()

    @property
    def busy(self) -> int:
        return self.app.state.compute_slots.busy


@pytest.fixture
def live_server() -> Iterator[Callable[..., LiveServer]]:
    """live_server(**caps) -> a started uvicorn serving create_app(Settings with caps)."""
    started: list[LiveServer] = []

    def start(**caps: Any) -> LiveServer:
        server = LiveServer(make_app(**caps)).__enter__()
        started.append(server)
        return server

    yield start
    for server in started:
        server.__exit__(None, None, None)


def wait_until(condition: Callable[[], bool], timeout: float, step: float = 0.01) -> float:
    """Seconds until condition() held; fails after timeout."""
    started = time.monotonic()
    while not condition():
        elapsed = time.monotonic() - started
        assert elapsed < timeout, f"condition not met within {timeout} s"
        time.sleep(step)
    return time.monotonic() - started


async def post_raw(client: Any, path: str, raw: str | bytes, **headers: str) -> Any:
    """POST raw JSON text (NaN, Infinity and 1e999 are not in any dict json can dump)."""
    return await client.post(
        API + path, content=raw, headers={"content-type": "application/json", **headers}
    )


def runs_body(
    objective: dict[str, Any] | None = None,
    runs: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "objective": objective or {"id": "rosenbrock"},
        "runs": runs or [{"optimizer": {"name": "adam", "lr": 0.05}}],
        **extra,
    }


@pytest.fixture(scope="session")
def kit() -> SimpleNamespace:
    """The suite's helpers (test modules cannot import conftest reliably, so a fixture)."""
    return SimpleNamespace(
        API=API,
        SMALL_CAPS=SMALL_CAPS,
        assert_problem=assert_problem,
        check_strict=check_strict,
        jsonl_objects=jsonl_objects,
        make_app=make_app,
        post_raw=post_raw,
        runs_body=runs_body,
        sse_events=sse_events,
        strict_client=strict_client,
        strict_loads=strict_loads,
        wait_until=wait_until,
    )
