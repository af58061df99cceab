"""Builders that turn a NumPy forward and its VJPs into an engine op and its records in the table.

An op called with no Tensor among its inputs returns the plain NumPy result, which is what the
VJPs rely on during a first-order backward pass: they run the same code on raw arrays.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from app.engine.tensor import ShapeError, Tensor, Vjp, as_tensor, define, node1, node2

# Plain numbers kept out of the graph; bool is excluded on purpose (True + x is a mistake).
NUMBERS = frozenset({int, float, np.float64})


def unary(name: str, forward: Callable[[Any], Any], vjp: Vjp) -> Callable[[Any], Any]:
    """An op of one input whose forward needs no context; a ufunc replays into a buffer."""
    record = define(name, (vjp,), lambda ctx: forward, into=isinstance(forward, np.ufunc))

    def apply(x: Any) -> Any:
        if type(x) is not Tensor:
            return forward(x)
        return node1(forward(x.value), record, x)

    apply.__name__ = apply.__qualname__ = name
    return apply


def binary(
    name: str,
    forward: np.ufunc,
    vjp_a: Vjp,
    vjp_b: Vjp,
    vjp_a_by_number: Vjp | None = None,
    vjp_b_by_number: Vjp | None = None,
    unit: float | None = None,
    into: bool = True,
) -> Callable[[Any, Any], Any]:
    """An op of two inputs. With the vjp_*_by_number pair, a plain number on one side stays out of
    the graph as the node's context: no constant node, and one parent fewer for the backward pass
    to visit. Each of the three forms is a record of its own, whose form says on which side the
    number stands. into: the ufunc takes its output array as a third positional argument.
    """
    both = define(name, (vjp_a, vjp_b), lambda ctx: forward, into=into, unit=unit)
    numbers_inline = vjp_a_by_number is not None
    if numbers_inline:
        right = define(
            name, (vjp_a_by_number,), partial(_number_right, forward), into=True, form="x op c"
        )
        left = define(
            name, (vjp_b_by_number,), partial(_number_left, forward), into=True, form="c op x"
        )

    def apply(a: Any, b: Any) -> Any:
        a_is_tensor = type(a) is Tensor
        b_is_tensor = type(b) is Tensor
        if not (a_is_tensor and b_is_tensor):  # two Tensors, the commonest case, skip all this
            if not (a_is_tensor or b_is_tensor):
                return forward(a, b)
            if numbers_inline:
                if a_is_tensor and type(b) in NUMBERS:
                    return node1(forward(a.value, b), right, a, float(b))
                if b_is_tensor and type(a) in NUMBERS:
                    return node1(forward(a, b.value), left, b, float(a))
            a, b = as_tensor(a), as_tensor(b)
        try:
            value = forward(a.value, b.value)
        except ValueError:
            raise ShapeError(f"{name}: incompatible shapes {a.shape} and {b.shape}") from None
        return node2(value, both, a, b)

    def reflected(b: Tensor, a: Any) -> Any:
        """a op b for Tensor.__r*__, where a number on the left is the common case (1 - x)."""
        if numbers_inline and type(a) in NUMBERS:
            return node1(forward(a, b.value), left, b, float(a))
        return apply(a, b)

    apply.__name__ = apply.__qualname__ = name
    apply.reflected = reflected
    return apply


def _number_right(forward: np.ufunc, number: float) -> Callable[..., Any]:
    """The replay of `x op c`: c is the node's context, as a 0-d array, which NumPy takes as it
    is where it converts a Python float on every call (the same float64 arithmetic)."""
    c = np.asarray(number, dtype=np.float64)
    return lambda a, out=None: forward(a, c, out)


def _number_left(forward: np.ufunc, number: float) -> Callable[..., Any]:
    """The replay of `c op x`: c is the node's context, as in `x op c`."""
    return partial(forward, np.asarray(number, dtype=np.float64))
