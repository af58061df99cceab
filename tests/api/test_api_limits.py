"""Load limits: 413 on big bodies, 429 beyond the compute cap, /health under load, and work that
stops when its client goes.

Streaming and disconnects need a real server (httpx's ASGITransport buffers the whole response
and never reports a disconnect), so those tests run uvicorn on 127.0.0.1 in a thread.
"""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest

from app.settings import SETTINGS

pytestmark = pytest.mark.anyio

JSONL = {"accept": "application/jsonl"}
LONG_CAPS = {"max_steps": 200_000, "max_steps_times_runs": 200_000}


def assert_process_goes_idle() -> None:
    """The worker thread has stopped: the process burns under half its wall time in CPU."""
    time.sleep(0.1)
    cpu = time.process_time()
    time.sleep(0.5)
    assert time.process_time() - cpu < 0.25


def big_body(size: int) -> bytes:
    """A valid /runs body of `size` bytes (padded with JSON whitespace)."""
    body = json.dumps(
        {"objective": {"id": "u-curve"}, "runs": [{"optimizer": {"name": "sgd"}}], "steps": 1}
    ).encode()
    return body[:-1] + b" " * (size - len(body)) + b"}"


def long_run(steps: int) -> dict:
    return {
        "objective": {"id": "rosenbrock"},
        "runs": [{"optimizer": {"name": "adam", "lr": 0.001}}],
        "steps": steps,
    }


# --- 413 -------------------------------------------------------------------------------------


async def test_body_under_the_limit_is_accepted(client, kit):
    r = await client.post(
        f"{kit.API}/runs",
        content=big_body(60 * 1024),
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 200


# A route that takes no objective keeps 64 KiB; those that take one (a pasted CSV) allow more.
DATA_LIMIT = SETTINGS.max_data_body_bytes


async def test_body_over_64_kib_with_content_length_is_413(client, kit):
    body = big_body(70 * 1000)
    r = await client.post(
        f"{kit.API}/explain-step", content=body, headers={"content-type": "application/json"}
    )
    assert r.request.headers["content-length"] == str(len(body))
    kit.assert_problem(r, 413, "body", "64 KiB")
    r = await client.post(
        f"{kit.API}/runs", content=body, headers={"content-type": "application/json"}
    )
    assert r.status_code == 200  # the padding is over 64 KiB, under the data routes' limit
    body = big_body(DATA_LIMIT + 1000)
    r = await client.post(
        f"{kit.API}/runs", content=body, headers={"content-type": "application/json"}
    )
    kit.assert_problem(r, 413, "body", f"{DATA_LIMIT // 1024} KiB")


async def test_chunked_body_over_64_kib_is_413(client, kit):
    body = big_body(70 * 1000)

    async def chunks():
        for i in range(0, len(body), 4096):
            yield body[i : i + 4096]

    r = await client.post(
        f"{kit.API}/explain-step", content=chunks(), headers={"content-type": "application/json"}
    )
    assert "content-length" not in r.request.headers
    assert r.request.headers["transfer-encoding"] == "chunked"
    kit.assert_problem(r, 413, "body", "64 KiB")


async def test_413_on_every_post_endpoint(client, kit):
    over = b"[" + b"0," * (DATA_LIMIT // 2) + b"0]"
    for path in ("surface", "runs", "sweeps", "inspect", "tune", "predict", "explain-step"):
        r = await client.post(
            f"{kit.API}/{path}", content=over, headers={"content-type": "application/json"}
        )
        kit.assert_problem(r, 413, "body")


# --- 429, /health under load, disconnects (a real server) ------------------------------------


async def test_over_the_cap_is_429_at_once_and_health_still_answers(live_server, kit):
    server = live_server(max_concurrent_computations=1, **LONG_CAPS)
    async with httpx.AsyncClient(base_url=server.url + kit.API, timeout=10) as c:
        async with c.stream("POST", "/runs", json=long_run(100_000), headers=JSONL) as stream:
            assert stream.status_code == 200
            lines = stream.aiter_lines()
            first = kit.strict_loads(await anext(lines))
            assert first["type"] == "step" and first["step"] == 0
            assert server.busy == 1
            others = [
                ("/runs", long_run(10), {}),
                ("/runs", long_run(10), JSONL),
                ("/runs", long_run(10), {"accept": "text/event-stream"}),
                ("/surface", {"objective": {"id": "booth"}, "resolution": 8}, {}),
                ("/inspect", {"objective": {"id": "booth"}, "point": [0, 0]}, {}),
                (
                    "/sweeps",
                    {
                        "objective": {"id": "booth"},
                        "optimizer": {"name": "sgd"},
                        "over": {"start": {"resolution": 2}},
                        "steps": 2,
                    },
                    {},
                ),
            ]
            for path, body, headers in others:
                started = time.monotonic()
                r = await c.post(path, json=body, headers=headers)
                elapsed = time.monotonic() - started
                kit.assert_problem(r, 429, "request")
                assert int(r.headers["retry-after"]) >= 1
                assert elapsed < 1.0, (path, elapsed)
            latencies = []
            for _ in range(5):
                started = time.monotonic()
                r = await c.get("/health")
                latencies.append(time.monotonic() - started)
                health = kit.strict_loads(r.content)
                assert r.status_code == 200 and health["busy"] == 1 and health["capacity"] == 1
                await asyncio.sleep(0.02)
            assert max(latencies) < 0.5, latencies
            # The stream is still flowing.
            later = kit.strict_loads(await anext(lines))
            assert later["type"] == "step" and later["step"] > 0
        kit.wait_until(lambda: server.busy == 0, timeout=2)
        r = await c.post("/runs", json=long_run(10))
        assert r.status_code == 200


async def test_closing_a_stream_stops_its_computation(live_server, kit):
    server = live_server(**LONG_CAPS)
    async with httpx.AsyncClient(base_url=server.url + kit.API, timeout=10) as c:
        async with c.stream("POST", "/runs", json=long_run(100_000), headers=JSONL) as stream:
            lines = stream.aiter_lines()
            got = [kit.strict_loads(await anext(lines)) for _ in range(3)]
            assert [o["step"] for o in got] == [0, 1, 2]
            assert server.busy == 1
        # Leaving the block closes the connection mid-stream.
        kit.wait_until(lambda: server.busy == 0, timeout=1.0)
    # The worker thread stops too: the process goes idle (100,000 steps would take ~20 s).
    assert_process_goes_idle()


async def test_closing_a_json_request_stops_its_computation(live_server, kit):
    server = live_server(**LONG_CAPS)
    async with httpx.AsyncClient(base_url=server.url + kit.API, timeout=30) as c:
        task = asyncio.create_task(c.post("/runs", json=long_run(100_000)))
        deadline = time.monotonic() + 5
        while server.busy == 0:
            assert time.monotonic() < deadline
            await asyncio.sleep(0.01)
        # The NumPy work runs off the event loop: /health answers meanwhile.
        for _ in range(3):
            started = time.monotonic()
            r = await c.get("/health")
            assert r.status_code == 200 and kit.strict_loads(r.content)["busy"] == 1
            assert time.monotonic() - started < 0.5
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        kit.wait_until(lambda: server.busy == 0, timeout=1.0)
    assert_process_goes_idle()


async def test_a_stream_runs_to_its_done_line(live_server, kit):
    server = live_server()
    async with httpx.AsyncClient(base_url=server.url + kit.API, timeout=10) as c:
        r = await c.post("/runs", json=long_run(2_000), headers=JSONL)
        assert r.status_code == 200
        objects = kit.jsonl_objects(r.text)
        assert len(objects) == 2_002 and objects[-1]["type"] == "done"
        assert objects[-1]["runs"][0]["steps_taken"] == 2_000
        r = await c.post("/runs", json=long_run(50), headers={"accept": "text/event-stream"})
        events = kit.sse_events(r.text)
        assert [name for name, _ in events] == ["step"] * 51 + ["done"]
    assert server.busy == 0
