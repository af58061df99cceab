"""The loss over a grid of points, for the contour under the descent path."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from app.objectives import Objective


def surface_grid(
    objective: Objective, bounds: Sequence[Sequence[float]], resolution: int
) -> dict[str, Any]:
    """z[i][j] = f(x[j], y[i]) for 2-D objectives; {"x", "z"} for 1-D ones. bounds holds one
    [lo, hi] per dimension of the objective."""
    axes = [np.linspace(lo, hi, resolution) for lo, hi in bounds]
    if objective.dim == 1:
        points = axes[0][:, None]
    else:
        xs, ys = np.meshgrid(axes[0], axes[1], indexing="xy")
        points = np.stack([xs.reshape(-1), ys.reshape(-1)], axis=1)
    with np.errstate(all="ignore"):
        z = np.asarray(objective.loss(points), dtype=np.float64)
    if objective.dim == 1:
        return {"x": axes[0], "z": z}
    return {"x": axes[0], "y": axes[1], "z": z.reshape(resolution, resolution)}
