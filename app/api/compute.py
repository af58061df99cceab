"""Running NumPy work off the event loop, under the admission cap, stopping when the client goes."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

import anyio
from fastapi import HTTPException, Request
from starlette.concurrency import run_in_threadpool

from app.api.limits import ComputeSlots

T = TypeVar("T")

# How often a waiting request checks whether its client is still there.
DISCONNECT_POLL_SECONDS = 0.2


def slots_of(request: Request) -> ComputeSlots:
    return request.app.state.compute_slots


def admit(request: Request) -> ComputeSlots:
    """Take a compute slot, or refuse at once with 429 and Retry-After."""
    slots = slots_of(request)
    if not slots.try_acquire():
        raise HTTPException(
            status_code=429,
            detail=[
                {
                    "field": "request",
                    "loc": ["request"],
                    "msg": f"the server is computing {slots.limit} requests already; retry shortly",
                    "type": "too_many_requests",
                }
            ],
            headers={"Retry-After": "1"},
        )
    return slots


async def compute(request: Request, work: Callable[[Callable[[], bool]], T]) -> T:
    """Run work(should_stop) in a worker thread; a client disconnect makes should_stop true."""
    slots = admit(request)
    cancelled = threading.Event()
    result: list[T] = []
    failure: list[Exception] = []
    try:
        async with anyio.create_task_group() as group:

            async def watch() -> None:
                while not cancelled.is_set():
                    if await request.is_disconnected():
                        cancelled.set()
                        return
                    await anyio.sleep(DISCONNECT_POLL_SECONDS)

            group.start_soon(watch)
            try:
                result.append(await run_in_threadpool(work, cancelled.is_set))
            except Exception as error:  # re-raised below, outside the task group
                failure.append(error)
            cancelled.set()
            group.cancel_scope.cancel()
    finally:
        slots.release()
    if failure:
        raise failure[0]
    return result[0]
