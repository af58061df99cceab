"""Compiled value-and-gradient: trace a batch function once per input shape, then replay it.

A run loop calls the same loss on same-shaped batches thousands of times. The first call records
the forward graph and then the backward pass itself (as grad of grad does), so the gradient is a
graph of primitives too. Later calls replay that one graph as a flat list of NumPy calls over
numbered slots (see app/engine/plan.py), writing into buffers kept from call to call, with no
Tensor, node or dictionary per op. The results are the eager pass's, bit for bit (a zero's sign
aside).

A graph is replayed only when nothing in it can depend on the data: every op in it has a replay
(where, clip and max have none, because their context holds data), and the traced function
never read a Tensor's value itself (a comparison or float() could have steered it). Anything
else runs eagerly on every call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from app.engine.autodiff import batch_value_and_grad, record
from app.engine.backward import backward
from app.engine.plan import plan
from app.engine.program import Program
from app.engine.tensor import Tensor, recording


class CompiledValueAndGrad:
    """batch_value_and_grad(f, points), replaying f's graph for every later same-shaped batch.

    Each batch shape is traced on its first call, whose result comes from the traced pass. The
    memory layout is part of the key (the replay's buffers keep the trace's layout, and a sum's
    order of additions follows the layout), so a batch laid out otherwise is traced anew.
    """

    def __init__(self, f: Callable[[Tensor], Any]) -> None:
        self.f = f
        self._programs: dict[tuple[tuple[int, ...], tuple[int, ...]], Program | None] = {}

    def __call__(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        points = np.asarray(points, dtype=np.float64)
        key = (points.shape, points.strides)
        program = self._programs.get(key, _UNTRACED)
        if program is not _UNTRACED and program is not None:
            return program(points)
        if program is None or recording.tape is not None:
            return batch_value_and_grad(self.f, points)
        values, grads, self._programs[key] = _trace(self.f, points)
        return values, grads

    def replays(self, shape: tuple[int, ...]) -> bool:
        """Whether C-ordered batches of this shape are replayed (False: not traced yet, or they
        run eagerly)."""
        strides = np.empty(shape).strides
        return self._programs.get((tuple(shape), strides)) is not None

    @property
    def traced_shapes(self) -> list[tuple[int, ...]]:
        """The batch shapes traced so far, in the order they were first seen."""
        return list(dict.fromkeys(shape for shape, _ in self._programs))


def compiled_batch_value_and_grad(f: Callable[[Tensor], Any]) -> CompiledValueAndGrad:
    """f's batched value and gradient, traced once per batch shape and replayed after that."""
    return CompiledValueAndGrad(f)


_UNTRACED: Any = object()


def _trace(
    f: Callable[[Tensor], Any], points: np.ndarray
) -> tuple[np.ndarray, np.ndarray, Program | None]:
    """One value-and-gradient of f at points, and the Program that replays it (None: it cannot).

    The backward pass walks the forward tape, as the eager pass does, so sums are added in the
    same order; it is recorded, so the gradient's own graph can be planned.
    """
    variable = Tensor(points, needs_grad=True)
    reads = recording.value_reads
    root, tape = record(f, variable)  # callers come here only when no tape is running
    root = root if type(root) is Tensor else Tensor(root)
    (grad,), _ = backward(root, [variable], create_graph=True, tape=tape)
    steered = recording.value_reads != reads
    program = None if steered or not root.needs_grad else plan(variable, root, grad)
    return root.value, np.array(grad.value), program
