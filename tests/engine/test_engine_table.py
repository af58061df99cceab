"""Every record of the engine's table against what it declares.

For each primitive, examples build nodes of it, and each node is checked:
- the replay recomputes the node's value bit for bit, also into a given array when `into` says so;
- each VJP agrees with central differences of the replay, is linear in g, and gives the same bits
  on a recorded pass (Tensors) as on a first-order one (arrays), which the compiled replay needs;
- a declared `unit` leaves the other operand unchanged, bit for bit, signs of zero included;
- the compiled replay of the example, traced on one batch and run on another, gives the eager
  engine's numbers exactly, and refuses exactly the graphs holding a record without a replay.
A record without an example fails the coverage test, so a new op comes with its check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import app.engine as E
from app.engine.backward import contribution
from app.engine.compiled import compiled_batch_value_and_grad
from app.engine.elementwise import larger_share, positive_mask, positive_or_one
from app.engine.shape import scatter
from app.engine.tensor import TABLE, Primitive, Tensor, define, node, recording, value_of

N = 4
W = np.array([[0.3, -1.2], [0.8, 0.5], [-0.4, 1.1]])

# (record name, form, domain of the points, example of the points (N, 3))
EXAMPLES: list[tuple[str, str, str, Callable[[Any], Any]]] = [
    ("positive_mask", "", "signed", lambda p: positive_mask(p[:, 0]) * p[:, 1]),
    ("larger_share", "", "signed", lambda p: larger_share(p[:, 0], p[:, 1]) * p[:, 2]),
    ("add", "", "any", lambda p: p[:, 0] + p[:, 1]),
    ("add", "x op c", "any", lambda p: p + 2.5),
    ("add", "c op x", "any", lambda p: 2.5 + p[:, 0]),
    ("subtract", "", "any", lambda p: p[:, :1] - p),
    ("subtract", "x op c", "any", lambda p: p[:, 0] - 2.5),
    ("subtract", "c op x", "any", lambda p: 2.5 - p),
    ("multiply", "", "any", lambda p: p * p[:, 1:2]),
    ("multiply", "x op c", "any", lambda p: p[:, 0] * 2.5),
    ("multiply", "c op x", "any", lambda p: 2.5 * p),
    ("divide", "", "positive", lambda p: p[:, :1] / p),
    ("divide", "x op c", "any", lambda p: p / 2.5),
    ("divide", "c op x", "positive", lambda p: 2.5 / p[:, 2]),
    ("negative", "", "any", lambda p: -p),
    ("positive_or_one", "", "signed", lambda p: positive_or_one(p[:, 0]) * p[:, 1]),
    ("power", "", "positive", lambda p: p[:, 0] ** p[:, 1]),
    ("power", "", "positive", lambda p: E.power(E.reshape(p[:, 1], (N, 1)), p)),
    ("power", "x op c", "any", lambda p: p**2),
    ("power", "x op c", "positive", lambda p: p[:, 1] ** 3.5),
    ("exp", "", "any", E.exp),
    ("log", "", "positive", E.log),
    ("log1p", "", "positive", E.log1p),
    ("sqrt", "", "positive", E.sqrt),
    ("sin", "", "any", E.sin),
    ("cos", "", "any", E.cos),
    ("tan", "", "any", E.tan),
    ("tanh", "", "any", E.tanh),
    ("sinh", "", "any", E.sinh),
    ("cosh", "", "any", E.cosh),
    ("sign", "", "signed", lambda p: E.sign(p) * p),
    ("abs", "", "signed", E.abs),
    ("sigmoid", "", "any", E.sigmoid),
    ("softplus", "", "any", E.softplus),
    ("relu", "", "signed", E.relu),
    ("maximum", "", "signed", lambda p: E.maximum(p[:, 0], p[:, 1])),
    ("minimum", "", "signed", lambda p: E.minimum(p, p[:, 2:3])),
    ("where", "", "any", lambda p: E.where(p[:, 0] > 1.0, p[:, 1], p[:, 2])),
    ("clip", "", "any", lambda p: E.clip(p, 0.8, 1.2)),
    ("reshape", "", "any", lambda p: E.reshape(p, (2, 6)) * 1.5),
    ("transpose", "", "any", lambda p: E.transpose(p) * 1.5),
    ("getitem", "", "any", lambda p: p[:, 1] * p[:, 0]),
    ("getitem", "", "any", lambda p: p[[0, 0, 2]] * 1.5),
    ("scatter", "", "any", lambda p: scatter(p[:, 0] * 1.5, (slice(None), 1), (N, 3), True)),
    ("scatter", "", "any", lambda p: scatter(p * 1.5, ([0, 0, 1, 2],), (3, 3), False)),
    ("concatenate", "", "any", lambda p: E.concatenate([p, p[:, :1] * 2.0], axis=1)),
    ("stack", "", "any", lambda p: E.stack([p[:, 0], p[:, 2]], axis=1)),
    ("matmul", "", "any", lambda p: p @ W),
    ("matmul", "", "any", lambda p: p @ W[:, 0]),
    ("broadcast_to", "", "any", lambda p: E.broadcast_to(E.reshape(p[:, 0], (N, 1)), (N, 3))),
    ("sum", "", "any", lambda p: E.sum(p * p, axis=1)),
    ("sum", "", "any", lambda p: E.sum(p, axis=0, keepdims=True) * 1.5),
    ("max", "", "any", lambda p: E.max(p, axis=1)),
    ("logsumexp", "", "any", lambda p: E.logsumexp(p, axis=1)),
]
IDS = [f"{name}({form or 'tensors'})-{i}" for i, (name, form, _, _) in enumerate(EXAMPLES)]


def draw(rng: np.random.Generator, domain: str, shape: tuple[int, ...] = (N, 3)) -> np.ndarray:
    """Points where every example is smooth: away from kinks, ties and domain edges."""
    if domain == "positive":
        return rng.uniform(0.5, 1.5, shape)
    if domain == "signed":
        return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.3, 1.5, shape)
    return rng.uniform(-1.2, 1.2, shape)


def nodes_of(example: Callable[[Any], Any], points: np.ndarray) -> list[Tensor]:
    """Every node the example records, in creation order."""
    tape: list[Tensor] = []
    recording.tape = tape
    try:
        example(Tensor(points, needs_grad=True))
    finally:
        recording.tape = None
    return tape


def test_every_record_has_an_example() -> None:
    covered = {(name, form) for name, form, _, _ in EXAMPLES}
    missing = [(r.name, r.form) for r in TABLE if (r.name, r.form) not in covered]
    assert not missing, f"records without an example in EXAMPLES: {missing}"


@pytest.mark.parametrize("case", EXAMPLES, ids=IDS)
def test_each_node_keeps_its_record_s_declarations(case, rng) -> None:
    name, form, domain, example = case
    tape = nodes_of(example, draw(rng, domain))
    mine = [n for n in tape if (n.prim.name, n.prim.form) == (name, form)]
    assert mine, f"the example made no {name} ({form}) node"
    for n in mine:
        check_replay(n)
        check_vjps(n, rng)
    check_unit(mine[0].prim, rng)


@pytest.mark.parametrize("case", EXAMPLES, ids=IDS)
def test_compiled_replay_matches_eager_on_new_data(case, rng) -> None:
    name, _, domain, example = case
    replays = check_compiled(example, draw(rng, domain), draw(rng, domain))
    replayable = all(n.prim.replay is not None for n in nodes_of(example, draw(rng, domain)))
    steered = name == "where"  # its condition is a comparison of the points
    assert replays == (replayable and not steered)


# --- the checks, shared with the test that they catch false declarations -------------------------


def check_replay(n: Tensor) -> None:
    """The replay recomputes the node's value; into an array too, when the record says so."""
    if n.prim.replay is None:
        return
    forward = n.prim.replay(n.ctx)
    np.testing.assert_array_equal(forward(*n.inputs), n.value)
    if n.prim.into:
        out = np.empty_like(n.value)
        assert forward(*n.inputs, out) is out
        np.testing.assert_array_equal(out, n.value)


def check_vjps(n: Tensor, rng: np.random.Generator, eps: float = 1e-6) -> None:
    """Each VJP against central differences of the forward along random directions; linear in
    g; bit for bit the same on a recorded pass as on a first-order one; and in its input's shape
    (the backward pass sums down only the contributions of ops with several inputs)."""
    if not n.vjps:
        assert not n.needs_grad, f"{n.op} has no VJPs, so no gradient may flow through it"
        return
    forward = n.prim.replay(n.ctx) if n.prim.replay is not None else None
    for k, parent in enumerate(n.parents):
        if not parent.needs_grad:
            continue
        g, h = rng.standard_normal(n.value.shape), rng.standard_normal(n.value.shape)
        got = contribution(n, k, g)
        assert got.shape == parent.value.shape, f"{n.op}: a contribution in another shape"
        recorded = contribution(n, k, Tensor(g), recorded=True)
        np.testing.assert_array_equal(recorded.value, got, err_msg=f"{n.op}: recorded pass")
        twice = contribution(n, k, g + h)
        np.testing.assert_allclose(twice, got + contribution(n, k, h), rtol=1e-12, atol=1e-12)
        if forward is None:
            continue  # no replay: the example's whole-graph checks cover it
        v = rng.standard_normal(parent.value.shape)

        def moved(step: float, k: int = k, v: np.ndarray = v) -> np.ndarray:
            inputs = list(n.inputs)
            inputs[k] = inputs[k] + step * v
            return forward(*inputs)

        fd = np.sum(g * (moved(eps) - moved(-eps))) / (2 * eps)
        ad = np.sum(got * v)
        assert abs(ad - fd) <= 1e-6 * max(1.0, abs(fd)), f"{n.op} input {k}: {ad} vs {fd}"


def check_compiled(example: Callable[[Any], Any], first: np.ndarray, then: np.ndarray) -> bool:
    """Traced at first and replayed at then, the compiled example gives the eager numbers at then.
    Returns whether it was replayed."""
    compiled = compiled_batch_value_and_grad(example)
    with np.errstate(all="ignore"):
        compiled(first)
        values, grads = compiled(then)
        want_values, want_grads = E.batch_value_and_grad(example, then)
    np.testing.assert_array_equal(values, want_values)
    np.testing.assert_array_equal(grads, want_grads)
    return compiled.replays(then.shape)


def check_unit(record: Primitive, rng: np.random.Generator) -> None:
    """An operand of all `unit` leaves the other one unchanged, signs of zero included."""
    if record.unit is None:
        return
    forward = record.replay(None)
    x = np.concatenate([rng.standard_normal(6) * 1e3, [0.0, -0.0, np.inf, -np.inf, 5e-324]])
    units = np.full_like(x, record.unit)
    for out in (forward(x, units), forward(units, x)):
        np.testing.assert_array_equal(out, x)
        np.testing.assert_array_equal(np.signbit(out), np.signbit(x))


# --- the checks catch records whose declarations are false ---------------------------------------


def test_the_checks_catch_a_wrong_vjp_a_wrong_replay_and_a_wrong_unit(rng) -> None:
    x = Tensor(rng.uniform(0.5, 1.5, 5), needs_grad=True)
    wrong_vjp = Primitive("exp", (lambda g, ans, args, ctx: g * ans * 2.0,), lambda ctx: np.exp)
    with pytest.raises(AssertionError):
        check_vjps(node(np.exp(x.value), wrong_vjp, (x,)), rng)
    wrong_replay = Primitive("exp", (lambda g, ans, args, ctx: g * ans,), lambda ctx: np.expm1)
    with pytest.raises(AssertionError):
        check_replay(node(np.exp(x.value), wrong_replay, (x,)))
    # A VJP that reads raw values bakes them into the recorded pass, so into the replay.
    reads_data = Primitive("exp", (lambda g, ans, args, ctx: g * value_of(ans),), lambda c: np.exp)
    with pytest.raises(AssertionError):
        check_compiled(
            lambda p: node(np.exp(p.value), reads_data, (p,)), draw(rng, "any"), draw(rng, "any")
        )
    with pytest.raises(AssertionError):
        check_unit(Primitive("add", replay=lambda ctx: np.add, unit=0.0), rng)


def test_define_adds_a_record_to_the_table() -> None:
    before = len(TABLE)
    try:
        record = define("identity_for_this_test", (lambda g, ans, args, ctx: g,))
        assert TABLE[-1] is record and len(TABLE) == before + 1
    finally:
        TABLE.pop()
