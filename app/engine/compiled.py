"""Compiled value-and-gradient: trace a batch function once per input shape, then replay it.

A run loop calls the same loss on same-shaped batches thousands of times. The first call records
the graph as usual; later calls replay its forward and backward passes as flat lists of NumPy
calls over numbered slots, with no Tensor, node or dictionary per op. A replay performs the same
NumPy operations in the same order as the eager pass, so results are identical bit for bit.

A graph is replayed only when nothing in it can depend on the data: every op has a registered
replay (where, clip and max are left out because their context holds data), and the traced
function never read a Tensor's value itself (a comparison or float() could have steered it).
Anything else falls back to the eager engine.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from app.engine.autodiff import _record, batch_value_and_grad
from app.engine.backward import add_at_index, backward
from app.engine.reductions import sum_to_shape
from app.engine.shape import GETITEM_VJP
from app.engine.tensor import REPLAYS, Replay, Tensor, Vjp, recording

BatchValueAndGrad = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]


class Program:
    """One traced graph as forward and backward instruction lists over numbered slots.

    Slot 0 holds the input points; then one slot per traced node, then the constants.
    """

    __slots__ = ("backward_plan", "constants", "forward_plan", "n_slots", "root", "seed")

    def __init__(
        self,
        forward_plan: list[tuple[int, Replay, tuple[int, ...]]],
        backward_plan: list[tuple[int, Any, tuple[tuple[int, Vjp, tuple[int, ...]], ...]]],
        constants: dict[int, np.ndarray],
        n_slots: int,
        root: int,
    ) -> None:
        self.forward_plan = forward_plan
        self.backward_plan = backward_plan
        self.seed: np.ndarray | None = None  # the ones the backward pass starts from (read-only)
        self.constants = constants
        self.n_slots = n_slots
        self.root = root

    def __call__(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        values: list[Any] = [None] * self.n_slots
        args_of: list[tuple | None] = [None] * self.n_slots
        values[0] = points
        for slot, constant in self.constants.items():
            values[slot] = constant
        for out, replay, arg_slots in self.forward_plan:
            if len(arg_slots) == 1:  # unrolled for the one- and two-input ops of most graphs
                args = (values[arg_slots[0]],)
            elif len(arg_slots) == 2:
                args = (values[arg_slots[0]], values[arg_slots[1]])
            else:
                args = tuple([values[i] for i in arg_slots])
            args_of[out] = args
            values[out] = replay(args)
        root = values[self.root]
        # The same walk as backward(): reversed creation order, parents in order, so the
        # contributions are added in the same order as the eager pass adds them.
        cotangents: list[Any] = [None] * self.n_slots
        seed = self.seed
        if seed is None or seed.shape != root.shape:
            self.seed = seed = np.ones(root.shape)
            seed.flags.writeable = False
        cotangents[self.root] = seed
        owned: set[int] = set()
        for out, ctx, parents in self.backward_plan:
            g = cotangents[out]
            if g is None:
                continue
            if owned:
                owned.discard(id(g))
            args, ans = args_of[out], values[out]
            for slot, vjp, shape in parents:
                if vjp is GETITEM_VJP:
                    cotangents[slot] = add_at_index(cotangents[slot], g, ctx, owned)
                    continue
                contribution = vjp(g, ans, args, ctx)
                if contribution.shape != shape:
                    contribution = sum_to_shape(contribution, shape)
                previous = cotangents[slot]
                cotangents[slot] = contribution if previous is None else previous + contribution
        grads = cotangents[0]
        if grads is None:
            return root, np.zeros_like(points)
        if grads is seed or grads.base is seed:  # a view of the shared seed: hand out a copy
            grads = grads.copy()
        return root, grads


def compile_program(tape: list[Tensor], variable: Tensor, root: Any) -> Program | None:
    """The Program replaying tape (recorded from variable to root), or None if it cannot."""
    if type(root) is not Tensor or not root.needs_grad:
        return None
    slot_of = {id(variable): 0}
    constants: dict[int, np.ndarray] = {}  # slot -> value, for the inputs the points never reach
    traced_nodes = [t for t in tape if t.needs_grad]
    for traced in traced_nodes:
        slot_of[id(traced)] = len(slot_of)
    if id(root) not in slot_of:
        return None
    n_slots = len(slot_of)
    forward_plan, backward_plan = [], []
    for traced in traced_nodes:
        make = REPLAYS.get(traced.op)
        if make is None:
            return None
        arg_slots = []
        for parent in traced.parents:
            slot = slot_of.get(id(parent))
            if slot is None:
                slot = slot_of[id(parent)] = n_slots
                constants[slot] = parent.value
                n_slots += 1
            arg_slots.append(slot)
        out = slot_of[id(traced)]
        forward_plan.append((out, make(traced), tuple(arg_slots)))
        parents = tuple(
            (slot, vjp, parent.value.shape)
            for slot, vjp, parent in zip(arg_slots, traced.vjps, traced.parents, strict=True)
            if parent.needs_grad
        )
        if parents:
            backward_plan.append((out, traced.ctx, parents))
    backward_plan.reverse()  # the eager pass walks the tape from its end
    return Program(forward_plan, backward_plan, constants, n_slots, slot_of[id(root)])


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
    (grads,), _ = backward(values, [variable], tape=tape)
    return values.value, grads, program
