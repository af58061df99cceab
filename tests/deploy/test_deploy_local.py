"""deploy/start.sh: several app processes behind Debian's nginx, started and stopped by one
script. Skipped where nginx is not installed (.ci/run installs it)."""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections.abc import Iterator

import httpx
import pytest
import uvloop

from benchmarks._classroom import INTERACTIONS, capacity_and_page, classroom
from benchmarks._deploy import START, Cluster, nginx_binary

pytestmark = pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed")
API = "/api/v1"


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with Cluster(2) as started:
        yield started


def test_the_page_and_the_api_answer_through_nginx(cluster: Cluster) -> None:
    assert cluster.banner.startswith(f"serving {cluster.url} with 2 app process(es) behind nginx")
    page = httpx.get(cluster.url + "/")
    assert page.status_code == 200 and "<html" in page.text.lower()
    assert httpx.get(cluster.url + f"{API}/health").json()["status"] == "ok"
    refused = httpx.post(
        cluster.url + f"{API}/runs",
        json={"objective": {"id": "booth"}, "runs": [{"optimizer": {"name": "adam", "lr": -1}}]},
    )
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["field"] == "runs[0].optimizer.lr"


def test_the_scale_benchmarks_classroom_runs_through_it(cluster: Cluster) -> None:
    """benchmarks/scale.py's students (its own HTTP client) over keep-alive connections: every
    request answered, every race stream read to its done line."""
    tally = uvloop.run(classroom(cluster.port, students=2, sessions=2, deadline=60.0))
    assert tally.errors == [] and tally.refused == 0
    races = sum(1 for i in range(INTERACTIONS) if i % 3)
    assert len(tally.latencies["race"]) == 2 * races
    assert len(tally.latencies["surface"]) == 2 * (INTERACTIONS - races)
    _, page = uvloop.run(capacity_and_page(cluster.port))
    assert len(tally.latencies["page"]) == 2 * len(page) and len(page) > 10


def test_both_processes_take_requests(cluster: Cluster) -> None:
    with httpx.Client(base_url=cluster.url) as client:
        for _ in range(12):
            assert client.get(f"{API}/limits").status_code == 200
    used = set(cluster.upstreams())
    assert used == {f"unix:{cluster.run_dir}/app-{i}.sock" for i in (1, 2)}


def test_streams_pass_line_by_line(cluster: Cluster) -> None:
    """nginx must not buffer: step 0 is sent alone at once, long before the stream ends."""
    body = {
        "objective": {"id": "rosenbrock"},
        "runs": [{"optimizer": {"name": "adam", "lr": 0.01}}],
        "steps": 60_000,
        "record": {"every": 20_000},
    }
    headers = {"accept": "application/jsonl"}
    started = time.monotonic()
    arrivals = []
    with httpx.stream("POST", cluster.url + f"{API}/runs", json=body, headers=headers) as r:
        for line in r.iter_lines():
            if line:
                arrivals.append(time.monotonic() - started)
    assert len(arrivals) == 5  # steps 0, 20k, 40k, 60k and done
    assert arrivals[0] < 0.5 * arrivals[-1], arrivals


def test_a_full_process_hands_requests_to_the_other(cluster: Cluster) -> None:
    """Each process computes `capacity` requests at once and refuses more with 429. With every
    slot of process 1 taken behind nginx's back, requests nginx sends there are retried on
    process 2, so all of them are served; only once both are full does a client see the 429,
    with its Retry-After."""
    capacity = httpx.get(cluster.url + f"{API}/health").json()["capacity"]
    # Every step recorded and nothing read: the server fills the socket and waits, so each
    # held request keeps its compute slot until the test lets it go.
    body = {
        "objective": {"id": "rosenbrock"},
        "runs": [{"optimizer": {"name": "adam", "lr": 0.01}}],
        "steps": 100_000,
    }
    jsonl = {"accept": "application/jsonl"}

    async def hold(client: httpx.AsyncClient, opened: asyncio.Event, release: asyncio.Event):
        async with client.stream("POST", f"{API}/runs", json=body, headers=jsonl) as r:
            opened.set()
            await release.wait()
            return r.status_code

    async def hold_all(client: httpx.AsyncClient, release: asyncio.Event):
        opened = [asyncio.Event() for _ in range(capacity)]
        held = [asyncio.create_task(hold(client, event, release)) for event in opened]
        await asyncio.wait_for(asyncio.gather(*(event.wait() for event in opened)), 60)
        return held

    async def scenario() -> tuple[list[int], list[int], httpx.Response]:
        limits = httpx.Limits(max_connections=2 * capacity)
        socket_1 = httpx.AsyncHTTPTransport(uds=str(cluster.run_dir / "app-1.sock"))
        direct = httpx.AsyncClient(transport=socket_1, base_url="http://app-1", timeout=120)
        proxied = httpx.AsyncClient(base_url=cluster.url, limits=limits, timeout=120)
        release = asyncio.Event()
        async with direct, proxied:
            on_1 = await hold_all(direct, release)  # process 1 is full; nginx does not know
            through_nginx = await hold_all(proxied, release)
            extra = await proxied.post(f"{API}/surface", json={"objective": {"id": "booth"}})
            release.set()
            return (
                list(await asyncio.gather(*on_1)),
                list(await asyncio.gather(*through_nginx)),
                extra,
            )

    on_1, through_nginx, extra = asyncio.run(scenario())
    assert on_1 == [200] * capacity
    assert through_nginx == [200] * capacity
    assert extra.status_code == 429 and extra.headers["retry-after"] == "1"
    assert extra.json()["detail"][0]["type"] == "too_many_requests"
    # nginx logs a request when it ends, and the held ones ended just now: wait for the lines.
    log = cluster.run_dir / "access.log"
    deadline = time.monotonic() + 10
    while "429, 200" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "429, 200" in log.read_text(), "no request was handed from process 1 to process 2"


def test_sigterm_stops_every_process() -> None:
    with Cluster(2) as cluster:
        assert httpx.get(cluster.url + f"{API}/health").status_code == 200
        running = cluster.app_processes()
        assert len(running) == 3  # two uvicorn processes and nginx's master name the run dir
    assert cluster.proc is not None and cluster.proc.returncode == 143
    assert cluster.app_processes() == []
    assert not cluster.run_dir.exists()
    with pytest.raises(httpx.ConnectError):
        httpx.get(cluster.url + f"{API}/health")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--processes", "0"], "--processes must be a whole number ≥ 1"),
        (["--port", "http"], "--port must be a number"),
        (["--workers", "2"], "unknown argument: --workers"),
    ],
)
def test_bad_arguments_exit_2(args: list[str], message: str) -> None:
    done = subprocess.run([str(START), *args], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert message in done.stderr
