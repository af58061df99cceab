"""What the network routes send: a slice of weight space with the path on it (POST /surface),
a network's curvature (POST /inspect), and the data with each network's prediction, weights and
gradients by layer (POST /predict)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from app.api.surface_payloads import as_f32
from app.errors import FieldError
from app.landscape import LandscapeError, landscape
from app.objectives import Objective
from app.objectives.network_view import network_of, network_report, weights_and_gradients


def slice_payload(
    objective: Objective, plane: dict[str, Any], f32: bool, should_stop: Callable[[], bool]
) -> dict[str, Any]:
    """The loss over the plane, laid out as any surface (x: α, y: β, z[i][j] at α[j], β[i]),
    with the plane's centre and directions and the path's coordinates on it."""
    try:
        land = landscape(objective, **plane, should_stop=should_stop)
    except LandscapeError as error:
        raise error.within("slice") from None
    if not np.all(np.isfinite(land.alphas)):  # a path spanning past float's range
        raise FieldError("slice.path", "its points are too far apart to draw a plane through")
    out = {
        "x": land.alphas,
        "y": land.betas,
        "z": land.z,
        "method": plane["method"],
        "center": land.center,
        "directions": land.directions.vectors,
        "explained": land.directions.explained,
        "path": land.path,
        "path_offset": land.path_offset,
        "complete": not should_stop(),  # False: the time limit cut the grid; the rest is null
    }
    return as_f32(out) if f32 else out


def predict_payload(objective: Objective, points: np.ndarray, resolution: int) -> dict[str, Any]:
    """The samples, the grid's axes, and per point its loss, metrics, predictions at the
    samples and over the grid, and its weights and gradient by layer."""
    arch = network_of(objective).architecture
    report = network_report(objective, points, resolution)
    grid = report["grid"]
    layers = weights_and_gradients(objective, points)
    return {
        **report,
        "architecture": {
            "sizes": list(arch.sizes),
            "activation": arch.activation,
            "output": arch.output,
        },
        "grid": None if grid is None else {"x": grid["x"], "y": grid["y"]},
        "fits": [{**fit, **parts} for fit, parts in zip(report["fits"], layers, strict=True)],
    }
