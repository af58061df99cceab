"""The reverse pass: an iterative topological walk, then VJPs from the output back to the inputs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from app.engine.reductions import sum_to_shape
from app.engine.shape import GETITEM_VJP
from app.engine.tensor import Tensor


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
) -> tuple[list[Any], dict[Tensor, Any]]:
    """Gradients of scalar-or-array root (seeded with ones) with respect to each of wrt.

    With create_graph the backward pass is itself recorded, so its results can be differentiated
    again. Returns the gradients in wrt's order (zeros where root does not depend on one) and
    every node's accumulated cotangent keyed by the node. A tape (every node the forward pass
    made, in creation order) replaces the topological walk; nodes off the path have no cotangent
    and are skipped.
    """
    ones = np.ones(root.value.shape)
    # Keyed by the nodes themselves: Tensor hashes by identity, which is cheaper than id().
    cotangents: dict[Tensor, Any] = {root: Tensor(ones) if create_graph else ones}
    owned: set[int] = set()  # buffers this pass made for indexing's adjoint and may add into
    if root.needs_grad:
        # Without a tape, walk the graph; the inputs asked about are where the walk stops.
        stop = frozenset(id(t) for t in wrt) if tape is None else frozenset()
        order = topological_order(root, stop) if tape is None else tape
        for current in reversed(order):
            parents = current.parents
            if not parents:
                continue
            g = cotangents.get(current)
            if g is None or (stop and id(current) in stop):
                continue
            if owned:
                owned.discard(id(g))  # once read it may be shared, so never add into it again
            if create_graph:
                args, ans = parents, current
            else:
                args, ans = current.inputs, current.value
            ctx = current.ctx
            for parent, vjp in zip(parents, current.vjps):  # noqa: B905 (same length by construction)
                if not parent.needs_grad:
                    continue
                if vjp is GETITEM_VJP and not create_graph:
                    cotangents[parent] = add_at_index(cotangents.get(parent), g, ctx, owned)
                    continue
                contribution = vjp(g, ans, args, ctx)
                shape = parent.value.shape
                if contribution.shape != shape:
                    contribution = sum_to_shape(contribution, shape)
                previous = cotangents.get(parent)
                cotangents[parent] = contribution if previous is None else previous + contribution
    results = []
    for t in wrt:
        g = cotangents.get(t)
        if g is None:
            zeros = np.zeros_like(t.value)
            g = Tensor(zeros) if create_graph else zeros
        results.append(g)
    return results, cotangents


def add_at_index(previous: Any, g: Any, ctx: tuple, owned: set[int]) -> np.ndarray:
    """Indexing's adjoint on a first-order pass: add g into one buffer per parent, in place.

    Picking the columns of a (N, d) batch would otherwise cost a full-size zeros array and a
    full-size addition per column.
    """
    index, shape, basic = ctx
    if previous is not None and id(previous) in owned:
        buffer = previous
    else:
        buffer = np.zeros(shape) if previous is None else np.array(previous, dtype=np.float64)
        owned.add(id(buffer))
    if basic:
        buffer[index] += g
    else:
        np.add.at(buffer, index, g)
    return buffer
