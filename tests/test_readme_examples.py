"""The README's curl and httpx examples run as written against a live server."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
README_URL = "http://127.0.0.1:8000"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "app", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{url}/api/v1/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not start")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def _api_section_blocks(language: str) -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## The JSON API", 1)[1].split("\n## ", 1)[0]
    return re.findall(rf"```{language}\n(.+?)\n```", section, flags=re.DOTALL)


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_examples(base_url: str) -> None:
    commands = _api_section_blocks("bash")
    assert len(commands) == 2
    race = subprocess.run(
        commands[0].replace(README_URL, base_url), shell=True, capture_output=True, check=True
    )
    runs = json.loads(race.stdout)["runs"]
    assert [run["status"] for run in runs] == ["max_steps", "max_steps"]
    stream = subprocess.run(
        commands[1].replace(README_URL, base_url), shell=True, capture_output=True, check=True
    )
    lines = [json.loads(line) for line in stream.stdout.decode().splitlines()]
    assert lines[-1]["type"] == "done"
    assert lines[-1]["runs"][0]["status"] == "converged"


def test_python_example(base_url: str) -> None:
    (snippet,) = _api_section_blocks("python")
    result = subprocess.run(
        [sys.executable, "-c", snippet.replace(README_URL, base_url)],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = result.stdout.splitlines()
    assert lines[0] == "0 [2.0] 4.0 [-4.0]"
    assert lines[1].startswith("1 [2.4]")
    assert lines[-1].startswith("converged converged at step 19")
