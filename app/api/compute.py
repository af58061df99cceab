"""Running NumPy work off the event loop, under the admission cap, stopping when the client goes
or the deadline passes; and a streaming response that frees its compute slot the moment it ends.
"""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

import anyio
from fastapi import HTTPException, Request
from fastapi.sse import EventSourceResponse
from starlette.concurrency import run_in_threadpool
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from app.api.errors import problem
from app.api.limits import ComputeSlots

T = TypeVar("T")

# How often a waiting request checks whether its client is still there.
DISCONNECT_POLL_SECONDS = 0.2


class Job:
    """One admitted computation: its deadline, and whether it should stop (client gone)."""

    def __init__(self, slots: ComputeSlots, deadline: float) -> None:
        self.slots = slots
        self.deadline = deadline
        self.cancelled = threading.Event()
        self._released = False

    def should_stop(self) -> bool:
        self.slots.turns.pass_on()  # asked often by every computation: a place to take turns
        return self.cancelled.is_set()

    def alive(self, until: float) -> bool:
        """False once the client left or time passed `until`."""
        self.slots.turns.pass_on()
        return not self.cancelled.is_set() and time.monotonic() <= until

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        """work(*args) in a worker thread, during this computation's turns."""
        return await run_in_threadpool(self.slots.turns.run, work, *args)

    def release(self) -> None:
        """Stop the work and free the slot (once, whoever calls first)."""
        self.cancelled.set()
        if not self._released:
            self._released = True
            self.slots.release()


def admit(request: Request) -> Job:
    """Take a compute slot, or refuse at once with 429 and Retry-After."""
    slots: ComputeSlots = request.app.state.compute_slots
    if not slots.try_acquire():
        msg = f"the server is computing {slots.limit} requests already; retry shortly"
        raise HTTPException(
            status_code=429,
            detail=[problem("request", msg, "too_many_requests")],
            headers={"Retry-After": "1"},
        )
    settings = request.app.state.settings
    return Job(slots, time.monotonic() + settings.request_deadline_seconds)


async def converted(convert: Callable[..., T], *args: Any) -> T:
    """A request turned into domain values in a worker thread: building its objective can take
    tens of milliseconds (a pasted CSV of 5,000 rows, a generated dataset), which the event loop
    must not wait for. No compute slot: the caps it checks come before any work is queued."""
    return await run_in_threadpool(convert, *args)


async def compute(request: Request, work: Callable[[Job], T]) -> T:
    """Run work(job) in a worker thread under a compute slot; a client disconnect cancels job."""
    job = admit(request)
    try:
        return await run_watched(request, job, work)
    finally:
        job.release()


async def run_watched(request: Request, job: Job, work: Callable[[Job], T]) -> T:
    """work(job) in a worker thread while a task watches for the client leaving."""
    result: list[T] = []
    failure: list[BaseException] = []
    async with anyio.create_task_group() as group:

        async def watch() -> None:
            while not job.cancelled.is_set():
                if await request.is_disconnected():
                    job.cancelled.set()
                    return
                await anyio.sleep(DISCONNECT_POLL_SECONDS)

        group.start_soon(watch)
        try:
            result.append(await job.run(work, job))
        except Exception as error:  # re-raised below, outside the task group
            failure.append(error)
        group.cancel_scope.cancel()
    if failure:
        raise failure[0]
    return result[0]


class JobStream(StreamingResponse):
    """A stream that owns a Job: when the response ends by any path (done, failed, the client
    gone, the task cancelled), its body iterator is closed and the slot freed, at once."""

    def __init__(self, content: AsyncIterator[bytes], job: Job, **options: Any) -> None:
        super().__init__(content, **options)
        self.job = job

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.job.release()
            with anyio.CancelScope(shield=True):
                await self.body_iterator.aclose()  # type: ignore[attr-defined]


class JobEventStream(JobStream, EventSourceResponse):
    """FastAPI's text/event-stream response, owning a Job."""
