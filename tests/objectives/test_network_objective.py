"""The `mlp` objective: its spec and errors, its flat weights, its batched loss, its metrics."""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.engine import batch_value_and_grad
from app.engine.compiled import compiled_batch_value_and_grad
from app.objectives import ObjectiveError, make_objective
from app.objectives.network import Architecture, initial_weights, unflatten

XOR = {"id": "mlp", "dataset": {"name": "xor", "n": 60}}


def error_of(spec: dict) -> ObjectiveError:
    with pytest.raises(ObjectiveError) as info:
        make_objective(spec)
    return info.value


def test_defaults_a_2_8_8_1_tanh_network_on_xor_with_bce() -> None:
    objective = make_objective({"id": "mlp"})
    assert objective.dim == 2 * 8 + 8 + 8 * 8 + 8 + 8 + 1 == 105
    assert objective.data.architecture.sizes == (2, 8, 8, 1)
    assert objective.settings["output"] == "bce" and objective.settings["activation"] == "tanh"
    assert objective.param_names[:3] == ("layer1.weight[0]", "layer1.weight[1]", "layer1.weight[2]")
    assert objective.param_names[-1] == "layer3.bias[0]"
    assert objective.metric_names == ("test_loss", "train_accuracy", "test_accuracy")
    assert objective.n_samples == 150 and objective.batch_size is None
    assert make_objective({"id": "mlp"}) is objective  # cached by its spec


def test_output_follows_the_data_unless_given() -> None:
    assert make_objective({**XOR}).data.architecture.output == "bce"
    three = make_objective({"id": "mlp", "dataset": {"name": "clusters"}, "hidden": [4]})
    assert three.data.architecture.sizes == (2, 4, 3) and three.settings["output"] == "ce"
    curve = make_objective({"id": "mlp", "dataset": {"name": "u-curve"}, "hidden": []})
    assert curve.data.architecture.sizes == (1, 1) and curve.settings["output"] == "mse"
    assert curve.metric_names == ("test_loss",)
    two_logits = make_objective({**XOR, "output": "ce"})
    assert two_logits.data.architecture.sizes[-1] == 2


@pytest.mark.parametrize(
    ("extra", "field", "words"),
    [
        ({"hidden": [8, 8, 8, 8, 8]}, "objective.hidden", "at most 4"),
        ({"hidden": [33]}, "objective.hidden[0]", "from 1 to 32"),
        ({"hidden": [8, 0]}, "objective.hidden[1]", "from 1 to 32"),
        ({"hidden": [8, 2.5]}, "objective.hidden[1]", "whole number"),
        ({"hidden": [True]}, "objective.hidden[0]", "whole number"),
        ({"hidden": 8}, "objective.hidden", "list of layer sizes"),
        ({"activation": "gelu"}, "objective.activation", "tanh, relu, sigmoid, linear"),
        ({"output": "mse"}, "objective.output", "numeric target"),
        ({"output": "hinge"}, "objective.output", "one of"),
        ({"weight_decay": -1.0}, "objective.weight_decay", "≥ 0"),
        ({"init": "orthogonal"}, "objective.init", "one of"),
        ({"seed": 1.5}, "objective.seed", "whole number"),
        ({"batch_size": 46}, "objective.batch_size", "≤ 45"),
        ({"batch_size": "all"}, "objective.batch_size", "whole number"),
        ({"depth": 3}, "objective.depth", "unknown option"),
        ({"dataset": {"name": "xor", "noise": float("nan")}}, "objective.dataset", "JSON"),
        ({"dataset": "xor"}, "objective.dataset", "must be an object"),
    ],
)
def test_bad_specs_name_their_field(extra: dict, field: str, words: str) -> None:
    error = error_of({**XOR, **extra})
    assert error.field == field
    assert words in error.reason, error.reason


def test_a_regression_refuses_class_outputs_and_bce_needs_two_classes() -> None:
    curve = {"id": "mlp", "dataset": {"name": "u-curve"}}
    assert "class labels" in error_of({**curve, "output": "bce"}).reason
    three = {"id": "mlp", "dataset": {"name": "clusters"}}
    assert "exactly 2 classes" in error_of({**three, "output": "bce"}).reason


def test_the_flat_vector_lists_each_layer_weight_then_bias_as_torch_does() -> None:
    arch = Architecture((3, 4, 2), "tanh", "ce")
    names = [(b.name, b.start, b.shape) for b in arch.blocks]
    assert names == [
        ("layer1.weight", 0, (4, 3)),
        ("layer1.bias", 12, (4,)),
        ("layer2.weight", 16, (2, 4)),
        ("layer2.bias", 24, (2,)),
    ]
    vector = np.arange(arch.dim, dtype=float)
    tensors = unflatten(arch, vector)
    np.testing.assert_array_equal(tensors["layer1.weight"][1], [3.0, 4.0, 5.0])
    # one hidden unit by hand: tanh(W₁·x + b₁), then W₂·h + b₂
    x = np.array([[0.1, -0.2, 0.3]])
    w = vector * 0.01
    t = unflatten(arch, w)
    hidden = np.tanh(x @ t["layer1.weight"].T + t["layer1.bias"])
    expected = hidden @ t["layer2.weight"].T + t["layer2.bias"]
    np.testing.assert_allclose(arch.forward(w[None, :], x)[0], expected, rtol=1e-15)


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "linear"])
def test_activations_apply_to_hidden_layers_only(activation: str) -> None:
    arch = Architecture((1, 2, 1), activation, "mse")
    w = np.array([[1.0, -1.0, 0.5, 0.0, 2.0, 3.0, 0.25]])  # W₁ (2, 1), b₁, W₂ (1, 2), b₂
    act = {
        "tanh": np.tanh,
        "relu": lambda v: np.maximum(v, 0),
        "sigmoid": lambda v: 1 / (1 + np.exp(-v)),
        "linear": lambda v: v,
    }[activation]
    hidden = act(np.array([2.5, -2.0]))  # x = 2: W₁x + b₁ = (2.5, −2)
    out = arch.forward(w, np.array([[2.0]]))[0, 0, 0]
    assert out == pytest.approx(2.0 * hidden[0] + 3.0 * hidden[1] + 0.25, rel=1e-15)


def test_init_schemes_draw_what_they_say() -> None:
    arch = Architecture((20, 30, 10), "tanh", "ce")
    blocks = {b.name: b for b in arch.blocks}
    for scheme in ("xavier", "he", "torch", "zeros"):
        vector = initial_weights(arch, scheme, 0)
        np.testing.assert_array_equal(vector, initial_weights(arch, scheme, 0))
        w1 = unflatten(arch, vector)["layer1.weight"]
        b1 = unflatten(arch, vector)["layer1.bias"]
        if scheme == "xavier":
            assert np.abs(w1).max() <= math.sqrt(6 / 50) and not b1.any()
            assert np.abs(w1).max() > 0.9 * math.sqrt(6 / 50)
        elif scheme == "he":
            assert abs(w1.std() - math.sqrt(2 / 20)) < 0.03 and not b1.any()
        elif scheme == "torch":
            assert np.abs(np.concatenate([w1.ravel(), b1])).max() <= 1 / math.sqrt(20)
            assert b1.any()
        else:
            assert not vector.any()
    assert blocks["layer2.weight"].shape == (10, 30)
    assert not np.array_equal(initial_weights(arch, "he", 0), initial_weights(arch, "he", 1))
    start = make_objective({**XOR, "init": "he", "seed": 4}).default_start
    np.testing.assert_array_equal(
        start, initial_weights(Architecture((2, 8, 8, 1), "tanh", "bce"), "he", 4)
    )


def test_a_race_is_one_batch_whose_rows_equal_each_network_alone() -> None:
    objective = make_objective(XOR)
    rng = np.random.default_rng(0)
    points = np.array(objective.default_start) + rng.normal(0, 0.5, (8, objective.dim))
    values, grads = batch_value_and_grad(objective.loss, points)
    for r in range(8):
        alone = batch_value_and_grad(objective.loss, points[r : r + 1])
        np.testing.assert_allclose(values[r], alone[0][0], rtol=1e-15)
        np.testing.assert_allclose(grads[r], alone[1][0], rtol=1e-13, atol=1e-17)
    compiled = compiled_batch_value_and_grad(objective.loss)
    compiled(points)
    replayed = compiled(points)
    assert compiled.replays(points.shape)
    np.testing.assert_array_equal(replayed[0], values)
    np.testing.assert_array_equal(replayed[1], grads)


def test_weight_decay_adds_half_lambda_times_the_squared_weights_not_the_biases() -> None:
    plain, decayed = make_objective(XOR), make_objective({**XOR, "weight_decay": 0.1})
    point = np.array([decayed.default_start]) + 0.3
    weights = sum(
        float((t * t).sum())
        for name, t in unflatten(decayed.data.architecture, point[0]).items()
        if name.endswith("weight")
    )
    extra = decayed.loss(point)[0] - plain.loss(point)[0]
    assert extra == pytest.approx(0.05 * weights, rel=1e-12)


def test_mini_batches_average_each_runs_own_rows() -> None:
    objective = make_objective({**XOR, "batch_size": 5})
    assert objective.batch_size == 5
    arch, data = objective.data.architecture, objective.data.prepared
    inputs, target = data.inputs(data.split.train), data.split.train.target
    point = np.array([objective.default_start])
    rows = np.array([[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]])
    alone = [arch.loss(point, inputs[r], target[r])[0] for r in rows]
    np.testing.assert_allclose(objective.loss(np.repeat(point, 2, 0), rows), alone, rtol=1e-14)


def test_metrics_are_test_loss_and_accuracies_computed_from_the_rows() -> None:
    objective = make_objective(XOR)
    arch, data = objective.data.architecture, objective.data.prepared
    points = np.array([objective.default_start, -np.array(objective.default_start)])
    metrics = objective.metrics(points)
    test = data.split.test
    for r in range(2):
        z = arch.forward(points[r : r + 1], data.inputs(test))[0, :, 0]
        prob = 1 / (1 + np.exp(-z))
        y = test.target
        bce = -np.mean(y * np.log(prob) + (1 - y) * np.log(1 - prob))
        assert metrics["test_loss"][r] == pytest.approx(bce, rel=1e-12)
        assert metrics["test_accuracy"][r] == np.mean((z > 0) == (y == 1))
    assert set(metrics) == set(objective.metric_names)
    decayed = make_objective({**XOR, "weight_decay": 0.5})
    np.testing.assert_array_equal(decayed.metrics(points)["test_loss"], metrics["test_loss"])


def test_the_loss_is_the_train_rows_mean_bce() -> None:
    objective = make_objective(XOR)
    data = objective.data.prepared
    point = np.array([objective.default_start])
    z = objective.data.architecture.forward(point, data.inputs(data.split.train))[0, :, 0]
    y = data.split.train.target
    expected = np.mean(np.logaddexp(0, z) - y * z)
    assert objective.loss(point)[0] == pytest.approx(expected, rel=1e-14)
