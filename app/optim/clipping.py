"""Opt-in per-run gradient clipping, as torch.nn.utils.clip_grad_norm_ / clip_grad_value_."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from app.optim.arithmetic import Array

CLIP_MODES = {
    "max_norm": "Rescale a run's gradient so its L2 norm is at most max_norm.",
    "max_value": "Clamp every gradient coordinate into [-max_value, max_value].",
}


def _limit(clip: dict[str, Any]) -> tuple[str, float]:
    """Validate a clip spec; returns (mode, limit)."""
    if not isinstance(clip, dict):
        raise ValueError(f"clip: must be an object or null, got {clip!r}")
    modes = [k for k in clip if k in CLIP_MODES]
    unknown = sorted(set(clip) - set(CLIP_MODES))
    if unknown:
        raise ValueError(f"clip.{unknown[0]}: unknown field; expected max_norm or max_value")
    if len(modes) != 1:
        raise ValueError("clip: give exactly one of max_norm or max_value")
    mode = modes[0]
    value = clip[mode]
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise ValueError(f"clip.{mode}: must be a number, got {value!r}")
    if not math.isfinite(float(value)) or value <= 0:
        raise ValueError(f"clip.{mode}: must be a finite number > 0, got {value!r}")
    return mode, float(value)


def clip_gradients(grads: Array, clip: dict[str, Any] | None) -> tuple[Array, Array]:
    """Clip each run's gradient row; returns (clipped grads (R, d), mask (R,) of changed runs).

    None means no clipping and an all-False mask. The mask lets callers report every clipped step.
    """
    grads = np.asarray(grads, dtype=np.float64)
    if clip is None:
        return grads.copy(), np.zeros(grads.shape[0], dtype=bool)
    mode, limit = _limit(clip)
    if mode == "max_value":
        clipped = np.clip(grads, -limit, limit)
        return clipped, (np.abs(grads) > limit).any(axis=1)
    norm = np.sqrt(np.sum(grads * grads, axis=1, keepdims=True))
    # torch always multiplies by min(max_norm / (norm + 1e-6), 1), so a norm just under
    # max_norm is still scaled by a hair; the mask reports exactly when the scale was < 1.
    scale = np.minimum(limit / (norm + 1e-6), 1.0)
    return grads * scale, (scale < 1.0)[:, 0]
