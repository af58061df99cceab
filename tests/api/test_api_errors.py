"""Malformed requests: every one gets a 4xx JSON body whose detail names a field and a reason."""

from __future__ import annotations

import re

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


BAD_BODIES = [
    (
        "/runs",
        {
            "objective": {"id": "rosenbrock"},
            "runs": [{"optimizer": {"name": "sgd"}}],
            "record": "sometimes",
        },
        "record",
    ),
    (
        "/runs",
        {
            "objective": {"id": "rosenbrock"},
            "runs": [{"optimizer": {"name": "adam", "betas": [0.9, 2]}}],
        },
        "runs[0].optimizer.betas[1]",
    ),
    (
        "/runs",
        {
            "objective": {"expression": "x"},
            "runs": [{"optimizer": {"name": "sgd"}, "start": [1, 2]}],
        },
        "runs[0].start",
    ),
    (
        "/runs",
        {
            "objective": {"id": "rosenbrock"},
            "runs": [{"optimizer": {"name": "sgd"}}],
            "schedule": {"name": "step", "gamma": "x"},
        },
        "schedule.gamma",
    ),
    (
        "/sweeps",
        {
            "objective": {"id": "rosenbrock"},
            "optimizer": {"name": "sgd"},
            "over": {"lr": {"min": "a", "max": 1, "num": 3}},
        },
        "over.lr.min",
    ),
    (
        "/sweeps",
        {
            "objective": {"id": "rosenbrock"},
            "optimizer": {"name": "sgd"},
            "over": {"lr": {"min": 0.1, "max": 1, "num": 3, "scale": "linear", "extra": 1}},
        },
        "over.lr.extra",
    ),
    (
        "/explain-step",
        {
            "optimizer": {"name": "adam"},
            "step": 1,
            "params": [1, 2],
            "grad": [1, 2],
            "state": {"exp_avg": [1]},
        },
        "state.exp_avg",
    ),
]
REQUEST_NAME = re.compile(r"^[a-z_]+(\[\d+\])*(\.[a-z_]+(\[\d+\])*)*$")


@pytest.mark.parametrize(("path", "body", "field"), BAD_BODIES)
async def test_error_fields_use_the_requests_own_names(client, kit, path, body, field):
    """No union tag (an objective's dimension, an optimizer's name, a model's class name, a
    literal) ever shows in a field."""
    r = await client.post(f"{kit.API}{path}", json=body)
    kit.assert_problem(r, 422, field)
    for item in kit.strict_loads(r.content)["detail"]:
        assert REQUEST_NAME.match(item["field"]), item
        assert all(not str(part).endswith("D") or part == "D" for part in item["loc"]), item
