"""The Tensor and the table of primitives: a float64 NumPy value plus the graph edge that made it.

Each node keeps only its parents, its primitive's record, one vector-Jacobian product per parent
and a little static context. Nothing points from a parent to its children and no closure captures
its own output, so dropping the result frees the whole graph by reference counting alone. Only
while a backward pass runs does a node also hold its cotangent so far; the pass empties it again.
So one graph takes one backward pass at a time (every transform call builds a graph of its own).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

# vjp(g, ans, args, ctx) -> the cotangent for one parent, written with engine ops: args and ans
# are arrays on a first-order pass and Tensors when the backward pass is itself recorded.
Vjp = Callable[[Any, Any, tuple, Any], Any]

# replay(ctx) -> the op's forward on its inputs' raw values, specialised to one node's context.
Replay = Callable[[Any], Callable[..., Any]]


@dataclass(frozen=True, eq=False)
class Primitive:
    """One record of the engine's table: what the eager pass, the recorded pass (grad of grad)
    and the compiled replay need to know about an op.

    - vjps: one VJP per input (variadic ops pass theirs per node to `node`). A VJP never reads
      raw values: what it needs of the data it asks an op for, so a recorded pass records it;
    - replay: the forward for the compiled replay, or None where the context holds data (where's
      condition, clip's mask, max's winners), so a graph using the op is never replayed;
    - into: the replayed forward takes an `out` array last, so a replay can reuse its buffers;
    - unit: an operand of all `unit` that leaves the other unchanged, bit for bit (x * 1.0 is x),
      so the compiled replay drops it (the seed of ones, above all).
    tests/engine/test_engine_table.py checks each of these against the op itself.
    """

    name: str
    vjps: tuple[Vjp, ...] = ()
    replay: Replay | None = None
    into: bool = False
    unit: float | None = None
    form: str = ""  # which of an op's records: "x op c" (a number on the right) or "c op x"


# Every primitive the engine defines, in definition order; tests check each one's declarations.
TABLE: list[Primitive] = []


def define(
    name: str,
    vjps: tuple[Vjp, ...] = (),
    replay: Replay | None = None,
    *,
    into: bool = False,
    unit: float | None = None,
    form: str = "",
) -> Primitive:
    """A new record, added to TABLE."""
    record = Primitive(name, vjps, replay, into, unit, form)
    TABLE.append(record)
    return record


FLOAT64 = np.dtype(np.float64)  # NumPy's one native float64 dtype: `is` tests it fastest

INPUT = Primitive("input")  # a variable a transform differentiates with respect to
CONST = Primitive("const")  # any other leaf


class _Recording(threading.local):
    """The tape of the transform running on this thread: every node in creation order."""

    tape: list | None = None
    # Counts reads of a Tensor's value by user code (comparisons, float()); a compiled program
    # cannot replay a graph whose shape or constants may depend on them.
    value_reads: int = 0


recording = _Recording()


class ShapeError(ValueError):
    """An op was given operands whose shapes it cannot combine."""


class Tensor:
    """A node of the computation graph holding a float64 ndarray value."""

    __slots__ = (
        "__weakref__",
        "cotangent",
        "ctx",
        "inputs",
        "needs_grad",
        "parents",
        "prim",
        "value",
        "vjps",
    )
    # Let NumPy defer to our reflected operators (ndarray + Tensor -> Tensor.__radd__).
    __array_ufunc__ = None

    def __init__(self, value: Any, *, needs_grad: bool = False) -> None:
        if type(value) is not np.ndarray or value.dtype is not FLOAT64:
            value = np.asarray(value, dtype=np.float64)
        self.value = value
        self.parents: tuple[Tensor, ...] = ()
        self.inputs: tuple[Any, ...] = ()
        self.vjps: tuple[Vjp, ...] = ()
        self.ctx: Any = None
        self.prim = INPUT if needs_grad else CONST
        self.needs_grad = needs_grad
        self.cotangent: Any = None  # set only while a backward pass runs (backward._pass)

    @property
    def op(self) -> str:
        return self.prim.name

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


def node1(value: Any, prim: Primitive, x: Tensor, ctx: Any = None) -> Tensor:
    """node(value, prim, (x,), ctx), for the commonest shape of node without its general case."""
    out = _new(Tensor)
    # One store a line: packing them into one tuple assignment is measurably slower.
    out.value = value
    out.prim = prim
    out.parents = (x,)
    out.vjps = prim.vjps
    out.ctx = ctx
    out.needs_grad = x.needs_grad
    out.inputs = (x.value,)
    out.cotangent = None
    tape = recording.tape
    if tape is not None:
        tape.append(out)
    return out


def node2(value: Any, prim: Primitive, a: Tensor, b: Tensor, ctx: Any = None) -> Tensor:
    """node(value, prim, (a, b), ctx) without its general case."""
    out = _new(Tensor)
    out.value = value
    out.prim = prim
    out.parents = (a, b)
    out.vjps = prim.vjps
    out.ctx = ctx
    out.needs_grad = a.needs_grad or b.needs_grad
    out.inputs = (a.value, b.value)
    out.cotangent = None
    tape = recording.tape
    if tape is not None:
        tape.append(out)
    return out


_new = Tensor.__new__


def node(
    value: Any,
    prim: Primitive,
    parents: tuple[Tensor, ...],
    ctx: Any = None,
    vjps: tuple[Vjp, ...] | None = None,
) -> Tensor:
    """Record one op's output; it needs a gradient when any parent does."""
    out = Tensor.__new__(Tensor)
    out.value = value
    out.prim = prim
    out.parents = parents
    out.vjps = prim.vjps if vjps is None else vjps
    out.ctx = ctx
    out.cotangent = None
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
