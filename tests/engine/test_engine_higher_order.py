"""Second derivatives: grad of grad and hessian against finite differences of the gradient.

gradcheck.check_hvp computes H v for f = sum(op(...) * W) twice, through value_and_grad of a
function that calls grad on its Tensors and through hessian of the flattened arguments, and
compares both with (grad f(x + eps v) - grad f(x - eps v)) / 2 eps. Linear ops (sum, reshape,
indexing, ...) are wrapped in a nonlinearity, else their Hessian is zero whatever their VJP does.
"""

from __future__ import annotations

import numpy as np
import pytest
from gradcheck import check_hvp

import app.engine as E


def _uniform(low, high):
    return lambda rng, shape: rng.uniform(low, high, shape)


ANY, POS, SMALL = _uniform(-1.5, 1.5), _uniform(0.5, 2.0), _uniform(-1.0, 1.0)

UNARY = {
    "exp": (E.exp, ANY),
    "log": (E.log, POS),
    "log1p": (E.log1p, POS),
    "sqrt": (E.sqrt, POS),
    "sin": (E.sin, ANY),
    "cos": (E.cos, ANY),
    "tan": (E.tan, SMALL),
    "tanh": (E.tanh, ANY),
    "sinh": (E.sinh, ANY),
    "cosh": (E.cosh, ANY),
    "sigmoid": (E.sigmoid, _uniform(-4.0, 4.0)),
    "softplus": (E.softplus, _uniform(-4.0, 4.0)),
    "pow-2": (lambda x: x**2, ANY),
    "pow-3": (lambda x: x**3, ANY),
    "pow-half": (lambda x: x**0.5, POS),
    "pow-neg": (lambda x: x**-1.5, POS),
    "rpow": (lambda x: 2.0**x, ANY),
    "rtruediv": (lambda x: 2.0 / x, POS),
    "div-number": (lambda x: E.sin(x / 3.0), ANY),
    "rsub": (lambda x: E.exp(1.0 - x), ANY),
}
UNARY_SHAPES = [(), (4,), (3, 1)]


@pytest.mark.parametrize("shape", UNARY_SHAPES, ids=["scalar", "4", "3x1"])
@pytest.mark.parametrize("name", list(UNARY))
def test_unary_second_order(name, shape, rng):
    fn, draw = UNARY[name]
    check_hvp(fn, [draw(rng, shape)], rng)


BINARY = {
    "multiply": (lambda a, b: a * b, ANY, ANY),
    "divide": (lambda a, b: a / b, ANY, POS),
    "power": (lambda a, b: a**b, POS, ANY),
    "power-fn": (E.power, POS, ANY),
    "add-sin": (lambda a, b: E.sin(a + b), ANY, ANY),
    "subtract-exp": (lambda a, b: E.exp(a - b), ANY, ANY),
}
BINARY_SHAPES = [((3, 4), (3, 4)), ((3, 1), (1, 4)), ((), (4,)), ((4,), (3, 1))]


@pytest.mark.parametrize("shapes", BINARY_SHAPES, ids=["3x4-3x4", "3x1-1x4", "scalar-4", "4-3x1"])
@pytest.mark.parametrize("name", list(BINARY))
def test_binary_second_order(name, shapes, rng):
    fn, draw_a, draw_b = BINARY[name]
    check_hvp(fn, [draw_a(rng, shapes[0]), draw_b(rng, shapes[1])], rng)


MATMUL = [
    ("2d@2d", (3, 4), (4, 2)),
    ("1d@2d", (4,), (4, 2)),
    ("2d@1d", (3, 4), (4,)),
    ("1d@1d", (4,), (4,)),
    ("3d@2d", (2, 3, 4), (4, 2)),
    ("1d@3d", (3,), (2, 3, 2)),
]


@pytest.mark.parametrize("wrap", ["bilinear", "tanh"])
@pytest.mark.parametrize("case", MATMUL, ids=[c[0] for c in MATMUL])
def test_matmul_second_order(case, wrap, rng):
    _, shape_a, shape_b = case
    fn = (lambda a, b: a @ b) if wrap == "bilinear" else (lambda a, b: E.tanh(E.matmul(a, b)))
    check_hvp(fn, [ANY(rng, shape_a), ANY(rng, shape_b)], rng)


# Structural ops, each followed by sin so the gradient depends on x through them.
STRUCTURAL = [
    ("logsumexp", lambda x: E.logsumexp(x), (3, 4)),
    ("logsumexp-axis", lambda x: E.logsumexp(x, axis=-1), (3, 4)),
    ("logsumexp-keepdims", lambda x: E.logsumexp(x, axis=0, keepdims=True), (3, 4)),
    ("logsumexp-tuple", lambda x: E.logsumexp(x, axis=(0, 2)), (2, 3, 2)),
    ("softmax", lambda x: E.softmax(x), (3, 4)),
    ("softmax-axis0", lambda x: E.softmax(x, axis=0), (3, 4)),
    ("log_softmax", lambda x: E.log_softmax(x), (3, 4)),
    ("log_softmax-1d", lambda x: E.log_softmax(x), (5,)),
    ("sum", lambda x: E.sin(E.sum(x)), (3, 4)),
    ("sum-axis", lambda x: E.sin(E.sum(x, axis=0)), (3, 4)),
    ("sum-keepdims", lambda x: E.sin(x.sum(axis=-1, keepdims=True) * x), (3, 4)),
    ("mean", lambda x: E.sin(E.mean(x)), (3, 4)),
    ("mean-axis", lambda x: E.sin(E.mean(x, axis=(0, 1), keepdims=True)), (2, 3, 2)),
    ("getitem-slice", lambda x: E.sin(x[1:, ::2]), (3, 4)),
    ("getitem-int", lambda x: E.sin(x[1]), (3, 4)),
    ("getitem-repeated", lambda x: E.sin(x[[0, 0, 2, 0]] * 2.0), (3, 4)),
    ("getitem-repeated-pairs", lambda x: E.sin(x[[0, 0, 2], [1, 1, 3]]), (3, 4)),
    ("getitem-mask", lambda x: E.sin(x[x > 0.0]), (3, 4)),
    ("reshape", lambda x: E.sin(E.reshape(x, (2, 6)) * np.arange(6.0)), (3, 4)),
    ("transpose", lambda x: E.sin(E.transpose(x) @ x), (3, 4)),
    ("transpose-3d", lambda x: E.sin(E.transpose(x, (1, 2, 0)) * np.arange(2.0)), (2, 3, 4)),
    ("T", lambda x: E.tanh(x.T * np.arange(3.0)), (3, 4)),
]


@pytest.mark.parametrize("case", STRUCTURAL, ids=[c[0] for c in STRUCTURAL])
def test_structural_second_order(case, rng):
    _, fn, shape = case
    x = rng.uniform(-1.5, 1.5, shape)
    if case[0] == "getitem-mask":
        x = np.where(np.abs(x) < 0.2, 0.5, x)
    check_hvp(fn, [x], rng)


JOINING = [
    ("concatenate", lambda a, b: E.sin(E.concatenate([a, b * b, a], axis=0)), (3, 4), (2, 4)),
    (
        "concatenate-axis1",
        lambda a, b: E.tanh(E.concatenate([a, b], axis=-1)) * 2.0,
        (3, 4),
        (3, 1),
    ),
    ("stack", lambda a, b: E.sin(E.stack([a, b * a, b], axis=1)), (3, 4), (3, 4)),
    ("stack-scalars", lambda a, b: E.exp(E.stack([a * b, a, b])), (), ()),
]


@pytest.mark.parametrize("case", JOINING, ids=[c[0] for c in JOINING])
def test_joining_second_order(case, rng):
    _, fn, shape_a, shape_b = case
    check_hvp(fn, [ANY(rng, shape_a), ANY(rng, shape_b)], rng)


# --- closed forms -------------------------------------------------------------------------------


def test_grad_of_grad_of_scalar_functions_closed_forms():
    x = 0.3
    t = np.tanh(x)
    assert E.grad(E.grad(E.tanh))(x) == pytest.approx(-2 * t * (1 - t * t), rel=1e-14)
    assert E.grad(E.grad(E.sin))(x) == pytest.approx(-np.sin(x), rel=1e-14)
    assert E.grad(E.grad(E.grad(E.sin)))(x) == pytest.approx(-np.cos(x), rel=1e-14)
    assert E.grad(E.grad(E.grad(E.exp)))(x) == pytest.approx(np.exp(x), rel=1e-14)
    assert E.grad(E.grad(lambda y: y**4))(1.5) == pytest.approx(12 * 1.5**2, rel=1e-14)
    s = 1 / (1 + np.exp(-x))
    assert E.grad(E.grad(E.sigmoid))(x) == pytest.approx(s * (1 - s) * (1 - 2 * s), rel=1e-14)


def test_hessian_of_a_quadratic_form_is_exact():
    a = np.array([[2.0, 1.0, 0.0], [1.0, 3.0, -1.0], [0.0, -1.0, 4.0]])
    b = np.array([1.0, -2.0, 0.5])
    h = E.hessian(lambda x: 0.5 * (x @ a @ x) + b @ x)(np.array([0.3, -0.7, 1.1]))
    np.testing.assert_allclose(h, a, rtol=1e-15, atol=0)


def test_grad_of_grad_with_two_arguments_gives_the_mixed_partials():
    # f(x, y) = x^2 y^3 : d/dy (df/dx) = 6 x y^2, d/dx (df/dx) = 2 y^3
    dfdx = E.grad(lambda x, y: x**2 * y**3, argnum=0)
    x, y = 0.7, -1.3
    dxx, dxy = E.grad(dfdx, argnum=(0, 1))(x, y)
    assert dxx == pytest.approx(2 * y**3, rel=1e-14)
    assert dxy == pytest.approx(6 * x * y**2, rel=1e-14)


def test_hessian_of_a_matrix_input_is_shaped_like_it_twice():
    m = np.array([[1.0, 2.0, -0.5], [3.0, -1.0, 0.25]])
    h = E.hessian(lambda a: E.sum(a**3) + a[0, 1] * a[1, 0])(m)
    want = np.zeros(m.shape + m.shape)
    for i, j in np.ndindex(m.shape):
        want[i, j, i, j] = 6.0 * m[i, j]
    want[0, 1, 1, 0] = want[1, 0, 0, 1] = 1.0
    assert h.shape == (2, 3, 2, 3)
    np.testing.assert_array_equal(h, want)


def test_hessian_of_a_plain_number_is_the_second_derivative():
    h = E.hessian(lambda x: x**3 - 2.0 * x)(2.0)
    assert h.shape == () and float(h) == 12.0
    assert float(E.hessian(E.sin)(np.float64(0.5))) == pytest.approx(-np.sin(0.5), rel=1e-15)


def test_hessian_of_a_function_that_ignores_its_input_is_zero():
    np.testing.assert_array_equal(E.hessian(lambda x: E.sum(x) * 0.0 + 3.0)(np.ones(3)), 0.0)
    np.testing.assert_array_equal(E.hessian(lambda x: 3.0)(np.ones(2)), np.zeros((2, 2)))


def test_piecewise_ops_have_zero_second_derivative_away_from_kinks():
    x = np.array([-1.3, -0.4, 0.6, 1.7])
    pieces = [E.abs, E.relu, lambda t: E.clip(t, -1.0, 1.0), lambda t: E.maximum(t, 0.0)]
    for piece in pieces:
        np.testing.assert_array_equal(E.hessian(lambda t, p=piece: E.sum(p(t)))(x), 0.0)
    h = E.hessian(lambda t: E.sum(E.where(t > 0.0, t**3, E.sin(t))))(x)
    np.testing.assert_allclose(h, np.diag(np.where(x > 0, 6 * x, -np.sin(x))), rtol=1e-14)
