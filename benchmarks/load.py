"""The server under load, measured from outside (a real uvicorn in a subprocess on 127.0.0.1).

1. While the admission cap's worth of maximal computations runs (POST /runs, 64 runs × 31,250
   steps each, kept full until the probes are done), 10 more clients must get 429 with
   Retry-After at once, and /health is probed >= 200 times: p50 and p99 (target p99 <= 50 ms);
   the server's own event-loop watch gives the largest stall meanwhile (target <= 20 ms).
2. The largest admitted request of each route, one at a time (benchmarks/_largest.py): the
   server's peak memory while it answers (VmHWM, reset before each; target <= 300 MB) and the
   largest event-loop stall meanwhile (target <= 20 ms).
3. A client that leaves a long JSON, JSON Lines and SSE request: the time from its disconnect to
   the work stopping (its compute slot free and the process idle; target <= 1 s each).

Bounded in count and time (it stops by itself after DEADLINE). Run: python -m benchmarks.load
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np

from app.settings import SETTINGS
from benchmarks._largest import LARGEST, RUNS, STEPS, race

ROOT = Path(__file__).resolve().parent.parent
API = "/api/v1"
EXTRA_CLIENTS = 10
PROBES = 200
PROBE_EVERY = 0.02  # seconds between /health probes
DEADLINE = 600.0
MB = 1024 * 1024


def start_server() -> tuple[subprocess.Popen, str]:
    # A free port, given by --port: uvicorn's --fd wraps a socket as AF_UNIX, so asyncio never
    # sets TCP_NODELAY on its connections and Nagle's algorithm holds small answers for the
    # client's delayed ACK (~40 ms a request under load), which no deployment would see.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--log-level", "warning", "--no-access-log"]
    server = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy())
    return server, f"http://127.0.0.1:{port}"


async def wait_ready(client: httpx.AsyncClient) -> dict:
    deadline = time.monotonic() + 60
    while True:
        try:
            r = await client.get(f"{API}/health")
            if r.status_code == 200:
                return r.json()
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit("the server did not start within 60 s")
        await asyncio.sleep(0.1)


async def stalls(client: httpx.AsyncClient) -> dict[float, float]:
    """The server's event-loop stall histogram: upper bound (s) -> count at or below it."""
    text = (await client.get("/metrics")).text
    found = re.findall(r'gdp_event_loop_stall_seconds_bucket\{le="([^"]+)"\} (\S+)', text)
    return {float(le): float(n) for le, n in found}


def largest_stall(before: dict[float, float], after: dict[float, float]) -> tuple[float, float]:
    """(low, high]: the bucket holding the longest stall seen between two histograms."""
    bounds = sorted(after)
    delta = {b: after[b] - before.get(b, 0.0) for b in bounds}
    total = delta[bounds[-1]]
    low = 0.0
    for bound in bounds:
        if delta[bound] >= total:
            return low, bound
        low = bound
    return low, float("inf")


async def probe_health(client: httpx.AsyncClient) -> list[float]:
    latencies = []
    while len(latencies) < PROBES:
        started = time.perf_counter()
        r = await client.get(f"{API}/health")
        latencies.append(time.perf_counter() - started)
        if r.status_code != 200:
            raise SystemExit(f"/health answered {r.status_code}")
        await asyncio.sleep(PROBE_EVERY)
    return latencies


async def under_load(client: httpx.AsyncClient, cap: int) -> bool:
    """Phase 1: the cap's worth of maximal computations, kept full while /health is probed."""
    done = asyncio.Event()
    answered: list[int] = []

    async def keep_computing() -> None:
        while not done.is_set():
            r = await client.post(f"{API}/runs", json=race(RUNS, STEPS))
            answered.append(r.status_code)

    before = await stalls(client)
    workers = [asyncio.create_task(keep_computing()) for _ in range(cap)]
    while (await client.get(f"{API}/health")).json()["busy"] < cap:
        await asyncio.sleep(0.01)
    extras = [client.post(f"{API}/runs", json=race(1, 100)) for _ in range(EXTRA_CLIENTS)]
    refusals = await asyncio.gather(*extras)
    latencies = np.array(await probe_health(client)) * 1e3
    done.set()
    await asyncio.gather(*workers)
    low, high = largest_stall(before, await stalls(client))
    refused = [r for r in refusals if r.status_code == 429]
    with_retry = [r for r in refused if r.headers.get("retry-after", "").isdigit()]
    print(f"1. {cap} computations at once (the cap), each POST /runs {RUNS} runs × {STEPS} steps")
    print(
        f"   extra POST /runs answered 429: {len(refused)}/{EXTRA_CLIENTS}, Retry-After: "
        f"{len(with_retry)}; computations answered 200: {answered.count(200)}"
    )
    p50, p99 = np.percentile(latencies, 50), np.percentile(latencies, 99)
    print(
        f"   /health over {len(latencies)} probes: p50 {p50:.1f} ms, p99 {p99:.1f} ms, max "
        f"{latencies.max():.1f} ms [target p99 <= 50 ms: {'met' if p99 <= 50 else 'MISSED'}]"
    )
    print(
        f"   largest event-loop stall (the server's own watch): {low * 1e3:g} to "
        f"{high * 1e3:g} ms [target <= 20 ms: {'met' if high <= 0.02 else 'MISSED'}]"
    )
    return len(refused) == len(with_retry) == EXTRA_CLIENTS and set(answered) == {200}


def peak_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


def reset_peak(pid: int) -> None:
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM to the current RSS


async def memory(client: httpx.AsyncClient, pid: int) -> None:
    """Phase 2: each route's largest admitted request alone; the server's peak memory and the
    longest the event loop waited meanwhile."""
    print(
        "2. each route's largest request alone: peak server memory (VmHWM) [target <= 300 MB] "
        "and the largest event-loop stall [target <= 20 ms]"
    )
    for label, (path, body, headers) in LARGEST.items():
        reset_peak(pid)
        before = await stalls(client)
        started = time.perf_counter()
        method = "GET" if body is None else "POST"
        async with client.stream(method, API + path, json=body, headers=headers) as r:
            size = 0
            async for chunk in r.aiter_raw():
                size += len(chunk)
        seconds = time.perf_counter() - started
        peak = peak_mb(pid)
        low, high = largest_stall(before, await stalls(client))
        print(
            f"   {label}: {r.status_code}, {size / MB:.1f} MB sent in {seconds:.1f} s, "
            f"peak {peak:.0f} MB [{'met' if peak <= 300 else 'MISSED'}], "
            f"stall {low * 1e3:g} to {high * 1e3:g} ms [{'met' if high <= 0.02 else 'MISSED'}]"
        )


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def stop_after_disconnect(base: str, pid: int, accept: str | None) -> tuple[float, float]:
    """Seconds from a client's disconnect to its slot freed, and to the process going idle."""
    body = race(1, SETTINGS.max_steps, "final" if accept is None else {"every": 100})
    headers = {"accept": accept} if accept else {}
    async with httpx.AsyncClient(base_url=base, timeout=60) as watcher:
        leaving = httpx.AsyncClient(base_url=base, timeout=60)
        stream = leaving.stream("POST", API + "/runs", json=body, headers=headers)
        if accept is None:
            task = asyncio.create_task(leaving.post(API + "/runs", json=body))
            while (await watcher.get(f"{API}/health")).json()["busy"] == 0:
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.3)
            left = time.perf_counter()
            task.cancel()
            await leaving.aclose()
        else:
            response = await stream.__aenter__()
            await response.aiter_raw().__anext__()  # the first lines have arrived
            await asyncio.sleep(0.3)
            left = time.perf_counter()
            await leaving.aclose()
        while (await watcher.get(f"{API}/health")).json()["busy"] > 0:
            await asyncio.sleep(0.005)
        freed = time.perf_counter() - left
        while True:  # idle: under 5 ms of CPU in 50 ms
            cpu = cpu_seconds(pid)
            await asyncio.sleep(0.05)
            if cpu_seconds(pid) - cpu < 0.005:
                break
        idle = time.perf_counter() - left - 0.05
    return freed, max(idle, freed)


async def disconnects(base: str, pid: int) -> None:
    print("3. a client leaves a long request: disconnect -> work stopped [target <= 1 s]")
    for label, accept in (
        ("JSON", None),
        ("JSON Lines", "application/jsonl"),
        ("SSE", "text/event-stream"),
    ):
        freed, idle = await stop_after_disconnect(base, pid, accept)
        print(
            f"   {label}: slot free after {freed * 1e3:.0f} ms, process idle after "
            f"{idle * 1e3:.0f} ms [{'met' if idle <= 1 else 'MISSED'}]"
        )


async def run(base_url: str, pid: int) -> int:
    cap = SETTINGS.max_concurrent_computations
    limits = httpx.Limits(max_connections=cap + EXTRA_CLIENTS + 8)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=DEADLINE) as client:
        health = await wait_ready(client)
        if health["capacity"] != cap:
            print(f"server capacity {health['capacity']} != SETTINGS cap {cap}")
            return 1
        await client.post(f"{API}/runs", json=race(2, 50))  # warm: first compile, imports
        held = await under_load(client, cap)
        await memory(client, pid)
    await disconnects(base_url, pid)
    print("cap held" if held else "CAP NOT HELD")
    return 0 if held else 1


def main() -> None:
    server, base_url = start_server()
    try:
        code = asyncio.run(asyncio.wait_for(run(base_url, server.pid), timeout=DEADLINE))
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    raise SystemExit(code)


if __name__ == "__main__":
    main()
