"""make_objective: options, defaults, custom expressions and errors that name their field."""

from __future__ import annotations

import dataclasses
import importlib.util

import numpy as np
import pytest

from app.objectives import (
    Minimum,
    Objective,
    ObjectiveError,
    OptionSpec,
    list_objectives,
    make_objective,
)

HAS_EXPRESSION = importlib.util.find_spec("app.objectives.expression") is not None
needs_expression = pytest.mark.skipif(not HAS_EXPRESSION, reason="expression.py not present")


def _error(spec: object) -> ObjectiveError:
    with pytest.raises(ObjectiveError) as info:
        make_objective(spec)  # type: ignore[arg-type]
    return info.value


def test_objective_error_shape() -> None:
    err = ObjectiveError("objective.delta", "must be ≥ 0.05")
    assert isinstance(err, ValueError)
    assert (err.field, err.reason) == ("objective.delta", "must be ≥ 0.05")
    assert str(err) == "objective.delta: must be ≥ 0.05"


def test_unknown_id_lists_the_known_ones() -> None:
    err = _error({"id": "foo"})
    assert err.field == "objective.id"
    assert err.reason.startswith("unknown objective 'foo'; known: ")
    assert "rosenbrock" in err.reason and "black-box" in err.reason
    assert _error({}).field == "objective.id"
    assert _error({"id": 3}).field == "objective.id"
    assert _error(["rosenbrock"]).field == "objective"


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        ({"id": "rosenbrock", "condition": 3}, "objective.condition"),
        ({"id": "quadratic", "condition": 0.5}, "objective.condition"),
        ({"id": "quadratic", "condition": "big"}, "objective.condition"),
        ({"id": "quadratic", "angle": float("nan")}, "objective.angle"),
        ({"id": "quadratic", "angle": True}, "objective.angle"),
        ({"id": "linear-regression", "loss": "l3"}, "objective.loss"),
        ({"id": "linear-regression", "delta": 0.0}, "objective.delta"),
        ({"id": "linear-regression", "batch_size": 25}, "objective.batch_size"),
        ({"id": "linear-regression", "batch_size": 2.5}, "objective.batch_size"),
        ({"id": "black-box", "batch_size": -1}, "objective.batch_size"),
        ({"id": "house-price", "loss": "mse"}, "objective.loss"),
        ({"id": "house-price", "batch_size": 2}, "objective.batch_size"),
    ],
)
def test_bad_options_name_their_field(spec: dict, field: str) -> None:
    err = _error(spec)
    assert err.field == field and str(err).startswith(f"{field}: ")


def test_settings_are_resolved_and_frozen() -> None:
    obj = make_objective({"id": "quadratic"})
    assert dict(obj.settings) == {"condition": 10.0, "angle": 30.0}
    assert [o.name for o in obj.options] == ["condition", "angle"]
    assert all(isinstance(o, OptionSpec) for o in obj.options)
    with pytest.raises(TypeError):
        obj.settings["angle"] = 0.0  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        obj.id = "other"  # type: ignore[misc]
    lin = make_objective({"id": "linear-regression", "loss": "huber", "batch_size": 4.0})
    assert dict(lin.settings) == {"loss": "huber", "delta": 1.0, "batch_size": 4}
    assert isinstance(lin.settings["batch_size"], int)


def test_list_objectives_uses_defaults() -> None:
    objs = list_objectives()
    assert all(isinstance(o, Objective) for o in objs)
    assert all(isinstance(m, Minimum) for o in objs for m in o.minima)
    for obj in objs:
        assert dict(obj.settings) == {o.name: o.default for o in obj.options}
    by_id = {o.id: o for o in objs}
    assert by_id["linear-regression"].settings["loss"] == "mse"
    assert by_id["saddle"].minima == ()


def test_options_change_the_objective() -> None:
    pts = np.array([[1.0, 2.0]])
    a = make_objective({"id": "quadratic", "condition": 2})
    b = make_objective({"id": "quadratic", "condition": 20})
    assert float(a.loss(pts)[0]) != float(b.loss(pts)[0])
    assert a.settings != b.settings


def test_custom_spec_errors_without_parsing() -> None:
    assert _error({"expression": 5}).field == "objective.expression"
    assert _error({"expression": "   "}).field == "objective.expression"
    assert _error({"expression": "x^2", "id": "rosenbrock"}).field == "objective.id"
    assert _error({"expression": "x^2", "condition": 3}).field == "objective.condition"


@needs_expression
def test_custom_expression_2d() -> None:
    obj = make_objective({"expression": "x^2 + 10*y^2"})
    assert (obj.id, obj.group, obj.dim) == ("custom", "custom", 2)
    assert obj.param_names == ("x", "y") and obj.minima == ()
    assert obj.view_box == ((-5.0, 5.0), (-5.0, 5.0)) and obj.default_start == (-3.0, 4.0)
    np.testing.assert_allclose(obj.loss(np.array([[1.0, 2.0], [0.0, 0.0]])), [41.0, 0.0])


@needs_expression
def test_custom_expression_1d_and_constant() -> None:
    obj = make_objective({"expression": "x^2 - 2*x"})
    assert obj.dim == 1 and obj.default_start == (-3.0,) and obj.param_names == ("x",)
    np.testing.assert_allclose(obj.loss(np.array([[1.0], [3.0]])), [-1.0, 3.0])
    const = make_objective({"expression": "3"})
    assert np.asarray(const.loss(np.zeros((4, const.dim)))).shape == (4,)


@needs_expression
def test_custom_expression_parse_errors_become_objective_errors() -> None:
    err = _error({"expression": "x^^2"})
    assert err.field == "objective.expression" and err.reason
