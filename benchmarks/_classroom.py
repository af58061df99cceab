"""A classroom's requests: students who open the page, then race optimizers and look at
surfaces, one request at a time each, over lean keep-alive connections (benchmarks/_http.py).

A 429 is counted and retried after its Retry-After, as the page does; any other failure (a
status other than 200, a broken connection, a stream without its done line) is an error.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import resource
import time
from collections import defaultdict
from dataclasses import dataclass, field

from benchmarks._http import Connection

API = "/api/v1"
INTERACTIONS = 12  # races and surfaces per session, after the page load
WARM_UP_ROUNDS = 3
SURFACES = ("rosenbrock", "himmelblau", "booth", "rastrigin", "beale", "six-hump-camel")
RACE_RUNS = [  # the page's opening race: 3 runs x 300 steps, every step streamed
    {"optimizer": {"name": "adam", "lr": 0.05}},
    {"optimizer": {"name": "sgd", "lr": 0.001, "momentum": 0.9}},
    {"optimizer": {"name": "rmsprop", "lr": 0.01}},
]
BROWSER = {"accept-encoding": "gzip, deflate"}


@dataclass(frozen=True)
class Request:
    kind: str  # page, surface or race
    method: str
    path: str
    body: dict | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    refused: int = 0  # 429s, each retried
    errors: list[str] = field(default_factory=list)
    wall: float = 0.0  # seconds the measured sessions took
    load_cpu: float = 0.0  # CPU seconds this load generator spent on them
    started: float = 0.0  # perf_counter() when the measured sessions began
    finished: list[float] = field(default_factory=list)  # perf_counter() at each answer's end
    # When the first student found no session left: until then every student was busy, so the
    # requests answered by then measure the steady throughput, without the ragged end.
    steady_until: float | None = None

    def steady_throughput(self) -> tuple[int, float]:
        """Requests answered while every student was busy, and the seconds that took."""
        until = self.steady_until if self.steady_until is not None else self.started + self.wall
        return sum(1 for t in self.finished if t <= until), until - self.started


def page_requests(assets: list[str]) -> list[Request]:
    """What a browser asks for on opening the page: the HTML, its assets, the catalogue."""
    paths = ["/", *assets, *(API + p for p in ("/objectives", "/optimizers", "/limits"))]
    return [Request("page", "GET", path) for path in paths]


def race_request(rng: random.Random) -> Request:
    body = {"objective": {"id": rng.choice(SURFACES)}, "runs": RACE_RUNS, "steps": 300}
    return Request("race", "POST", API + "/runs", body, {"accept": "application/jsonl"})


def surface_request(rng: random.Random) -> Request:
    body = {"objective": {"id": rng.choice(SURFACES)}, "resolution": 192, "format": "f32"}
    return Request("surface", "POST", API + "/surface", body)


async def fetch(connection: Connection, tally: Tally, request: Request) -> None:
    """One request read to its end; a race's stream is inflated to check its last line."""
    headers = {**BROWSER, **request.headers}
    while True:
        started = time.perf_counter()
        try:
            answer = await connection.request(
                request.method,
                request.path,
                request.body,
                headers,
                read_tail=request.kind == "race",  # only a race's last line is checked
            )
        except OSError as error:
            tally.errors.append(f"{request.kind}: {type(error).__name__}: {error}")
            return
        if answer.status == 429:
            tally.refused += 1
            await asyncio.sleep(float(answer.headers.get("retry-after", 1)))
            continue
        if answer.status != 200:
            tally.errors.append(f"{request.kind}: {request.path} answered {answer.status}")
            return
        last_line = answer.tail.rstrip().rsplit(b"\n", 1)[-1]
        if request.kind == "race" and not last_line.startswith(b'{"type":"done"'):
            tally.errors.append("race: the stream did not end with its done line")
            return
        tally.finished.append(time.perf_counter())
        tally.latencies[request.kind].append(tally.finished[-1] - started)
        return


async def student(
    connection: Connection, tally: Tally, page: list[Request], queue: asyncio.Queue[int]
) -> None:
    """Sessions from the queue until it is empty: the page, then races and surfaces."""
    while not queue.empty():
        rng = random.Random(queue.get_nowait())
        for request in page:
            await fetch(connection, tally, request)
        for i in range(INTERACTIONS):
            await fetch(connection, tally, race_request(rng) if i % 3 else surface_request(rng))
    if tally.steady_until is None:
        tally.steady_until = time.perf_counter()


async def capacity_and_page(port: int) -> tuple[int, list[Request]]:
    """One process's compute capacity (GET /health) and the page's requests (from its HTML)."""
    first = Connection("127.0.0.1", port, tail_bytes=1 << 22)
    capacity = json.loads((await first.request("GET", API + "/health")).tail)["capacity"]
    html = (await first.request("GET", "/")).tail.decode()
    await first.close()
    return capacity, page_requests(re.findall(r'(?:src|href)="(/static/[^"]+)"', html))


async def classroom(port: int, students: int, sessions: int, deadline: float) -> Tally:
    """`students` at once work through `sessions` sessions, after a warm-up (each process
    imports lazily and traces each loss on first use)."""
    tally = Tally()
    _, page = await capacity_and_page(port)
    connections = [Connection("127.0.0.1", port) for _ in range(students)]
    warm = random.Random(-1)
    for _ in range(WARM_UP_ROUNDS):
        requests = [(race_request, surface_request)[i % 2](warm) for i in range(students)]
        await asyncio.gather(*map(fetch, connections, [tally] * students, requests))
    tally.latencies.clear()
    tally.finished.clear()
    queue: asyncio.Queue[int] = asyncio.Queue()
    for seed in range(sessions):
        queue.put_nowait(seed)
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    started = tally.started = time.perf_counter()
    work = [student(c, tally, page, queue) for c in connections]
    await asyncio.wait_for(asyncio.gather(*work), deadline)
    tally.wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    tally.load_cpu = (after.ru_utime - cpu.ru_utime) + (after.ru_stime - cpu.ru_stime)
    for connection in connections:
        await connection.close()
    return tally
