"""A stream frees its compute slot the moment its response ends, whatever ends it: even when
Starlette cancels the response while it waits in `send` (outside the body's generator), the slot
is free when the app returns, with no garbage collection or later loop turn needed."""

from __future__ import annotations

import asyncio
import json

import pytest

pytestmark = pytest.mark.anyio

BODY = {
    "objective": {"id": "rosenbrock"},
    "runs": [{"optimizer": {"name": "adam", "lr": 0.01}}],
    "steps": 50_000,
}


def scope(accept: str) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},  # uvicorn's: Starlette listens
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/runs",
        "raw_path": b"/api/v1/runs",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json"), (b"accept", accept.encode())],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }


@pytest.mark.parametrize("accept", ["application/jsonl", "text/event-stream"])
async def test_a_stream_cancelled_in_send_frees_its_slot_when_the_app_returns(kit, accept):
    app = kit.make_app(max_steps=100_000, max_steps_times_runs=100_000)
    slots = app.state.compute_slots
    gone, bodies, stuck = asyncio.Event(), [], asyncio.Event()
    delivered = False

    async def receive() -> dict:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": json.dumps(BODY).encode()}
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        if message["type"] != "http.response.body":
            return
        bodies.append(message)
        if len(bodies) == 2:  # the response waits here, outside the generator
            stuck.set()
            await asyncio.Event().wait()

    serving = asyncio.create_task(app(scope(accept), receive, send))
    await asyncio.wait_for(stuck.wait(), 10)
    assert slots.busy == 1
    gone.set()  # the client leaves while the response is blocked in send
    await asyncio.wait_for(serving, 10)
    assert slots.busy == 0, "the slot must be free when the response ends, not when collected"
