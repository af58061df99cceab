"""GET /metrics: requests by route template and status, durations, 429s and busy slots."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import SETTINGS


def value(text: str, name: str, **labels: str) -> float:
    for line in text.splitlines():
        if line.startswith(name) and all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_metrics_count_requests_by_route_template_and_refusals():
    client = TestClient(create_app(SETTINGS.replace(max_concurrent_computations=0)))
    before = client.get("/metrics").text
    body = {"objective": {"id": "booth"}, "runs": [{"optimizer": {"name": "sgd"}}], "steps": 3}
    assert client.post("/api/v1/runs", json=body).status_code == 429
    client.get("/api/v1/objectives/no-such-one")
    after = client.get("/metrics").text
    assert value(after, "gdp_refused_total", route="/api/v1/runs") == (
        value(before, "gdp_refused_total", route="/api/v1/runs") + 1
    )
    runs = {"route": "/api/v1/runs", "status": "429", "method": "POST"}
    assert value(after, "gdp_http_requests_total", **runs) >= 1
    # a route's template, never the raw path: label values stay bounded
    assert 'route="/api/v1/objectives/{objective_id}"' in after
    assert "no-such-one" not in after
    assert value(after, "gdp_http_request_duration_seconds_count", route="/api/v1/runs") >= 1
    assert "gdp_compute_slots_busy" in after
