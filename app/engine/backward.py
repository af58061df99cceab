"""The reverse pass: an iterative topological walk, then VJPs from the output back to the inputs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from app.engine.reductions import sum_to_shape
from app.engine.tensor import Tensor


def topological_order(
    roots: Tensor | Sequence[Tensor], stop: frozenset[int] = frozenset(), every_node: bool = False
) -> list[Tensor]:
    """Nodes that need a gradient, each after all of its parents; iterative, so any depth works.
    Nodes in stop are not looked past.

    With every_node, constants too, and each node's parents are met in argument order, as the
    graph view numbers them. Without, the order the backward pass has always walked, which fixes
    the order it adds a node's contributions in, and so the last bits of every gradient.
    """
    order: list[Tensor] = []
    seen: set[int] = set()
    roots = [roots] if type(roots) is Tensor else list(roots)
    stack: list[tuple[Tensor, bool]] = [(root, False) for root in reversed(roots)]
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
            for parent in reversed(current.parents) if every_node else current.parents:
                if (every_node or parent.needs_grad) and id(parent) not in seen:
                    stack.append((parent, False))
    return order


def contribution(node: Tensor, k: int, g: Any, recorded: bool = False) -> Any:
    """What node's k-th parent receives from node's cotangent g, in the parent's shape.

    On a recorded pass the VJP sees the nodes themselves, so what it computes is a graph too.
    Only an op of several inputs broadcasts them against each other, so only its contributions
    may need summing down to a parent's shape: a one-input op's VJP gives its input's shape.
    """
    ans, args = (node, node.parents) if recorded else (node.value, node.inputs)
    out = node.vjps[k](g, ans, args, node.ctx)
    shape = node.parents[k].value.shape
    return out if len(args) == 1 or out.shape == shape else sum_to_shape(out, shape)


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
    stop = frozenset(id(t) for t in wrt) if tape is None else _NOWHERE
    order = (tape if tape is not None else topological_order(root, stop)) if root.needs_grad else []
    shape = root.value.shape
    seed = Tensor(np.ones(shape)) if create_graph else ones_like(shape)
    cotangents = _pass(root, seed, order, stop, create_graph, keep_cotangents)
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


def _pass(
    root: Tensor, seed: Any, order: list[Tensor], stop: frozenset[int], recorded: bool, keep: bool
) -> dict[Tensor, Any]:
    """Each node's cotangent, summed over its children in the order the walk meets them.

    While the pass runs, a node's cotangent so far sits on the node itself: a slot, where a
    dictionary's lookups cost a one-point eager call about 4%. Before the pass returns, even by an
    exception, it empties every slot it set and hands the cotangents back keyed by node. Without
    keep, each is dropped once used, and only those of nodes the walk does not pass (wrt) remain.
    """
    root.cotangent = seed
    reached = [root]  # every node given a cotangent, whose slot must be emptied again
    drop = not (keep or recorded)
    try:
        for current in reversed(order):
            g = current.cotangent
            if g is None or (stop and id(current) in stop):
                continue  # off the path to the root, or where the walk stops
            if drop:
                current.cotangent = None
            # contribution() unrolled: a first-order pass is most of an eager call's own cost.
            parents = current.parents
            if recorded:
                ans, args = current, parents
            else:
                ans, args = current.value, current.inputs
            if len(parents) == 1:  # most nodes: one VJP, and no broadcast to sum back down
                parent = parents[0]
                if parent.needs_grad:
                    c = current.vjps[0](g, ans, args, current.ctx)
                    previous = parent.cotangent
                    if previous is None:
                        reached.append(parent)
                    else:
                        c = previous + c
                    parent.cotangent = c
                continue
            ctx, vjps = current.ctx, current.vjps
            for k, parent in enumerate(parents):
                if parent.needs_grad:
                    c = vjps[k](g, ans, args, ctx)
                    shape = parent.value.shape
                    if c.shape != shape:
                        c = sum_to_shape(c, shape)
                    previous = parent.cotangent
                    if previous is None:
                        reached.append(parent)
                    else:
                        c = previous + c
                    parent.cotangent = c
    finally:
        cotangents = {}
        for n in reached:
            if n.cotangent is not None:
                cotangents[n] = n.cotangent
                n.cotangent = None
    return cotangents


_NOWHERE: frozenset[int] = frozenset()
_ONE = np.ones(1)
_ONE.flags.writeable = False
_SEEDS: dict[tuple[int, ...], np.ndarray] = {}


def ones_like(shape: tuple[int, ...]) -> np.ndarray:
    """The seed: a read-only view of a single 1.0 in shape (every stride 0), so a large batch
    costs no memory to fill or to read. Kept by shape, since a view's constructor is slow."""
    seed = _SEEDS.get(shape)
    if seed is None:
        seed = np.ndarray(shape, buffer=_ONE, strides=(0,) * len(shape))
        if len(_SEEDS) < 64:
            _SEEDS[shape] = seed
    return seed
