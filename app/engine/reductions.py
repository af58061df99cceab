"""Reductions (sum, mean, max, logsumexp), the softmax family, and broadcasting's adjoint."""

from __future__ import annotations

from typing import Any

import numpy as np

from app.engine.elementwise import exp
from app.engine.shape import reshape
from app.engine.tensor import Tensor, define, node, value_of

Axis = int | tuple[int, ...] | None


def _axes(axis: Axis, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    return tuple(a % ndim if ndim else a for a in axes)


def _kept_shape(shape: tuple[int, ...], axis: Axis) -> tuple[int, ...]:
    axes = _axes(axis, len(shape))
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


# ctx = (the input's shape, the broadcast shape)
_BROADCAST_TO = define(
    "broadcast_to",
    (lambda g, ans, args, shapes: sum_to_shape(g, shapes[0]),),
    lambda shapes: lambda x: np.broadcast_to(x, shapes[1]),
)


def broadcast_to(x: Any, shape: tuple[int, ...]) -> Any:
    """x broadcast to shape; its VJP sums the copies back."""
    if type(x) is not Tensor:
        return np.broadcast_to(x, shape)
    if x.shape == shape:
        return x
    return node(np.broadcast_to(x.value, shape), _BROADCAST_TO, (x,), (x.shape, shape))


def sum_to_shape(g: Any, shape: tuple[int, ...]) -> Any:
    """Reduce a broadcast result to shape: over added leading axes and stretched size-1 axes."""
    g_shape = g.shape
    if g_shape == shape:
        return g
    extra = len(g_shape) - len(shape)
    stretched = tuple(i + extra for i, n in enumerate(shape) if n == 1 and g_shape[i + extra] != 1)
    g = sum(g, axis=tuple(range(extra)) + stretched, keepdims=True)
    return reshape(g, shape)


def _restore(g: Any, shape: tuple[int, ...], axis: Axis, keepdims: bool) -> Any:
    """Undo a reduction's shape change so g lines up with the reduced input."""
    if type(g) is not Tensor:
        # Filling a fresh array is several times faster than np.broadcast_to's Python wrapper.
        out = np.empty(shape)
        out[...] = g if keepdims or axis is None else np.reshape(g, _kept_shape(shape, axis))
        return out
    if not keepdims:
        g = reshape(g, _kept_shape(shape, axis))
    return broadcast_to(g, shape)


# ctx = (the input's shape, axis, keepdims), for sum, max and logsumexp alike
_SUM = define(
    "sum",
    (lambda g, ans, args, ctx: _restore(g, *ctx),),
    lambda ctx: lambda x, out=None: np.sum(x, axis=ctx[1], out=out, keepdims=ctx[2]),
    into=True,
)


def sum(x: Any, axis: Axis = None, keepdims: bool = False) -> Any:
    if type(x) is not Tensor:
        return np.sum(x, axis=axis, keepdims=keepdims)
    ctx = (x.shape, axis, keepdims)
    return node(np.sum(x.value, axis=axis, keepdims=keepdims), _SUM, (x,), ctx)


def mean(x: Any, axis: Axis = None, keepdims: bool = False) -> Any:
    shape = np.shape(value_of(x))
    count = int(np.prod([shape[a] for a in _axes(axis, len(shape))]))
    return sum(x, axis=axis, keepdims=keepdims) / float(count)


# Context holds the winners, which depend on the data: never replayed.
_MAX = define("max", (lambda g, ans, args, ctx: _restore(g, *ctx[:3]) * ctx[3],))


def max(x: Any, axis: Axis = None, keepdims: bool = False) -> Any:
    if type(x) is not Tensor:
        return np.max(x, axis=axis, keepdims=keepdims)
    peak = np.max(x.value, axis=axis, keepdims=True)
    # Ties share the gradient evenly, as torch.amax does.
    winners = (x.value == peak).astype(np.float64)
    winners /= np.sum(winners, axis=axis, keepdims=True)
    value = peak if keepdims else np.squeeze(peak, axis=axis)
    return node(value, _MAX, (x,), (x.shape, axis, keepdims, winners))


def _logsumexp(x: Any, axis: Axis, keepdims: bool) -> Any:
    raw = np.asarray(x, dtype=np.float64)
    peak = np.max(raw, axis=axis, keepdims=True)
    peak = np.where(np.isfinite(peak), peak, 0.0)
    value = np.log(np.sum(np.exp(raw - peak), axis=axis, keepdims=True)) + peak
    return value if keepdims else np.squeeze(value, axis=axis)


_LOGSUMEXP = define(
    "logsumexp",
    (lambda g, ans, args, ctx: _restore(g, *ctx) * exp(args[0] - _restore(ans, *ctx)),),
    lambda ctx: lambda x: _logsumexp(x, ctx[1], ctx[2]),
)


def logsumexp(x: Any, axis: Axis = None, keepdims: bool = False) -> Any:
    """log(sum(exp(x))) computed without overflow."""
    value = _logsumexp(value_of(x), axis, keepdims)
    if type(x) is not Tensor:
        return value
    return node(value, _LOGSUMEXP, (x,), (x.shape, axis, keepdims))


def log_softmax(x: Any, axis: int = -1) -> Any:
    return x - logsumexp(x, axis=axis, keepdims=True)


def softmax(x: Any, axis: int = -1) -> Any:
    return exp(log_softmax(x, axis=axis))
