"""Compiled replay: bit-identical to the eager engine, and eager wherever the graph may not be."""

from __future__ import annotations

import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import app.engine as E
from app.engine import batch_value_and_grad
from app.engine.compiled import compiled_batch_value_and_grad
from app.objectives import list_objectives

RNG = np.random.default_rng(7)


def assert_same_as_eager(f, compiled, points: np.ndarray) -> None:
    with np.errstate(all="ignore"):
        want_values, want_grads = batch_value_and_grad(f, points)
        values, grads = compiled(points)
    np.testing.assert_array_equal(values, want_values)
    np.testing.assert_array_equal(grads, want_grads)


@pytest.mark.parametrize("objective", list_objectives(), ids=lambda o: o.id)
def test_every_objective_compiles_and_replays_bit_for_bit(objective) -> None:
    compiled = compiled_batch_value_and_grad(objective.loss)
    for _ in range(4):  # the first call traces; the rest replay
        assert_same_as_eager(objective.loss, compiled, RNG.normal(size=(9, objective.dim)) * 2)
    assert compiled.traced_shapes == [(9, objective.dim)]
    assert compiled.replays((9, objective.dim))


def every_replayed_op(p):
    """A row-independent function touching each op that has a replay."""
    x, y = p[:, 0], p[:, 1]
    both = E.stack([x, y], axis=1)  # (N, 2)
    wide = E.concatenate([both, E.exp(both) / 3.0], axis=1)  # (N, 4)
    weights = np.arange(1.0, 9.0).reshape(4, 2) / 10.0
    mixed = wide @ weights  # (N, 2)
    flipped = E.transpose(E.reshape(mixed, (-1, 2, 1)), (0, 2, 1))[:, 0, :]
    spread = E.broadcast_to(E.reshape(x, (-1, 1)), (len(x), 3))
    return (
        E.sum(flipped**2, axis=1)
        + E.logsumexp(E.concatenate([spread, both], axis=1), axis=1)
        + E.power(E.sigmoid(x) + 1.0, y)
        + E.sqrt(E.softplus(y) + 1.0)
        - 2.0 / (1.0 + E.tanh(x) ** 2)
        + E.maximum(x, y) * E.minimum(x, 0.5)
        + E.abs(E.log1p(x * x))
        + E.mean(wide[:, [0, 0, 3]], axis=1)
    )


def test_a_graph_of_every_replayed_op_matches_eager() -> None:
    compiled = compiled_batch_value_and_grad(every_replayed_op)
    for _ in range(3):
        assert_same_as_eager(every_replayed_op, compiled, RNG.normal(size=(6, 2)))
    assert compiled.replays((6, 2))


def test_each_shape_is_traced_once() -> None:
    f = list_objectives()[1].loss
    compiled = compiled_batch_value_and_grad(f)
    for n in (3, 5, 3, 5, 1):
        assert_same_as_eager(f, compiled, RNG.normal(size=(n, 2)))
    assert sorted(compiled.traced_shapes) == [(1, 2), (3, 2), (5, 2)]


def branches_on_its_input(p):
    x = p[:, 0]
    # A Python decision on the data: a replay would keep the first call's branch.
    return x * x if (x > 0).all() else -x * 3.0


@pytest.mark.parametrize(
    "f",
    [
        branches_on_its_input,
        lambda p: E.where(p[:, 0] > 0, p[:, 0], p[:, 1] ** 2),
        lambda p: E.clip(p[:, 0], -0.5, 0.5) * p[:, 1],
        lambda p: E.max(p, axis=1),
    ],
    ids=["python-branch", "where", "clip", "max"],
)
def test_graphs_that_may_depend_on_the_data_stay_eager(f) -> None:
    compiled = compiled_batch_value_and_grad(f)
    positive = np.abs(RNG.normal(size=(4, 2))) + 0.1
    assert_same_as_eager(f, compiled, positive)
    assert compiled.traced_shapes == [(4, 2)] and not compiled.replays((4, 2))
    assert_same_as_eager(f, compiled, -positive)  # the other branch, mask or winner


def test_gradients_are_fresh_arrays_even_when_the_seed_passes_straight_through() -> None:
    def identity_of_column(p):
        return E.reshape(p, (-1,))  # the backward pass hands the seed back, reshaped

    compiled = compiled_batch_value_and_grad(identity_of_column)
    points = RNG.normal(size=(5, 1))
    compiled(points)
    first = compiled(points)[1]
    second = compiled(points)[1]
    np.testing.assert_array_equal(first, np.ones((5, 1)))
    first += 1.0  # writable, and no later call sees it
    np.testing.assert_array_equal(second, np.ones((5, 1)))
    np.testing.assert_array_equal(compiled(points)[1], np.ones((5, 1)))


def test_inside_another_transform_it_leaves_that_transform_s_tape_alone() -> None:
    f = list_objectives()[1].loss
    compiled = compiled_batch_value_and_grad(f)

    def total(point):
        # An untraced call in the middle of grad's recording, then more of grad's graph.
        values, _ = compiled(np.array([[0.5, 0.5]]))
        return E.sum(f(E.reshape(point, (1, 2)))) + float(values[0])

    gradient = E.grad(total)(np.array([0.3, -0.2]))
    want = batch_value_and_grad(f, np.array([[0.3, -0.2]]))[1][0]
    np.testing.assert_allclose(gradient, want, rtol=1e-14)


@pytest.mark.parametrize(
    "f",
    [
        lambda p: p[:, 0] * p[:, 2],  # columns 0 and 2 of 3: column 1 stays zero
        lambda p: p[:, 0] * p[:, -3] + p[:, 1],  # the same column picked twice
        lambda p: E.sum(p * p, axis=1) + p[:, 1],  # a whole-array use mixed with a column
        lambda p: p[:, 0] + 2.0 * p[:, 1] - p[:, 2] / 4.0,  # linear: every cotangent constant
        lambda p: (p[:, 0] - p[:, 1]) ** 3 - (1.0 - p[:, 2]) ** 2,  # negations met twice
    ],
    ids=["partial-columns", "repeated-column", "mixed-uses", "linear", "negations"],
)
def test_planned_shortcuts_match_eager(f) -> None:
    compiled = compiled_batch_value_and_grad(f)
    for _ in range(3):
        assert_same_as_eager(f, compiled, RNG.normal(size=(5, 3)))
    assert compiled.replays((5, 3))


def test_a_gradient_that_is_a_constant_is_handed_out_fresh_every_call() -> None:
    def linear(p):
        return 3.0 * p[:, 0] - p[:, 1]

    compiled = compiled_batch_value_and_grad(linear)
    points = RNG.normal(size=(4, 2))
    compiled(points)
    first = compiled(points)[1]
    first[:] = 0.0
    np.testing.assert_array_equal(compiled(points)[1], np.tile([3.0, -1.0], (4, 1)))


def test_nodes_the_output_does_not_use_are_left_out_of_the_replay() -> None:
    def with_dead_branch(p):
        unused = E.exp(p[:, 1]) * 2.0  # recorded, but nothing downstream reads it
        del unused
        return p[:, 0] ** 2

    compiled = compiled_batch_value_and_grad(with_dead_branch)
    for _ in range(2):
        assert_same_as_eager(with_dead_branch, compiled, RNG.normal(size=(3, 2)))
    np.testing.assert_array_equal(compiled(np.ones((3, 2)))[1], [[2.0, 0.0]] * 3)


def test_results_stay_as_they_were_handed_out_while_later_calls_reuse_the_buffers() -> None:
    f = list_objectives()[1].loss
    compiled = compiled_batch_value_and_grad(f)
    first_points, later_points = RNG.normal(size=(7, 2)), RNG.normal(size=(7, 2))
    compiled(first_points)  # the trace
    kept = compiled(first_points)
    snapshot = (kept[0].copy(), kept[1].copy())
    for _ in range(3):
        assert_same_as_eager(f, compiled, later_points)
    np.testing.assert_array_equal(kept[0], snapshot[0])
    np.testing.assert_array_equal(kept[1], snapshot[1])


def test_calls_from_several_threads_share_no_buffers() -> None:
    f = list_objectives()[1].loss
    compiled = compiled_batch_value_and_grad(f)
    compiled(RNG.normal(size=(20_000, 2)))
    batches = [RNG.normal(size=(20_000, 2)) for _ in range(4)]
    wanted = [batch_value_and_grad(f, points) for points in batches]
    start = threading.Barrier(len(batches))

    def run(points: np.ndarray) -> list:
        start.wait()
        return [compiled(points) for _ in range(20)]

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads switch mid-call (NumPy also lets go of the GIL)
    try:
        with ThreadPoolExecutor(len(batches)) as pool:
            results = list(pool.map(run, batches))
    finally:
        sys.setswitchinterval(interval)
    for got, (want_values, want_grads) in zip(results, wanted, strict=True):
        for values, grads in got:
            np.testing.assert_array_equal(values, want_values)
            np.testing.assert_array_equal(grads, want_grads)


def test_a_batch_laid_out_otherwise_is_traced_anew() -> None:
    def row_sums(p):  # a sum of 300 adds pairwise along a row in C order, one by one in F order
        return E.sum(E.exp(p) * p, axis=1)

    compiled = compiled_batch_value_and_grad(row_sums)
    c_order = RNG.normal(size=(6, 300))
    f_order = np.asfortranarray(RNG.normal(size=(6, 300)))
    for points in (c_order, f_order, c_order, f_order):
        assert_same_as_eager(row_sums, compiled, points)
    assert compiled.traced_shapes == [(6, 300)] and compiled.replays((6, 300))


def test_buffers_are_shared_only_once_nothing_reads_them_through_a_view() -> None:
    def views_read_late(p):
        early = E.transpose(E.reshape(E.exp(p), (-1, 2, 1)), (0, 2, 1))  # views of one buffer
        churn = p
        for _ in range(6):  # buffers written while the views wait
            churn = E.sin(churn) * 1.5 + p
        return E.sum(E.reshape(early, (-1, 2)) * churn, axis=1) + E.sum(early[:, 0, :], axis=1)

    compiled = compiled_batch_value_and_grad(views_read_late)
    for _ in range(3):
        assert_same_as_eager(views_read_late, compiled, RNG.normal(size=(5, 2)))
    assert compiled.replays((5, 2))
