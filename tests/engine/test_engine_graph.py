"""The graph itself: trace_graph's nodes, very deep chains, freeing graphs without the gc, and
the graph a backward pass leaves behind (no cotangent on any node, even when a VJP fails)."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest

import app.engine as E
from app.engine.autodiff import record
from app.engine.tensor import Primitive
from app.engine.tensor import node as make_node

# --- trace_graph on the teaching texts' two-weight chain ----------------------------------------

X, W1, W2, TARGET = 1000.0, 200.0, 1.4, 300_000.0


def two_weight_loss(x, w1, w2):
    prediction = x * w1 * w2
    return (prediction - TARGET) ** 2


def _only(graph, **fields):
    matches = [n for n in graph.nodes if all(getattr(n, k) == v for k, v in fields.items())]
    assert len(matches) == 1, (fields, graph.nodes)
    return matches[0]


def test_trace_graph_of_the_two_weight_chain():
    graph = E.trace_graph(two_weight_loss, X, W1, W2, names=["x", "W1", "W2"])
    p = X * W1 * W2
    residual = 2 * (p - TARGET)  # -40,000

    # Each node comes after its inputs; ids are positions; the output is the last node.
    for position, node in enumerate(graph.nodes):
        assert node.id == position
        assert all(i < position for i in node.inputs)
    assert graph.output == len(graph.nodes) - 1

    x, w1, w2 = _only(graph, label="x"), _only(graph, label="W1"), _only(graph, label="W2")
    assert (x.op, w1.op, w2.op) == ("input", "input", "input")
    (hidden,) = [n for n in graph.nodes if n.op == "multiply" and n.inputs == (x.id, w1.id)]
    (prediction,) = [n for n in graph.nodes if n.inputs == (hidden.id, w2.id)]
    assert prediction.op == "multiply"
    output = graph.nodes[graph.output]

    # Forward values: x*W1 = 200,000 and x*W1*W2 = 280,000; loss (280,000 - 300,000)^2.
    assert float(hidden.value) == pytest.approx(200_000.0, rel=1e-15)
    assert float(prediction.value) == pytest.approx(280_000.0, rel=1e-15)
    assert float(output.value) == pytest.approx(4e8, rel=1e-12)

    # Gradients by the chain rule, node by node from the output back.
    assert float(output.grad) == 1.0
    assert float(prediction.grad) == pytest.approx(residual, rel=1e-12)  # 2(p - t)
    assert float(hidden.grad) == pytest.approx(residual * W2, rel=1e-12)  # 2(p - t)·W2
    assert float(w2.grad) == pytest.approx(residual * X * W1, rel=1e-12)  # -8e9
    assert float(w1.grad) == pytest.approx(residual * X * W2, rel=1e-12)  # -5.6e7
    assert float(x.grad) == pytest.approx(residual * W1 * W2, rel=1e-12)
    assert float(w2.grad) == pytest.approx(-8e9, rel=1e-12)
    assert float(w1.grad) == pytest.approx(-5.6e7, rel=1e-12)

    # Between them, the residual p - t = -20,000 also carries 2(p - t).
    difference = _only(graph, op="subtract")
    assert prediction.id in difference.inputs and difference.id in output.inputs
    assert float(difference.value) == pytest.approx(-20_000.0, rel=1e-12)
    assert float(difference.grad) == pytest.approx(residual, rel=1e-12)


def test_trace_graph_constants_have_no_gradient_and_labels_show_numbers():
    graph = E.trace_graph(lambda w: E.Tensor(3.0) * w + w**2, 2.0, names=["w"])
    const = _only(graph, op="const")
    assert const.grad is None and const.label == "3"
    assert _only(graph, op="power").label == "^2"
    assert float(_only(graph, label="w").grad) == pytest.approx(3.0 + 2 * 2.0)
    for node in graph.nodes:
        assert node.value.dtype == np.float64
        assert node.op == "const" or node.grad.shape == node.value.shape


def test_trace_graph_gradients_agree_with_value_and_grad(rng):
    a, b = rng.normal(size=(3, 4)), rng.normal(size=4)

    def f(s, t):
        return E.sum(E.tanh(s @ t) * E.softmax(s, axis=0)[:, 1])

    graph = E.trace_graph(f, a, b)
    ga, gb = E.grad(f, argnum=(0, 1))(a, b)
    inputs = [n for n in graph.nodes if n.op == "input"]
    assert len(inputs) == 2
    by_shape = {n.value.shape: n.grad for n in inputs}
    np.testing.assert_allclose(by_shape[(3, 4)], ga, rtol=1e-14)
    np.testing.assert_allclose(by_shape[(4,)], gb, rtol=1e-14)


# --- very deep chains ---------------------------------------------------------------------------


def chain(x, steps):
    for _ in range(steps):
        x = x * 1.0000001 + 0.0
    return x


def test_grad_through_a_chain_of_100_000_operations():
    value, g = E.value_and_grad(lambda x: chain(x, 100_000))(1.5)
    expected = 1.0000001**100_000
    assert value == pytest.approx(1.5 * expected, rel=1e-9)
    assert g == pytest.approx(expected, rel=1e-9)
    assert E.grad(lambda x: E.sum(chain(x, 100_000)))(np.ones(3)) == pytest.approx(
        expected, rel=1e-9
    )


def test_topological_backward_through_a_chain_of_100_000_operations():
    """The tape-free path (trace_graph, hessian, batch_hessian): an iterative topological walk."""
    x = E.Tensor(np.array(2.0), needs_grad=True)
    (g,), _ = E.backward(chain(x, 100_000), [x])
    assert float(g) == pytest.approx(1.0000001**100_000, rel=1e-9)


def test_trace_graph_of_a_chain_of_10_000_operations():
    graph = E.trace_graph(lambda x: chain(x, 10_000), 1.5)
    assert len(graph.nodes) == 20_001
    assert float(graph.nodes[0].grad) == pytest.approx(1.0000001**10_000, rel=1e-12)


def test_second_order_through_a_chain_of_2_000_operations():
    c = 1.0000001**2_000

    def cubic(x):
        return E.sum(chain(x, 2_000) ** 3)

    point = np.array([0.5, -1.5])
    np.testing.assert_allclose(E.hessian(cubic)(point), np.diag(6 * c**3 * point), rtol=1e-9)
    second = E.grad(E.grad(lambda x: chain(x, 2_000) ** 3))(0.7)
    assert second == pytest.approx(6 * c**3 * 0.7, rel=1e-9)
    _, _, hessians = E.batch_hessian(lambda p: E.sum(chain(p, 2_000) ** 3, axis=1), point[None])
    np.testing.assert_allclose(hessians[0], np.diag(6 * c**3 * point), rtol=1e-9)


# --- no reference cycles: graphs die by reference counting alone -------------------------------

BIG = 200_000  # elements in the watched intermediate array


class Watch:
    """Weak references to Tensors made inside a transformed function, and to their arrays."""

    def __init__(self) -> None:
        self.tensors: list[weakref.ref] = []
        self.arrays: list[weakref.ref] = []

    def __call__(self, t):
        assert isinstance(t, E.Tensor)
        self.tensors.append(weakref.ref(t))
        if isinstance(t.value, np.ndarray):  # a 0-d result may be a NumPy scalar
            self.arrays.append(weakref.ref(t.value))
        return t

    def alive(self) -> int:
        return sum(r() is not None for r in self.tensors + self.arrays)


def _loss(watch, x):
    big = watch(E.exp(E.reshape(x, (-1,)) * 0.5))  # a big intermediate ndarray
    h = watch(E.tanh(big * E.sin(big)))
    return watch(E.sum(h * h) + E.mean(E.softmax(E.reshape(big, (-1, 4)), axis=-1)[:, 1]))


@pytest.fixture
def gc_off():
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_value_and_grad_leaves_no_cycles(gc_off):
    watch = Watch()
    result = E.value_and_grad(lambda x: _loss(watch, x))(np.linspace(-1, 1, BIG))
    assert len(watch.tensors) == 3 and len(watch.arrays) >= 2
    del result
    assert watch.alive() == 0


def test_grad_of_grad_leaves_no_cycles(gc_off):
    watch = Watch()
    v = np.linspace(0.0, 1.0, BIG)

    def along_v(x):
        inner = E.grad(lambda y: _loss(watch, y))(x)
        watch(inner)
        return E.sum(inner * v)

    result = E.value_and_grad(along_v)(np.linspace(-1, 1, BIG))
    assert len(watch.tensors) == 4 and len(watch.arrays) >= 3
    assert np.isfinite(result[1]).all()
    del result
    assert watch.alive() == 0


def test_hessian_leaves_no_cycles(gc_off):
    watch = Watch()
    result = E.hessian(lambda x: _loss(watch, x))(np.linspace(-1, 1, 8))
    del result
    assert watch.alive() == 0


def test_batch_hessian_leaves_no_cycles(gc_off):
    watch = Watch()

    def rows(p):
        big = watch(E.exp(p * 0.5))
        return watch(E.sum(E.tanh(big) * big, axis=1))

    result = E.batch_hessian(rows, np.linspace(-1, 1, BIG).reshape(-1, 4))
    assert result[2].shape == (BIG // 4, 4, 4)
    del result
    assert watch.alive() == 0


def test_batch_value_and_grad_leaves_no_cycles(gc_off):
    watch = Watch()
    result = E.batch_value_and_grad(
        lambda p: watch(E.sum(watch(E.exp(p)) ** 2, axis=1)), np.ones((BIG // 4, 4))
    )
    del result
    assert watch.alive() == 0


def test_trace_graph_leaves_no_cycles(gc_off):
    watch = Watch()
    graph = E.trace_graph(lambda x: _loss(watch, x), np.linspace(-1, 1, BIG))
    assert all(r() is None for r in watch.tensors), "the Graph must not keep the Tensors"
    del graph
    assert watch.alive() == 0


# --- a backward pass holds cotangents on the nodes only while it runs ----------------------------

POINTS = np.array([[0.3, -1.2], [0.8, 0.5], [-0.4, 1.1]])


def _rows(p):
    x, y = p[:, 0], p[:, 1]
    return (1.0 - x) ** 2 + 100.0 * (y - x**2) ** 2 + E.sum(E.exp(p) * p[:, :1], axis=1)


def _traced(f):
    """The input, f's output at POINTS and every node f made."""
    variable = E.Tensor(POINTS, needs_grad=True)
    out, tape = record(f, variable)
    return variable, out, tape


def _bare(values):
    return [np.array(v.value if isinstance(v, E.Tensor) else v) for v in values]


@pytest.mark.parametrize(
    "options",
    [{}, {"keep_cotangents": False}, {"create_graph": True}, {"walk": True}],
    ids=["keep", "drop", "recorded", "walk"],
)
def test_a_backward_pass_leaves_no_cotangent_and_can_run_again(options):
    variable, out, tape = _traced(_rows)
    walk = options.pop("walk", False)
    given = {} if walk else {"tape": tape}
    first, cotangents = E.backward(out, [variable], **given, **options)
    assert len(cotangents) >= (1 if options.get("keep_cotangents") is False else len(tape))
    assert all(n.cotangent is None for n in [variable, out, *tape])
    again, _ = E.backward(out, [variable], **given, **options)  # nothing left over to add to
    np.testing.assert_array_equal(_bare(again), _bare(first))
    np.testing.assert_array_equal(_bare(first)[0], E.batch_value_and_grad(_rows, POINTS)[1])


def test_a_failing_vjp_leaves_no_cotangent_behind():
    def fails(g, ans, args, ctx):
        raise FloatingPointError("this VJP fails")

    failing = Primitive("fails", (fails,))

    def f(p):
        e = E.exp(p)
        return E.sum(make_node(e.value, failing, (e,)) * p, axis=1)  # p has a cotangent first

    variable, out, tape = _traced(f)
    with pytest.raises(FloatingPointError):
        E.backward(out, [variable], tape=tape)
    assert all(n.cotangent is None for n in [variable, out, *tape])
