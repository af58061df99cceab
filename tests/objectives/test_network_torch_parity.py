"""Networks against torch 2.13 in float64: the same weights and data give the same loss and
gradient (1e-12 relative), and every optimizer's 200 steps follow torch.optim's, for three
architectures (tanh regression; relu with three classes and weight decay; sigmoid with two).

The reference comes from tests/objectives/make_network_fixtures.py; torch is not needed here.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from app.engine import batch_value_and_grad
from app.engine.compiled import compiled_batch_value_and_grad
from app.objectives import make_objective
from app.runs import RunConfig, RunProblem, Simulation

FIXTURE = Path(__file__).with_name("network_torch_reference.json")
GRAD_RTOL = 1e-12
PATH_RTOL = 1e-11  # observed: 5e-15 after 200 steps; the margin is for other BLAS builds


@cache
def reference() -> dict:
    return json.loads(FIXTURE.read_text())


def architectures() -> list[dict]:
    return reference()["architectures"]


def by_id(case_id: str) -> dict:
    return next(a for a in architectures() if a["id"] == case_id)


def test_fixture_is_torch_2_13_float64_with_every_shared_optimizer() -> None:
    ref = reference()
    assert ref["torch_version"].startswith("2.13") and ref["dtype"] == "float64"
    assert ref["steps"] == 200
    activations = {a["spec"]["activation"] for a in architectures()}
    assert activations == {"tanh", "relu", "sigmoid"}
    for arch in architectures():
        names = {t["optimizer"] for t in arch["trajectories"]}
        assert names == {
            "sgd",
            "adagrad",
            "rmsprop",
            "adadelta",
            "adam",
            "adamw",
            "adamax",
            "nadam",
        }


@pytest.mark.parametrize("case_id", [a["id"] for a in architectures()])
def test_the_objective_trains_on_the_fixtures_data_from_its_start(case_id: str) -> None:
    case = by_id(case_id)
    objective = make_objective(case["spec"])
    network = objective.data
    data = network.prepared
    assert list(network.architecture.sizes) == case["sizes"]
    np.testing.assert_array_equal(data.inputs(data.split.train), case["inputs"])
    np.testing.assert_array_equal(data.targets(data.split.train), case["targets"])
    np.testing.assert_array_equal(objective.default_start, case["points"][0]["weights"])


def assert_close_to(got: np.ndarray, want: np.ndarray, rtol: float) -> None:
    """Each number within rtol of torch's, relative to the largest of them (a gradient's tiny
    entries are sums that cancel, so their own size is no scale for their rounding)."""
    want = np.asarray(want)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol * np.abs(want).max())


@pytest.mark.parametrize("case_id", [a["id"] for a in architectures()])
def test_loss_and_gradient_equal_torchs(case_id: str) -> None:
    case = by_id(case_id)
    objective = make_objective(case["spec"])
    points = np.array([p["weights"] for p in case["points"]])
    losses = np.array([p["loss"] for p in case["points"]])
    grads = np.array([p["grad"] for p in case["points"]])
    eager = batch_value_and_grad(objective.loss, points)
    compiled = compiled_batch_value_and_grad(objective.loss)
    compiled(points)
    replayed = compiled(points)
    assert compiled.replays(points.shape)
    for values, gradients in (eager, replayed):
        np.testing.assert_allclose(values, losses, rtol=GRAD_RTOL, atol=0)
        for got, want in zip(gradients, grads, strict=True):
            assert_close_to(got, want, GRAD_RTOL)


@pytest.mark.parametrize("case_id", [a["id"] for a in architectures()])
def test_every_optimizer_follows_torch_for_200_steps_in_one_race(case_id: str) -> None:
    """All eight optimizers as one batched race through the run loop."""
    case = by_id(case_id)
    objective = make_objective(case["spec"])
    runs = tuple(RunConfig(t["optimizer"], t["hp"]) for t in case["trajectories"])
    trace = Simulation(RunProblem(objective, runs, reference()["steps"])).run()
    assert trace.count == 201
    for r, expected in enumerate(case["trajectories"]):
        name = expected["optimizer"]
        np.testing.assert_allclose(
            trace.loss[:, r], expected["losses"], rtol=PATH_RTOL, err_msg=name
        )
        for step, weights in expected["weights"].items():
            assert trace.index[int(step)] == int(step)
            assert_close_to(trace.params[int(step), r], weights, PATH_RTOL)
        # a run that barely moved would match any reference: these all train
        assert expected["losses"][-1] < 0.9 * expected["losses"][0], name
