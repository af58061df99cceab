"""Model-fitting landscapes: the losses, their datasets, and per-run mini-batches."""

from __future__ import annotations

import numpy as np
import pytest

from app.objectives import make_objective
from app.objectives.datasets import DIE_ROLLS, LINE, THREE_CLASSES, TWO_CLASSES

BATCHED = ["linear-regression", "logistic-regression", "softmax-classifier", "kl-divergence"]
BATCHED_ALL = [*BATCHED, "black-box"]


def _grid(n: int = 41) -> np.ndarray:
    w, b = np.meshgrid(np.linspace(-2, 5, n), np.linspace(-4, 5, n), indexing="ij")
    return np.stack([w.ravel(), b.ravel()], axis=1)


def test_datasets_are_deterministic_and_read_only() -> None:
    assert LINE.n == 24 and TWO_CLASSES.n == 24 and THREE_CLASSES.n == 24 and DIE_ROLLS.n == 10
    assert np.bincount(DIE_ROLLS.y).tolist() == [6, 3, 1]
    with pytest.raises(ValueError):
        LINE.x[0] = 0.0
    # Classes overlap, so the classifiers' losses have finite minima.
    assert TWO_CLASSES.x[TWO_CLASSES.y == 0].max() > TWO_CLASSES.x[TWO_CLASSES.y == 1].min()


def test_regression_losses_give_different_landscapes() -> None:
    pts = _grid()
    surfaces = {
        kind: np.asarray(make_objective({"id": "linear-regression", "loss": kind}).loss(pts))
        for kind in ("mse", "mae", "huber")
    }
    for a, b in [("mse", "mae"), ("mse", "huber"), ("mae", "huber")]:
        assert not np.allclose(surfaces[a], surfaces[b])
    minima = {
        k: make_objective({"id": "linear-regression", "loss": k}).minima[0].point
        for k in ("mse", "mae", "huber")
    }
    # The outliers drag the squared-error fit far from the underlying slope of 2; MAE resists.
    assert abs(minima["mse"][0] - 2.0) > 0.4 > abs(minima["mae"][0] - 2.0)
    assert abs(minima["huber"][0] - 2.0) < abs(minima["mse"][0] - 2.0)


def test_regression_losses_by_hand() -> None:
    w, b = 1.3, -0.7
    r = w * LINE.x + b - LINE.y
    point = np.array([[w, b]])
    mk = make_objective
    assert float(mk({"id": "linear-regression"}).loss(point)[0]) == pytest.approx(np.mean(r**2))
    mae = mk({"id": "linear-regression", "loss": "mae"})
    assert float(mae.loss(point)[0]) == pytest.approx(np.mean(np.abs(r)))
    huber = mk({"id": "linear-regression", "loss": "huber", "delta": 0.8})
    by_hand = np.where(np.abs(r) <= 0.8, 0.5 * r**2, 0.8 * (np.abs(r) - 0.4))
    assert float(huber.loss(point)[0]) == pytest.approx(np.mean(by_hand))


def test_huber_with_wide_delta_is_half_mse() -> None:
    mse = make_objective({"id": "linear-regression"})
    wide = make_objective({"id": "linear-regression", "loss": "huber", "delta": 10.0})
    pts = np.array([[1.5, 0.0], [2.0, 1.0], [1.0, 0.5]])  # every residual here is below 10
    np.testing.assert_allclose(wide.loss(pts), 0.5 * np.asarray(mse.loss(pts)), rtol=1e-12)


def test_logistic_is_binary_cross_entropy_and_stable() -> None:
    obj = make_objective({"id": "logistic-regression"})
    w, b = 0.8, -0.3
    p = 1 / (1 + np.exp(-(w * TWO_CLASSES.x + b)))
    y = TWO_CLASSES.y
    bce = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert float(obj.loss(np.array([[w, b]]))[0]) == pytest.approx(bce, rel=1e-12)
    extreme = np.asarray(obj.loss(np.array([[800.0, 0.0], [-800.0, 300.0]])))
    assert np.all(np.isfinite(extreme)) and np.all(extreme > 10)


def test_softmax_is_categorical_cross_entropy() -> None:
    obj = make_objective({"id": "softmax-classifier"})
    w1, w2 = -0.9, 1.7
    x, y = THREE_CLASSES.x, THREE_CLASSES.y
    logits = np.stack([w1 * x, w2 * x, np.ones_like(x)], axis=1)
    prob = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    cce = -np.mean(np.log(prob[np.arange(len(y)), y]))
    assert float(obj.loss(np.array([[w1, w2]]))[0]) == pytest.approx(cce, rel=1e-12)
    assert obj.param_names == ("w1", "w2")


def test_kl_is_non_negative() -> None:
    obj = make_objective({"id": "kl-divergence"})
    assert np.asarray(obj.loss(_grid())).min() >= 0.0


@pytest.mark.parametrize("oid", BATCHED_ALL)
def test_batches_average_their_own_samples(oid: str) -> None:
    obj = make_objective({"id": oid})
    n = obj.n_samples
    assert n is not None and obj.batch_size is None
    pts = np.array([[0.5, 1.5], [0.5, 1.5], [-1.0, 2.0]])
    batch = np.array([[0, 1, 2], [n - 1, n - 2, n - 3], [0, 1, 2]])
    out = np.asarray(obj.loss(pts, batch))
    # Each row's loss is the mean of the single-sample losses of its own indices.
    for i in range(3):
        singles = [float(obj.loss(pts[i : i + 1], np.array([[j]]))[0]) for j in batch[i]]
        assert out[i] == pytest.approx(np.mean(singles), rel=1e-12)
    assert out[0] != pytest.approx(out[1])  # same weights, different samples
    np.testing.assert_array_equal(out, obj.loss(pts, batch.copy()))  # reproducible
    everything = np.tile(np.arange(n), (3, 1))
    np.testing.assert_allclose(obj.loss(pts, everything), obj.loss(pts), rtol=1e-12)


def test_kl_batch_estimates_the_divergence_from_the_sampled_rolls() -> None:
    obj = make_objective({"id": "kl-divergence"})
    theta = np.array([[0.2, -0.4]])
    q = np.exp([0.2, -0.4, 0.0]) / np.exp([0.2, -0.4, 0.0]).sum()
    p = np.array([0.6, 0.3, 0.1])
    rolls = np.array([[0, 0, 6]])  # two rolls of class 0 and one of class 1
    expected = (2 * np.log(p[0] / q[0]) + np.log(p[1] / q[1])) / 3
    assert float(obj.loss(theta, rolls)[0]) == pytest.approx(expected, rel=1e-12)
    # A batch of the rare class alone, where q over-weights it, gives a negative estimate.
    assert float(obj.loss(np.array([[-2.0, -2.0]]), np.array([[9]]))[0]) < 0


def test_bad_batches_are_rejected() -> None:
    obj = make_objective({"id": "logistic-regression"})
    pts = np.zeros((2, 2))
    for bad in (np.array([[0, 24], [1, 2]]), np.array([[0, -1], [1, 2]]), np.array([0, 1])):
        with pytest.raises(ValueError):
            obj.loss(pts, bad)
    with pytest.raises(ValueError):
        obj.loss(pts, np.array([[0.5, 1.0], [1.0, 2.0]]))
    with pytest.raises(ValueError):
        obj.loss(pts, np.array([[0, 1]]))  # one row for two points


def test_batch_is_ignored_without_a_dataset() -> None:
    obj = make_objective({"id": "rosenbrock"})
    pts = np.array([[0.0, 0.0]])
    assert obj.n_samples is None
    np.testing.assert_array_equal(obj.loss(pts, np.array([[0, 1]])), obj.loss(pts))


@pytest.mark.parametrize("oid", BATCHED_ALL)
def test_batch_size_option(oid: str) -> None:
    n = make_objective({"id": oid}).n_samples
    assert make_objective({"id": oid, "batch_size": 3}).batch_size == 3
    assert make_objective({"id": oid, "batch_size": n}).batch_size == n
    assert make_objective({"id": oid, "batch_size": 0}).batch_size is None
    assert make_objective({"id": oid, "batch_size": None}).batch_size is None
