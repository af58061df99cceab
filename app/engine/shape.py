"""Shape primitives: reshape, transpose, indexing, concatenate, stack, and matmul."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

import numpy as np

from app.engine.tensor import ShapeError, Tensor, as_tensor, define, node, node1, value_of

_RESHAPE = define(
    "reshape",
    (lambda g, ans, args, shapes: reshape(g, shapes[0]),),
    lambda shapes: lambda x: np.reshape(x, shapes[1]),
)


def reshape(x: Any, *shape: Any) -> Any:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    if type(x) is not Tensor:
        return np.reshape(x, shape)
    try:
        value = np.reshape(x.value, shape)
    except ValueError:
        raise ShapeError(f"reshape: cannot reshape shape {x.shape} into {shape}") from None
    if value.shape == x.shape:
        return x
    return node(value, _RESHAPE, (x,), (x.shape, value.shape))


def _replay_transpose(inverse: tuple[int, ...]) -> Any:
    axes = tuple(np.argsort(inverse))  # ctx is the inverse permutation
    return lambda x: np.transpose(x, axes)


_TRANSPOSE = define(
    "transpose", (lambda g, ans, args, inverse: transpose(g, inverse),), _replay_transpose
)


def transpose(x: Any, axes: Sequence[int] | None = None) -> Any:
    if type(x) is not Tensor:
        return np.transpose(x, axes)
    if axes is None:
        axes = tuple(reversed(range(x.ndim)))
    try:
        value = np.transpose(x.value, axes)
    except ValueError:
        raise ShapeError(f"transpose: axes {tuple(axes)} do not fit shape {x.shape}") from None
    inverse = tuple(np.argsort([axis % x.ndim for axis in axes]))
    return node(value, _TRANSPOSE, (x,), inverse)


_BASIC_INDEX_TYPES = frozenset({int, slice, type(None), type(Ellipsis), np.int64})


def _is_basic_index(index: Any) -> bool:
    """Basic indices (ints, slices, None, ...) never repeat an element, so assignment suffices."""
    if type(index) is tuple:
        return _BASIC_INDEX_TYPES.issuperset(map(type, index))  # twice as fast as all(...)
    return type(index) in _BASIC_INDEX_TYPES


# ctx = (index, the indexed array's shape, whether the index is basic)
def _getitem_vjp(g: Any, ans: Any, args: tuple, ctx: tuple) -> Any:
    return _scatter(g, ctx) if type(g) is not Tensor else scatter(g, *ctx)


_GETITEM = define("getitem", (_getitem_vjp,), lambda ctx: operator.itemgetter(ctx[0]))


def getitem(x: Any, index: Any) -> Any:
    if type(x) is not Tensor:
        return np.asarray(x)[index]
    try:
        value = x.value[index]
    except IndexError as error:
        raise ShapeError(
            f"getitem: index {index!r} does not fit shape {x.shape}: {error}"
        ) from None
    # p[:, k], by far the commonest index, is known basic at a glance.
    basic = (
        type(index) is tuple
        and len(index) == 2
        and type(index[1]) is int
        and type(index[0]) is slice
    ) or _is_basic_index(index)
    return node1(value, _GETITEM, x, (index, x.value.shape, basic))


def column_of(index: Any, shape: tuple[int, ...]) -> int | None:
    """k when index picks column k of a 2-D array (p[:, k]), else None."""
    if type(index) is not tuple or len(index) != 2 or len(shape) != 2:
        return None
    rows, k = index
    if type(k) not in _INTEGERS or rows != _ALL_ROWS:
        return None
    return int(k) % shape[1]


_INTEGERS = frozenset({int, np.int64})
_ALL_ROWS = slice(None)


def _scatter(g: Any, ctx: tuple, out: Any = None) -> Any:
    """Zeros of ctx's shape (or out, zeroed) with g added at ctx's index. ctx is passed whole:
    unpacking it into arguments costs a getitem's VJP a quarter of its time on tiny inputs."""
    index, shape, basic = ctx
    if out is None:
        out = np.zeros(shape)
    else:
        out.fill(0.0)
    # Into zeros, assigning is adding: basic indices never repeat an element.
    if basic:
        out[index] = g
    else:
        np.add.at(out, index, g)
    return out


# ctx as getitem's: scatter is its adjoint, and getitem is scatter's.
SCATTER = define(
    "scatter",
    (lambda g, ans, args, ctx: getitem(g, ctx[0]),),
    lambda ctx: lambda g, out=None: _scatter(g, ctx, out),
    into=True,
)


def scatter(g: Any, index: Any, shape: tuple[int, ...], basic: bool) -> Any:
    """The adjoint of indexing: zeros of shape with g added at index (repeats accumulate)."""
    ctx = (index, shape, basic)
    if type(g) is not Tensor:
        return _scatter(g, ctx)
    return node(_scatter(g.value, ctx), SCATTER, (g,), ctx)


def _along(axis: int, ndim: int, selector: Any) -> tuple:
    return (slice(None),) * (axis % ndim) + (selector,)


_CONCATENATE = define("concatenate", replay=lambda axis: lambda *parts: np.concatenate(parts, axis))
_STACK = define("stack", replay=lambda axis: lambda *parts: np.stack(parts, axis))


def _join(parts: Sequence[Any], axis: int, record: Any) -> Any:
    """concatenate or stack: each part's VJP picks its own slice back out of g."""
    join = np.concatenate if record is _CONCATENATE else np.stack
    if not any(type(p) is Tensor for p in parts):
        return join(parts, axis=axis)
    tensors = tuple(as_tensor(p) for p in parts)
    try:
        value = join([t.value for t in tensors], axis=axis)
    except ValueError:
        shapes = ", ".join(str(t.shape) for t in tensors)
        raise ShapeError(f"{record.name}: incompatible shapes {shapes} along axis {axis}") from None
    if record is _CONCATENATE:
        bounds = np.cumsum([0] + [t.shape[axis] for t in tensors])
        selectors = [slice(int(lo), int(hi)) for lo, hi in pairwise(bounds)]
    else:
        selectors = list(range(len(tensors)))
    vjps = tuple(_slice_vjp(_along(axis, value.ndim, s)) for s in selectors)
    return node(value, record, tensors, axis, vjps)


def concatenate(parts: Sequence[Any], axis: int = 0) -> Any:
    return _join(parts, axis, _CONCATENATE)


def stack(parts: Sequence[Any], axis: int = 0) -> Any:
    return _join(parts, axis, _STACK)


def _slice_vjp(index: tuple) -> Any:
    return lambda g, ans, args, ctx: getitem(g, index)


def expand_dims(x: Any, axis: int) -> Any:
    shape = list(np.shape(x))
    shape.insert(axis % (len(shape) + 1), 1)
    return reshape(x, tuple(shape))


def _swap_last(x: Any) -> Any:
    ndim = np.ndim(value_of(x))
    return transpose(x, (*range(ndim - 2), ndim - 1, ndim - 2))


def _matmul_vjp_a(g: Any, ans: Any, args: tuple, shapes: tuple) -> Any:
    b = args[1]
    a_shape, b_shape = shapes
    if len(b_shape) == 1:
        return expand_dims(g, -1) * b
    if len(a_shape) == 1:
        return matmul(expand_dims(g, -2), _swap_last(b))
    return matmul(g, _swap_last(b))


def _matmul_vjp_b(g: Any, ans: Any, args: tuple, shapes: tuple) -> Any:
    a = args[0]
    a_shape, b_shape = shapes
    if len(a_shape) == 1:
        return g * a if len(b_shape) == 1 else expand_dims(a, -1) * expand_dims(g, -2)
    if len(b_shape) == 1:
        column = matmul(_swap_last(a), expand_dims(g, -1))
        return reshape(column, column.shape[:-1])
    return matmul(_swap_last(a), g)


_MATMUL = define("matmul", (_matmul_vjp_a, _matmul_vjp_b), lambda shapes: np.matmul, into=True)


def matmul(a: Any, b: Any) -> Any:
    if type(a) is not Tensor and type(b) is not Tensor:
        return np.matmul(a, b)
    a, b = as_tensor(a), as_tensor(b)
    if a.ndim == 0 or b.ndim == 0:
        raise ShapeError(
            f"matmul: operands must have at least 1 dimension, got {a.shape} and {b.shape}"
        )
    try:
        value = np.matmul(a.value, b.value)
    except ValueError:
        raise ShapeError(f"matmul: incompatible shapes {a.shape} and {b.shape}") from None
    return node(value, _MATMUL, (a, b), (a.shape, b.shape))
