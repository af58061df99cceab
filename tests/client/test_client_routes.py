"""Every route through the client gives what the API answers to the same request, over HTTP to a
live server and in-process alike."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from client_live import LiveServer

from app.client import Playground, run

API = "/api/v1"

# (client call, the raw request it must send): each answer must equal the raw request's answer.
CASES: list[tuple[str, Callable[[Playground], Any], str, str, dict[str, Any] | None]] = [
    ("health", lambda pg: pg.health(), "GET", "/health", None),
    ("limits", lambda pg: pg.limits(), "GET", "/limits", None),
    ("optimizers", lambda pg: pg.optimizers(), "GET", "/optimizers", None),
    (
        "objective",
        lambda pg: pg.objective("linear-regression", loss="huber", delta=2),
        "GET",
        "/objectives/linear-regression?loss=huber&delta=2",
        None,
    ),
    (
        "custom_objective",
        lambda pg: pg.custom_objective("x^2 + 10*y^2"),
        "GET",
        "/objectives/custom?expression=x%5E2%20%2B%2010%2Ay%5E2",
        None,
    ),
    (
        "surface",
        lambda pg: pg.surface("booth", bounds=[[-1, 1], [0, 2]], resolution=5),
        "POST",
        "/surface",
        {"objective": {"id": "booth"}, "bounds": [[-1, 1], [0, 2]], "resolution": 5},
    ),
    (
        "inspect",
        lambda pg: pg.inspect("rosenbrock", [0.5, -0.25]),
        "POST",
        "/inspect",
        {"objective": {"id": "rosenbrock"}, "point": [0.5, -0.25]},
    ),
    (
        "predict",
        lambda pg: pg.predict("linear-regression", [[1.0, 0.5]], resolution=4),
        "POST",
        "/predict",
        {"objective": {"id": "linear-regression"}, "points": [[1.0, 0.5]], "resolution": 4},
    ),
    (
        "tune",
        lambda pg: pg.tune("rosenbrock", [run("adam", lr=0.1)], steps=40, num=4),
        "POST",
        "/tune",
        {
            "objective": {"id": "rosenbrock"},
            "runs": [{"optimizer": {"name": "adam", "lr": 0.1}}],
            "steps": 40,
            "num": 4,
        },
    ),
    (
        "sweeps",
        lambda pg: pg.sweeps(
            "rosenbrock", "adam", {"lr": {"min": 1e-3, "max": 1.0, "num": 4}}, steps=30
        ),
        "POST",
        "/sweeps",
        {
            "objective": {"id": "rosenbrock"},
            "optimizer": {"name": "adam"},
            "over": {"lr": {"min": 1e-3, "max": 1.0, "num": 4}},
            "steps": 30,
        },
    ),
    (
        "explain_step",
        lambda pg: pg.explain_step(
            {"name": "adam", "lr": 0.1},
            step=2,
            params=[1.0, 2.0],
            grad=[0.5, -1.0],
            state={"exp_avg": [0.05, -0.1], "exp_avg_sq": [2.5e-4, 1e-3], "max_exp_avg_sq": [0, 0]},
        ),
        "POST",
        "/explain-step",
        {
            "optimizer": {"name": "adam", "lr": 0.1},
            "step": 2,
            "params": [1.0, 2.0],
            "grad": [0.5, -1.0],
            "state": {
                "exp_avg": [0.05, -0.1],
                "exp_avg_sq": [2.5e-4, 1e-3],
                "max_exp_avg_sq": [0, 0],
            },
        },
    ),
]


@pytest.fixture(scope="module")
def raw(live: LiveServer) -> Iterator[httpx.Client]:
    """Plain httpx to the live server: the answers the client must give back."""
    with httpx.Client(base_url=live.url, timeout=60) as client:
        yield client


@pytest.mark.parametrize(
    ("name", "call", "method", "path", "body"), CASES, ids=[c[0] for c in CASES]
)
def test_each_route_answers_as_the_api_does(
    pg: Playground, raw: httpx.Client, name: str, call: Any, method: str, path: str, body: Any
) -> None:
    expected = raw.request(method, API + path, json=body)
    assert expected.status_code == 200, expected.text
    answer = call(pg)
    if name == "health":  # busy counts differ by the moment; the rest is fixed
        assert answer["status"] == "ok" and answer["version"] == expected.json()["version"]
        return
    assert answer == expected.json()


def test_objectives_lists_the_catalogue(pg: Playground) -> None:
    objectives = pg.objectives()
    ids = [o["id"] for o in objectives]
    assert "rosenbrock" in ids and "one-weight-network" in ids
    assert all("suggested_lr" in o for o in objectives)


def test_objective_options_reach_the_server(pg: Playground) -> None:
    built = pg.objective("linear-regression", loss="huber", delta=2)
    assert built["settings"]["loss"] == "huber" and built["settings"]["delta"] == 2.0
