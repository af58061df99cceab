"""API overhead of POST /runs through the ASGI app in-process, measured side by side:

- 8 mixed optimizers x 5,000 steps on Rosenbrock as a full JSON response, recording every step
  against recording only the final one (what the trace costs), and against the bare run loop
  (the Simulation iterated to the end: what HTTP, validation and JSON cost);
- a small race, 4 optimizers (3 optimizer groups) x 1,000 steps, end to end: the re-run the page
  asks for on every slider move;
- a JSON Lines stream of one 10,000-step run: how soon the first step line arrives compared with
  the whole stream.

Run: python -m benchmarks.api
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time

import httpx
from pydantic import TypeAdapter

from app.api.schemas import Caps, bodies_for
from app.main import create_app
from app.runs.loop import Simulation
from app.settings import SETTINGS
from benchmarks._timing import row, side_by_side

API = "/api/v1"
STEPS = 5_000
RACE_STEPS = 1_000
STREAM_STEPS = 10_000
STREAM_REPEATS = 5

EIGHT = {
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

# The page's race: SGD, momentum, RMSprop and Adam (three optimizer groups), every step shown.
RACE = {
    "objective": {"id": "rosenbrock"},
    "runs": [
        {"optimizer": {"name": "sgd", "lr": 0.001}},
        {"optimizer": {"name": "sgd", "lr": 0.0005, "momentum": 0.9}},
        {"optimizer": {"name": "rmsprop", "lr": 0.01}},
        {"optimizer": {"name": "adam", "lr": 0.05}},
    ],
    "steps": RACE_STEPS,
    "record": "all",
}

STREAM = {
    "objective": {"id": "rosenbrock"},
    "runs": [{"optimizer": {"name": "adam", "lr": 0.01}}],
    "steps": STREAM_STEPS,
}


def bare_loop(problem) -> None:
    """What the endpoint computes, without HTTP, validation or JSON: every step of the run."""
    for _ in Simulation(problem):
        pass


async def post_runs(client: httpx.AsyncClient, body: dict) -> bytes:
    r = await client.post(f"{API}/runs", json=body)
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


def check(document: bytes, body: dict) -> None:
    """Every run took every step, and record "all" holds each of them."""
    runs = json.loads(document)["runs"]
    statuses = {run["label"]: run["status"] for run in runs}
    assert set(statuses.values()) == {"max_steps"}, statuses
    expected = body["steps"] + 1 if body["record"] == "all" else 1
    assert all(len(run["trace"]["step"]) == expected for run in runs)


def main() -> None:
    app = create_app(SETTINGS)
    # The problem the route builds from the same body (validated by the same schema).
    body_type = TypeAdapter(bodies_for(Caps.of(SETTINGS)).runs)
    problem = body_type.validate_python(EIGHT).problem()
    final = {**EIGHT, "record": "final"}

    with asyncio.Runner() as runner:
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://b")
        sizes = {}
        for name, body in (("all", EIGHT), ("final", final), ("race", RACE)):
            document = runner.run(post_runs(client, body))
            check(document, body)
            sizes[name] = len(document)

        times = side_by_side(
            {
                "all": lambda: runner.run(post_runs(client, EIGHT)),
                "final": lambda: runner.run(post_runs(client, final)),
                "bare": lambda: bare_loop(problem),
            },
            repeat=5,
        )
        race = side_by_side({"race": lambda: runner.run(post_runs(client, RACE))}, repeat=15)
        print(f"POST /runs: 8 runs x {STEPS:,} steps on Rosenbrock, full JSON")
        print(row(f"record all ({sizes['all']:,} bytes)", times["all"]))
        print(row(f"record final ({sizes['final']:,} bytes)", times["final"]))
        print(row("bare run loop (Simulation, every step)", times["bare"]))
        print(f"  record all / record final: {times['all'] / times['final']:5.2f}x [<= 1.5]")
        print(f"  record all / bare loop:    {times['all'] / times['bare']:5.2f}x [<= 2]")
        print()
        print(f"POST /runs: a race of 4 optimizers x {RACE_STEPS:,} steps, record all")
        print(row(f"end to end ({sizes['race']:,} bytes)", race["race"]))
        print(f"  {race['race'] * 1e3:5.1f} ms [<= 40 ms]")
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
