"""Graph introspection: the computation graph of a scalar output, with values and gradients."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.engine.backward import backward, contribution, topological_order
from app.engine.tensor import Tensor


@dataclass(frozen=True)
class GraphNode:
    id: int
    op: str
    inputs: tuple[int, ...]
    value: np.ndarray
    grad: np.ndarray | None  # None for constants, which receive no gradient
    label: str
    # Per input edge (same order as inputs): the local derivative d(this)/d(input), as the
    # vector-Jacobian product of ones, and what the edge adds to the input's gradient (the VJP of
    # this node's gradient: local × grad for elementwise ops). None where the input is a constant.
    local_grads: tuple[np.ndarray | None, ...] = ()
    edge_grads: tuple[np.ndarray | None, ...] = ()


@dataclass(frozen=True)
class Graph:
    nodes: tuple[GraphNode, ...]  # each node after its inputs; the last one is the output
    output: int


_SYMBOLS = {"add": "+", "subtract": "−", "multiply": "×", "divide": "÷"}


def _index_text(index: Any) -> str:
    parts = index if isinstance(index, tuple) else (index,)
    shown = [
        ":" if part == slice(None) else "…" if part is Ellipsis else repr(part) for part in parts
    ]
    return "[" + ", ".join(shown) + "]"


def _label(t: Tensor, names: dict[int, str]) -> str:
    """A short text for the backpropagation view: the op with any number folded into it."""
    if id(t) in names:
        return names[id(t)]
    if t.op == "getitem":
        return _index_text(t.ctx[0])
    if t.op == "power" and isinstance(t.ctx, float):
        return f"^{t.ctx:g}"
    if t.op in _SYMBOLS and t.prim.form == "x op c":
        return f"{_SYMBOLS[t.op]} {t.ctx:g}"
    if t.op in _SYMBOLS and t.prim.form == "c op x":
        return f"{t.ctx:g} {_SYMBOLS[t.op]}"
    if t.op in _SYMBOLS:
        return _SYMBOLS[t.op]
    if t.op == "const" and t.value.size == 1:
        return f"{t.value.item():g}"  # a one-element array of any shape (NumPy 2.4: no float())
    return t.op


def _edge(t: Tensor, k: int, cotangent: np.ndarray) -> np.ndarray | None:
    """The VJP of t's k-th input at the given cotangent, in the input's shape (None: constant)."""
    if not t.parents[k].needs_grad:
        return None
    return np.asarray(contribution(t, k, cotangent), dtype=np.float64)


def trace_graph(f: Callable[..., Any], *args: Any, names: Sequence[str] | None = None) -> Graph:
    """Run scalar f on args and return its graph, each node with its forward value and gradient."""
    inputs = [Tensor(a, needs_grad=True) for a in args]
    out = f(*inputs)
    out = out if type(out) is Tensor else Tensor(out)
    if out.value.size != 1:
        raise ValueError(f"trace_graph: the function must return a scalar, got shape {out.shape}")
    _, cotangents = backward(out, inputs)
    labels = {id(t): name for t, name in zip(inputs, names or (), strict=False)}
    order = topological_order(out, every_node=True)
    ids = {id(t): i for i, t in enumerate(order)}
    nodes = []
    for t in order:
        g = cotangents.get(t)
        if g is None and t.needs_grad:
            g = np.zeros_like(t.value)
        nodes.append(
            GraphNode(
                id=ids[id(t)],
                op=t.op,
                inputs=tuple(ids[id(p)] for p in t.parents),
                value=np.asarray(t.value, dtype=np.float64),
                grad=None if g is None else np.asarray(g, dtype=np.float64),
                label=_label(t, labels),
                local_grads=tuple(
                    _edge(t, k, np.ones_like(t.value)) for k in range(len(t.parents))
                ),
                edge_grads=tuple(
                    None if g is None else _edge(t, k, g) for k in range(len(t.parents))
                ),
            )
        )
    return Graph(nodes=tuple(nodes), output=ids[id(out)])
