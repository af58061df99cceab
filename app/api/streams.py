"""POST /runs as a stream: JSON Lines or server-sent events, each recorded step sent as soon as a
worker thread has computed it; a `done` line (or an `error` line) always ends it."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

from fastapi import Request
from starlette.responses import Response

from app.api import run_payloads
from app.api.compute import JobEventStream, JobStream, admit
from app.api.encoding import FlushedGzip, accepts_gzip, jsonl_line, sse_event
from app.runs import RecordRule, RunProblem, Simulation, Step, marked_steps

# A stream sends what it has at least this often, so lines flow while long runs compute.
STREAM_FLUSH_SECONDS = 0.05
STREAM_FLUSH_STEPS = 500
# ...and at most about this many bytes at once, so a chunk's memory and sending stay small.
STREAM_FLUSH_BYTES = 256 * 1024

logger = logging.getLogger(__name__)


class StepLines:
    """The simulation's steps encoded as lines, a chunk at a time (called in a worker thread)."""

    def __init__(
        self,
        simulation: Simulation,
        encode: Callable[[dict[str, Any]], bytes],
        rule: RecordRule | None = None,
    ) -> None:
        self.simulation = simulation
        self.encode = encode
        sparse = rule is not None and rule.params_every != 1
        # Sparse parameters: each step is known to be the last (which keeps them) only when
        # the next is not, so lines go one step behind.
        self.steps: Iterator[tuple[Step, bool]] = (
            marked_steps(simulation, rule) if sparse else ((s, True) for s in simulation)  # type: ignore[arg-type]
        )
        self.last: Step | None = None

    def chunk(self, first: bool) -> tuple[bytes | None, bool]:
        """Lines for up to STREAM_FLUSH_SECONDS (the very first step alone), and whether the
        stream ends with them: a failure ends it with an error line after the lines made."""
        started, lines, size = time.monotonic(), [], 0
        try:
            for step, keep_params in self.steps:
                self.last = step
                line = (
                    run_payloads.step_json(step)
                    if keep_params
                    else run_payloads.step_json(step, keep_params=False)
                )
                lines.append(self.encode(line))
                size += len(lines[-1])
                if first or len(lines) >= STREAM_FLUSH_STEPS or size >= STREAM_FLUSH_BYTES:
                    break
                if time.monotonic() - started > STREAM_FLUSH_SECONDS:
                    break
        except Exception as error:
            logger.exception("a /runs stream failed")
            lines.append(self.encode(run_payloads.error_json(error)))
            return b"".join(lines), True
        return (b"".join(lines) if lines else None), False


def run_stream(problem: RunProblem, rule: RecordRule, request: Request, kind: str) -> Response:
    """The race streamed as "jsonl" or "sse", under a compute slot freed when the stream ends."""
    job = admit(request)
    simulation = Simulation(
        problem, record=rule, should_stop=job.should_stop, deadline=job.deadline
    )
    sent = [0]

    def encode(payload: dict[str, Any]) -> bytes:
        sent[0] += 1
        return jsonl_line(payload) if kind == "jsonl" else sse_event(payload, first=sent[0] == 1)

    steps = StepLines(simulation, encode, rule)
    # Server-sent events stay plain (proxies and EventSource expect them so).
    gzip = FlushedGzip() if kind == "jsonl" and accepts_gzip(request.headers) else None

    def wire(data: bytes, last: bool = False) -> bytes:
        return gzip.chunk(data, last) if gzip else data

    def next_chunk(first: bool) -> tuple[bytes | None, bool]:
        chunk, failed = steps.chunk(first)
        return (None if chunk is None else wire(chunk, last=failed)), failed

    async def body() -> AsyncIterator[bytes]:
        try:
            first = True
            while True:
                chunk, failed = await job.run(next_chunk, first)
                if chunk is None:
                    break
                yield chunk
                if failed:
                    return
                first = False
            yield wire(encode(run_payloads.done_json(problem, simulation, steps.last)), last=True)
        except Exception as error:  # the stream ends with a line that says why, never cut
            logger.exception("a /runs stream failed")
            yield wire(encode(run_payloads.error_json(error)), last=True)

    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    if gzip:
        headers |= {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
    if kind == "sse":
        return JobEventStream(body(), job, headers=headers)
    return JobStream(body(), job, media_type="application/jsonl", headers=headers)
