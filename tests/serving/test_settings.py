"""Every cap from the environment (GDP_<NAME>), checked at start-up with an error naming the
variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from app.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def python(code: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_each_cap_is_read_from_its_variable(monkeypatch):
    monkeypatch.setenv("GDP_MAX_RUNS", "7")
    monkeypatch.setenv("GDP_REQUEST_DEADLINE_SECONDS", "2.5")
    monkeypatch.setenv("GDP_ACCESS_LOG", "true")
    settings = Settings()
    assert (settings.max_runs, settings.request_deadline_seconds, settings.access_log) == (
        7,
        2.5,
        True,
    )


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("GDP_MAX_RUNS", "many", "integer"),
        ("GDP_MAX_STEPS", "0", "greater than or equal to 1"),
        ("GDP_REQUEST_DEADLINE_SECONDS", "-1", "greater than 0"),
        ("GDP_MAX_BODY_BYTES", "10", "1024"),
        ("GDP_BLAS_THREADS", "0", "greater than or equal to 1"),
    ],
)
def test_a_bad_variable_stops_the_server_naming_it(name, value, words):
    result = python("import app.main", **{name: value})
    assert result.returncode != 0
    assert name in result.stderr and words in result.stderr, result.stderr[-2000:]
    assert "Traceback" not in result.stderr, "a clear message, not a traceback"


def test_the_caps_reach_the_app_and_limits():
    result = python(
        "from fastapi.testclient import TestClient; from app.main import app; "
        "print(TestClient(app).get('/api/v1/limits').json()['max_runs'])",
        GDP_MAX_RUNS="5",
    )
    assert result.stdout.strip() == "5", result.stderr[-2000:]


def test_settings_refuse_unknown_names():
    with pytest.raises(ValidationError):
        Settings(max_run=3)


def test_the_server_limits_blas_threads_while_it_runs_and_restores_them():
    # The lifespan runs on the main thread, as uvicorn runs it: OpenBLAS ignores a thread count
    # set from any other thread.
    result = python(
        "import asyncio\n"
        "from threadpoolctl import threadpool_info, threadpool_limits\n"
        "from app.main import create_app\n"
        "def blas():\n"
        "    return [p['num_threads'] for p in threadpool_info() if p['user_api'] == 'blas']\n"
        "threadpool_limits(3, user_api='blas')  # as a machine with more cores would have\n"
        "app = create_app()\n"
        "async def serve():\n"
        "    async with app.router.lifespan_context(app):\n"
        "        print(blas())\n"
        "print(blas())\n"
        "asyncio.run(serve())\n"
        "print(blas())\n",
        GDP_BLAS_THREADS="1",
    )
    assert result.stdout.split() == ["[3]", "[1]", "[3]"], result.stderr[-2000:]
