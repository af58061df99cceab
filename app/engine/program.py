"""The compiled replay at run time: a Program's steps over numbered slots (planned in plan.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

# How a step reads its inputs and where its result goes: INTO_* write into the out slot's own
# array, NEW_* store a fresh array (or a view) in it, WHOLE steps work on the slots themselves.
INTO_1, INTO_2, NEW_1, NEW_2, NEW_N, WHOLE = range(6)
Step = tuple[int, Callable[..., Any], int, Any, Any]


class Program:
    """Steps over numbered slots: slot 0 holds the points, the rest nodes and constants.

    Each call takes a set of slots (constants in place, a buffer in each buffered slot) from a
    pool, so calls from several threads, or a call inside another, never share buffers.
    """

    __slots__ = ("_buffered", "_free", "_layout", "grad", "steps", "value")

    def __init__(
        self,
        steps: list[Step],
        slots: list[Any],
        buffered: list[list[int]],
        value: tuple[int, bool],
        grad: tuple[int, bool],
    ) -> None:
        self.steps = steps
        self.value, self.grad = value, grad  # (slot, whether to copy it before handing it out)
        self._layout, self._buffered = slots, buffered  # later sets copy these buffers' layout
        self._free = [slots]

    def __call__(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        free = self._free
        values = free.pop() if free else self._new_slots()
        values[0] = points
        for kind, fn, out, a, b in self.steps:
            if kind == INTO_2:
                fn(values[a], values[b], values[out])
            elif kind == INTO_1:
                fn(values[a], values[out])
            elif kind == NEW_2:
                values[out] = fn(values[a], values[b])
            elif kind == NEW_1:
                values[out] = fn(values[a])
            elif kind == NEW_N:
                values[out] = fn(*[values[i] for i in a])
            else:
                fn(values)
        (value_slot, copy_value), (grad_slot, copy_grad) = self.value, self.grad
        value, grad = values[value_slot], values[grad_slot]
        free.append(values)
        # Hand out fresh arrays the caller may keep or change: never a buffer, constant or view.
        if copy_value or value.base is not None:
            value = value.copy()
        if copy_grad or grad.base is not None:
            grad = grad.copy()
        return value, grad

    def _new_slots(self) -> list[Any]:
        slots = self._layout.copy()
        for group in self._buffered:  # the slots sharing one buffer
            buffer = np.empty_like(slots[group[0]])
            for slot in group:
                slots[slot] = buffer
        return slots


def allocate_columns(
    make: Callable[..., np.ndarray], shape: tuple[int, ...], target: int, columns: list
) -> Callable[[list], None]:
    """A fresh array for a column group, and its columns as the slots of the cotangents that
    are computed straight into them."""

    def allocate(values: list) -> None:
        array = values[target] = make(shape)
        for index, slot in columns:
            values[slot] = array[index]

    return allocate


def copy_columns(target: int, columns: list) -> Callable[[list], None]:
    """Copy the cotangents computed elsewhere into their columns."""

    def copy(values: list) -> None:
        array = values[target]
        for index, slot in columns:
            array[index] = values[slot]

    return copy
