"""Function transforms: grad, value_and_grad, hessian and their batched forms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from app.engine.backward import backward
from app.engine.reductions import sum
from app.engine.shape import getitem, reshape
from app.engine.tensor import Tensor, recording

Argnum = int | tuple[int, ...]


def _variables(args: tuple, argnums: tuple[int, ...]) -> tuple[list[Any], list[Tensor], bool]:
    """Wrap the differentiated arguments as graph inputs.

    An argument that is already a Tensor comes from an enclosing transform (grad of grad): it is
    used as it is, and the inner backward pass is recorded so the outer one can see through it.
    """
    args = list(args)
    # Inside another transform (its tape is running), record this backward pass for it too.
    nested = recording.tape is not None or any(type(a) is Tensor and a.needs_grad for a in args)
    variables = []
    for i in argnums:
        if type(args[i]) is Tensor and args[i].needs_grad:
            variable = args[i]
        else:
            raw = args[i].value if type(args[i]) is Tensor else args[i]
            variable = Tensor(raw, needs_grad=True)
        args[i] = variable
        variables.append(variable)
    return args, variables, nested


def record(f: Callable[..., Any], *args: Any) -> tuple[Any, list[Tensor] | None]:
    """Run f, keeping a tape of its nodes unless an enclosing transform already keeps one."""
    if recording.tape is not None:
        return f(*args), None
    tape: list[Tensor] = []
    recording.tape = tape
    try:
        return f(*args), tape
    finally:
        recording.tape = None


def _scalar_output(out: Any, name: str) -> Tensor:
    out = out if type(out) is Tensor else Tensor(out)
    if out.value.size != 1:
        raise ValueError(f"{name}: the function must return a scalar, got shape {out.shape}")
    return out


def value_and_grad(f: Callable[..., Any], argnum: Argnum = 0) -> Callable[..., tuple[Any, Any]]:
    """A function returning (f(*args), df/d args[argnum]); argnum may be a tuple."""
    argnums = (argnum,) if isinstance(argnum, int) else tuple(argnum)

    def transformed(*args: Any) -> tuple[Any, Any]:
        args, variables, nested = _variables(args, argnums)
        out, tape = record(f, *args)
        out = _scalar_output(out, "value_and_grad")
        grads, _ = backward(out, variables, create_graph=nested, tape=tape)
        if not nested:
            grads = [np.asarray(g, dtype=np.float64) for g in grads]
        value = out if nested else out.value
        return value, grads[0] if isinstance(argnum, int) else tuple(grads)

    return transformed


def grad(f: Callable[..., Any], argnum: Argnum = 0) -> Callable[..., Any]:
    """A function returning the gradient of scalar f with respect to args[argnum]."""
    both = value_and_grad(f, argnum)
    return lambda *args: both(*args)[1]


def hessian(f: Callable[[Any], Any]) -> Callable[[Any], np.ndarray]:
    """The second derivatives of scalar f of one array x, shaped x.shape + x.shape: a (d, d)
    matrix for a vector, and a plain number's second derivative for a plain number."""

    def transformed(x: Any) -> np.ndarray:
        point = Tensor(x, needs_grad=True)
        out = _scalar_output(f(point), "hessian")
        (gradient,), _ = backward(out, [point], create_graph=True)
        flat = reshape(gradient, (-1,))
        rows = np.empty((point.value.size, point.value.size))
        for i in range(point.value.size):
            (row,), _ = backward(getitem(flat, i), [point])
            rows[i] = np.reshape(row, -1)
        return rows.reshape(point.shape + point.shape)

    return transformed


def batch_value_and_grad(f: Callable[[Tensor], Any], points: Any) -> tuple[np.ndarray, np.ndarray]:
    """Values (N,) and gradients (N, d) of f, which maps (N, d) points to N independent values.

    Rows do not interact, so the gradient of the sum gives every row's own gradient in one pass.
    """
    variable = Tensor(points, needs_grad=True)
    values, tape = record(f, variable)
    values = values if type(values) is Tensor else Tensor(values)
    # Seeding every value with 1 is the gradient of their sum, without a sum node.
    (grads,), _ = backward(values, [variable], tape=tape, keep_cotangents=False)
    return values.value, grads


def batch_hessian(
    f: Callable[[Tensor], Any], points: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Values (N,), gradients (N, d) and Hessians (N, d, d) of a row-independent f."""
    variable = Tensor(points, needs_grad=True)
    values = f(variable)
    values = values if type(values) is Tensor else Tensor(values)
    (gradient,), _ = backward(sum(values), [variable], create_graph=True)
    n, d = variable.shape
    hessians = np.empty((n, d, d))
    for i in range(d):
        (row,), _ = backward(sum(getitem(gradient, (slice(None), i))), [variable])
        hessians[:, i, :] = row
    return values.value, np.asarray(gradient.value), hessians
