"""What crosses the wire: compressed JSON and static files, streams sent line by line as
computed, and static files under a content-versioned URL that browsers may cache for good."""

from __future__ import annotations

import asyncio
import json
import re
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app import static_assets
from app.api import run_payloads
from app.main import create_app
from app.static_assets import IMMUTABLE, REVALIDATE, StaticVersion

ASSET = re.compile(r"""(?:src|href)="(/static/[^"]+)\"""")


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def test_the_page_is_revalidated_and_names_its_assets_by_version(client) -> None:
    page = client.get("/")
    assert page.headers["cache-control"] == REVALIDATE
    assets = ASSET.findall(page.text)
    assert len(assets) > 10
    version = {a.split("/")[2] for a in assets}
    assert len(version) == 1 and re.fullmatch(r"[0-9a-f]{12}", version.pop())
    for url in assets:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["cache-control"] == IMMUTABLE, url


def test_unversioned_and_stale_static_urls_still_work_but_are_revalidated(client) -> None:
    current = ASSET.findall(client.get("/").text)[0]
    plain = "/static/" + current.split("/", 3)[3]
    stale = "/static/000000000000/" + current.split("/", 3)[3]
    for url in (plain, stale):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["cache-control"] == REVALIDATE, url
        assert response.content == client.get(current).content
    assert client.get("/static/000000000000/no/such/file.js").status_code == 404


def test_static_files_and_json_are_gzipped(client) -> None:
    gz = {"accept-encoding": "gzip"}
    script = client.get(ASSET.findall(client.get("/").text)[-1], headers=gz)
    assert script.headers["content-encoding"] == "gzip"
    body = {"objective": {"id": "rosenbrock"}, "bounds": [[-2, 2], [-1, 3]], "resolution": 64}
    surface = client.post("/api/v1/surface", json=body, headers=gz)
    assert surface.headers["content-encoding"] == "gzip"
    assert int(surface.headers["content-length"]) < len(surface.content) / 1.5
    plain = client.post("/api/v1/surface", json=body, headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.json() == surface.json()


def test_the_version_follows_the_static_files(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(static_assets, "RECHECK_SECONDS", 0.0)
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "a.js").write_text("export const a = 1;\n")
    version = StaticVersion(tmp_path)
    first = version.current()
    assert version.current() == first and version.prefix() == f"/static/{first}"
    (tmp_path / "js" / "a.js").write_text("export const a = 2;\n")
    assert version.current() != first
    again = StaticVersion(tmp_path)
    assert again.current() == version.current(), "the version depends on content, not on time"


async def _stream(app, accept: str) -> list[dict]:
    """Drive the ASGI app directly and keep every message it sends, in order."""
    request = {
        "objective": {"id": "rosenbrock"},
        "runs": [{"optimizer": {"name": "adam", "lr": 0.01}}],
        "steps": 3000,
    }
    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/runs",
        "raw_path": b"/api/v1/runs",
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"content-type", b"application/json"),
            (b"accept", accept.encode()),
            (b"accept-encoding", b"gzip"),
        ],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    sent: list[dict] = []
    delivered = False
    never = asyncio.Event()

    async def receive() -> dict:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": json.dumps(request).encode()}
        await never.wait()  # the client stays connected
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


def run_stream(accept: str) -> list[dict]:
    """_stream in a loop of its own thread (the browser tests' sync API may hold this one's)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(_stream(create_app(), accept))).result()


def test_a_jsonl_stream_is_gzipped_and_sends_its_first_line_alone() -> None:
    messages = run_stream("application/jsonl")
    headers = {k.decode(): v.decode() for k, v in messages[0]["headers"]}
    # JSON Lines are compressed chunk by chunk, each chunk flushed: nothing holds a line back.
    assert headers["content-encoding"] == "gzip"
    bodies = [m for m in messages if m["type"] == "http.response.body"]
    assert bodies[0]["more_body"] and len(bodies) > 2
    inflate = zlib.decompressobj(31)
    # The first message is the whole first line, sent before any later step is computed.
    line, newline, rest = inflate.decompress(bodies[0]["body"]).partition(b"\n")
    assert newline and not rest, line[:200]
    assert json.loads(line)["step"] == 0
    inflated = [inflate.decompress(m["body"]) for m in bodies[1:]]
    # Every message inflates to whole lines, and the last ends the gzip member.
    assert all(part.endswith(b"\n") for part in inflated if part)
    assert inflate.eof and not inflate.unused_data
    lines = (line + newline + b"".join(inflated)).splitlines()
    assert json.loads(lines[-1])["type"] == "done" and len(lines) == 3002


def test_a_gzipped_stream_that_fails_still_ends_its_gzip(monkeypatch) -> None:
    real = run_payloads.step_json

    def failing_on_step_5(step, **options):
        if step.index == 5:
            raise RuntimeError("cannot encode step 5")
        return real(step, **options)

    monkeypatch.setattr(run_payloads, "step_json", failing_on_step_5)
    messages = run_stream("application/jsonl")
    inflate = zlib.decompressobj(31)
    body = b"".join(inflate.decompress(m.get("body", b"")) for m in messages[1:])
    assert inflate.eof and not inflate.unused_data, "the gzip member was never finished"
    lines = [json.loads(line) for line in body.splitlines()]
    assert [line["type"] for line in lines] == ["step"] * 5 + ["error"]


def test_server_sent_events_are_left_uncompressed() -> None:
    messages = run_stream("text/event-stream")
    headers = {k.decode(): v.decode() for k, v in messages[0]["headers"]}
    assert "content-encoding" not in headers
    first = next(m for m in messages if m["type"] == "http.response.body")
    assert first["body"].startswith(b"event: step")
