"""Security headers on every response: the page, /docs, the API's JSON and errors, streams,
static files, /metrics."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.main import CONTENT_SECURITY_POLICY, create_app

REQUESTS = [
    ("GET", "/", None, {}),
    ("GET", "/docs", None, {}),
    ("GET", "/api/v1/health", None, {}),
    ("GET", "/api/v1/openapi.json", None, {}),
    ("GET", "/api/v1/no-such-thing", None, {}),
    ("GET", "/metrics", None, {}),
    ("GET", "/static/favicon.svg", None, {}),
    ("POST", "/api/v1/inspect", {"objective": {"id": "booth"}, "point": [1]}, {}),
    (
        "POST",
        "/api/v1/runs",
        {"objective": {"id": "booth"}, "runs": [{"optimizer": {"name": "sgd"}}], "steps": 3},
        {"accept": "application/jsonl"},
    ),
]


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


@pytest.mark.parametrize(("method", "path", "body", "headers"), REQUESTS)
def test_every_response_carries_the_security_headers(client, method, path, body, headers):
    r = client.request(method, path, json=body, headers=headers)
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    policy = r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy, (path, policy)
    assert r.headers["x-frame-options"] == "DENY"


def test_the_page_keeps_its_own_policy_and_the_api_allows_nothing(client):
    assert client.get("/").headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    api = client.get("/api/v1/health").headers["content-security-policy"]
    assert api.startswith("default-src 'none'")


def test_the_docs_policy_allows_exactly_swagger_uis_inline_script(client):
    page = client.get("/docs")
    policy = dict(
        part.strip().split(" ", 1) for part in page.headers["content-security-policy"].split(";")
    )
    assert "'unsafe-inline'" not in policy["script-src"]
    assert policy["script-src"].count("'sha256-") == page.text.count("<script>")
    assert policy["connect-src"] == "'self'"
