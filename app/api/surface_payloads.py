"""The surface's compact wire form: z as base64 little-endian float32."""

from __future__ import annotations

import base64
from typing import Any

import numpy as np

F32_MAX = float(np.finfo(np.float32).max)


def as_f32(grid: dict[str, Any]) -> dict[str, Any]:
    """z as base64 little-endian float32 (NaN where not finite) with its shape and extremes."""
    z = np.asarray(grid["z"], dtype=np.float64)
    finite = np.isfinite(z)
    # Finite losses beyond float32's range stay finite (clamped), so they draw as "very high".
    packed = np.where(finite, np.clip(z, -F32_MAX, F32_MAX), np.nan).astype("<f4")
    kept = packed[finite]
    return {
        **grid,
        "z": base64.b64encode(packed.tobytes(order="C")).decode("ascii"),
        "shape": list(z.shape),
        "z_min": float(kept.min()) if kept.size else None,
        "z_max": float(kept.max()) if kept.size else None,
    }
