"""`python -m app serve --workers 2 --access-log`: two processes serve, /metrics adds up every
worker's counts, and each request leaves one JSON line."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from app.__main__ import parse_args

ROOT = Path(__file__).resolve().parents[2]
SERVE = [sys.executable, "-m", "app", "serve", "--workers", "2", "--access-log"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def two_workers(tmp_path):
    port, log = free_port(), tmp_path / "stderr.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GDP_", "PROMETHEUS_"))}
    with log.open("w") as err:
        server = subprocess.Popen(
            [*SERVE, "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline and server.poll() is None, log.read_text()
            time.sleep(0.2)
        yield base, log
    finally:
        server.terminate()
        server.wait(timeout=30)


def metric(text: str, name: str, **labels: str) -> float:
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + "{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_two_workers_share_metrics_and_log_json_lines(two_workers):
    base, log = two_workers
    with httpx.Client(base_url=base, timeout=30) as client:
        for _ in range(30):
            assert client.get("/api/v1/health").status_code == 200
        body = {"objective": {"id": "booth"}, "runs": [{"optimizer": {"name": "sgd"}}], "steps": 5}
        assert client.post("/api/v1/runs", json=body).status_code == 200
        time.sleep(0.5)
        text = client.get("/metrics").text
    health = metric(text, "gdp_http_requests_total", route="/api/v1/health", status="200")
    assert health >= 31, "every worker's requests are counted, whichever serves /metrics"
    assert metric(text, "gdp_http_request_duration_seconds_count", route="/api/v1/runs") == 1
    capacity = httpx.get(f"{base}/api/v1/health").json()["capacity"]
    slots = re.search(r"^gdp_compute_slots (\S+)$", text, flags=re.M)
    assert slots and float(slots.group(1)) == 2 * capacity, "both workers' slots, added up"
    assert re.search(r"^gdp_compute_slots_busy 0\.0$", text, flags=re.M)
    stderr = log.read_text()
    assert len(set(re.findall(r"Started server process \[(\d+)\]", stderr))) == 2, stderr[-3000:]
    lines = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    runs = [line for line in lines if line["route"] == "/api/v1/runs"]
    assert runs and runs[0]["method"] == "POST" and runs[0]["status"] == 200
    assert {"time", "path", "bytes", "ms", "client"} <= set(runs[0])


def test_serve_is_the_default_command_and_takes_workers():
    assert parse_args([]).command == "serve"
    assert parse_args(["--port", "9001"]).port == 9001
    assert parse_args(["serve", "--workers", "3"]).workers == 3
    with pytest.raises(SystemExit):
        parse_args(["serve", "--workers", "0"])
