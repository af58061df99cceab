"""Finite-difference checks for the engine, in the style of HIPS/autograd's check_grads.

A checked op becomes the scalar f(x) = sum(op(x) * W) for fixed random weights W. The engine's
gradient is compared with central differences of a plain-NumPy reference along random directions
v: <grad f, v> against (f(x + eps v) - f(x - eps v)) / 2 eps. Second order compares the engine's
Hessian-vector product (a gradient of a function that itself calls grad) with central differences
of the gradient, so only a handful of forward evaluations run per check.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import app.engine as E

EPS = 1e-6
RTOL = 1e-6
ATOL = 1e-8
DIRECTIONS = 3


def as_arrays(args: Sequence[Any]) -> list[np.ndarray]:
    return [np.array(a, dtype=np.float64) for a in args]


def weighted(fn: Callable[..., Any], weights: np.ndarray) -> Callable[..., Any]:
    """The scalar sum(fn(*args) * weights): its gradient is the VJP of fn with cotangent weights."""
    return lambda *xs: E.sum(fn(*xs) * weights)


def _shift(args: list[np.ndarray], dirs: list[np.ndarray], step: float) -> list[np.ndarray]:
    return [a + step * d for a, d in zip(args, dirs, strict=True)]


def _close(actual: Any, expected: Any, rtol: float, atol: float, what: str) -> None:
    actual, expected = np.asarray(actual), np.asarray(expected)
    scale = np.max(np.abs(expected), initial=1.0)
    error = np.max(np.abs(actual - expected), initial=0.0)
    assert error <= atol + rtol * scale, (
        f"{what}: engine {actual!r} vs finite differences {expected!r} (max error {error:.3g})"
    )


def check_grads(
    fn: Callable[..., Any],
    ref: Callable[..., Any],
    args: Sequence[Any],
    rng: np.random.Generator,
    *,
    argnums: Sequence[int] | None = None,
    rtol: float = RTOL,
    atol: float = ATOL,
) -> None:
    """fn (engine ops) agrees with ref (NumPy) in value; its gradient agrees with ref's FD."""
    args = as_arrays(args)
    argnums = tuple(range(len(args))) if argnums is None else tuple(argnums)
    expected = np.asarray(ref(*args), dtype=np.float64)

    forward = fn(*[E.Tensor(a) for a in args])
    assert isinstance(forward, E.Tensor)
    assert forward.shape == expected.shape, (forward.shape, expected.shape)
    np.testing.assert_allclose(forward.value, expected, rtol=1e-12, atol=1e-12)

    weights = rng.standard_normal(expected.shape)
    value, grads = E.value_and_grad(weighted(fn, weights), argnum=argnums)(*args)
    np.testing.assert_allclose(value, np.sum(expected * weights), rtol=1e-12, atol=1e-12)
    for i, g in zip(argnums, grads, strict=True):
        assert isinstance(g, np.ndarray) and g.dtype == np.float64
        assert g.shape == args[i].shape, (i, g.shape, args[i].shape)

    def scalar(xs: list[np.ndarray]) -> float:
        return float(np.sum(np.asarray(ref(*xs)) * weights))

    for _ in range(DIRECTIONS):
        dirs = [
            rng.standard_normal(a.shape) if i in argnums else 0.0 * a for i, a in enumerate(args)
        ]
        fd = (scalar(_shift(args, dirs, EPS)) - scalar(_shift(args, dirs, -EPS))) / (2 * EPS)
        ad = sum(float(np.sum(g * dirs[i])) for i, g in zip(argnums, grads, strict=True))
        _close(ad, fd, rtol, atol, "directional derivative")


def _engine_grad(fn: Callable[..., Any], weights: np.ndarray, argnums: tuple[int, ...]):
    f = weighted(fn, weights)
    return lambda *xs: E.grad(f, argnum=argnums)(*xs)


def check_hvp(
    fn: Callable[..., Any],
    args: Sequence[Any],
    rng: np.random.Generator,
    *,
    rtol: float = 1e-5,
    atol: float = 1e-7,
) -> None:
    """Second order of sum(fn(*args) * W), two ways, against central differences of the gradient.

    1. grad of <grad f, v> (value_and_grad around a function that calls grad on its Tensors)
       gives H v for all arguments together;
    2. hessian of f over the flattened arguments (unpacked by slicing and reshape) gives H.
    Both must match (grad f(x + eps v) - grad f(x - eps v)) / 2 eps, the FD Hessian along v.
    """
    args = as_arrays(args)
    argnums = tuple(range(len(args)))
    weights = rng.standard_normal(np.shape(fn(*[E.Tensor(a) for a in args]).value))
    gradient = _engine_grad(fn, weights, argnums)
    v = [rng.standard_normal(a.shape) for a in args]

    step = 1e-5
    plus, minus = gradient(*_shift(args, v, step)), gradient(*_shift(args, v, -step))
    fd = [(p - m) / (2 * step) for p, m in zip(plus, minus, strict=True)]

    def along_v(*xs: Any) -> Any:
        inner = gradient(*xs)
        assert all(isinstance(g, E.Tensor) for g in inner), "inner grad must stay on the graph"
        return E.sum(E.stack([E.sum(g * d) for g, d in zip(inner, v, strict=True)]))

    value, hv = E.value_and_grad(along_v, argnum=argnums)(*args)
    first = gradient(*args)
    np.testing.assert_allclose(
        value, sum(float(np.sum(g * d)) for g, d in zip(first, v, strict=True)), rtol=1e-12
    )
    for got, want in zip(hv, fd, strict=True):
        _close(got, want, rtol, atol, "grad(grad) Hessian-vector product")

    sizes = [a.size for a in args]
    bounds = np.cumsum([0, *sizes])

    def flat(z: Any) -> Any:
        parts = [
            E.reshape(z[int(lo) : int(hi)], a.shape)
            for lo, hi, a in zip(bounds[:-1], bounds[1:], args, strict=True)
        ]
        return E.sum(fn(*parts) * weights)

    point = np.concatenate([a.ravel() for a in args])
    matrix = E.hessian(flat)(point)
    assert matrix.shape == (point.size, point.size)
    np.testing.assert_allclose(matrix, matrix.T, rtol=1e-9, atol=1e-9)
    _close(
        matrix @ np.concatenate([d.ravel() for d in v]),
        np.concatenate([d.ravel() for d in fd]),
        rtol,
        atol,
        "hessian(...) @ v",
    )
