"""The compiled replay's plan: one traced value-and-gradient graph as flat steps over slots.

Planned once with the whole graph in view, so a replay skips work the eager pass repeats on
every call, and keeps every bit (a zero's sign aside):
- a node none of whose inputs follows the points is a constant (the seed of ones, 100 times it,
  all the gradient does with them before it meets the data): worked out once, by the trace;
- a product with an all-ones operand is its other operand (the multiply record's `unit`);
- a + (-b) is a - b, so a negation that feeds one sum needs no op of its own;
- columns picked out of the points (p[:, 0], p[:, 1]) are written straight into the gradient;
- every other node replays its own primitive, into a buffer kept from call to call.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np

from app.engine.backward import topological_order
from app.engine.program import (
    INTO_1,
    INTO_2,
    NEW_1,
    NEW_2,
    NEW_N,
    WHOLE,
    Program,
    Step,
    allocate_columns,
    copy_columns,
)
from app.engine.shape import SCATTER, column_of
from app.engine.tensor import Tensor


def plan(variable: Tensor, root: Tensor, grad: Tensor) -> Program | None:
    """The Program computing root and grad (a graph recorded from variable), or None if the
    graph holds an op without a replay."""
    nodes = topological_order([root, grad], every_node=True)
    live = {id(variable)}  # the nodes that follow the points
    for n in nodes:
        if any(id(p) in live for p in n.parents):
            if n.prim.replay is None:
                return None
            live.add(id(n))
    same = _units(nodes, live)

    def resolved(n: Tensor) -> Tensor:
        return same.get(id(n), n)

    uses = Counter(
        id(resolved(p)) for n in nodes if id(n) in live and id(n) not in same for p in n.parents
    )
    uses.update([id(resolved(root)), id(resolved(grad))])
    differences, skipped = _differences(nodes, live, resolved, uses)
    columns = _column_groups(nodes, live, resolved, uses, differences, skipped)
    outputs = {id(resolved(root)), id(resolved(grad))}
    groups = {key: n for n in nodes if (key := id(n)) in columns}

    def forward(n: Tensor) -> tuple[Callable[..., Any], list[Tensor], bool]:
        """n's step: its function, its inputs, and whether it can write into an array given."""
        if id(n) in differences:
            return np.subtract, list(differences[id(n)]), id(n) not in outputs
        return n.prim.replay(n.ctx), list(n.parents), n.prim.into and id(n) not in outputs

    # A column's cotangent that would get a buffer of its own, and that nothing else reads (a
    # strided column is slow to read), is computed in its column instead.
    in_place = {
        id(source): key
        for key, group in columns.items()
        for _, source in group
        if id(source) in live
        and source is not variable
        and id(source) not in columns
        and id(source) not in skipped
        and uses[id(source)] == 1
        and source.value.dtype == np.float64
        and forward(source)[2]
    }
    slots = _Slots(variable, live, resolved)
    steps: list[Step] = []
    buffered: list[int] = []
    fresh = set()  # the slots a call fills with a fresh array
    for n in nodes:
        if id(n) not in live or n is variable or id(n) in same or id(n) in skipped:
            continue
        key = in_place.get(id(n), id(n))
        if key in columns and slots.get(groups[key]) is None:
            target = slots[groups[key]]
            fresh.add(target)
            written = [(index, slots[s]) for index, s in columns[key] if id(s) in in_place]
            make = np.empty if len(columns[key]) == groups[key].value.shape[1] else np.zeros
            shape = groups[key].value.shape
            steps.append((WHOLE, allocate_columns(make, shape, target, written), target, (), 0))
        if id(n) in columns:
            copied = [(index, slots[s]) for index, s in columns[id(n)] if id(s) not in in_place]
            if copied:
                reads = tuple(slot for _, slot in copied)
                steps.append((WHOLE, copy_columns(slots[n], copied), slots[n], reads, 0))
            continue
        fn, args, into = forward(n)
        out = slots[n]
        if into and id(n) not in in_place:
            slots.values[out] = np.empty_like(n.value)
            buffered.append(out)
        elif not into:
            fresh.add(out)
        steps.append(_step(into, fn, out, tuple(slots[p] for p in args)))
    value, gradient = slots[root], slots[grad]
    _spread_uniform_constants(steps, slots.values, slots.constants)
    shared = _share_buffers(steps, buffered, slots.values, (value, gradient))
    return Program(
        steps,
        slots.values,
        shared,
        (value, value not in fresh),
        (gradient, gradient not in fresh),
    )


class _Slots:
    """Slot numbers by node: the points first, then nodes as steps meet them; a constant's slot
    holds its value."""

    def __init__(self, variable: Tensor, live: set[int], resolved: Callable[[Tensor], Tensor]):
        self.number = {id(variable): 0}
        self.values: list[Any] = [None]
        self.constants: set[int] = set()  # the slots holding constants
        self.live, self.resolved = live, resolved

    def get(self, n: Tensor) -> int | None:
        return self.number.get(id(self.resolved(n)))

    def __getitem__(self, n: Tensor) -> int:
        n = self.resolved(n)
        if id(n) not in self.number:
            self.number[id(n)] = len(self.values)
            if id(n) not in self.live:
                self.constants.add(len(self.values))
            self.values.append(None if id(n) in self.live else n.value)
        return self.number[id(n)]


def _spread_uniform_constants(steps: list[Step], values: list[Any], constants: set[int]) -> None:
    """A constant array of one repeated number (100 times the seed of ones) becomes a view of that
    one number, so elementwise steps read it from cache; only where elementwise ufuncs alone
    read it, since other functions may sum in another order over another memory layout."""
    readers: dict[int, list[Any]] = {}
    for kind, fn, _, a, b in steps:
        for slot in _read_by(kind, a, b):
            readers.setdefault(slot, []).append(fn)
    for slot, fns in readers.items():
        value = values[slot]
        if slot not in constants or type(value) is not np.ndarray or value.size < 2:
            continue
        if all(isinstance(fn, np.ufunc) and fn.signature is None for fn in fns):
            first = value.reshape(-1)[0]
            if np.all(value == first):
                values[slot] = np.broadcast_to(np.array(first), value.shape)


def _share_buffers(
    steps: list[Step], buffered: list[int], values: list[Any], outputs: tuple[int, int]
) -> list[list[int]]:
    """Slots whose values are dead by the time another step writes share one buffer, as NumPy
    would hand a freed temporary to the next array: a smaller set of arrays stays in cache.
    A NEW step's result may be a view of its inputs (a reshape), so it keeps them alive too.
    Returns the slots of each buffer; their template arrays in values are made one."""
    roots: dict[int, set[int]] = {slot: {slot} for slot in buffered}  # slot -> buffers it views
    last = dict.fromkeys(buffered, -1)  # buffer -> the last step that reads it
    for i, (kind, _, out, a, b) in enumerate(steps):
        read = [roots.get(slot, set()) for slot in _read_by(kind, a, b)]
        for buffer in set().union(*read):
            last[buffer] = i
        if kind in (NEW_1, NEW_2, NEW_N):
            roots[out] = set().union(*read)
    for slot in outputs:
        for buffer in roots.get(slot, ()):
            last[buffer] = len(steps)  # handed out (copied) after the last step
    groups: list[list[int]] = []
    free_after: list[int] = []  # per group: the last read of the slot it holds now
    for i, (kind, _, out, _, _) in enumerate(steps):
        if kind > INTO_2 or out not in roots or roots[out] != {out}:
            continue
        like = values[out]
        fits = [
            k
            for k, group in enumerate(groups)
            if free_after[k] < i and _same_layout(values[group[0]], like)
        ]
        if fits:
            groups[fits[0]].append(out)
            values[out] = values[groups[fits[0]][0]]
            free_after[fits[0]] = last[out]
        else:
            groups.append([out])
            free_after.append(last[out])
    return groups


def _same_layout(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and a.dtype == b.dtype and a.strides == b.strides


def _read_by(kind: int, a: Any, b: Any) -> tuple[int, ...]:
    """The slots a step reads (a WHOLE step's are in a: cotangents, never a constant)."""
    if kind in (INTO_2, NEW_2):
        return (a, b)
    if kind in (INTO_1, NEW_1):
        return (a,)
    return a


def _step(into: bool, fn: Callable[..., Any], out: int, args: tuple[int, ...]) -> Step:
    if len(args) == 1:
        return (INTO_1 if into else NEW_1, fn, out, args[0], None)
    if len(args) == 2:
        return (INTO_2 if into else NEW_2, fn, out, args[0], args[1])
    return (NEW_N, fn, out, args, None)


def _units(nodes: list[Tensor], live: set[int]) -> dict[int, Tensor]:
    """Nodes equal to one of their inputs: op(x, unit) where the unit is a constant of all
    `unit` and x already has the result's shape and type (the seed of ones times a VJP)."""
    same: dict[int, Tensor] = {}
    for n in nodes:
        unit = n.prim.unit
        if unit is None or id(n) not in live or len(n.parents) != 2:
            continue
        for x, other in (n.parents, reversed(n.parents)):
            fits = x.value.shape == n.value.shape and x.value.dtype == n.value.dtype
            if fits and id(other) not in live and np.all(other.value == unit):
                same[id(n)] = same.get(id(x), x)
                break
    return same


def _differences(
    nodes: list[Tensor], live: set[int], resolved: Callable[[Tensor], Tensor], uses: Counter
) -> tuple[dict[int, tuple[Tensor, Tensor]], set[int]]:
    """Sums a + (-b) to compute as a - b, and the negations they make unnecessary."""
    differences: dict[int, tuple[Tensor, Tensor]] = {}
    negations: set[int] = set()
    for n in nodes:
        if id(n) not in live or n.prim.name != "add" or len(n.parents) != 2:
            continue
        a, b = (resolved(p) for p in n.parents)
        for keep, negation in ((a, b), (b, a)):
            if (
                negation.prim.name == "negative"
                and id(negation) in live
                and uses[id(negation)] == 1
            ):
                differences[id(n)] = (keep, resolved(negation.parents[0]))
                negations.add(id(negation))
                break
    return differences, negations


def _column_groups(
    nodes: list[Tensor],
    live: set[int],
    resolved: Callable[[Tensor], Tensor],
    uses: Counter,
    differences: dict,
    skipped: set[int],
) -> dict[int, list[tuple[Any, Tensor]]]:
    """Sums of cotangents scattered into different columns of one 2-D array (p[:, 0], p[:, 1]),
    each mapped to its (column index, cotangent written there) pairs. The sums and scatters
    inside a group are added to skipped: the group's steps write its columns straight in."""
    groups: dict[int, list[tuple[Any, Tensor]]] = {}
    for n in nodes:
        if id(n) not in live:
            continue
        if n.prim is SCATTER:
            index, shape, basic = n.ctx
            if basic and column_of(index, shape) is not None:
                groups[id(n)] = [(index, resolved(n.parents[0]))]
        elif n.prim.name == "add" and len(n.parents) == 2 and id(n) not in differences:
            a, b = (resolved(p) for p in n.parents)
            left, right = groups.get(id(a)), groups.get(id(b))
            if left is None or right is None or uses[id(a)] != 1 or uses[id(b)] != 1:
                continue
            if not a.value.shape == b.value.shape == n.value.shape:
                continue
            columns = [column_of(index, n.value.shape) for index, _ in left + right]
            if len(set(columns)) == len(columns):
                groups[id(n)] = left + right
                skipped.update((id(a), id(b)))
    return {key: group for key, group in groups.items() if key not in skipped and len(group) > 1}
