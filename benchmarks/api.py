"""API overhead: POST /runs (8 mixed optimizers x 2,000 steps on Rosenbrock, record "all") through
the ASGI app in-process, full JSON response, side by side with the bare run loop for the same
request (the Simulation iterated to the end, every step kept). Then a JSON Lines stream of one
10,000-step run: how soon the first step line arrives compared with the whole stream.

Run: python -m benchmarks.api
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from types import SimpleNamespace

import httpx

from app.api.routes.runs import build_problem
from app.api.schemas import RunsRequest
from app.main import create_app
from app.runs.loop import Simulation
from app.settings import SETTINGS
from benchmarks._timing import row, side_by_side

API = "/api/v1"
STEPS = 2_000
STREAM_STEPS = 10_000
STREAM_REPEATS = 5

RACE = {
    "objective": {"id": "rosenbrock"},
    "runs": [
        {"optimizer": {"name": "sgd", "lr": 0.001}, "label": "sgd"},
        {"optimizer": {"name": "sgd", "lr": 0.0005, "momentum": 0.9}, "label": "momentum"},
        {
            "optimizer": {"name": "sgd", "lr": 0.0005, "momentum": 0.9, "nesterov": True},
            "label": "nesterov",
        },
        {"optimizer": {"name": "adagrad", "lr": 0.5}, "label": "adagrad"},
        {"optimizer": {"name": "rmsprop", "lr": 0.01}, "label": "rmsprop"},
        {"optimizer": {"name": "adam", "lr": 0.05}, "label": "adam"},
        {"optimizer": {"name": "adamw", "lr": 0.05}, "label": "adamw"},
        {"optimizer": {"name": "nadam", "lr": 0.05}, "label": "nadam"},
    ],
    "steps": STEPS,
    "record": "all",
}

STREAM = {
    "objective": {"id": "rosenbrock"},
    "runs": [{"optimizer": {"name": "adam", "lr": 0.01}}],
    "steps": STREAM_STEPS,
}


def bare_loop(problem) -> list:
    """What the endpoint computes, without HTTP, validation or JSON: every Step of the run."""
    return list(Simulation(problem))


async def post_runs(client: httpx.AsyncClient) -> bytes:
    r = await client.post(f"{API}/runs", json=RACE)
    r.raise_for_status()
    return r.content


async def stream_timing(app) -> tuple[float, float, int]:
    """(seconds to the first step line, seconds to the end, lines) for one JSON Lines stream.

    httpx's ASGITransport hands over the body only once the app is done, so this drives the ASGI
    app directly and timestamps each body message as the server sends it.
    """
    body = json.dumps(STREAM).encode()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": f"{API}/runs",
        "raw_path": f"{API}/runs".encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"bench"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"accept", b"application/jsonl"),
        ],
        "client": ("127.0.0.1", 1),
        "server": ("bench", 80),
    }
    sent = False
    never = asyncio.Event()

    async def receive():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await never.wait()  # the client stays connected
        return {"type": "http.disconnect"}

    first = None
    status = None
    chunks = []

    async def send(message):
        nonlocal first, status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body" and message.get("body"):
            if first is None and b"\n" in message["body"]:
                first = time.perf_counter()
            chunks.append(message["body"])

    started = time.perf_counter()
    await app(scope, receive, send)
    ended = time.perf_counter()
    assert status == 200, status
    lines = b"".join(chunks).splitlines()
    assert json.loads(lines[0])["type"] == "step" and json.loads(lines[-1])["type"] == "done"
    return first - started, ended - started, len(lines)


def main() -> None:
    app = create_app(SETTINGS)
    fake_request = SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(settings=SETTINGS)))
    problem = build_problem(RunsRequest.model_validate(RACE), fake_request)

    with asyncio.Runner() as runner:
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://b")
        document = json.loads(runner.run(post_runs(client)))
        statuses = {run["label"]: run["status"] for run in document["runs"]}
        assert set(statuses.values()) == {"max_steps"}, statuses
        assert all(len(run["trace"]["step"]) == STEPS + 1 for run in document["runs"])
        size = len(runner.run(post_runs(client)))

        times = side_by_side(
            {
                "api": lambda: runner.run(post_runs(client)),
                "bare": lambda: bare_loop(problem),
            },
            repeat=5,
        )
        print(f"POST /runs: 8 runs x {STEPS:,} steps on Rosenbrock, record all ({size:,} bytes)")
        print(row("POST /runs through the ASGI app, full JSON", times["api"]))
        print(row("bare run loop (Simulation, every step kept)", times["bare"]))
        print(f"  API / bare loop: {times['api'] / times['bare']:5.2f}x [<= 2]")
        print()

        runs = [runner.run(stream_timing(app)) for _ in range(STREAM_REPEATS)]
        runner.run(client.aclose())
    first = statistics.median(r[0] for r in runs)
    total = statistics.median(r[1] for r in runs)
    fraction = statistics.median(r[0] / r[1] for r in runs)
    print(f"JSON Lines stream: 1 run x {STREAM_STEPS:,} steps ({runs[0][2]:,} lines), ", end="")
    print(f"median of {STREAM_REPEATS}")
    print(row("time to the first step line", first))
    print(row("time to the end of the stream", total))
    print(f"  first line after {fraction:.2%} of the stream [< 5%]")


if __name__ == "__main__":
    main()
