"""Array arithmetic the optimizer families share, in torch.optim's own order of operations.

Every hyper-parameter arrives either as a Python scalar (every run shares it: the cheapest
operand NumPy has, and torch's own float arithmetic) or as a per-run (R, 1) column.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from app.optim.hyperparams import HyperParams

Array = np.ndarray


def as_column(value: Any) -> Array | float:
    """A hyper-parameter broadcastable against (R, d): a Python float when every run shares it,
    else an (R, 1) column."""
    if type(value) is float:
        return value
    arr = np.asarray(value)
    if arr.size == 1:
        return float(arr.reshape(()))
    return arr.reshape(-1, 1) if arr.ndim == 1 else arr


def flag(value: Any) -> Array | bool:
    """A boolean hyper-parameter broadcastable against (R, d); a Python bool when shared."""
    if type(value) is bool:
        return value
    arr = np.asarray(value, dtype=bool)
    if arr.size == 1:
        return bool(arr.reshape(()))
    return arr.reshape(-1, 1) if arr.ndim == 1 else arr


def any_run(value: Array | bool) -> bool:
    """Whether a flag (or a per-run mask) is set for any run."""
    if type(value) is bool:
        return value
    # The method skips np.any's dispatch, a third of its cost on a small mask.
    return bool(value.any() if type(value) is np.ndarray else np.any(value))


def every_run(value: Array | bool) -> bool:
    """Whether a flag (or a per-run mask) is set for every run."""
    if type(value) is bool:
        return value
    return bool(value.all() if type(value) is np.ndarray else np.all(value))


def betas(hp: HyperParams) -> tuple[Array | float, Array | float]:
    """(beta1, beta2): Python floats when every run shares them, else (R, 1) columns from the
    (R, 2) array."""
    pair = hp["betas"]
    if type(pair) is tuple:
        return pair
    pair = np.asarray(pair, dtype=np.float64)
    pair = pair.reshape(1, 2) if pair.ndim == 1 else pair
    if len(pair) == 1 or (pair == pair[0]).all():
        return float(pair[0, 0]), float(pair[0, 1])
    return pair[:, 0:1], pair[:, 1:2]


def lerp(start: Array, end: Array, weight: Array | float) -> Array:
    """torch.lerp's formula (ATen Lerp.h), which picks the better-conditioned form by weight."""
    diff = end - start
    if type(weight) is float:
        if abs(weight) < 0.5:
            diff *= weight
            diff += start
            return diff
        return end - diff * (1.0 - weight)
    # Checked on the (R, 1) column first: the common batch takes one branch for every run.
    if np.all(np.abs(weight) < 0.5):
        return start + weight * diff
    weight = np.broadcast_to(weight, np.broadcast_shapes(np.shape(weight), np.shape(start)))
    return np.where(np.abs(weight) < 0.5, start + weight * diff, end - diff * (1.0 - weight))


def add_weight_decay(grads: Array, params: Array, weight_decay: Any) -> Array:
    """Coupled (L2) weight decay, grad + wd * param; skipped where wd == 0 as torch does."""
    wd = as_column(weight_decay)
    if type(wd) is float:
        return grads if wd == 0 else grads + wd * params
    decays = wd != 0
    if not decays.any():
        return grads
    if decays.all():
        return grads + wd * params
    return np.where(decays, grads + wd * params, grads)


def decoupled_decay(params: Array, lr: Array | float, weight_decay: Any) -> Array:
    """AdamW-style decay param * (1 - lr * wd); skipped where wd == 0 as torch does."""
    wd = as_column(weight_decay)
    return np.where(wd != 0, params * (1.0 - lr * wd), params)


def bias_correction(beta: Array | float, step: int) -> Array | float:
    """1 - beta ** step, as torch computes every bias correction (Adam, Adamax, NAdam): in Python
    floats, whose power NumPy's can miss by an ulp; per distinct beta when runs differ."""
    if type(beta) is float:
        return 1.0 - beta**step
    flat = np.ravel(beta)
    if np.all(flat == flat[0]):
        return 1.0 - float(flat[0]) ** step
    distinct, which = np.unique(flat, return_inverse=True)
    powers = np.array([float(b) ** step for b in distinct])
    return 1.0 - powers[which].reshape(np.shape(beta))
