"""End-to-end: the page is light on the wire. The first view's JS and CSS cross it compressed in
at most 100 KB, measured from what chromium received (Content-Encoding, Content-Length and the
Resource Timing API's encodedBodySize); a second visit fetches only the HTML and API data, every
static file coming from the browser's cache; a JSON Lines stream delivers its first line while
the server is still computing the rest."""

from __future__ import annotations

import json
import re
import time
from urllib.parse import urlsplit

import httpx
import pytest

pytestmark = pytest.mark.e2e

BUDGET = 100 * 1024  # bytes of JS + CSS for the first view, as they cross the wire
RESOURCES = """() => performance.getEntriesByType("resource").map(e => ({
  url: e.name, transfer: e.transferSize, encoded: e.encodedBodySize, decoded: e.decodedBodySize,
  delivery: e.deliveryType }))"""
NAVIGATION = "() => performance.getEntriesByType('navigation')[0].transferSize"
VERSIONED = re.compile(r"/static/[0-9a-f]{12}/")


def is_asset(url: str) -> bool:
    return urlsplit(url).path.endswith((".js", ".css"))


def is_static(url: str) -> bool:
    return urlsplit(url).path.startswith("/static/")


@pytest.fixture
def cached_context(gdp_browser, live_server):
    """A context with the browser's HTTP cache on (the shared fixtures' request routing turns it
    off), still watched: no request may leave the machine."""
    context = gdp_browser.new_context(viewport={"width": 1280, "height": 800})
    foreign: list[str] = []
    context.on(
        "request",
        lambda r: urlsplit(r.url).hostname != "127.0.0.1" and foreign.append(r.url),
    )
    yield context
    context.close()
    assert not foreign, f"requests left localhost: {foreign}"


def load_first_view(page, base: str) -> list[dict]:
    received: dict[str, dict] = {}
    page.on("response", lambda r: received.setdefault(r.url, r.headers))
    page.goto(base + "/")
    page.wait_for_selector("body[data-phase=ready]", timeout=15_000)
    page.wait_for_load_state("networkidle")
    entries = page.evaluate(RESOURCES)
    for e in entries:
        e["headers"] = received.get(e["url"], {})
    return entries


def test_first_view_js_and_css_cross_the_wire_in_100_kb(cached_context, live_server):
    entries = load_first_view(cached_context.new_page(), live_server)
    assets = [e for e in entries if is_asset(e["url"])]
    assert len(assets) >= 10, [e["url"] for e in entries]
    wire = sum(e["encoded"] for e in assets)
    raw = sum(e["decoded"] for e in assets)
    for e in assets:
        headers = e["headers"]
        # Every file worth compressing came gzipped, and its Content-Length is what arrived.
        if e["decoded"] > 1024:
            assert headers.get("content-encoding") == "gzip", (e["url"], headers)
        if "content-length" in headers:
            assert int(headers["content-length"]) == e["encoded"], (e["url"], headers)
    largest = sorted(assets, key=lambda e: -e["encoded"])[:6]
    name = lambda e: urlsplit(e["url"]).path.split("/")[-1]  # noqa: E731
    breakdown = ", ".join(f"{name(e)} {e['encoded']}" for e in largest)
    print(
        f"\n[wire] first view JS+CSS: {len(assets)} files, {raw / 1024:.1f} KB raw,"
        f" {wire / 1024:.1f} KB on the wire [<= {BUDGET / 1024:.0f} KB]; largest: {breakdown}"
    )
    assert wire <= BUDGET, f"{wire} bytes > {BUDGET}; largest: {breakdown}"
    # The vendored uPlot is the minified build.
    uplot = next(e for e in assets if e["url"].endswith("uPlot.esm.js"))
    assert uplot["decoded"] < 70_000, uplot


def test_second_visit_loads_only_the_html_and_data(cached_context, live_server):
    first = load_first_view(cached_context.new_page(), live_server)
    assets = {e["url"] for e in first if is_asset(e["url"])}
    # Every asset is named by the static tree's version, so it can be cached for good.
    assert assets and all(VERSIONED.match(urlsplit(u).path) for u in assets), assets
    page = cached_context.new_page()
    again = load_first_view(page, live_server)
    assert page.evaluate(NAVIGATION) > 0, "the HTML itself must be fetched again (no-cache)"
    assert assets <= {e["url"] for e in again}, "the second visit uses the same assets"
    fetched = [e["url"] for e in again if is_static(e["url"]) and e["transfer"] > 0]
    assert not fetched, f"static files fetched again instead of from the cache: {fetched}"
    data = [e["url"] for e in again if e["transfer"] > 0]
    assert data and all(urlsplit(u).path.startswith("/api/v1/") for u in data), data


def test_a_jsonl_stream_delivers_its_first_line_while_still_computing(live_server):
    body = {
        "objective": {"id": "rosenbrock"},
        "runs": [{"optimizer": {"name": "adam", "lr": 0.01}}],
        "steps": 100_000,
    }
    headers = {"accept": "application/jsonl", "accept-encoding": "gzip"}
    with (
        httpx.Client(base_url=live_server, timeout=60) as client,
        client.stream("POST", "/api/v1/runs", json=body, headers=headers) as response,
    ):
        # Asked for gzip, JSON Lines come compressed, each chunk flushed (app/main.py says why).
        assert response.headers["content-encoding"] == "gzip"
        t0 = time.perf_counter()
        lines = response.iter_lines()
        first = json.loads(next(lines))
        first_at = time.perf_counter() - t0
        # The stream holds a compute slot until its last line: still busy means still streaming.
        busy = client.get("/api/v1/health").json()["busy"]
        rest = sum(1 for _ in lines)
        total = time.perf_counter() - t0
    assert first["type"] == "step" and first["step"] == 0
    assert busy >= 1, "the first line arrived only after the stream had ended"
    assert rest > 1
    ms = f"{first_at * 1000:.0f} ms of {total * 1000:.0f} ms"
    print(f"\n[wire] JSONL stream: first line after {ms}")
