"""First derivatives of every engine op against central finite differences of NumPy references.

Each case checks the forward value against NumPy, then the gradient of sum(op(...) * W) along
random directions (gradcheck.check_grads). Values stay away from kinks, ties and domain edges.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from gradcheck import check_grads

import app.engine as E

SHAPES = [(), (4,), (3, 4), (1, 4), (3, 1)]
SHAPE_IDS = ["scalar", "4", "3x4", "1x4", "3x1"]


def draw(rng: np.random.Generator, shape: tuple[int, ...], domain: str) -> np.ndarray:
    """Random values of shape in a domain where the op is smooth and well conditioned."""
    if domain == "any":
        return rng.uniform(-1.5, 1.5, shape)
    if domain == "wide":
        return rng.uniform(-6.0, 6.0, shape)
    if domain == "pos":
        return rng.uniform(0.5, 2.0, shape)
    if domain == "tan":
        return rng.uniform(-1.2, 1.2, shape)
    sign = rng.choice([-1.0, 1.0], size=shape)
    if domain == "away":  # at least 0.2 from the kink at 0
        return sign * rng.uniform(0.2, 1.5, shape)
    if domain == "clip":  # at least 0.1 from the bounds -0.5 and 0.5
        inside = rng.random(shape) < 0.5
        return sign * np.where(inside, rng.uniform(0.0, 0.4, shape), rng.uniform(0.6, 1.5, shape))
    raise AssertionError(domain)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


# --- unary ops on every shape -------------------------------------------------------------------

UNARY = {
    "exp": (E.exp, np.exp, "any"),
    "log": (E.log, np.log, "pos"),
    "log1p": (E.log1p, np.log1p, "pos"),
    "sqrt": (E.sqrt, np.sqrt, "pos"),
    "sin": (E.sin, np.sin, "any"),
    "cos": (E.cos, np.cos, "any"),
    "tan": (E.tan, np.tan, "tan"),
    "tanh": (E.tanh, np.tanh, "any"),
    "sinh": (E.sinh, np.sinh, "any"),
    "cosh": (E.cosh, np.cosh, "any"),
    "abs": (E.abs, np.abs, "away"),
    "abs-builtin": (abs, np.abs, "away"),
    "sign": (E.sign, np.sign, "away"),
    "sigmoid": (E.sigmoid, _sigmoid, "wide"),
    "softplus": (E.softplus, lambda x: np.log1p(np.exp(x)), "wide"),
    "relu": (E.relu, lambda x: np.maximum(x, 0.0), "away"),
    "negative": (E.negative, np.negative, "any"),
    "neg-operator": (lambda x: -x, np.negative, "any"),
    "pos-operator": (lambda x: +x, np.positive, "any"),
    "clip": (lambda x: E.clip(x, -0.5, 0.5), lambda x: np.clip(x, -0.5, 0.5), "clip"),
    "pow-2": (lambda x: x**2, lambda x: x**2, "any"),
    "pow-int-3": (lambda x: x**3, lambda x: x**3, "any"),
    "pow-1": (lambda x: x**1.0, lambda x: x**1.0, "any"),
    "pow-0": (lambda x: x**0.0, lambda x: x**0.0, "any"),
    "pow-half": (lambda x: x**0.5, np.sqrt, "pos"),
    "pow-neg": (lambda x: x**-1.5, lambda x: x**-1.5, "pos"),
    "power-fn": (lambda x: E.power(x, 2.5), lambda x: np.power(x, 2.5), "pos"),
    # Numbers on either side stay out of the graph; on the left they use the reflected operators.
    "add-number": (lambda x: x + 0.25, lambda x: x + 0.25, "any"),
    "sub-number": (lambda x: x - 1.5, lambda x: x - 1.5, "any"),
    "mul-number": (lambda x: x * -3.0, lambda x: x * -3.0, "any"),
    "div-number": (lambda x: x / 4.0, lambda x: x / 4.0, "any"),
    "radd": (lambda x: 1 + x, lambda x: 1 + x, "any"),
    "rsub": (lambda x: 2.0 - x, lambda x: 2.0 - x, "any"),
    "rmul": (lambda x: 3 * x, lambda x: 3 * x, "any"),
    "rmul-np-float": (lambda x: np.float64(2.5) * x, lambda x: np.float64(2.5) * x, "any"),
    "rtruediv": (lambda x: 2.0 / x, lambda x: 2.0 / x, "away"),
    "rpow": (lambda x: 2.0**x, lambda x: 2.0**x, "any"),
}


@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
@pytest.mark.parametrize("name", list(UNARY))
def test_unary(name, shape, rng):
    fn, ref, domain = UNARY[name]
    check_grads(fn, ref, [draw(rng, shape, domain)], rng)


def test_unary_ops_on_plain_arrays_return_arrays():
    x = np.linspace(0.5, 1.5, 4)
    for name, (fn, ref, _) in UNARY.items():
        out = fn(x)
        assert not isinstance(out, E.Tensor), name
        np.testing.assert_allclose(out, ref(x), rtol=1e-14, err_msg=name)


def test_sigmoid_and_softplus_are_stable_in_the_tails():
    x = np.array([-800.0, -40.0, 0.0, 40.0, 800.0])
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        s, ds = E.value_and_grad(lambda t: E.sum(E.sigmoid(t)))(x)
        p, dp = E.value_and_grad(lambda t: E.sum(E.softplus(t)))(x)
    assert np.isfinite(s) and np.isfinite(ds).all() and np.isfinite(p) and np.isfinite(dp).all()
    np.testing.assert_allclose(E.sigmoid(x), [0.0, np.exp(-40.0), 0.5, 1.0, 1.0], rtol=1e-15)
    np.testing.assert_allclose(E.softplus(x), [0.0, np.exp(-40.0), np.log(2.0), 40.0, 800.0])
    np.testing.assert_allclose(dp, E.sigmoid(x), rtol=1e-15)


# --- binary ops on every pair of broadcastable shapes ------------------------------------------


def _gap_pair(rng, shape_a, shape_b):
    """Operands for maximum/minimum at least 0.05 apart wherever they meet after broadcasting."""
    while True:
        a, b = draw(rng, shape_a, "any"), draw(rng, shape_b, "any")
        if np.min(np.abs(np.subtract(a, b))) > 0.05:
            return a, b


BINARY = {
    "add": (lambda a, b: a + b, np.add, "any", "any"),
    "subtract": (lambda a, b: a - b, np.subtract, "any", "any"),
    "multiply": (lambda a, b: a * b, np.multiply, "any", "any"),
    "divide": (lambda a, b: a / b, np.divide, "any", "away"),
    "power": (lambda a, b: a**b, np.power, "pos", "any"),
    "maximum": (E.maximum, np.maximum, "gap", "gap"),
    "minimum": (E.minimum, np.minimum, "gap", "gap"),
}
FUNCTION_FORMS = {
    "add": E.add,
    "subtract": E.subtract,
    "multiply": E.multiply,
    "divide": E.divide,
    "power": E.power,
    "maximum": E.maximum,
    "minimum": E.minimum,
}
PAIRS = list(itertools.product(range(len(SHAPES)), repeat=2))
PAIR_IDS = [f"{SHAPE_IDS[i]}-{SHAPE_IDS[j]}" for i, j in PAIRS]


def _operands(rng, name, shape_a, shape_b):
    _, _, dom_a, dom_b = BINARY[name]
    if dom_a == "gap":
        return _gap_pair(rng, shape_a, shape_b)
    return draw(rng, shape_a, dom_a), draw(rng, shape_b, dom_b)


@pytest.mark.parametrize("pair", PAIRS, ids=PAIR_IDS)
@pytest.mark.parametrize("name", list(BINARY))
def test_binary_broadcasting(name, pair, rng):
    shape_a, shape_b = SHAPES[pair[0]], SHAPES[pair[1]]
    fn, ref, _, _ = BINARY[name]
    check_grads(fn, ref, _operands(rng, name, shape_a, shape_b), rng)


@pytest.mark.parametrize("pair", PAIRS, ids=PAIR_IDS)
def test_where_broadcasting(pair, rng):
    shape_a, shape_b = SHAPES[pair[0]], SHAPES[pair[1]]
    condition = rng.random(np.broadcast_shapes(shape_a, shape_b)) < 0.5
    check_grads(
        lambda a, b: E.where(condition, a, b),
        lambda a, b: np.where(condition, a, b),
        [draw(rng, shape_a, "any"), draw(rng, shape_b, "any")],
        rng,
    )


@pytest.mark.parametrize("cond_shape", [(4,), (3, 1), ()], ids=["4", "3x1", "scalar"])
def test_where_condition_broadcasts_too(cond_shape, rng):
    condition = rng.random(cond_shape) < 0.5
    check_grads(
        lambda a, b: E.where(condition, a, b),
        lambda a, b: np.where(condition, a, b),
        [draw(rng, (3, 4), "any"), draw(rng, (), "any")],
        rng,
    )


def test_where_accepts_a_tensor_condition_and_constant_branch(rng):
    x = draw(rng, (3, 4), "away")
    check_grads(
        lambda t: E.where(t > 0.0, t * t, 0.5),
        lambda t: np.where(t > 0.0, t * t, 0.5),
        [x],
        rng,
    )


@pytest.mark.parametrize("side", ["constant-left", "constant-right"])
@pytest.mark.parametrize(
    "shapes",
    [((3, 1), (4,)), ((), (3, 4)), ((3, 4), ())],
    ids=["3x1-4", "scalar-3x4", "3x4-scalar"],
)
@pytest.mark.parametrize("name", list(BINARY))
def test_binary_with_ndarray_operand(name, shapes, side, rng):
    """ndarray op Tensor (reflected operators) and Tensor op ndarray: one side is a constant."""
    fn, ref, _, _ = BINARY[name]
    argnums = (1,) if side == "constant-left" else (0,)
    check_grads(fn, ref, _operands(rng, name, *shapes), rng, argnums=argnums)


@pytest.mark.parametrize("name", list(FUNCTION_FORMS))
def test_binary_function_forms(name, rng):
    _, ref, _, _ = BINARY[name]
    check_grads(FUNCTION_FORMS[name], ref, _operands(rng, name, (3, 1), (1, 4)), rng)


def test_operators_are_the_engine_ops():
    x = E.Tensor(np.arange(1.0, 4.0))
    assert (x + x).op == "add" and (x - x).op == "subtract" and (x * x).op == "multiply"
    assert (x / x).op == "divide" and (x**x).op == "power" and (x @ x).op == "matmul"
    assert (-x).op == "negative" and abs(x).op == "abs" and x[0].op == "getitem"


def test_maximum_and_minimum_split_ties_evenly():
    a, b = np.array([1.0, 2.0, 3.0]), np.array([1.0, 5.0, 0.0])
    ga, gb = E.grad(lambda s, t: E.sum(E.maximum(s, t)), argnum=(0, 1))(a, b)
    np.testing.assert_array_equal(ga, [0.5, 0.0, 1.0])
    np.testing.assert_array_equal(gb, [0.5, 1.0, 0.0])
    ga, gb = E.grad(lambda s, t: E.sum(E.minimum(s, t)), argnum=(0, 1))(a, b)
    np.testing.assert_array_equal(ga, [0.5, 1.0, 0.0])
    np.testing.assert_array_equal(gb, [0.5, 0.0, 1.0])


def test_clip_passes_the_gradient_inside_only():
    x = np.array([-2.0, -0.3, 0.2, 0.9])
    g = E.grad(lambda t: E.sum(E.clip(t, -0.5, 0.5) * np.array([1.0, 2.0, 3.0, 4.0])))(x)
    np.testing.assert_array_equal(g, [0.0, 2.0, 3.0, 0.0])


# --- reductions ---------------------------------------------------------------------------------


def _lse(x, axis=None, keepdims=False):
    return np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims))


REDUCTIONS = {
    "sum": (E.sum, np.sum),
    "mean": (E.mean, np.mean),
    "max": (E.max, np.max),
    "logsumexp": (E.logsumexp, _lse),
}
AXES = {
    (): [None],
    (4,): [None, 0, -1, (0,)],
    (3, 4): [None, 0, 1, -1, (0, 1), (-1, 0)],
    (1, 4): [None, 0, -1, (0, 1)],
    (3, 1): [None, 0, -1, (0, 1)],
    (2, 3, 4): [None, 1, -1, (0, 2), (0, 1, 2)],
}
REDUCTION_CASES = [(shape, axis) for shape, axes in AXES.items() for axis in axes]


def _distinct(rng, shape):
    """Values at least 0.2 apart, so max has no ties and finite differences never swap winners."""
    size = int(np.prod(shape))
    return ((rng.permutation(size) - size / 2) * 0.25 + rng.uniform(0.0, 0.05, size)).reshape(shape)


@pytest.mark.parametrize("keepdims", [False, True], ids=["drop", "keepdims"])
@pytest.mark.parametrize("case", REDUCTION_CASES, ids=[f"{s}-axis{a}" for s, a in REDUCTION_CASES])
@pytest.mark.parametrize("name", list(REDUCTIONS))
def test_reduction(name, case, keepdims, rng):
    shape, axis = case
    fn, ref = REDUCTIONS[name]
    check_grads(
        lambda x: fn(x, axis=axis, keepdims=keepdims),
        lambda x: ref(x, axis=axis, keepdims=keepdims),
        [_distinct(rng, shape)],
        rng,
    )


@pytest.mark.parametrize("name", ["sum", "mean", "max"])
def test_reduction_methods(name, rng):
    _, ref = REDUCTIONS[name]
    x = _distinct(rng, (3, 4))
    check_grads(lambda t: getattr(t, name)(), ref, [x], rng)
    check_grads(
        lambda t: getattr(t, name)(axis=0, keepdims=True),
        lambda t: ref(t, axis=0, keepdims=True),
        [x],
        rng,
    )


def test_max_splits_ties_evenly():
    g = E.grad(lambda t: E.max(t))(np.array([1.0, 3.0, 3.0, -2.0]))
    np.testing.assert_array_equal(g, [0.0, 0.5, 0.5, 0.0])
    g = E.grad(lambda t: E.sum(E.max(t, axis=1)))(np.array([[2.0, 2.0, 2.0], [0.0, 1.0, 0.0]]))
    np.testing.assert_allclose(g, [[1 / 3, 1 / 3, 1 / 3], [0.0, 1.0, 0.0]], rtol=1e-15)


def _softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


SOFTMAX_CASES = [
    ((4,), -1),
    ((4,), 0),
    ((3, 4), -1),
    ((3, 4), 0),
    ((1, 4), -1),
    ((1, 4), 0),
    ((3, 1), -1),
    ((3, 1), 0),
    ((2, 3, 4), 1),
    ((2, 3, 4), -1),
]


@pytest.mark.parametrize("case", SOFTMAX_CASES, ids=[f"{s}-axis{a}" for s, a in SOFTMAX_CASES])
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_family(name, case, rng):
    shape, axis = case
    fn = getattr(E, name)
    ref = (lambda x, ax: np.log(_softmax(x, ax))) if name == "log_softmax" else _softmax
    check_grads(lambda x: fn(x, axis=axis), lambda x: ref(x, axis), [draw(rng, shape, "wide")], rng)


def test_logsumexp_and_softmax_survive_huge_inputs():
    x = np.array([1000.0, 1000.0, -1000.0])
    value, g = E.value_and_grad(E.logsumexp)(x)
    assert value == pytest.approx(1000.0 + np.log(2.0), rel=1e-15)
    np.testing.assert_allclose(g, [0.5, 0.5, 0.0], atol=1e-300)
    np.testing.assert_allclose(E.softmax(E.Tensor(x)).value, [0.5, 0.5, 0.0], atol=1e-300)
    np.testing.assert_allclose(
        E.log_softmax(E.Tensor(x)).value, [-np.log(2.0), -np.log(2.0), -2000.0 - np.log(2.0)]
    )


# --- shape ops ----------------------------------------------------------------------------------

# (id, builder, input shapes): builder(ns) is the op written against ns, which is the engine for
# the checked function and NumPy for its reference (both spell these ops alike).
SHAPE_OPS = [
    ("reshape-flat", lambda ns: lambda x: ns.reshape(x, (12,)), [(3, 4)]),
    ("reshape-4x3", lambda ns: lambda x: ns.reshape(x, (4, 3)), [(3, 4)]),
    ("reshape-infer", lambda ns: lambda x: ns.reshape(x, (2, -1)), [(3, 4)]),
    ("reshape-1d", lambda ns: lambda x: ns.reshape(x, (2, 2)), [(4,)]),
    ("reshape-scalar", lambda ns: lambda x: ns.reshape(x, (1, 1)), [()]),
    ("reshape-squeeze", lambda ns: lambda x: ns.reshape(x, (3,)), [(3, 1)]),
    ("reshape-3d", lambda ns: lambda x: ns.reshape(x, (4, 6)), [(2, 3, 4)]),
    ("reshape-method", lambda ns: lambda x: x.reshape(2, 6), [(3, 4)]),
    ("reshape-method-tuple", lambda ns: lambda x: x.reshape((6, 2)), [(1, 4, 3)]),
    ("transpose", lambda ns: ns.transpose, [(3, 4)]),
    ("transpose-axes", lambda ns: lambda x: ns.transpose(x, (1, 0)), [(3, 4)]),
    ("transpose-3d", lambda ns: ns.transpose, [(2, 3, 4)]),
    ("transpose-3d-axes", lambda ns: lambda x: ns.transpose(x, (1, 2, 0)), [(2, 3, 4)]),
    ("transpose-3d-negative-axes", lambda ns: lambda x: ns.transpose(x, (-1, 0, 1)), [(2, 3, 4)]),
    ("transpose-1d", lambda ns: ns.transpose, [(4,)]),
    ("T", lambda ns: lambda x: x.T, [(3, 4)]),
    ("T-1x4", lambda ns: lambda x: x.T, [(1, 4)]),
    ("expand_dims", lambda ns: lambda x: ns.expand_dims(x, 1), [(3, 4)]),
    ("broadcast_to", lambda ns: lambda x: ns.broadcast_to(x, (2, 3, 4)), [(3, 1)]),
    ("concat-0", lambda ns: lambda a, b: ns.concatenate([a, b]), [(3, 4), (2, 4)]),
    (
        "concat-1",
        lambda ns: lambda a, b, c: ns.concatenate([a, b, c], axis=1),
        [(3, 4), (3, 1), (3, 2)],
    ),
    ("concat-neg", lambda ns: lambda a, b: ns.concatenate([a, b], axis=-1), [(3, 4), (3, 1)]),
    ("concat-1d", lambda ns: lambda a, b, c: ns.concatenate([a, b, c]), [(4,), (2,), (1,)]),
    ("concat-one", lambda ns: lambda a: ns.concatenate([a], axis=1), [(3, 4)]),
    (
        "concat-const",
        lambda ns: lambda a, b: ns.concatenate([a, np.full((1, 4), 7.0), b]),
        [(3, 4), (1, 4)],
    ),
    ("stack-0", lambda ns: lambda a, b, c: ns.stack([a, b, c]), [(3, 4)] * 3),
    ("stack-1", lambda ns: lambda a, b, c: ns.stack([a, b, c], axis=1), [(3, 4)] * 3),
    ("stack-2", lambda ns: lambda a, b: ns.stack([a, b], axis=2), [(3, 4)] * 2),
    ("stack-neg", lambda ns: lambda a, b: ns.stack([a, b], axis=-1), [(3, 4)] * 2),
    ("stack-1d", lambda ns: lambda a, b: ns.stack([a, b], axis=1), [(4,), (4,)]),
    ("stack-scalars", lambda ns: lambda a, b, c: ns.stack([a, b, c]), [(), (), ()]),
    (
        "stack-const",
        lambda ns: lambda a, b: ns.stack([np.ones(4), a, b], axis=-1),
        [(4,), (4,)],
    ),
]


@pytest.mark.parametrize("spec", SHAPE_OPS, ids=[s[0] for s in SHAPE_OPS])
def test_shape_ops(spec, rng):
    _, build, shapes = spec
    check_grads(build(E), build(np), [draw(rng, s, "any") for s in shapes], rng)


# Indices for a (3, 4) input unless the case says otherwise.
MASK_3x4 = np.array(
    [[True, False, True, True], [False, False, True, False], [True, True, False, True]]
)
INDEXING = [
    ("row", 1, (3, 4)),
    ("tail", slice(1, None), (3, 4)),
    ("reversed", slice(None, None, -1), (3, 4)),
    ("columns", (slice(None), slice(1, 3)), (3, 4)),
    ("ellipsis", (Ellipsis, 0), (3, 4)),
    ("newaxis", (None, slice(None), 1), (3, 4)),
    ("strided", (-1, slice(None, None, 2)), (3, 4)),
    ("element", (1, 2), (3, 4)),
    ("np-int", (np.int64(2), slice(None)), (3, 4)),
    ("1d-int", 2, (4,)),
    ("1d-slice", slice(1, 3), (4,)),
    ("1x4-row", 0, (1, 4)),
    ("3x1-column", (slice(None), 0), (3, 1)),
    ("repeated-rows", [0, 0, 2], (3, 4)),
    ("repeated-array", np.array([1, 1, 1, 0]), (3, 4)),
    ("repeated-negative", [-1, 2, 0], (3, 4)),
    ("repeated-pairs", ([0, 0, 2, 0], [1, 1, 3, 1]), (3, 4)),
    ("repeated-columns", (slice(None), [3, 3, 0]), (3, 4)),
    ("repeated-2d-index", np.array([[0, 0], [2, 0]]), (3, 4)),
    ("repeated-mixed", (np.array([2, 2]), slice(1, 3)), (3, 4)),
    ("1d-repeated", [3, 3, 3, 1], (4,)),
    ("mask", MASK_3x4, (3, 4)),
    ("mask-rows", np.array([True, False, True]), (3, 4)),
    ("mask-columns", (slice(None), np.array([False, True, True, False])), (3, 4)),
    ("1d-mask", np.array([True, False, False, True]), (4,)),
]


@pytest.mark.parametrize("case", INDEXING, ids=[c[0] for c in INDEXING])
def test_indexing(case, rng):
    _, index, shape = case
    check_grads(lambda x: x[index], lambda x: x[index], [draw(rng, shape, "any")], rng)
    check_grads(lambda x: E.getitem(x, index), lambda x: x[index], [draw(rng, shape, "any")], rng)


def test_indexing_with_a_mask_computed_from_the_tensor(rng):
    x = draw(rng, (3, 4), "away")
    check_grads(lambda t: t[t > 0.0], lambda t: t[t > 0.0], [x], rng)


# --- matmul -------------------------------------------------------------------------------------

MATMUL = [
    ("2d@2d", (3, 4), (4, 2)),
    ("1d@2d", (4,), (4, 2)),
    ("2d@1d", (3, 4), (4,)),
    ("1d@1d", (4,), (4,)),
    ("3d@2d", (2, 3, 4), (4, 5)),
    ("3d@1d", (2, 3, 4), (4,)),
    ("1d@3d", (4,), (2, 4, 5)),
    ("2d@3d", (3, 4), (2, 4, 5)),
    ("3d@3d-broadcast", (2, 3, 4), (1, 4, 5)),
    ("3d@3d-broadcast-left", (1, 3, 4), (2, 4, 2)),
    ("4d@3d-broadcast", (2, 1, 3, 4), (3, 4, 2)),
]


@pytest.mark.parametrize("form", ["operator", "function"])
@pytest.mark.parametrize("case", MATMUL, ids=[c[0] for c in MATMUL])
def test_matmul(case, form, rng):
    _, shape_a, shape_b = case
    fn = (lambda a, b: a @ b) if form == "operator" else E.matmul
    check_grads(fn, np.matmul, [draw(rng, shape_a, "any"), draw(rng, shape_b, "any")], rng)


@pytest.mark.parametrize("argnums", [(0,), (1,)], ids=["tensor@array", "array@tensor"])
@pytest.mark.parametrize("case", MATMUL[:5], ids=[c[0] for c in MATMUL[:5]])
def test_matmul_with_ndarray_operand(case, argnums, rng):
    _, shape_a, shape_b = case
    args = [draw(rng, shape_a, "any"), draw(rng, shape_b, "any")]
    check_grads(lambda a, b: a @ b, np.matmul, args, rng, argnums=argnums)


# --- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "call", "shapes"),
    [
        ("add", lambda: E.Tensor(np.ones(3)) + E.Tensor(np.ones(4)), ["(3,)", "(4,)"]),
        ("add", lambda: np.ones(3) + E.Tensor(np.ones(4)), ["(3,)", "(4,)"]),
        ("multiply", lambda: E.multiply(E.Tensor(np.ones((2, 3))), np.ones(4)), ["(2, 3)", "(4,)"]),
        ("maximum", lambda: E.maximum(E.Tensor(np.ones(3)), np.ones(2)), ["(3,)", "(2,)"]),
        (
            "matmul",
            lambda: E.Tensor(np.ones((3, 4))) @ E.Tensor(np.ones((5, 2))),
            ["(3, 4)", "(5, 2)"],
        ),
        ("matmul", lambda: E.matmul(np.ones((3, 4)), E.Tensor(np.ones(5))), ["(3, 4)", "(5,)"]),
        ("reshape", lambda: E.reshape(E.Tensor(np.ones((3, 4))), (5,)), ["(3, 4)", "(5,)"]),
        (
            "concatenate",
            lambda: E.concatenate([E.Tensor(np.ones((3, 4))), np.ones((3, 5))]),
            ["(3, 4)", "(3, 5)"],
        ),
        ("stack", lambda: E.stack([E.Tensor(np.ones(3)), E.Tensor(np.ones(4))]), ["(3,)", "(4,)"]),
        (
            "where",
            lambda: E.where(np.ones(3, dtype=bool), E.Tensor(np.ones(4)), 0.0),
            ["(3,)", "(4,)"],
        ),
    ],
)
def test_shape_errors_name_the_op_and_shapes(op, call, shapes):
    with pytest.raises(E.ShapeError) as info:
        call()
    message = str(info.value)
    assert op in message, message
    for shape in shapes:
        assert shape in message, message
    assert isinstance(info.value, ValueError)


def test_log_and_sqrt_of_negative_numbers_follow_numpy():
    x = E.Tensor(np.array([-1.0, 0.0, 4.0]))
    with np.errstate(divide="ignore", invalid="ignore"):
        logs, roots = E.log(x).value, E.sqrt(x).value
        log1ps = E.log1p(E.Tensor(np.array([-2.0, -1.0]))).value
        value = E.value_and_grad(lambda t: E.sum(E.log(t)))(np.array([-1.0, 2.0]))[0]
    assert np.isnan(logs[0]) and logs[1] == -np.inf and logs[2] == np.log(4.0)
    assert np.isnan(roots[0]) and roots[1] == 0.0 and roots[2] == 2.0
    assert np.isnan(log1ps[0]) and log1ps[1] == -np.inf
    assert np.isnan(value)


@pytest.mark.parametrize(
    "transform",
    [
        lambda f: E.grad(f),
        lambda f: E.value_and_grad(f),
        lambda f: E.hessian(f),
        lambda f: lambda x: E.trace_graph(f, x),
    ],
    ids=["grad", "value_and_grad", "hessian", "trace_graph"],
)
def test_non_scalar_function_is_a_value_error(transform):
    with pytest.raises(ValueError, match="scalar"):
        transform(lambda x: x * 2.0)(np.ones(3))


def test_a_gradient_equal_to_the_seed_is_a_fresh_writable_array() -> None:
    # f(x) = sum(x) hands the seed of ones straight back; it must not be shared between calls.
    first = E.grad(lambda x: E.sum(x))(np.zeros(3))
    first += 5.0
    np.testing.assert_array_equal(E.grad(lambda x: E.sum(x))(np.zeros(3)), np.ones(3))
    _, grads = E.batch_value_and_grad(lambda p: E.reshape(p, (-1,)), np.zeros((2, 1)))
    grads[0, 0] = 7.0
    again = E.batch_value_and_grad(lambda p: E.reshape(p, (-1,)), np.zeros((2, 1)))[1]
    np.testing.assert_array_equal(again, np.ones((2, 1)))


@pytest.mark.parametrize("with_a_slice", [False, True])
def test_columns_picked_in_any_order_and_repeated_add_up(with_a_slice) -> None:
    def f(p):
        out = p[:, 1] * 2.0 + p[:, 0] * p[:, 1] - p[:, -1]
        return out + p[:, 0:1].sum(axis=1) if with_a_slice else out

    points = np.array([[1.0, 2.0], [3.0, -4.0]])
    _, grads = E.batch_value_and_grad(f, points)
    want = np.stack([points[:, 1] + with_a_slice, 2.0 + points[:, 0] - 1.0], axis=1)
    np.testing.assert_array_equal(grads, want)
