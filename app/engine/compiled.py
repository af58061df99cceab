"""Compiled value-and-gradient: trace a batch function once per input shape, then replay it.

A run loop calls the same loss on same-shaped batches thousands of times. The first call records
the graph as usual; later calls replay its forward and backward passes as flat lists of NumPy
calls over numbered slots, with no Tensor, node or dictionary per op.

The backward pass is planned once, with the whole graph in view, so it can skip work the eager
pass repeats on every call. The results keep every bit (a zero's sign aside):
- cotangents that do not depend on the data (the seed of ones, 100 times it, a column of it) are
  worked out once, by the same VJP code, and reused;
- a VJP applied to the seed of ones skips the multiplication by them (x * 1.0 is x);
- a contribution that is g or -g joins its sum without an op of its own (a + (-b) is a - b);
- the columns picked out of the points are written straight into the gradient's columns.
Every other contribution runs the eager pass's own VJP, and sums are added in the eager order.

A graph is replayed only when nothing in it can depend on the data: every op has a registered
replay (where, clip and max are left out because their context holds data), and the traced
function never read a Tensor's value itself (a comparison or float() could have steered it).
Anything else falls back to the eager engine.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from app.engine.autodiff import _record, batch_value_and_grad
from app.engine.backward import backward, ones_like_root
from app.engine.elementwise import negated, pass_through
from app.engine.reductions import sum_to_shape
from app.engine.shape import GETITEM_VJP, column_of, scatter
from app.engine.tensor import AT_ONES, LINEAR_VJPS, REPLAYS, Replay, Tensor, Vjp, recording

BatchValueAndGrad = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]

# One step of a replayed backward pass: step(values, cotangents), both lists by slot.
BackwardStep = Callable[[list, list], None]


class Program:
    """One traced graph as forward instructions and backward steps over numbered slots.

    Slot 0 holds the input points; then one slot per traced node, then the constants.
    """

    __slots__ = ("backward_steps", "cotangents", "forward_plan", "root", "values")

    def __init__(
        self,
        forward_plan: list[tuple[int, Replay, tuple[int, ...]]],
        backward_steps: list[BackwardStep],
        values: list[Any],
        cotangents: list[Any],
        root: int,
    ) -> None:
        self.forward_plan = forward_plan
        self.backward_steps = backward_steps
        self.values = values  # the constants in their slots, copied at the start of each call
        self.cotangents = cotangents  # the cotangents known before the call, likewise
        self.root = root

    def __call__(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        values = self.values.copy()
        values[0] = points
        for out, replay, arg_slots in self.forward_plan:
            if len(arg_slots) == 1:  # unrolled for the one- and two-input ops of most graphs
                values[out] = replay(values[arg_slots[0]])
            elif len(arg_slots) == 2:
                values[out] = replay(values[arg_slots[0]], values[arg_slots[1]])
            else:
                values[out] = replay(*[values[i] for i in arg_slots])
        cotangents = self.cotangents.copy()
        for step in self.backward_steps:
            step(values, cotangents)
        grads = cotangents[0]
        if grads is None:  # the points reach the output only through constants
            return values[self.root], np.zeros_like(points)
        # A view (of the seed, say), a precomputed constant or the points themselves: copy, so
        # every call hands out a fresh array its caller may keep or change.
        if grads.base is not None or not grads.flags.writeable or grads is points:
            grads = grads.copy()
        return values[self.root], grads


class Contribution(NamedTuple):
    """One parent's share of a node's cotangent, as the eager backward pass computes it."""

    source: int  # the node's slot, whose cotangent g this reads
    inputs: tuple[int, ...]  # the node's parents' slots, whose values are its VJP's args
    target: int  # the parent's slot
    vjp: Vjp
    ctx: Any
    shape: tuple[int, ...]  # the parent's shape, which the contribution is summed down to
    traced: Tensor  # the node as traced, for trying a VJP's shortcut once


def compile_program(tape: list[Tensor], variable: Tensor, root: Any) -> Program | None:
    """The Program replaying tape (recorded from variable to root), or None if it cannot."""
    if type(root) is not Tensor or not root.needs_grad:
        return None
    slot_of = {id(variable): 0}
    values: list[Any] = [None]  # slot -> value for the constants (inputs the points never reach)
    traced_nodes = [t for t in tape if t.needs_grad]
    for traced in traced_nodes:
        slot_of[id(traced)] = len(slot_of)
        values.append(None)
    if id(root) not in slot_of:
        return None
    forward_plan, contributions_of = [], []
    for traced in traced_nodes:
        make = REPLAYS.get(traced.op)
        if make is None:
            return None
        arg_slots = []
        for parent in traced.parents:
            slot = slot_of.get(id(parent))
            if slot is None:
                slot = slot_of[id(parent)] = len(values)
                values.append(parent.value)
            arg_slots.append(slot)
        out, inputs = slot_of[id(traced)], tuple(arg_slots)
        forward_plan.append((out, make(traced), inputs))
        contributions_of.append(
            [
                Contribution(out, inputs, slot, vjp, traced.ctx, parent.value.shape, traced)
                for slot, vjp, parent in zip(arg_slots, traced.vjps, traced.parents, strict=True)
                if parent.needs_grad
            ]
        )
    # The eager pass walks the tape from its end, each node's parents in order.
    contributions = [c for node in reversed(contributions_of) for c in node]
    root_slot = slot_of[id(root)]
    steps, cotangents = plan_backward(contributions, root_slot, root.value.shape, len(values))
    return Program(forward_plan, steps, values, cotangents, root_slot)


def plan_backward(
    contributions: list[Contribution], root: int, root_shape: tuple[int, ...], n_slots: int
) -> tuple[list[BackwardStep], list[Any]]:
    """The backward steps for contributions (in the eager pass's order), and the cotangents
    known before any call: the seed, and every cotangent that does not depend on the data."""
    seed = ones_like_root(root_shape)
    known: list[Any] = [None] * n_slots  # slot -> its cotangent, when it is a constant
    known[root] = seed
    reached = {root}  # slots some contribution reaches: the eager pass skips the rest
    # First pass: the constant contributions, folded into constant cotangents where a slot
    # receives nothing else. A slot's contributions all come before any that it makes.
    live: list[Contribution] = []
    constant_part: list[Any] = []  # per live contribution: its constant value, or None
    pending: dict[int, list[Any]] = {}  # slot -> its contributions' constants so far (None: data)
    for c in contributions:
        if c.source not in reached:
            continue
        live.append(c)
        if c.source in pending:
            known[c.source] = _fold(pending.pop(c.source))
        g = known[c.source]
        value = None
        if g is not None and c.vjp in LINEAR_VJPS:
            value = _read_only(_contribution(c.vjp, g, c.ctx, c.shape))
        constant_part.append(value)
        pending.setdefault(c.target, []).append(value)
        reached.add(c.target)
    for slot, parts in pending.items():  # the slots no node reads from: the points, mostly
        known[slot] = _fold(parts)
    # Second pass: a step for every contribution to a slot that is not wholly constant.
    steps: list[BackwardStep] = []
    started: set[int] = set()
    columns = _column_writes(live, known)
    for c, value in zip(live, constant_part, strict=True):
        if known[c.target] is not None:
            continue
        first = c.target not in started
        started.add(c.target)
        if c.target in columns:
            steps.append(_write_column(c, known[c.source], columns[c.target], first))
        elif value is not None:
            steps.append(_add_constant(c.target, value, first))
        else:
            steps.append(_step_for(c, known[c.source], first))
    return steps, known


def _contribution(vjp: Vjp, g: np.ndarray, ctx: Any, shape: tuple[int, ...]) -> np.ndarray:
    """A linear VJP's contribution for a constant g, summed down as the eager pass does."""
    contribution = scatter(g, *ctx) if vjp is GETITEM_VJP else vjp(g, None, None, ctx)
    return sum_to_shape(contribution, shape)


def _fold(parts: list[Any]) -> np.ndarray | None:
    """The sum of a slot's contributions, in order, if every one is a constant."""
    if any(part is None for part in parts):
        return None
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return _read_only(total)


def _read_only(array: np.ndarray) -> np.ndarray:
    array = np.asarray(array)
    array.flags.writeable = False
    return array


def _column_writes(contributions: list[Contribution], known: list[Any]) -> dict[int, bool]:
    """Slots whose every contribution picks a different column of a 2-D array (p[:, 0], ...),
    mapped to whether the columns cover it: those are written straight into one buffer."""
    picked: dict[int, list[int] | None] = {}
    width: dict[int, int] = {}
    for c in contributions:
        if known[c.target] is not None:
            continue
        column = column_of(c.ctx[0], c.ctx[1]) if c.vjp is GETITEM_VJP else None
        so_far = picked.setdefault(c.target, [])
        if column is None or so_far is None or column in so_far:
            picked[c.target] = None
        else:
            so_far.append(column)
            width[c.target] = c.shape[1]
    return {
        slot: sorted(cols) == list(range(width[slot]))
        for slot, cols in picked.items()
        if cols is not None
    }


# --- the kinds of step ------------------------------------------------------------------------


def _write_column(c: Contribution, g_known: Any, covered: bool, first: bool) -> BackwardStep:
    """g into its column of the target's buffer; the first write makes the buffer (left
    uninitialised when the columns cover it, since every element is then written)."""
    source, target, (index, shape, _) = c.source, c.target, c.ctx
    make = np.empty if covered else np.zeros

    def step(values: list, cotangents: list) -> None:
        if first:
            cotangents[target] = make(shape)
        cotangents[target][index] = cotangents[source] if g_known is None else g_known

    return step


def _add_constant(target: int, value: np.ndarray, first: bool) -> BackwardStep:
    def step(values: list, cotangents: list) -> None:
        cotangents[target] = value if first else cotangents[target] + value

    return step


def _step_for(c: Contribution, g_known: Any, first: bool) -> BackwardStep:
    """The step for a contribution that depends on the data."""
    source, target, vjp, ctx, shape = c.source, c.target, c.vjp, c.ctx, c.shape
    if vjp in (pass_through, negated) and c.traced.value.shape == shape:
        return _signed(source, target, vjp is negated, first)
    if vjp is GETITEM_VJP:

        def index(values: list, cotangents: list) -> None:
            contribution = scatter(cotangents[source], *ctx)
            cotangents[target] = contribution if first else cotangents[target] + contribution

        return index
    pick = _arguments(c.inputs)
    at_ones = AT_ONES.get(vjp)
    if at_ones is not None and g_known is not None and _all_ones(g_known):
        traced = c.traced
        if at_ones(traced.value, tuple(p.value for p in traced.parents), ctx) is not None:

            def seeded(values: list, cotangents: list) -> None:
                contribution = at_ones(values[source], pick(values), ctx)
                if contribution.shape != shape:
                    contribution = sum_to_shape(contribution, shape)
                cotangents[target] = contribution if first else cotangents[target] + contribution

            return seeded

    def general(values: list, cotangents: list) -> None:
        contribution = vjp(cotangents[source], values[source], pick(values), ctx)
        if contribution.shape != shape:
            contribution = sum_to_shape(contribution, shape)
        cotangents[target] = contribution if first else cotangents[target] + contribution

    return general


def _signed(source: int, target: int, negate: bool, first: bool) -> BackwardStep:
    """g or -g, started or added: a + (-b) is a - b, so a negation never needs its own op."""
    if first:
        if negate:
            return lambda values, cotangents: cotangents.__setitem__(target, -cotangents[source])
        return lambda values, cotangents: cotangents.__setitem__(target, cotangents[source])
    if negate:
        return lambda values, cotangents: cotangents.__setitem__(
            target, cotangents[target] - cotangents[source]
        )
    return lambda values, cotangents: cotangents.__setitem__(
        target, cotangents[target] + cotangents[source]
    )


def _arguments(inputs: tuple[int, ...]) -> Callable[[list], tuple]:
    """values -> the tuple of a node's input values, as its VJPs take them."""
    if len(inputs) == 1:
        (only,) = inputs
        return lambda values: (values[only],)
    return operator.itemgetter(*inputs)


def _all_ones(array: np.ndarray) -> bool:
    return bool(np.all(array == 1.0))


# --- the transform ----------------------------------------------------------------------------


def compiled_batch_value_and_grad(f: Callable[[Tensor], Any]) -> BatchValueAndGrad:
    """batch_value_and_grad(f, points) that replays f's graph for every later same-shaped batch.

    Each input shape is traced on its first call, whose result comes from the eager pass.
    """
    programs: dict[tuple[int, ...], Program | None] = {}

    def value_and_grad(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        points = np.asarray(points, dtype=np.float64)
        program = programs.get(points.shape, _UNTRACED)
        if program is not _UNTRACED and program is not None:
            return program(points)
        if program is None or recording.tape is not None:
            return batch_value_and_grad(f, points)
        values, grads, programs[points.shape] = _trace(f, points)
        return values, grads

    value_and_grad.programs = programs  # type: ignore[attr-defined]  (for tests: what compiled)
    return value_and_grad


_UNTRACED: Any = object()


def _trace(
    f: Callable[[Tensor], Any], points: np.ndarray
) -> tuple[np.ndarray, np.ndarray, Program | None]:
    """One eager value-and-gradient of f at points, and the Program that replays it."""
    variable = Tensor(points, needs_grad=True)
    reads = recording.value_reads
    root, tape = _record(f, variable)  # callers come here only when no tape is running
    steered = recording.value_reads != reads
    program = None if steered else compile_program(tape, variable, root)
    values = root if type(root) is Tensor else Tensor(root)
    (grads,), _ = backward(values, [variable], tape=tape, keep_cotangents=False)
    return values.value, grads, program
