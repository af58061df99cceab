"""The package's entry points: `python -m app`, the ASGI app and its health check."""

from __future__ import annotations

import subprocess
import sys

from fastapi.testclient import TestClient

from app.__main__ import parse_args
from app.main import app


def test_health_answers_json() -> None:
    response = TestClient(app).get("/api/v1/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_cli_defaults_and_options() -> None:
    defaults = parse_args([])
    assert (defaults.host, defaults.port, defaults.reload) == ("127.0.0.1", 8000, False)
    custom = parse_args(["--host", "0.0.0.0", "--port", "9000", "--reload"])
    assert (custom.host, custom.port, custom.reload) == ("0.0.0.0", 9000, True)


def test_cli_help_documents_host_port_and_reload() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app", "--help"], capture_output=True, text=True, check=True
    )
    for option in ("--host", "--port", "--reload"):
        assert option in result.stdout


def test_page_is_served() -> None:
    response = TestClient(app).get("/")
    assert response.status_code == 200
    assert 'id="config"' in response.text
