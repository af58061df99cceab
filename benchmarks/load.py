"""Admission control under load, against a real server.

Starts uvicorn (app.main:app) on a free 127.0.0.1 port in a subprocess, opens exactly the
concurrency cap of long JSON Lines streams at once, then sends 10 more POST /runs that must all
get 429 with Retry-After, while a loop samples GET /health latency. Waits for every stream's done
line, prints the counts and the /health p50/p99, and exits non-zero if the cap did not hold.

Run: python -m benchmarks.load
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np

from app.settings import SETTINGS

ROOT = Path(__file__).resolve().parent.parent
API = "/api/v1"
STREAM_STEPS = 6_000
EXTRA_CLIENTS = 10
HEALTH_EVERY = 0.05  # seconds between /health samples
DEADLINE = 180.0  # the whole benchmark stops by itself after this


def start_server() -> tuple[subprocess.Popen, str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    command = [sys.executable, "-m", "uvicorn", "app.main:app", "--fd", str(sock.fileno())]
    command += ["--log-level", "warning", "--no-access-log"]
    server = subprocess.Popen(command, cwd=ROOT, pass_fds=[sock.fileno()], env=os.environ.copy())
    sock.close()  # the child holds its own copy
    return server, f"http://127.0.0.1:{port}"


async def wait_ready(client: httpx.AsyncClient) -> dict:
    deadline = time.monotonic() + 30
    while True:
        try:
            r = await client.get(f"{API}/health")
            if r.status_code == 200:
                return r.json()
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit("the server did not start within 30 s")
        await asyncio.sleep(0.1)


async def stream(client: httpx.AsyncClient, i: int, first_line: asyncio.Event) -> dict:
    """One long JSON Lines stream read to its end: status, lines and whether 'done' came last."""
    body = {
        "objective": {"id": "rosenbrock"},
        "runs": [{"optimizer": {"name": "adam", "lr": 0.01}, "label": f"stream {i}"}],
        "steps": STREAM_STEPS,
    }
    headers = {"accept": "application/jsonl"}
    lines, last = 0, None
    async with client.stream("POST", f"{API}/runs", json=body, headers=headers) as r:
        if r.status_code != 200:
            first_line.set()
            return {"status": r.status_code, "lines": 0, "done": False}
        async for line in r.aiter_lines():
            if not line:
                continue
            last = json.loads(line)
            lines += 1
            first_line.set()
    return {"status": 200, "lines": lines, "done": last is not None and last["type"] == "done"}


async def extra_client(client: httpx.AsyncClient) -> tuple[int, str | None, float]:
    body = {
        "objective": {"id": "booth"},
        "runs": [{"optimizer": {"name": "sgd", "lr": 0.01}}],
        "steps": 100,
    }
    started = time.monotonic()
    r = await client.post(f"{API}/runs", json=body)
    return r.status_code, r.headers.get("retry-after"), time.monotonic() - started


async def sample_health(client: httpx.AsyncClient, stop: asyncio.Event) -> list[float]:
    latencies = []
    while not stop.is_set():
        started = time.monotonic()
        r = await client.get(f"{API}/health")
        latencies.append(time.monotonic() - started)
        if r.status_code != 200:
            raise SystemExit(f"/health answered {r.status_code}")
        await asyncio.sleep(HEALTH_EVERY)
    return latencies


async def run(base_url: str) -> int:
    cap = SETTINGS.max_concurrent_computations
    limits = httpx.Limits(max_connections=cap + EXTRA_CLIENTS + 4)
    timeout = httpx.Timeout(DEADLINE)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=timeout) as client:
        health = await wait_ready(client)
        if health["capacity"] != cap:
            print(f"server capacity {health['capacity']} != SETTINGS cap {cap}")
            return 1
        stop_sampling = asyncio.Event()
        sampler = asyncio.create_task(sample_health(client, stop_sampling))
        firsts = [asyncio.Event() for _ in range(cap)]
        started = time.monotonic()
        streams = [asyncio.create_task(stream(client, i, firsts[i])) for i in range(cap)]
        await asyncio.wait_for(asyncio.gather(*(e.wait() for e in firsts)), timeout=60)
        busy = (await client.get(f"{API}/health")).json()["busy"]
        extras = await asyncio.gather(*(extra_client(client) for _ in range(EXTRA_CLIENTS)))
        results = await asyncio.wait_for(asyncio.gather(*streams), timeout=DEADLINE)
        elapsed = time.monotonic() - started
        stop_sampling.set()
        latencies = np.array(await sampler) * 1e3

    done = sum(r["done"] for r in results)
    refused = [e for e in extras if e[0] == 429]
    with_retry = [e for e in refused if e[1] is not None and e[1].isdigit()]
    slowest_429 = max((e[2] for e in refused), default=0.0)
    print(f"concurrency cap (SETTINGS.max_concurrent_computations): {cap}")
    print(f"streams opened: {cap} x {STREAM_STEPS:,} steps; busy while open: {busy}")
    print(f"streams finished with a done line: {done}/{cap} (in {elapsed:.1f} s)")
    print(
        f"extra POST /runs answered 429: {len(refused)}/{EXTRA_CLIENTS}, "
        f"with Retry-After: {len(with_retry)}, slowest 429: {slowest_429 * 1e3:.1f} ms"
    )
    print(
        f"/health latency over {len(latencies)} samples: "
        f"p50 {np.percentile(latencies, 50):.1f} ms, p99 {np.percentile(latencies, 99):.1f} ms, "
        f"max {latencies.max():.1f} ms"
    )
    ok = (
        done == cap
        and all(r["status"] == 200 for r in results)
        and busy == cap
        and len(refused) == EXTRA_CLIENTS
        and len(with_retry) == EXTRA_CLIENTS
        and slowest_429 < 1.0
    )
    print("cap held" if ok else "CAP NOT HELD")
    return 0 if ok else 1


def main() -> None:
    server, base_url = start_server()
    try:
        code = asyncio.run(asyncio.wait_for(run(base_url), timeout=DEADLINE))
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
