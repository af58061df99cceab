"""Ackley's minimum is exactly 0 at the origin, so a stop rule far below 1e-8 can fire there."""

from __future__ import annotations

import numpy as np
from fastapi.testclient import TestClient

from app.engine import batch_value_and_grad
from app.engine.compiled import compiled_batch_value_and_grad
from app.main import create_app
from app.objectives import make_objective

ACKLEY = make_objective({"id": "ackley"})


def test_the_minimum_is_exactly_zero_with_a_zero_gradient() -> None:
    origin = np.zeros((1, 2))
    values, grads = batch_value_and_grad(ACKLEY.loss, origin)
    assert values[0] == 0.0
    np.testing.assert_array_equal(grads, [[0.0, 0.0]])
    compiled = compiled_batch_value_and_grad(ACKLEY.loss)
    for _ in range(2):  # the trace, then the replay
        values, grads = compiled(origin)
        assert values[0] == 0.0 and np.all(grads == 0.0)


def textbook_ackley(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return (
        -20.0 * np.exp(-0.2 * np.sqrt(0.5 * (x * x + y * y)))
        - np.exp(0.5 * (np.cos(2 * np.pi * x) + np.cos(2 * np.pi * y)))
        + np.e
        + 20.0
    )


def test_elsewhere_the_value_is_the_textbook_formula() -> None:
    points = np.array([[1.0, 0.0], [0.3, -2.2], [-4.0, 4.5], [1e-3, 0.0]])
    values, _ = batch_value_and_grad(ACKLEY.loss, points)
    want = textbook_ackley(points[:, 0], points[:, 1])
    np.testing.assert_allclose(values, want, rtol=1e-13, atol=1e-12)  # f sums terms near 20
    # Near the tip (within about 1e-7) the cone is rounded off, by less than 1e-8.
    near = np.array([[1e-6, 2e-6], [-3e-8, 0.0]])
    values, _ = batch_value_and_grad(ACKLEY.loss, near)
    np.testing.assert_allclose(values, textbook_ackley(near[:, 0], near[:, 1]), rtol=0, atol=1e-8)


def test_a_stop_rule_below_1e_8_fires_at_the_minimum() -> None:
    body = {
        "objective": {"id": "ackley"},
        "runs": [{"optimizer": {"name": "sgd", "lr": 0.05}, "start": [0.0, 0.0]}],
        "steps": 20,
        "stop": {"loss_below": 1e-12},
        "record": "final",
    }
    with TestClient(create_app()) as client:
        response = client.post("/api/v1/runs", json=body)
    assert response.status_code == 200, response.text
    (run,) = response.json()["runs"]
    assert run["status"] == "converged" and run["converged_by"] == "loss_below"
    assert run["steps_taken"] == 0
