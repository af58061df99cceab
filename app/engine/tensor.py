"""The Tensor: a float64 NumPy value plus the graph edges that lead to it.

Each node keeps only its parents, one vector-Jacobian product per parent and a little static
context. Nothing points from a parent to its children and no closure captures its own output,
so dropping the result frees the whole graph by reference counting alone.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np

# vjp(g, ans, args, ctx) -> cotangent for one parent; args and ans are arrays on a first-order
# pass and Tensors when the backward pass is itself recorded (higher-order derivatives).
Vjp = Callable[[Any, Any, tuple, Any], Any]


# replay(*inputs) -> the op's value recomputed from its inputs' raw values, for compiled programs.
# Most are a NumPy function itself, or a partial of one, so a replay costs no Python frame.
Replay = Callable[..., Any]


class _Recording(threading.local):
    """The tape of the transform running on this thread: every node in creation order."""

    tape: list | None = None
    # Counts reads of a Tensor's value by user code (comparisons, float()); a compiled program
    # cannot replay a graph whose shape or constants may depend on them.
    value_reads: int = 0


recording = _Recording()

# op name -> make(traced node) -> Replay. Ops whose context depends on the data (where's
# condition, clip's mask, max's winners) are left out, so graphs using them are never compiled.
REPLAYS: dict[str, Callable[[Any], Replay]] = {}

# VJPs that read only g and their context, never the data: a compiled program works out their
# result once when g is itself such a constant (the seed of ones, a number times it).
LINEAR_VJPS: set[Vjp] = set()

# vjp -> the same contribution for a g of all ones, skipping the multiplication by them (x * 1.0
# is x exactly). It takes (ans, args, ctx) and returns None where it has no cheaper form.
AT_ONES: dict[Vjp, Callable[[Any, tuple, Any], Any]] = {}


class ShapeError(ValueError):
    """An op was given operands whose shapes it cannot combine."""


class Tensor:
    """A node of the computation graph holding a float64 ndarray value."""

    __slots__ = (
        "__weakref__",
        "ctx",
        "inputs",
        "needs_grad",
        "op",
        "parents",
        "value",
        "vjps",
    )
    # Let NumPy defer to our reflected operators (ndarray + Tensor -> Tensor.__radd__).
    __array_ufunc__ = None

    def __init__(self, value: Any, *, needs_grad: bool = False) -> None:
        if type(value) is not np.ndarray or value.dtype != np.float64:
            value = np.asarray(value, dtype=np.float64)
        self.value = value
        self.parents: tuple[Tensor, ...] = ()
        self.inputs: tuple[Any, ...] = ()
        self.vjps: tuple[Vjp, ...] = ()
        self.ctx: Any = None
        self.op = "input" if needs_grad else "const"
        self.needs_grad = needs_grad

    @property
    def shape(self) -> tuple[int, ...]:
        return self.value.shape

    @property
    def ndim(self) -> int:
        return self.value.ndim

    @property
    def size(self) -> int:
        return self.value.size

    def __len__(self) -> int:
        return len(self.value)

    def __float__(self) -> float:
        recording.value_reads += 1
        return float(self.value)

    def __repr__(self) -> str:
        return f"Tensor({self.value!r}, op={self.op!r})"

    # Comparisons give plain boolean arrays: they are not differentiable.
    def __lt__(self, other: Any) -> np.ndarray:
        recording.value_reads += 1
        return self.value < value_of(other)

    def __le__(self, other: Any) -> np.ndarray:
        recording.value_reads += 1
        return self.value <= value_of(other)

    def __gt__(self, other: Any) -> np.ndarray:
        recording.value_reads += 1
        return self.value > value_of(other)

    def __ge__(self, other: Any) -> np.ndarray:
        recording.value_reads += 1
        return self.value >= value_of(other)


def value_of(x: Any) -> Any:
    """The raw value of a Tensor, or x itself."""
    return x.value if type(x) is Tensor else x


def as_tensor(x: Any) -> Tensor:
    """x as a Tensor; plain numbers and arrays become constants."""
    return x if type(x) is Tensor else Tensor(x)


def node(
    value: Any, op: str, parents: tuple[Tensor, ...], vjps: tuple[Vjp, ...], ctx: Any = None
) -> Tensor:
    """Record one op's output; it needs a gradient when any parent does."""
    out = Tensor.__new__(Tensor)
    out.value = value
    out.op = op
    out.parents = parents
    out.vjps = vjps
    out.ctx = ctx
    # Unrolled for the one- and two-parent ops that make up almost every graph. inputs keeps the
    # parents' raw values so a first-order backward pass needs no per-node list building.
    if len(parents) == 1:
        first = parents[0]
        out.needs_grad = first.needs_grad
        out.inputs = (first.value,)
    elif len(parents) == 2:
        first, second = parents
        out.needs_grad = first.needs_grad or second.needs_grad
        out.inputs = (first.value, second.value)
    else:
        out.needs_grad = any(p.needs_grad for p in parents)
        out.inputs = tuple(p.value for p in parents)
    tape = recording.tape
    if tape is not None:
        tape.append(out)
    return out
