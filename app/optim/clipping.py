"""Opt-in per-run gradient clipping, as torch.nn.utils.clip_grad_norm_ / clip_grad_value_."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.errors import FieldError
from app.optim.arithmetic import Array

CLIP_MODES = {
    "max_norm": "Rescale a run's gradient so its L2 norm is at most max_norm.",
    "max_value": "Clamp every gradient coordinate into [-max_value, max_value].",
}


@dataclass(frozen=True)
class Clip:
    """A checked clipping rule: "max_norm" or "max_value", and its limit (finite, > 0)."""

    mode: str
    limit: float

    def apply(self, grads: Array) -> tuple[Array, Array]:
        """Each run's gradient row clipped, and the (R,) mask of the rows it changed."""
        limit = self.limit
        if self.mode == "max_value":
            clipped = np.clip(grads, -limit, limit)
            return clipped, (np.abs(grads) > limit).any(axis=1)
        norm = np.sqrt(np.sum(grads * grads, axis=1, keepdims=True))
        # torch always multiplies by min(max_norm / (norm + 1e-6), 1), so a norm just under
        # max_norm is still scaled by a hair; the mask reports exactly when the scale was < 1.
        scale = np.minimum(limit / (norm + 1e-6), 1.0)
        return grads * scale, (scale < 1.0)[:, 0]

    def as_dict(self) -> dict[str, float]:
        return {self.mode: self.limit}


def parse_clip(clip: Mapping[str, Any] | Clip | None) -> Clip | None:
    """A user's clip spec checked; a Clip is taken as it is."""
    if clip is None or isinstance(clip, Clip):
        return clip
    if not isinstance(clip, Mapping):
        raise FieldError("clip", f"must be an object or null, got {clip!r}")
    modes = [k for k in clip if k in CLIP_MODES]
    unknown = sorted(set(clip) - set(CLIP_MODES))
    if unknown:
        raise FieldError(f"clip.{unknown[0]}", "unknown field; expected max_norm or max_value")
    if len(modes) != 1:
        raise FieldError("clip", "give exactly one of max_norm or max_value")
    mode = modes[0]
    value = clip[mode]
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise FieldError(f"clip.{mode}", f"must be a number, got {value!r}")
    try:
        limit = float(value)
    except OverflowError:
        raise FieldError(f"clip.{mode}", "must be a finite number > 0") from None
    if not math.isfinite(limit) or limit <= 0:
        raise FieldError(f"clip.{mode}", f"must be a finite number > 0, got {value!r}")
    return Clip(mode, limit)


def clip_gradients(grads: Array, clip: Mapping[str, Any] | Clip | None) -> tuple[Array, Array]:
    """Clip each run's gradient row; returns (clipped grads (R, d), mask (R,) of changed runs).

    None means no clipping and an all-False mask. The mask lets callers report every clipped step.
    """
    grads = np.asarray(grads, dtype=np.float64)
    rule = parse_clip(clip)
    if rule is None:
        return grads.copy(), np.zeros(grads.shape[0], dtype=bool)
    return rule.apply(grads)
