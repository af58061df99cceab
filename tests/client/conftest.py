"""The client against a live uvicorn on a free port and against the app in-process."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from client_live import LiveServer
from fastapi import FastAPI

from app.client import Playground
from app.main import create_app


@pytest.fixture(scope="session")
def app() -> FastAPI:
    return create_app()


@pytest.fixture(scope="session")
def live(app: FastAPI) -> Iterator[LiveServer]:
    with LiveServer(app) as server:
        yield server


@pytest.fixture(scope="session", params=["live", "in_process"])
def mode(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def pg(mode: str, app: FastAPI, live: LiveServer) -> Iterator[Playground]:
    """The sync client, once over HTTP to the live server and once in-process."""
    client = Playground(live.url) if mode == "live" else Playground(app=app)
    with client:
        yield client


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
