"""Why POST /runs frames its streams itself: FastAPI's native JSON Lines and server-sent events
(generator path operations, FastAPI >= 0.135) against the app's chunked framing, measured side
by side on the same step lines, through the ASGI app with no network.

- native JSONL, typed: `async def ...() -> AsyncIterable[StepLine]`: each line validated and
  serialised by pydantic, one ASGI message per line, on the event loop.
- native SSE: `response_class=EventSourceResponse` yielding ServerSentEvent(raw_data=orjson
  text, event, id): framing by FastAPI, one message per event.
- chunked (the app's): lines encoded with orjson and framed in a worker thread (SSE with
  FastAPI's own format_sse_event), sent in chunks of up to 256 KB.

Run: python -m benchmarks.stream_framing
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterable, AsyncIterator, Callable

from fastapi import FastAPI
from fastapi.responses import StreamingResponse
from fastapi.sse import EventSourceResponse, ServerSentEvent

from app.api.encoding import dumps, jsonl_line, sse_event
from app.api.responses import StepLine
from app.api.run_payloads import step_json
from app.objectives import make_objective
from app.runs import RunConfig, RunProblem, Simulation

STEPS = 5_000
CHUNK_BYTES = 256 * 1024


def lines_of(runs: int) -> list[dict]:
    problem = RunProblem(
        make_objective({"id": "rosenbrock"}),
        tuple(RunConfig("adam", {"lr": 0.001}) for _ in range(runs)),
        STEPS,
    )
    return [step_json(step) for step in Simulation(problem)]


def chunked(lines: list[dict], frame: Callable[[dict, int], bytes]) -> AsyncIterator[bytes]:
    async def body() -> AsyncIterator[bytes]:
        chunk, size = [], 0
        for i, line in enumerate(lines):
            chunk.append(frame(line, i))
            size += len(chunk[-1])
            if size >= CHUNK_BYTES:
                yield b"".join(chunk)
                chunk, size = [], 0
        if chunk:
            yield b"".join(chunk)

    return body()


def make_app(lines: list[dict]) -> FastAPI:
    app = FastAPI()

    @app.post("/native-jsonl")
    async def native_jsonl() -> AsyncIterable[StepLine]:
        for line in lines:
            yield line

    @app.post("/native-sse", response_class=EventSourceResponse)
    async def native_sse() -> AsyncIterable[ServerSentEvent]:
        for line in lines:
            yield ServerSentEvent(raw_data=dumps(line).decode(), event="step", id=str(line["step"]))

    @app.post("/chunked-jsonl")
    async def chunked_jsonl() -> StreamingResponse:
        body = chunked(lines, lambda line, i: jsonl_line(line))
        return StreamingResponse(body, media_type="application/jsonl")

    @app.post("/chunked-sse")
    async def chunked_sse() -> StreamingResponse:
        body = chunked(lines, lambda line, i: sse_event(line, first=i == 0))
        return StreamingResponse(body, media_type="text/event-stream")

    return app


async def drive(app: FastAPI, path: str) -> float:
    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    never = asyncio.Event()

    async def receive() -> dict:
        await never.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        pass

    started = time.perf_counter()
    await app(scope, receive, send)
    return time.perf_counter() - started


def main() -> None:
    print(f"{STEPS:,} step lines through the ASGI app (best of 3 interleaved rounds)")
    for runs in (1, 64):
        app = make_app(lines_of(runs))
        paths = ("/chunked-jsonl", "/native-jsonl", "/chunked-sse", "/native-sse")
        best = {p: min(asyncio.run(drive(app, p)) for _ in range(3)) for p in paths}
        print(
            f"  {runs} run(s): JSONL chunked {best[paths[0]] * 1e3:.0f} ms, native "
            f"{best[paths[1]] * 1e3:.0f} ms ({best[paths[1]] / best[paths[0]]:.1f}×); SSE chunked "
            f"{best[paths[2]] * 1e3:.0f} ms, native {best[paths[3]] * 1e3:.0f} ms "
            f"({best[paths[3]] / best[paths[2]]:.1f}×)"
        )


if __name__ == "__main__":
    main()
