"""The teaching texts' worked examples reproduce the texts' own numbers."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from app.engine import batch_value_and_grad
from app.objectives import make_objective


def _at(spec: dict, *point: float, batch: list[list[int]] | None = None) -> float:
    obj = make_objective(spec)
    b = None if batch is None else np.array(batch)
    return float(obj.loss(np.array([point], dtype=float), b)[0])


def _grad(spec: dict, *point: float) -> np.ndarray:
    obj = make_objective(spec)
    return batch_value_and_grad(obj.loss, np.array([point], dtype=float))[1][0]


def test_house_price_errors_match_the_text() -> None:
    squared = {"id": "house-price"}
    absolute = {"id": "house-price", "loss": "absolute"}
    obj = make_objective(squared)
    assert obj.group == "worked-example" and obj.param_names == ("w",)
    assert obj.default_start == (280.0,) and obj.minima[0].point == (300.0,)
    # w = 280 predicts $280,000: error $20,000; w = 281 predicts $281,000: error $19,000.
    assert _at(absolute, 280) == 20_000.0 and _at(absolute, 281) == 19_000.0
    assert _at(squared, 280) == 20_000.0**2 and _at(squared, 281) == 19_000.0**2
    assert _at(squared, 300) == 0.0 == _at(absolute, 300)
    # The loss went down from 280 to 281, so the weight moves upward.
    assert _grad(squared, 280)[0] == pytest.approx(2 * -20_000 * 1000)
    assert _grad(absolute, 280)[0] == pytest.approx(-1000.0)


def test_house_price_default_step_sizes() -> None:
    absolute = make_objective({"id": "house-price", "loss": "absolute"})
    w = 280.0
    for expected in (281.0, 282.0, 283.0):  # the text: "to 282, 283"
        w -= absolute.default_lr * _grad({"id": "house-price", "loss": "absolute"}, w)[0]
        assert w == pytest.approx(expected)
    squared = make_objective({"id": "house-price"})
    w1 = 280.0 - squared.default_lr * _grad({"id": "house-price"}, 280.0)[0]
    assert 280.0 < w1 < 300.0


def test_two_weight_chain_matches_the_text() -> None:
    spec = {"id": "two-weight-chain"}
    obj = make_objective(spec)
    assert obj.param_names == ("W1", "W2") and obj.default_start == (200.0, 1.4)
    assert _at(spec, 200, 1.4) == pytest.approx(20_000.0**2)  # prediction $280,000
    assert _at(spec, 200, 1.5) == pytest.approx(0.0, abs=1e-12)  # $300,000: loss 0
    assert _at(spec, 210, 1.4) == pytest.approx(6_000.0**2)  # $294,000: error $6,000
    for m in obj.minima:
        assert m.point[0] * m.point[1] == pytest.approx(300.0) and m.value == 0.0


def test_two_weight_chain_backpropagated_gradients() -> None:
    x, target, w1, w2 = 1000.0, 300_000.0, 200.0, 1.4
    p = x * w1 * w2
    assert p == pytest.approx(280_000.0)
    expected = (2 * (p - target) * x * w2, 2 * (p - target) * x * w1)
    np.testing.assert_allclose(expected, (-5.6e7, -8e9))
    np.testing.assert_allclose(_grad({"id": "two-weight-chain"}, w1, w2), expected, rtol=1e-12)


def test_black_box_matches_the_text() -> None:
    spec = {"id": "black-box"}
    obj = make_objective(spec)
    assert obj.param_names == ("a", "b") and obj.default_start == (1.0, 1.0)
    assert obj.n_samples == 4
    # z = x + x²: input 1 gives 2 against 2.21, error −0.21 (one sample: the squared error).
    assert _at(spec, 1, 1, batch=[[0]]) == pytest.approx(0.21**2)
    # z = 1.5x + x²: input 1.1 gives 2.86 against 2.431, error 0.429.
    assert _at(spec, 1.5, 1, batch=[[1]]) == pytest.approx(0.429**2)
    errors = np.array([2 - 2.21, 1.1 + 1.21 - 2.431, 1.2 + 1.44 - 2.652, 2 + 4 - 4.42])
    assert _at(spec, 1, 1) == pytest.approx(np.mean(errors**2))
    (best,) = obj.minima
    np.testing.assert_allclose(best.point, (2.21, 0.0), atol=1e-9)
    assert best.value == pytest.approx(0.0, abs=1e-12)


def test_one_weight_network_first_step() -> None:
    spec = {"id": "one-weight-network"}
    obj = make_objective(spec)
    assert obj.default_start == (2.0,) and obj.default_lr == 0.1 and obj.param_names == ("w",)
    assert _at(spec, 2) == 4.0  # prediction 2 against target 4
    g = _grad(spec, 2)[0]
    assert g == pytest.approx(-4.0)
    assert 2.0 - obj.default_lr * g == pytest.approx(2.4)
    assert obj.minima[0].point == (4.0,) and _at(spec, 4) == 0.0


def test_u_curve_starts_far_from_its_minimum() -> None:
    obj = make_objective({"id": "u-curve"})
    assert obj.minima[0].point == (0.0,)
    (lo, hi), start = obj.view_box[0], obj.default_start[0]
    assert abs(start) > 0.5 * (hi - lo) / 2
    # Each plain gradient step moves against the slope and the loss shrinks.
    x, losses = start, []
    for _ in range(5):
        losses.append(_at({"id": "u-curve"}, x))
        x -= obj.default_lr * _grad({"id": "u-curve"}, x)[0]
    assert all(a > b for a, b in itertools.pairwise(losses))


def test_kl_target_and_minimum() -> None:
    obj = make_objective({"id": "kl-divergence"})
    (best,) = obj.minima
    np.testing.assert_allclose(best.point, (math.log(6.0), math.log(3.0)), rtol=1e-12)
    q = np.exp([1.0, -0.5, 0.0]) / np.exp([1.0, -0.5, 0.0]).sum()
    p = np.array([0.6, 0.3, 0.1])
    assert _at({"id": "kl-divergence"}, 1.0, -0.5) == pytest.approx(np.sum(p * np.log(p / q)))
