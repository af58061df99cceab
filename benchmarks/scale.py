"""A classroom's load on deploy/: 1 and then 2 app processes behind nginx, on this machine.

Starts deploy/start.sh with 1 process and with 2, in interleaved rounds (1, 2, 1, 2, ...; each
setup is judged by its median round), and has virtual students work through SESSIONS sessions
each round: open the page (the HTML, every asset it names, then GET /objectives, /optimizers
and /limits, as the browser does), then alternate short races (POST /runs streamed as JSON
Lines, 3 runs x 300 steps: the page's opening race) and surfaces (POST /surface, 192 x 192,
f32). As many students work at once as the setup computes at once (each process's capacity,
from /health, times the processes): enough to keep every process busy, never more than it takes.

Throughput is the steady one: requests answered while every student was busy (until the first
found no session left), over that time; the ragged end, when fewer students remain than the
setup computes at once, would count idle cores against the setup with more of them.

Prints first what one process's CPU spends on each kind of request, asked one at a time; then,
per setup (its median round), steady requests per second, p50/p99 latency overall and per kind,
errors, 429s, and the CPU seconds the app processes, nginx and this load generator used; then
the throughput of 2 processes over 1 against its target (>= 1.6x). Bounded: SESSIONS per round
and ROUND_DEADLINE seconds per round. Exits 1 on any error (a 429 is not one: it is retried
after Retry-After).

Needs nginx (apt-get install -y nginx). Run: python -m benchmarks.scale
"""

from __future__ import annotations

import os
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import uvloop  # the load generator's event loop in C: less of the cores it measures

from benchmarks._classroom import (
    INTERACTIONS,
    Request,
    Tally,
    capacity_and_page,
    classroom,
    fetch,
    race_request,
    surface_request,
)
from benchmarks._deploy import Cluster, nginx_binary
from benchmarks._http import Connection

PROCESS_COUNTS = (1, 2)
ROUNDS = 5
SESSIONS = 100  # per round
ROUND_DEADLINE = 240.0  # seconds
TARGET_RATIO = 1.6
KINDS = ("page", "surface", "race")


@dataclass
class Round:
    processes: int
    students: int
    tally: Tally
    cpu_app: float
    cpu_nginx: float

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.tally.latencies.values())

    @property
    def rps(self) -> float:
        """Requests per second while every student was busy (the steady throughput)."""
        answered, seconds = self.tally.steady_throughput()
        return answered / seconds


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of these processes so far, from /proc."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def children(parent: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == parent:
                found.append(int(stat.parent.name))
        except (OSError, ValueError):
            continue
    return found


def app_and_nginx(cluster: Cluster) -> tuple[list[int], list[int]]:
    pids = cluster.app_processes()
    apps = [p for p in pids if b"uvicorn" in Path(f"/proc/{p}/cmdline").read_bytes()]
    nginx = [p for p in pids if p not in apps]
    return apps, nginx + [child for master in nginx for child in children(master)]


def cost_per_kind() -> None:
    """The app's CPU for one page load, one race and one surface, asked one at a time."""
    with Cluster(1) as cluster:
        apps, _ = app_and_nginx(cluster)
        _, page = uvloop.run(capacity_and_page(cluster.port))
        rng = random.Random(0)
        kinds = {
            "page load": (30, lambda: page),
            "race": (200, lambda: [race_request(rng)]),
            "surface": (200, lambda: [surface_request(rng)]),
        }

        async def measure(repeats: int, requests: Callable[[], list[Request]]) -> float:
            connection, tally = Connection("127.0.0.1", cluster.port), Tally()
            for _ in range(repeats // 10):  # warm: imports, each loss traced, files in memory
                for request in requests():
                    await fetch(connection, tally, request)
            before = cpu_seconds(apps)
            for _ in range(repeats):
                for request in requests():
                    await fetch(connection, tally, request)
            await connection.close()
            assert not tally.errors, tally.errors
            return (cpu_seconds(apps) - before) / repeats

        costs = {kind: uvloop.run(measure(*how)) for kind, how in kinds.items()}
    print(
        "app CPU per request, one at a time: "
        + ", ".join(f"{kind} {1e3 * cost:.1f} ms" for kind, cost in costs.items())
    )


def one_round(processes: int) -> Round:
    with Cluster(processes) as cluster:
        apps, nginx = app_and_nginx(cluster)
        capacity, _ = uvloop.run(capacity_and_page(cluster.port))
        students = processes * capacity
        before = cpu_seconds(apps), cpu_seconds(nginx)
        tally = uvloop.run(classroom(cluster.port, students, SESSIONS, ROUND_DEADLINE))
        after = cpu_seconds(apps), cpu_seconds(nginx)
    return Round(processes, students, tally, after[0] - before[0], after[1] - before[1])


def percentiles(values_ms: np.ndarray) -> str:
    return f"p50 {np.percentile(values_ms, 50):6.1f} ms, p99 {np.percentile(values_ms, 99):6.1f} ms"


def report(chosen: Round) -> None:
    tally = chosen.tally
    answered, seconds = tally.steady_throughput()
    every = np.concatenate([np.array(v) for v in tally.latencies.values()]) * 1e3
    print(
        f"{chosen.processes} process(es), {chosen.students} students at once: {chosen.requests} "
        f"requests in {tally.wall:.1f} s; steady {chosen.rps:.0f} requests/s "
        f"({answered} answered in the {seconds:.1f} s every student was busy); "
        f"{percentiles(every)}; errors {len(tally.errors)}; 429s {tally.refused} (retried)"
    )
    for kind in KINDS:
        values = np.array(tally.latencies.get(kind, [0.0])) * 1e3
        print(f"    {kind:8s} {len(values):5d} requests, {percentiles(values)}")
    print(
        f"    CPU seconds: app {chosen.cpu_app:.1f}, nginx {chosen.cpu_nginx:.1f}, load generator "
        f"{tally.load_cpu:.1f}, of {os.cpu_count()} cores x {tally.wall:.1f} s = "
        f"{(os.cpu_count() or 1) * tally.wall:.1f}"
    )


def main() -> int:
    if nginx_binary() is None:
        print("nginx is not installed: apt-get install -y nginx")
        return 2
    print(
        f"{os.cpu_count()} cores; {ROUNDS} interleaved rounds per setup, each {SESSIONS} "
        f"sessions (the page, then {INTERACTIONS} races and surfaces)"
    )
    cost_per_kind()
    rounds: dict[int, list[Round]] = {n: [] for n in PROCESS_COUNTS}
    for _ in range(ROUNDS):
        for n in PROCESS_COUNTS:
            rounds[n].append(one_round(n))
            print(f"  round: {n} process(es), {rounds[n][-1].rps:.0f} requests/s", flush=True)
    # Each setup's median round: one lucky or unlucky round on a shared machine decides nothing.
    median = {n: sorted(results, key=lambda r: r.rps)[ROUNDS // 2] for n, results in rounds.items()}
    for n in PROCESS_COUNTS:
        report(median[n])
    ratio = median[2].rps / median[1].rps
    spread = {n: ", ".join(f"{r.rps:.0f}" for r in rounds[n]) for n in PROCESS_COUNTS}
    print(f"rounds (requests/s): 1 process {spread[1]}; 2 processes {spread[2]}")
    best = max(r.rps for r in rounds[2]) / max(r.rps for r in rounds[1])
    verdict = "meets" if ratio >= TARGET_RATIO else "BELOW"
    print(
        f"throughput, 2 processes / 1 (median rounds): {ratio:.2f}x ({verdict} the target >= "
        f"{TARGET_RATIO}x); best rounds: {best:.2f}x"
    )
    errors = [e for results in rounds.values() for r in results for e in r.tally.errors]
    for error in errors[:10]:
        print(f"error: {error}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
