"""The reverse pass: an iterative topological walk, then VJPs from the output back to the inputs."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np

from app.engine.elementwise import negated, pass_through
from app.engine.reductions import sum_to_shape
from app.engine.shape import GETITEM_VJP, column_of
from app.engine.tensor import AT_ONES, Tensor


def topological_order(root: Tensor, stop: frozenset[int] = frozenset()) -> list[Tensor]:
    """Nodes that need a gradient, each after all of its parents; iterative, so any depth works."""
    order: list[Tensor] = []
    seen: set[int] = set()
    stack: list[tuple[Tensor, bool]] = [(root, False)]
    while stack:
        current, expanded = stack.pop()
        if expanded:
            order.append(current)
            continue
        key = id(current)
        if key in seen:
            continue
        seen.add(key)
        stack.append((current, True))
        if key not in stop:
            for parent in current.parents:
                if parent.needs_grad and id(parent) not in seen:
                    stack.append((parent, False))
    return order


def backward(
    root: Tensor,
    wrt: Sequence[Tensor],
    *,
    create_graph: bool = False,
    tape: list[Tensor] | None = None,
    keep_cotangents: bool = True,
) -> tuple[list[Any], dict[Tensor, Any]]:
    """Gradients of scalar-or-array root (seeded with ones) with respect to each of wrt.

    With create_graph the backward pass is itself recorded, so its results can be differentiated
    again. Returns the gradients in wrt's order (zeros where root does not depend on one) and
    every node's accumulated cotangent keyed by the node (only wrt's without keep_cotangents,
    which frees each one as soon as it is used, so large batches reuse memory still in cache).
    A tape (every node the forward pass made, in creation order) replaces the topological walk;
    nodes off the path have no cotangent and are skipped.
    """
    # Without a tape, walk the graph; the inputs asked about are where the walk stops.
    stop = frozenset(id(t) for t in wrt) if tape is None else frozenset()
    order = (tape if tape is not None else topological_order(root, stop)) if root.needs_grad else []
    if create_graph:
        cotangents = _recorded_pass(root, order, stop)
    else:
        cotangents = _first_order_pass(root, order, stop, keep_cotangents)
    results = []
    for t in wrt:
        g = cotangents.get(t)
        if g is None:
            zeros = np.zeros_like(t.value)
            g = Tensor(zeros) if create_graph else zeros
        elif not create_graph and not g.flags.writeable:
            g = np.array(g)  # the seed, or a view of it, handed on unchanged
        results.append(g)
    return results, cotangents


_ONE = np.ones(1)
_ONE.flags.writeable = False


@functools.lru_cache(maxsize=64)
def ones_like_root(shape: tuple[int, ...]) -> np.ndarray:
    """The seed: a read-only view of a single 1.0 in shape (every stride 0), so a large batch
    costs no memory to fill or to read. Cached, since a view's Python constructor is slow."""
    return np.ndarray(shape, buffer=_ONE, strides=(0,) * len(shape))


def _first_order_pass(root: Tensor, order: list[Tensor], stop: frozenset[int], keep: bool) -> dict:
    """Cotangents as plain arrays. Keyed by the nodes themselves: Tensor hashes by identity,
    which is cheaper than id()."""
    seed = ones_like_root(root.value.shape)
    cotangents: dict[Tensor, Any] = {root: seed}
    owned: dict[int, list] = {}  # index buffers this pass made and may still write into
    take = cotangents.get if keep else cotangents.pop
    for current in reversed(order):
        parents = current.parents
        if not parents or (stop and id(current) in stop):
            continue
        g = take(current, None)
        if g is None:
            continue
        if owned:
            owned.pop(id(g), None)  # once read it may be shared, so never write into it again
        args, ans, ctx = current.inputs, current.value, current.ctx
        for parent, vjp in zip(parents, current.vjps):  # noqa: B905 (same length by construction)
            if not parent.needs_grad:
                continue
            previous = cotangents.get(parent)
            if vjp is GETITEM_VJP:
                cotangents[parent] = add_at_index(previous, g, ctx, owned)
                continue
            shape = parent.value.shape
            # Shortcuts that give the same bits: g passed on needs no call, a + (-b) is a - b,
            # and a VJP of the seed of ones need not multiply by it.
            if vjp is pass_through:
                contribution = g
            elif vjp is negated and previous is not None and g.shape == shape:
                cotangents[parent] = previous - g
                continue
            elif g is seed and vjp in AT_ONES:
                contribution = AT_ONES[vjp](ans, args, ctx)
                if contribution is None:
                    contribution = vjp(g, ans, args, ctx)
            else:
                contribution = vjp(g, ans, args, ctx)
            if contribution.shape != shape:
                contribution = sum_to_shape(contribution, shape)
            cotangents[parent] = contribution if previous is None else previous + contribution
    return cotangents


def _recorded_pass(root: Tensor, order: list[Tensor], stop: frozenset[int]) -> dict:
    """Cotangents as Tensors, every VJP recorded, so they can be differentiated again."""
    cotangents: dict[Tensor, Any] = {root: Tensor(np.ones(root.value.shape))}
    for current in reversed(order):
        parents = current.parents
        if not parents:
            continue
        g = cotangents.get(current)
        if g is None or (stop and id(current) in stop):
            continue
        for parent, vjp in zip(parents, current.vjps):  # noqa: B905 (same length by construction)
            if not parent.needs_grad:
                continue
            contribution = vjp(g, current, parents, current.ctx)
            shape = parent.value.shape
            if contribution.shape != shape:
                contribution = sum_to_shape(contribution, shape)
            previous = cotangents.get(parent)
            cotangents[parent] = contribution if previous is None else previous + contribution
    return cotangents


def add_at_index(previous: Any, g: Any, ctx: tuple, owned: dict[int, list]) -> np.ndarray:
    """Indexing's adjoint on a first-order pass: g written into one buffer per parent, in place.

    Picking the columns of a (N, d) batch would otherwise cost a full-size zeros array and a
    full-size addition per column. owned maps id(buffer) to [buffer, columns written so far]
    for each buffer this pass made (the entry keeps the buffer alive, so its id is never reused);
    the columns become None once anything else was written, and an untouched column is assigned.
    """
    index, shape, basic = ctx
    column = column_of(index, shape) if basic else None
    entry = None if previous is None else owned.get(id(previous))
    if entry is None:
        if previous is None:
            buffer = np.zeros(shape)
            # Into zeros, assigning is adding: basic indices never repeat an element.
            if basic:
                buffer[index] = g
            else:
                np.add.at(buffer, index, g)
            owned[id(buffer)] = [buffer, None if column is None else {column}]
            return buffer
        buffer = np.array(previous, dtype=np.float64)
        entry = owned[id(buffer)] = [buffer, None]
    buffer, written = entry
    if column is not None and written is not None and column not in written:
        written.add(column)
        buffer[index] = g
        return buffer
    entry[1] = None
    if basic:
        buffer[index] += g
    else:
        np.add.at(buffer, index, g)
    return buffer
