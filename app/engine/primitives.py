"""Builders that turn a NumPy forward function and its VJPs into an engine op.

An op called with no Tensor among its inputs returns the plain NumPy result, which is what the
VJPs rely on during a first-order backward pass: they run the same code on raw arrays.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from app.engine.tensor import REPLAYS, ShapeError, Tensor, Vjp, as_tensor, node


def unary(op: str, forward: Callable[[Any], Any], vjp: Vjp) -> Callable[[Any], Any]:
    vjps = (vjp,)

    def apply(x: Any) -> Any:
        if type(x) is not Tensor:
            return forward(x)
        return node(forward(x.value), op, (x,), vjps)

    apply.__name__ = op
    apply.__qualname__ = op
    REPLAYS[op] = lambda traced: forward
    return apply


def binary(
    op: str,
    forward: Callable[[Any, Any], Any],
    vjp_a: Vjp,
    vjp_b: Vjp,
    vjp_a_by_number: Vjp | None = None,
    vjp_b_by_number: Vjp | None = None,
) -> Callable[[Any, Any], Any]:
    """An op of two inputs. With the vjp_*_by_number pair, a plain number on one side stays out of
    the graph as context: no constant node, and one parent fewer for the backward pass to visit.
    """
    vjps = (vjp_a, vjp_b)
    vjps_a_only = (vjp_a_by_number,)
    vjps_b_only = (vjp_b_by_number,)
    numbers_inline = vjp_a_by_number is not None

    def apply(a: Any, b: Any) -> Any:
        a_is_tensor = type(a) is Tensor
        b_is_tensor = type(b) is Tensor
        if not (a_is_tensor and b_is_tensor):  # two Tensors, the commonest case, skip all this
            if not (a_is_tensor or b_is_tensor):
                return forward(a, b)
            if numbers_inline:
                if a_is_tensor and type(b) in _NUMBERS:
                    return node(forward(a.value, b), op, (a,), vjps_a_only, float(b))
                if b_is_tensor and type(a) in _NUMBERS:
                    return node(forward(a, b.value), op, (b,), vjps_b_only, ("by", float(a)))
            a, b = as_tensor(a), as_tensor(b)
        try:
            value = forward(a.value, b.value)
        except ValueError:
            raise ShapeError(f"{op}: incompatible shapes {a.shape} and {b.shape}") from None
        return node(value, op, (a, b), vjps)

    def reflected(b: Tensor, a: Any) -> Any:
        """a op b for Tensor.__r*__, where a number on the left is the common case (1 - x)."""
        if numbers_inline and type(a) in _NUMBERS:
            return node(forward(a, b.value), op, (b,), vjps_b_only, ("by", float(a)))
        return apply(a, b)

    def replay(traced: Tensor) -> Callable[..., Any]:
        """The forward for a traced node, with an inline number back in its place."""
        number = traced.ctx
        if len(traced.parents) == 2:
            return forward
        if type(number) is tuple:  # ("by", c): the number was on the left
            return partial(forward, number[1])
        return lambda a: forward(a, number)

    apply.__name__ = op
    apply.__qualname__ = op
    apply.reflected = reflected
    REPLAYS[op] = replay
    return apply


# Plain numbers kept out of the graph; bool is excluded on purpose (True + x is a mistake).
_NUMBERS = frozenset({int, float, np.float64})
