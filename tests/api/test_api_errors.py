"""Malformed requests: every one gets a 4xx JSON body whose detail names a field and a reason."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.anyio

POSTS = ("surface", "runs", "sweeps", "inspect")


@pytest.mark.parametrize(
    ("body", "status", "field", "word"),
    [
        (b"{", 422, "body", "JSON"),
        (b'{"objective": ', 422, "body", "JSON"),
        (b"", 422, "body", "required"),
        (b"null", 422, "body", "object"),
        (b"[1, 2]", 422, "body", "object"),
        (b"\x80", 400, "body", ""),
        (b'{"objective": "\xff"}', 400, "body", ""),
    ],
    ids=["open-brace", "truncated", "empty", "null", "array", "not-utf8", "bad-utf8-in-string"],
)
async def test_malformed_bodies(client, kit, body, status, field, word):
    for path in POSTS:
        r = await client.post(
            f"{kit.API}/{path}", content=body, headers={"content-type": "application/json"}
        )
        kit.assert_problem(r, status, field, word)


async def test_wrong_method_and_unknown_path(client, kit):
    r = await client.get(f"{kit.API}/runs")
    assert r.headers["allow"] == "POST"
    kit.assert_problem(r, 405)
    r = await client.get(f"{kit.API}/no-such-endpoint")
    kit.assert_problem(r, 404)


async def test_errors_never_echo_non_finite_input(client, kit):
    raw = b'{"objective": {"id": "rosenbrock"}, "point": [NaN, Infinity], "extra": -Infinity}'
    r = await kit.post_raw(client, "/inspect", raw)
    kit.assert_problem(r, 422, "point[0]", "finite")
    kit.assert_problem(r, 422, "extra")
    assert b"NaN" not in r.content and b"Infinity" not in r.content
