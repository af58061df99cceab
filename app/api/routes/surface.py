"""POST /surface: the loss over a grid, for the contour under the descent path."""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.api.compute import compute
from app.api.encoding import StrictJSONResponse, json_response
from app.api.errors import TooMuchWork
from app.api.responses import SurfaceOut
from app.api.schemas import SurfaceRequest
from app.objectives import Objective, make_objective
from app.runs import ProblemError

router = APIRouter(tags=["compute"], default_response_class=StrictJSONResponse)


def surface_grid(
    objective: Objective, bounds: list[list[float]], resolution: int
) -> dict[str, Any]:
    """z[i][j] = f(x[j], y[i]) for 2-D objectives; {"x", "z"} for 1-D ones."""
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


def checked_bounds(objective: Objective, bounds: list[list[float]] | None, field: str) -> list:
    bounds = bounds or [list(b) for b in objective.view_box]
    if len(bounds) != objective.dim:
        raise ProblemError(field, f"needs {objective.dim} [min, max] pair(s) for {objective.id!r}")
    for axis, (lo, hi) in enumerate(bounds):
        if not lo < hi:
            raise ProblemError(f"{field}[{axis}]", f"needs min < max, got [{lo}, {hi}]")
    return bounds


@router.post(
    "/surface",
    summary="The loss on a grid: z[i][j] = f(x[j], y[i]); null where not finite",
    description=(
        "format 'f32' sends z as base64 little-endian float32, row-major, with shape [ny, nx] "
        "and the finite z_min and z_max: about a third of the JSON's size."
    ),
    responses={200: {"model": SurfaceOut}},
)
async def surface(body: SurfaceRequest, request: Request) -> Response:
    settings = request.app.state.settings
    if body.resolution > settings.max_resolution:
        raise TooMuchWork(
            "resolution", f"{body.resolution} is over the cap of {settings.max_resolution}"
        )
    objective = make_objective(body.objective.as_dict())
    bounds = checked_bounds(objective, body.bounds, "bounds")
    grid = await compute(request, lambda _stop: surface_grid(objective, bounds, body.resolution))
    return json_response(as_f32(grid) if body.format == "f32" else grid)
