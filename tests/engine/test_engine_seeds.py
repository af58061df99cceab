"""How gradients are seeded and summed: the teaching texts' worked examples, accumulation over
every use of a value, and the batched transforms that seed each row with its own 1.
"""

from __future__ import annotations

import numpy as np
import pytest

import app.engine as E

# --- the teaching texts' worked examples --------------------------------------------------------


def test_one_weight_model_gradient_and_step():
    """y = w·x with x = 1, target 4, w = 2: loss (y - 4)^2 = 4, gradient -4, step to 2.4."""
    x, target, w = 1.0, 4.0, 2.0
    loss, g = E.value_and_grad(lambda w: (w * x - target) ** 2)(w)
    assert loss == 4.0
    assert g == -4.0
    assert w - 0.1 * g == pytest.approx(2.4, rel=1e-15)
    assert E.grad(lambda w: E.sum((E.Tensor(x) * w - target) ** 2))(np.array([w])) == [-4.0]


def test_two_weight_chain_gradients():
    """prediction = x·W1·W2 with x = 1000, W1 = 200, W2 = 1.4 and target 300,000."""
    x, w1, w2, target = 1000.0, 200.0, 1.4, 300_000.0

    def loss(w1, w2):
        return (x * w1 * w2 - target) ** 2

    value, (g1, g2) = E.value_and_grad(loss, argnum=(0, 1))(w1, w2)
    p = x * w1 * w2
    assert p == pytest.approx(280_000.0, rel=1e-15)
    assert value == pytest.approx((p - target) ** 2, rel=1e-12)
    assert g1 == pytest.approx(2 * (p - target) * x * w2, rel=1e-12)
    assert g2 == pytest.approx(2 * (p - target) * x * w1, rel=1e-12)
    assert g1 == pytest.approx(-5.6e7, rel=1e-12)
    assert g2 == pytest.approx(-8e9, rel=1e-12)
    # Single-argument grads agree with the tuple form.
    assert E.grad(loss, argnum=1)(w1, w2) == pytest.approx(-8e9, rel=1e-12)


# --- accumulation: every use of a value contributes ---------------------------------------------


@pytest.mark.parametrize("shape", [(), (4,), (3, 4)], ids=["scalar", "4", "3x4"])
def test_value_used_twice_gets_both_contributions(shape, rng):
    x = rng.normal(size=shape)
    np.testing.assert_allclose(E.grad(lambda t: E.sum(t * t + t))(x), 2 * x + 1, rtol=1e-15)
    np.testing.assert_array_equal(E.grad(lambda t: E.sum(t + t))(x), np.full(shape, 2.0))
    y = np.sin(x)
    np.testing.assert_allclose(
        E.grad(lambda t: E.sum(E.sin(t) * E.sin(t) + E.sin(t)))(x), (2 * y + 1) * np.cos(x)
    )


def test_intermediate_used_twice_and_broadcast_both_ways():
    x = np.array([[1.0], [2.0], [3.0]])  # (3, 1)
    # x + x.T broadcasts x along columns and x.T along rows: each element is used 6 times.
    g = E.grad(lambda t: E.sum(t + t.T))(x)
    np.testing.assert_array_equal(g, np.full((3, 1), 6.0))
    g = E.grad(lambda t: E.sum(t * t.T))(x)  # sum_ij x_i x_j = (sum x)^2
    np.testing.assert_allclose(g, np.full((3, 1), 2 * 6.0))


def test_repeated_indices_accumulate():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    w = np.array([10.0, 20.0, 30.0, 40.0, 50.0])
    g = E.grad(lambda t: E.sum(t[[0, 0, 2, 0, 3]] * w))(x)
    np.testing.assert_array_equal(g, [10.0 + 20.0 + 40.0, 0.0, 30.0, 50.0])
    # Negative and positive spellings of the same element, plus the element used directly.
    g = E.grad(lambda t: E.sum(t[[-1, 3, 1]]) + t[3] * 2.0 + E.sum(t))(x)
    np.testing.assert_array_equal(g, [1.0, 2.0, 1.0, 5.0])
    m = np.arange(12.0).reshape(3, 4)
    g = E.grad(lambda t: E.sum(t[[0, 0, 2], [1, 1, 3]] ** 2))(m)
    expected = np.zeros((3, 4))
    expected[0, 1], expected[2, 3] = 2 * 2 * m[0, 1], 2 * m[2, 3]
    np.testing.assert_array_equal(g, expected)


def test_repeated_indices_accumulate_to_second_order():
    # sum(x[[0, 0, 1]]^2) = 2 x0^2 + x1^2: Hessian diag(4, 2, 0).
    h = E.hessian(lambda t: E.sum(t[[0, 0, 1]] ** 2))(np.array([0.3, -1.2, 2.0]))
    np.testing.assert_array_equal(h, np.diag([4.0, 2.0, 0.0]))


def test_unused_argument_gets_zeros():
    da, db = E.grad(lambda a, b: E.sum(a * 2.0), argnum=(0, 1))(np.ones(3), np.ones((2, 2)))
    np.testing.assert_array_equal(da, np.full(3, 2.0))
    np.testing.assert_array_equal(db, np.zeros((2, 2)))
    assert E.grad(lambda a: 5.0)(np.ones(2)).tolist() == [0.0, 0.0]


def test_backward_seeds_an_array_output_with_ones():
    x = E.Tensor(np.array([1.0, 2.0, 3.0]), needs_grad=True)
    (g,), cotangents = E.backward(x * x, [x])
    np.testing.assert_array_equal(g, [2.0, 4.0, 6.0])
    assert all(c.shape == t.shape for t, c in cotangents.items())


# --- batched transforms: one row, one independent problem ---------------------------------------


def rosenbrock_rows(p):
    x, y = p[:, 0], p[:, 1]
    return (1.0 - x) ** 2 + 100.0 * (y - x**2) ** 2


def rosenbrock(v):
    return (1.0 - v[0]) ** 2 + 100.0 * (v[1] - v[0] ** 2) ** 2


def rosenbrock_grad(p):
    x, y = p[..., 0], p[..., 1]
    return np.stack([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)], axis=-1)


def rosenbrock_hessian(p):
    x, y = p[..., 0], p[..., 1]
    return np.stack(
        [
            np.stack([2 - 400 * (y - x**2) + 800 * x**2, -400 * x], axis=-1),
            np.stack([-400 * x, np.full_like(x, 200.0)], axis=-1),
        ],
        axis=-2,
    )


@pytest.fixture
def points(rng):
    return rng.uniform(-2.0, 2.0, size=(50, 2))


def test_batch_value_and_grad_matches_per_row(points):
    values, grads = E.batch_value_and_grad(rosenbrock_rows, points)
    assert values.shape == (50,) and grads.shape == (50, 2)
    for i, point in enumerate(points):
        value, g = E.value_and_grad(rosenbrock)(point)
        assert values[i] == pytest.approx(value, rel=1e-14)
        np.testing.assert_allclose(grads[i], g, rtol=1e-14, atol=1e-12)
    np.testing.assert_allclose(grads, rosenbrock_grad(points), rtol=1e-12, atol=1e-10)


def test_batch_hessian_matches_per_row(points):
    values, grads, hessians = E.batch_hessian(rosenbrock_rows, points)
    assert values.shape == (50,) and grads.shape == (50, 2) and hessians.shape == (50, 2, 2)
    for i, point in enumerate(points):
        assert values[i] == pytest.approx(float(rosenbrock(E.Tensor(point)).value), rel=1e-14)
        np.testing.assert_allclose(grads[i], E.grad(rosenbrock)(point), rtol=1e-14, atol=1e-12)
        np.testing.assert_allclose(hessians[i], E.hessian(rosenbrock)(point), rtol=1e-14)
    np.testing.assert_allclose(hessians, rosenbrock_hessian(points), rtol=1e-12, atol=1e-10)


def test_batch_rows_are_independent(points):
    moved = points.copy()
    moved[7] += [0.3, -0.2]
    before = E.batch_hessian(rosenbrock_rows, points)
    after = E.batch_hessian(rosenbrock_rows, moved)
    for b, a in zip(before, after, strict=True):
        unchanged = np.arange(50) != 7
        np.testing.assert_array_equal(b[unchanged], a[unchanged])
        assert not np.array_equal(b[7], a[7])
    _, grads = E.batch_value_and_grad(rosenbrock_rows, moved)
    np.testing.assert_array_equal(grads, after[1])


def test_batch_value_and_grad_on_a_400_by_400_grid():
    axis = np.linspace(-2.0, 2.0, 400)
    grid = np.stack(np.meshgrid(axis, axis), axis=-1).reshape(-1, 2)
    values, grads = E.batch_value_and_grad(rosenbrock_rows, grid)
    assert values.shape == (160_000,) and grads.shape == (160_000, 2)
    assert values.dtype == grads.dtype == np.float64
    np.testing.assert_allclose(grads, rosenbrock_grad(grid), rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(
        values, (1 - grid[:, 0]) ** 2 + 100 * (grid[:, 1] - grid[:, 0] ** 2) ** 2
    )
