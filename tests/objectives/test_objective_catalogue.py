"""Contracts every objective in the catalogue must keep, for every loss and option variant."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from app.engine import Tensor, batch_value_and_grad
from app.objectives import Objective, get_objective_ids, list_objectives, make_objective

VARIANTS = [
    {"id": "linear-regression", "loss": "mae"},
    {"id": "linear-regression", "loss": "huber", "delta": 0.5},
    {"id": "house-price", "loss": "absolute"},
    {"id": "quadratic", "condition": 100, "angle": -45},
]
SPECS = [{"id": oid} for oid in get_objective_ids()] + VARIANTS
NAMES = [",".join(f"{k}={v}" for k, v in s.items()) for s in SPECS]
# Kinks at their minima (|r|), so only a subgradient vanishes there.
NONSMOOTH_AT_MIN = {("linear-regression", "mae")}


def _obj(spec: dict) -> Objective:
    return make_objective(spec)


def _grid(obj: Objective, n: int) -> np.ndarray:
    axes = [np.linspace(lo, hi, n) for lo, hi in obj.view_box]
    return np.stack([a.ravel() for a in np.meshgrid(*axes, indexing="ij")], axis=1)


def _random_points(obj: Objective, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    lo = np.array([b[0] for b in obj.view_box])
    hi = np.array([b[1] for b in obj.view_box])
    return lo + (hi - lo) * rng.uniform(0.05, 0.95, size=(n, obj.dim))


def test_catalogue_ids_and_groups() -> None:
    ids = get_objective_ids()
    assert len(ids) == len(set(ids)) >= 24
    assert [o.id for o in list_objectives()] == ids
    groups = {o.group for o in list_objectives()}
    assert groups == {"test-function", "one-dimensional", "model-fitting", "worked-example"}


@pytest.mark.parametrize("spec", SPECS, ids=NAMES)
def test_metadata_is_consistent(spec: dict) -> None:
    obj = _obj(spec)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", obj.id)
    assert obj.dim in (1, 2)
    assert len(obj.view_box) == len(obj.default_start) == len(obj.param_names) == obj.dim
    assert all(lo < hi for lo, hi in obj.view_box)
    assert obj.title and obj.formula and obj.description
    assert obj.default_lr is not None and obj.default_lr > 0
    for name, value in obj.settings.items():
        assert name in {o.name for o in obj.options}
        assert value is not None
    for m in obj.minima:
        assert len(m.point) == obj.dim and m.kind in ("global", "local")


@pytest.mark.parametrize("spec", SPECS, ids=NAMES)
def test_start_and_minima_lie_in_view_box(spec: dict) -> None:
    obj = _obj(spec)
    for point in [obj.default_start, *(m.point for m in obj.minima)]:
        assert all(lo <= p <= hi for p, (lo, hi) in zip(point, obj.view_box, strict=True))


@pytest.mark.parametrize("spec", SPECS, ids=NAMES)
def test_values_at_minima(spec: dict) -> None:
    obj = _obj(spec)
    if not obj.minima:
        pytest.skip("no minimum (saddle)")
    points = np.array([m.point for m in obj.minima])
    values = np.asarray(obj.loss(points))
    np.testing.assert_allclose(values, [m.value for m in obj.minima], rtol=1e-9, atol=1e-6)
    glob = [m.value for m in obj.minima if m.kind == "global"]
    assert glob and all(m.value >= max(glob) - 1e-9 for m in obj.minima)
    assert max(glob) - min(glob) < 1e-6  # all global minima are equally deep


@pytest.mark.parametrize("spec", SPECS, ids=NAMES)
def test_global_minimum_is_lowest_on_the_grid(spec: dict) -> None:
    obj = _obj(spec)
    values = np.asarray(obj.loss(_grid(obj, 201 if obj.dim == 2 else 2001)))
    assert np.all(np.isfinite(values))
    if obj.minima:
        best = min(m.value for m in obj.minima)
        assert values.min() >= best - 1e-9


@pytest.mark.parametrize("spec", SPECS, ids=NAMES)
def test_minima_are_local_minima(spec: dict) -> None:
    obj = _obj(spec)
    rng = np.random.default_rng(3)
    widths = np.array([hi - lo for lo, hi in obj.view_box])
    for m in obj.minima:
        steps = rng.normal(size=(32, obj.dim))
        steps *= 1e-4 * widths / np.linalg.norm(steps, axis=1, keepdims=True)
        around = np.asarray(obj.loss(np.array(m.point) + steps))
        assert around.min() >= m.value - 1e-12 * max(1.0, abs(m.value))


@pytest.mark.parametrize("spec", SPECS, ids=NAMES)
def test_shape_contract(spec: dict) -> None:
    obj = _obj(spec)
    pts = _random_points(obj, 7, seed=1)
    out = obj.loss(pts)
    assert isinstance(out, np.ndarray) and out.shape == (7,)
    as_tensor = obj.loss(Tensor(pts))
    assert isinstance(as_tensor, Tensor) and as_tensor.shape == (7,)
    np.testing.assert_allclose(as_tensor.value, out, rtol=1e-12)
    # Rows are independent: evaluating one point alone gives the same value.
    np.testing.assert_allclose(obj.loss(pts[3:4]), out[3:4], rtol=1e-12)
    with pytest.raises(ValueError):
        obj.loss(np.zeros((3, obj.dim + 1)))


@pytest.mark.parametrize("spec", SPECS, ids=NAMES)
def test_gradients_vanish_at_minima(spec: dict) -> None:
    obj = _obj(spec)
    if not obj.minima or (obj.id, obj.settings.get("loss")) in NONSMOOTH_AT_MIN:
        pytest.skip("no minimum, or a kink at the minimum")
    _, grads = batch_value_and_grad(obj.loss, np.array([m.point for m in obj.minima]))
    assert grads.shape == (len(obj.minima), obj.dim)
    np.testing.assert_allclose(grads, 0.0, atol=1e-8)  # locates minima to ~1e-9


def _finite_differences(obj: Objective, pts: np.ndarray, batch: np.ndarray | None) -> np.ndarray:
    widths = np.array([hi - lo for lo, hi in obj.view_box])
    fd = np.zeros_like(pts)
    for j in range(obj.dim):
        h = 1e-6 * widths[j]
        step = np.zeros(obj.dim)
        step[j] = h
        fd[:, j] = (obj.loss(pts + step, batch) - obj.loss(pts - step, batch)) / (2 * h)
    return fd


@pytest.mark.parametrize("spec", SPECS, ids=NAMES)
def test_gradients_match_finite_differences(spec: dict) -> None:
    obj = _obj(spec)
    pts = _random_points(obj, 12, seed=7)
    batches = [None]
    if obj.n_samples is not None:
        rng = np.random.default_rng(0)
        batches.append(rng.integers(0, obj.n_samples, size=(len(pts), 3)))
    for batch in batches:
        values, grads = batch_value_and_grad(lambda p, b=batch: obj.loss(p, b), pts)
        np.testing.assert_allclose(values, obj.loss(pts, batch), rtol=1e-12)
        fd = _finite_differences(obj, pts, batch)
        scale = max(1.0, float(np.abs(values).max())) / min(hi - lo for lo, hi in obj.view_box)
        np.testing.assert_allclose(grads, fd, rtol=1e-4, atol=1e-6 * scale)


def test_known_values_of_the_test_functions() -> None:
    # Values computed by hand from the published formulas, to catch typos in any term.
    cases = {
        "rosenbrock": [((0, 0), 1.0), ((-1.2, 1), 24.2)],
        "himmelblau": [((0, 0), 170.0)],
        "beale": [((0, 0), 14.203125)],
        "booth": [((0, 0), 74.0)],
        "matyas": [((1, 1), 0.04)],
        "three-hump-camel": [((1, 1), 2 - 1.05 + 1 / 6 + 2)],
        "six-hump-camel": [((1, 1), 4 - 2.1 + 1 / 3 + 1)],
        "rastrigin": [((1, 1), 2.0), ((0.5, 0), 20.25)],
        "ackley": [((1, 0), -20 * math.exp(-0.2 * math.sqrt(0.5)) + 20)],
        "goldstein-price": [((0, 0), 600.0)],
        "styblinski-tang": [((1, 1), -10.0)],
        "saddle": [((1, 2), -3.0)],
        "plateau": [((2, 0), math.tanh(1.0))],
        "u-curve": [((3,), 9.0)],
        "double-well": [((1,), -2.0), ((2,), 2.0)],
    }
    for oid, pairs in cases.items():
        obj = make_objective({"id": oid})
        for point, expected in pairs:
            got = float(obj.loss(np.array([point], dtype=float))[0])
            assert got == pytest.approx(expected, rel=1e-12, abs=1e-7), (oid, point)


def test_quadratic_options_shape_the_bowl() -> None:
    flat = make_objective({"id": "quadratic", "condition": 4, "angle": 0})
    assert float(flat.loss(np.array([[1.0, 1.0]]))[0]) == pytest.approx(1 + 4)
    turned = make_objective({"id": "quadratic", "condition": 4, "angle": 90})
    # Rotating by 90° swaps the roles of the axes.
    assert float(turned.loss(np.array([[1.0, 0.0]]))[0]) == pytest.approx(4.0)
    assert flat.default_lr > make_objective({"id": "quadratic", "condition": 40}).default_lr


@pytest.mark.parametrize(
    "oid", ["himmelblau", "three-hump-camel", "six-hump-camel", "double-well", "styblinski-tang"]
)
def test_minima_counts(oid: str) -> None:
    obj = make_objective({"id": oid})
    kinds = sorted(m.kind for m in obj.minima)
    expected = {
        "himmelblau": ["global"] * 4,
        "three-hump-camel": ["global", "local", "local"],
        "six-hump-camel": ["global"] * 2 + ["local"] * 4,
        "double-well": ["global", "local"],
        "styblinski-tang": ["global"] + ["local"] * 3,
    }[oid]
    assert kinds == expected
    points = np.array([m.point for m in obj.minima])
    assert len(np.unique(points.round(3), axis=0)) == len(points)


def test_styblinski_tang_global_minimum_location() -> None:
    obj = make_objective({"id": "styblinski-tang"})
    (best,) = [m for m in obj.minima if m.kind == "global"]
    np.testing.assert_allclose(best.point, (-2.903534, -2.903534), atol=1e-6)
