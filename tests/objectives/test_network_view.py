"""What the page draws of a network: predictions over the data, layers, activations; and the
model fits on your own data."""

from __future__ import annotations

import numpy as np
import pytest

from app.objectives import ObjectiveError, make_objective
from app.objectives.fit_minima import newton_or_none
from app.objectives.fits import fit_report
from app.objectives.network_view import activations, layers, network_report

MOONS = make_objective({"id": "mlp", "dataset": {"name": "moons", "n": 40}, "hidden": [3]})
CURVE = make_objective({"id": "mlp", "dataset": {"name": "house-prices"}, "hidden": [4]})


def points_of(objective, count: int = 2) -> np.ndarray:
    start = np.array(objective.default_start)
    return np.array([start * (1 + 0.5 * k) for k in range(count)])


def test_two_features_give_a_map_of_class_probabilities_per_point() -> None:
    points = points_of(MOONS)
    report = fit_report(MOONS, points, 7)
    assert report["kind"] == "network" and report["classes"] == ["0", "1"]
    grid = report["grid"]
    assert grid["z"].shape == (2, 7, 7, 2) and report["fits"][1]["grid"].shape == (7, 7, 2)
    np.testing.assert_allclose(grid["z"].sum(axis=-1), 1.0)
    # z[p, i, j] is the prediction at (x[j], y[i]), as POST /surface lays out z
    i, j = 2, 5
    arch, data = MOONS.data.architecture, MOONS.data.prepared
    at = data.scaling.features(np.array([[grid["x"][j], grid["y"][i]]]))
    logit = arch.forward(points[:1], at)[0, 0, 0]
    assert grid["z"][0, i, j, 1] == pytest.approx(1 / (1 + np.exp(-logit)), rel=1e-12)
    fit = report["fits"][0]
    assert fit["loss"] == pytest.approx(MOONS.loss(points[:1])[0])
    assert set(fit["metrics"]) == set(MOONS.metric_names)
    assert fit["predictions"]["test"].shape == (10, 2)
    samples = report["samples"]
    assert samples["train"]["features"].shape == (30, 2) and samples["test"]["target"].shape == (
        10,
    )
    assert grid["x"][0] < samples["train"]["features"][:, 0].min()


def test_one_feature_gives_a_curve_in_the_targets_own_units() -> None:
    points = points_of(CURVE)
    report = network_report(CURVE, points, 11)
    grid = report["grid"]
    assert grid["y"] is None and grid["z"].shape == (2, 11)
    data = CURVE.data.prepared
    x = grid["x"][3]
    output = CURVE.data.architecture.forward(points[1:], data.scaling.features([[x]]))[0, 0, 0]
    assert grid["z"][1, 3] == pytest.approx(
        output * data.scaling.target_scale + data.scaling.target_shift
    )
    assert abs(data.scaling.target_shift) > 1e5  # house prices: dollars, not standardised units
    assert report["classes"] is None and report["target_name"] == "price ($)"


def test_more_than_two_features_give_predictions_at_the_samples_only() -> None:
    text = "a,b,c,y\n" + "\n".join(f"{i},{i % 3},{i % 5},{i % 2}" for i in range(30))
    wide = make_objective({"id": "mlp", "dataset": {"csv": text}, "hidden": [2]})
    report = network_report(wide, points_of(wide, 1), 5)
    assert report["grid"] is None and report["fits"][0]["grid"] is None


def test_layers_cut_a_vector_as_the_network_draws_it() -> None:
    vector = np.arange(MOONS.dim, dtype=float)
    cut = layers(MOONS, vector)
    assert [(layer["weight"].shape, layer["bias"].shape) for layer in cut] == [
        ((3, 2), (3,)),
        ((1, 3), (1,)),
    ]
    assert cut[1]["weight"].tolist() == [[9.0, 10.0, 11.0]] and cut[1]["bias"].tolist() == [12.0]
    with pytest.raises(ObjectiveError) as info:
        layers(MOONS, np.zeros(3))
    assert info.value.field == "params"
    with pytest.raises(ObjectiveError):
        layers(make_objective({"id": "rosenbrock"}), np.zeros(2))


def test_activations_run_the_rows_through_each_layer() -> None:
    point = points_of(MOONS, 1)[0]
    rows = MOONS.data.prepared.table.features[:4]
    values = activations(MOONS, point, rows)
    assert [v.shape for v in values] == [(4, 2), (4, 3), (4, 1)]
    cut = layers(MOONS, point)
    hidden = np.tanh(values[0] @ cut[0]["weight"].T + cut[0]["bias"])
    np.testing.assert_allclose(values[1], hidden, rtol=1e-15)
    np.testing.assert_allclose(values[2], hidden @ cut[1]["weight"].T + cut[1]["bias"], rtol=1e-14)


LINE_CSV = "size,price\n" + "\n".join(f"{x},{3 * x - 1}" for x in range(1, 13))


def test_linear_regression_on_your_data_finds_its_line() -> None:
    raw = make_objective(
        {"id": "linear-regression", "dataset": {"csv": LINE_CSV, "standardize": False}}
    )
    (minimum,) = raw.minima
    assert minimum.point == pytest.approx((3.0, -1.0)) and minimum.value == pytest.approx(
        0.0, abs=1e-20
    )
    assert raw.n_samples == 12 and raw.data.x_label == "size" and raw.data.y_label == "price"
    (lo, hi), _ = raw.view_box
    assert lo < 3.0 < hi and raw.settings["dataset"]["name"] == "csv"
    scaled = make_objective({"id": "linear-regression", "dataset": {"csv": LINE_CSV}})
    assert scaled.minima[0].point == pytest.approx((1.0, 0.0))  # standardised: slope 1, intercept 0
    assert scaled.data.x_label == "size (standardised)"
    huber = make_objective(
        {"id": "linear-regression", "loss": "mae", "batch_size": 12, "dataset": {"csv": LINE_CSV}}
    )
    assert huber.batch_size == 12 and huber.minima[0].point == pytest.approx((1.0, 0.0))


def test_classifiers_on_your_data_and_their_errors() -> None:
    rng = np.random.default_rng(0)
    xs = rng.normal(size=40)
    labels = ["lo" if x + rng.normal(0, 0.8) < 0 else "hi" for x in xs]
    text = "x,label\n" + "\n".join(f"{x!r},{c}" for x, c in zip(xs.tolist(), labels, strict=True))
    logistic = make_objective({"id": "logistic-regression", "dataset": {"csv": text}})
    assert logistic.data.classes == ("hi", "lo") and len(logistic.minima) == 1
    separable = "x,label\n" + "\n".join(f"{x},{'a' if x < 5 else 'b'}" for x in range(10))
    assert make_objective({"id": "logistic-regression", "dataset": {"csv": separable}}).minima == ()
    for spec, words in [
        ({"id": "logistic-regression", "dataset": {"name": "xor"}}, "fits one feature"),
        ({"id": "softmax-classifier", "dataset": {"csv": text}}, "needs 3 classes"),
        ({"id": "linear-regression", "dataset": {"csv": text}}, "needs a numeric target"),
        (
            {"id": "linear-regression", "dataset": {"name": "u-curve", "test_fraction": 0.2}},
            "every row",
        ),
        ({"id": "linear-regression", "dataset": {"csv": LINE_CSV}, "batch_size": 13}, "≤ 12"),
    ]:
        with pytest.raises(ObjectiveError) as info:
            make_objective(spec)
        assert words in info.value.reason, info.value.reason
    black_box = make_objective(
        {"id": "linear-regression", "dataset": {"name": "black-box", "standardize": False}}
    )
    assert black_box.minima[0].point[0] == pytest.approx(2.21, rel=1e-9)


def test_newton_finds_a_minimum_only_where_its_steps_shrink_to_nothing() -> None:
    quadratic = newton_or_none(
        lambda p: (np.array([2.0, 4.0]) * (p - [1.0, -2.0]), np.diag([2.0, 4.0]))
    )
    np.testing.assert_allclose(quadratic, [1.0, -2.0])
    assert newton_or_none(lambda p: (np.ones(2), np.eye(2))) is None  # steps never shrink
    assert newton_or_none(lambda p: (np.ones(2), np.zeros((2, 2)))) is None  # singular
    assert newton_or_none(lambda p: (np.full(2, np.inf), np.eye(2))) is None
