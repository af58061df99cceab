"""How long the event loop was kept from running: a task asks to wake every few milliseconds
and records how late it woke (Prometheus: gdp_event_loop_stall_seconds)."""

from __future__ import annotations

import asyncio

from prometheus_client import Gauge, Histogram

INTERVAL_SECONDS = 0.005
STALLS = Histogram(
    "gdp_event_loop_stall_seconds",
    "How late the event loop woke a task that slept INTERVAL_SECONDS",
    buckets=(0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5),
)
LONGEST = Gauge(
    "gdp_event_loop_stall_max_seconds",
    "The longest event-loop stall since the process started",
    multiprocess_mode="max",
)


async def watch_event_loop() -> None:
    loop = asyncio.get_running_loop()
    longest = 0.0
    while True:
        asked = loop.time()
        await asyncio.sleep(INTERVAL_SECONDS)
        stall = max(0.0, loop.time() - asked - INTERVAL_SECONDS)
        STALLS.observe(stall)
        if stall > longest:
            longest = stall
            LONGEST.set(stall)
