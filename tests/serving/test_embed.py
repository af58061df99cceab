"""/embed: framed only by the origins the operator lists in GDP_EMBED_ORIGINS (checked at
start-up), every other route framed by none; the page hands the list to its script."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from app.main import create_app
from app.settings import Settings
from tests.serving.test_settings import python

ORIGINS = "https://course.example.org, https://*.uni.edu  vscode-webview:"
LISTED = ("https://course.example.org", "https://*.uni.edu", "vscode-webview:")
OTHER_ROUTES = ["/", "/docs", "/api/v1/health", "/metrics", "/static/favicon.svg", "/nothing"]


def policy(response) -> dict[str, str]:
    parts = (
        p.strip().split(" ", 1) for p in response.headers["content-security-policy"].split(";")
    )
    return {name: value for name, value in parts}


@pytest.fixture(scope="module")
def framed() -> TestClient:
    return TestClient(create_app(Settings(embed_origins=ORIGINS)))


def test_embed_may_be_framed_by_the_listed_origins_alone(framed):
    r = framed.get("/embed?objective=booth")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert policy(r)["frame-ancestors"] == " ".join(LISTED)
    assert "x-frame-options" not in r.headers  # DENY would overrule the list in old browsers
    # The rest of the page's policy holds: scripts from the server alone.
    assert policy(r)["script-src"] == "'self'" and policy(r)["connect-src"] == "'self'"


@pytest.mark.parametrize("path", OTHER_ROUTES)
def test_every_other_route_is_framed_by_none(framed, path):
    r = framed.get(path)
    assert policy(r)["frame-ancestors"] == "'none'", path
    assert r.headers["x-frame-options"] == "DENY"


def test_with_no_origins_listed_embed_is_framed_by_none():
    r = TestClient(create_app(Settings())).get("/embed")
    assert policy(r)["frame-ancestors"] == "'none'"
    assert r.headers["x-frame-options"] == "DENY"


def test_the_embed_script_gets_the_list_for_its_message_check(framed):
    text = framed.get("/embed").text
    config = json.loads(
        re.search(r'<script type="application/json" id="config">(.*?)</script>', text)[1]
    )
    assert config["origins"] == list(LISTED)
    assert config["api"] == "/api/v1"


def test_embed_has_no_page_chrome(framed):
    # The surface, the controls and the status line; no editors, lessons or extra views.
    text = framed.get("/embed").text
    for part in ('id="surface"', 'id="controls"', 'id="status"', "js/embed.js"):
        assert part in text
    for part in (
        'id="runs"',
        'id="views"',
        'id="share"',
        'id="objective"',
        'js/main.js"></script>',
    ):
        assert part not in text


@pytest.mark.parametrize(
    ("given", "written"),
    [
        ("HTTPS://Course.Example.org/", "https://course.example.org"),
        ("https://course.example.org:443", "https://course.example.org"),
        ("http://localhost:8888", "http://localhost:8888"),
        ("http://127.0.0.1:80", "http://127.0.0.1"),
        ("http://[::1]:8888", "http://[::1]:8888"),
    ],
)
def test_an_origin_is_written_as_a_browser_writes_it(given, written):
    assert Settings(embed_origins=given).embed_origins == (written,)


@pytest.mark.parametrize(
    "bad",
    [
        "https://course.example.org/lessons",  # a path
        "course.example.org",  # no scheme
        "https://a.org; script-src *",  # a second directive smuggled into the policy
        "'unsafe-inline'",
        "*",
        "https://a.org:99999",
        "ftp://a.org",
    ],
)
def test_a_bad_origin_is_refused(bad):
    with pytest.raises(ValidationError, match="is not an origin"):
        Settings(embed_origins=bad)


def test_a_bad_origin_stops_the_server_naming_the_variable():
    result = python("import app.main", GDP_EMBED_ORIGINS="https://ok.org https://a.org/path")
    assert result.returncode != 0
    assert "GDP_EMBED_ORIGINS" in result.stderr and "https://a.org/path" in result.stderr
    assert "Traceback" not in result.stderr, result.stderr[-2000:]


def test_the_origins_are_read_from_the_environment():
    code = "from app.settings import SETTINGS; print(' '.join(SETTINGS.embed_origins))"
    result = python(code, GDP_EMBED_ORIGINS=ORIGINS)
    assert result.stdout.split() == list(LISTED), result.stderr[-2000:]
