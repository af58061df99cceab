"""POST /predict: the data behind a fit and the model at given points, from the model's own code."""

from __future__ import annotations

import numpy as np
import pytest

from app.objectives import make_objective
from app.objectives.datasets import BLACK_BOX, DIE_ROLLS, LINE, THREE_CLASSES, TWO_CLASSES

pytestmark = pytest.mark.anyio

FITTING = {
    "linear-regression": ("regression", [[1.3, -0.7], [2.0, 1.0]]),
    "black-box": ("regression", [[1.0, 1.0], [1.5, 1.0], [2.21, 0.0]]),
    "logistic-regression": ("classification", [[1.2, -0.3], [-2.0, 0.5], [0.0, 0.7]]),
    "softmax-classifier": ("classification", [[-2.0, 2.0], [3.0, -3.0], [0.0, 0.0]]),
    "kl-divergence": ("distribution", [[-3.0, 4.0], [float(np.log(6)), float(np.log(3))]]),
    "house-price": ("target", [[280.0], [281.0]]),
    "two-weight-chain": ("target", [[200.0, 1.4], [200.0, 1.5]]),
    "one-weight-network": ("target", [[2.0], [2.4]]),
}


async def predict(client, kit, objective, points, resolution=64, status=200):
    body = {"objective": objective, "points": points, "resolution": resolution}
    r = await client.post(f"{kit.API}/predict", json=body)
    assert r.status_code == status, r.text[:500]
    return kit.strict_loads(r.content)


@pytest.mark.parametrize("oid", list(FITTING))
async def test_every_fit_reports_the_objectives_own_loss_to_the_bit(client, kit, oid):
    kind, points = FITTING[oid]
    got = await predict(client, kit, {"id": oid}, points, resolution=17)
    assert got["kind"] == kind and got["x_label"] and got["y_label"]
    assert len(got["fits"]) == len(points)
    objective = make_objective({"id": oid})
    for point, fit in zip(points, got["fits"], strict=True):
        alone = float(objective.loss(np.array([point]))[0])
        assert fit["loss"] == alone  # not approx: the same code path
        assert set(fit) == {"loss", "curve", "predictions", "residuals", "boundaries", "table"}
    if kind in ("regression", "classification"):
        assert len(got["grid"]) == 17 and got["grid"] == sorted(got["grid"])


async def test_the_loss_matches_a_runs_trace(client, kit):
    body = {
        "objective": {"id": "logistic-regression"},
        "runs": [{"optimizer": {"name": "adam", "lr": 0.1}}],
        "steps": 5,
    }
    trace = kit.strict_loads((await client.post(f"{kit.API}/runs", json=body)).content)
    trace = trace["runs"][0]["trace"]
    got = await predict(client, kit, body["objective"], trace["params"])
    assert [fit["loss"] for fit in got["fits"]] == trace["loss"]


async def test_linear_regression_line_and_residuals(client, kit):
    got = await predict(client, kit, {"id": "linear-regression"}, [[1.3, -0.7]], resolution=5)
    assert got["samples"] == {"x": LINE.x.tolist(), "y": LINE.y.tolist()}
    assert got["classes"] is None
    grid = np.array(got["grid"])
    span = LINE.x.max() - LINE.x.min()
    assert grid[0] == pytest.approx(LINE.x.min() - 0.1 * span)
    assert grid[-1] == pytest.approx(LINE.x.max() + 0.1 * span)
    fit = got["fits"][0]
    np.testing.assert_allclose(fit["curve"], 1.3 * grid - 0.7, rtol=1e-14)
    np.testing.assert_allclose(fit["predictions"], 1.3 * LINE.x - 0.7, rtol=1e-14)
    np.testing.assert_allclose(fit["residuals"], 1.3 * LINE.x - 0.7 - LINE.y, atol=1e-12)
    assert fit["boundaries"] is None and fit["table"] is None
    assert fit["loss"] == pytest.approx(np.mean((1.3 * LINE.x - 0.7 - LINE.y) ** 2))


async def test_huber_option_changes_the_loss_not_the_line(client, kit):
    mse = await predict(client, kit, {"id": "linear-regression"}, [[1.0, 0.0]])
    huber = await predict(client, kit, {"id": "linear-regression", "loss": "huber"}, [[1.0, 0.0]])
    assert mse["fits"][0]["predictions"] == huber["fits"][0]["predictions"]
    assert huber["fits"][0]["loss"] < mse["fits"][0]["loss"]


async def test_black_box_table_has_the_texts_numbers(client, kit):
    got = await predict(client, kit, {"id": "black-box"}, [[1.0, 1.0], [1.5, 1.0]])
    first, second = (fit["table"] for fit in got["fits"])
    assert [row["input"] for row in first] == BLACK_BOX.x.tolist()
    assert [row["target"] for row in first] == BLACK_BOX.y.tolist()
    # z = x + x²: input 1 gives 2, error −0.21; with a = 1.5, input 1.1 gives 2.86, error 0.429.
    assert first[0]["prediction"] == pytest.approx(2.0)
    assert first[0]["error"] == pytest.approx(-0.21)
    assert second[1]["prediction"] == pytest.approx(2.86)
    assert second[1]["error"] == pytest.approx(0.429)
    assert got["fits"][0]["residuals"] == [row["error"] for row in first]


@pytest.mark.parametrize(
    ("oid", "point", "prediction", "target", "inputs"),
    [
        ("house-price", [280.0], 280_000.0, 300_000.0, 1000.0),
        ("two-weight-chain", [200.0, 1.4], 280_000.0, 300_000.0, 1000.0),
        ("one-weight-network", [2.0], 2.0, 4.0, 1.0),
    ],
)
async def test_target_kind_against_the_texts_target(
    client, kit, oid, point, prediction, target, inputs
):
    got = await predict(client, kit, {"id": oid}, [point])
    assert got["samples"] == {"x": [inputs], "y": [target]} and got["grid"] is None
    fit = got["fits"][0]
    (row,) = fit["table"]
    assert row == {
        "input": inputs,
        "target": target,
        "prediction": pytest.approx(prediction),
        "error": pytest.approx(prediction - target),
    }
    assert fit["predictions"] == [row["prediction"]] and fit["curve"] is None


async def test_logistic_curve_probabilities_and_boundary(client, kit):
    w, b = 1.2, -0.3
    got = await predict(client, kit, {"id": "logistic-regression"}, [[w, b]], resolution=9)
    assert got["classes"] == ["class 0", "class 1"]
    assert got["samples"]["y"] == TWO_CLASSES.y.tolist()
    fit = got["fits"][0]
    grid = np.array(got["grid"])
    p1 = 1 / (1 + np.exp(-(w * grid + b)))
    np.testing.assert_allclose(fit["curve"][1], p1, rtol=1e-12)
    np.testing.assert_allclose(np.sum(fit["curve"], axis=0), 1.0)
    p_true = np.where(TWO_CLASSES.y == 1, 1, 0) * (1 / (1 + np.exp(-(w * TWO_CLASSES.x + b))))
    p_true += np.where(TWO_CLASSES.y == 0, 1, 0) * (1 / (1 + np.exp(w * TWO_CLASSES.x + b)))
    np.testing.assert_allclose(fit["predictions"], p_true, rtol=1e-12)
    assert fit["boundaries"] == [pytest.approx(-b / w)]
    flat = await predict(client, kit, {"id": "logistic-regression"}, [[0.0, 0.7]])
    assert flat["fits"][0]["boundaries"] == []  # one class everywhere


async def test_softmax_boundaries_are_where_the_predicted_class_changes(client, kit):
    points = [[-2.0, 2.0], [3.0, -3.0], [-1.0, 0.5]]
    got = await predict(client, kit, {"id": "softmax-classifier"}, points, resolution=512)
    assert got["classes"] == ["left", "right", "centre"]
    assert got["samples"]["y"] == THREE_CLASSES.y.tolist()
    grid = np.array(got["grid"])
    for (w1, w2), fit in zip(points, got["fits"], strict=True):
        logits = np.stack([w1 * grid, w2 * grid, np.ones_like(grid)], axis=1)
        winners = logits.argmax(axis=1)
        changes = np.flatnonzero(winners[1:] != winners[:-1])
        assert len(fit["boundaries"]) == len(changes)
        for boundary, i in zip(fit["boundaries"], changes, strict=True):
            assert grid[i] <= boundary <= grid[i + 1]
        curve = np.array(fit["curve"])  # (K, G)
        assert curve.shape == (3, 512)
        np.testing.assert_array_equal(curve.argmax(axis=0), winners)
    # w = (−2, 2): left wins below x = −1/2, centre between, right above 1/2.
    assert got["fits"][0]["boundaries"] == [pytest.approx(-0.5), pytest.approx(0.5)]


async def test_kl_shows_target_and_model_distributions(client, kit):
    start, best = FITTING["kl-divergence"][1]
    got = await predict(client, kit, {"id": "kl-divergence"}, [start, best])
    assert got["kind"] == "distribution" and len(got["classes"]) == 3
    assert got["samples"]["y"] == pytest.approx(np.bincount(DIE_ROLLS.y) / DIE_ROLLS.n)
    assert got["samples"]["x"] == got["grid"] == [0.0, 1.0, 2.0]
    q = np.exp([start[0], start[1], 0.0])
    np.testing.assert_allclose(got["fits"][0]["curve"], q / q.sum(), rtol=1e-12)
    assert got["fits"][0]["predictions"] == got["fits"][0]["curve"]
    np.testing.assert_allclose(got["fits"][1]["curve"], [0.6, 0.3, 0.1], rtol=1e-12)
    assert got["fits"][1]["loss"] == pytest.approx(0.0, abs=1e-15)


async def test_stochastic_settings_still_report_the_full_loss(client, kit):
    objective = {"id": "linear-regression", "batch_size": 3}
    got = await predict(client, kit, objective, [[1.0, 0.5]])
    full = float(make_objective({"id": "linear-regression"}).loss(np.array([[1.0, 0.5]]))[0])
    assert got["fits"][0]["loss"] == full


@pytest.mark.parametrize(
    ("objective", "points", "field", "words"),
    [
        ({"id": "rosenbrock"}, [[1.0, 1.0]], "objective", "fits no data"),
        ({"expression": "x^2 + y^2"}, [[1.0, 1.0]], "objective", "fits no data"),
        ({"id": "house-price"}, [[1.0, 2.0]], "points[0]", "at most 1 value"),
        ({"id": "black-box"}, [[1.0, 2.0], [1.0]], "points[1]", "at least 2 value"),
        ({"id": "black-box"}, [], "points", ""),
        ({"id": "black-box"}, [[1.0, 2.0]] * 65, "points", ""),
        ({"id": "no-such"}, [[1.0, 2.0]], "objective.id", "unknown"),
    ],
)
async def test_bad_requests_name_the_field(client, kit, objective, points, field, words):
    body = {"objective": objective, "points": points}
    r = await client.post(f"{kit.API}/predict", json=body)
    kit.assert_problem(r, 422, field, words)


@pytest.mark.parametrize("resolution", [1, 513])
async def test_resolution_is_bounded(client, kit, resolution):
    body = {"objective": {"id": "black-box"}, "points": [[1.0, 1.0]], "resolution": resolution}
    kit.assert_problem(await client.post(f"{kit.API}/predict", json=body), 422, "resolution")


async def test_non_finite_predictions_are_null(client, kit):
    got = await predict(client, kit, {"id": "black-box"}, [[1e308, 1e308]], resolution=3)
    fit = got["fits"][0]
    assert fit["loss"] is None and None in fit["curve"]
