"""The request bodies of /surface, /inspect and /predict, and what every request module shares:
one model per objective dimension (points and bounds sized by it), built for the app's caps, each
turning itself into domain values. JSON Schema cannot state a rule between two fields (min < max):
those are in the field descriptions and checked here, before any work. The bodies of /runs and
/tune are in run_requests.py, those of /sweeps and /explain-step in sweeps.py."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field, create_model

from app.api.schemas.base import Strict, pairs, point, tagged_union, whole
from app.api.schemas.caps import LENIENT, Caps, by_dimension
from app.api.schemas.network_requests import check_length, network_predict, network_surface
from app.api.schemas.objectives import DATA_DIMS, DIMS, NETWORK, network_point, objective_union
from app.errors import FieldError
from app.objectives import Objective

MAX_PREDICT_POINTS = 64


def check_pairs(bounds: list[list[float]] | None, field: str) -> None:
    """Each [min, max] pair needs min < max (a rule between two numbers)."""
    for axis, (lo, hi) in enumerate(bounds or ()):
        if not lo < hi:
            raise FieldError(f"{field}[{axis}]", f"needs min < max, got [{lo}, {hi}]")


Dim = int | str | None  # a dimension, NETWORK, or None for the lenient variant


def named(name: str, dim: Dim) -> str:
    if dim == NETWORK:
        return f"{name}Network"
    return f"{name}{dim}D" if dim is not None else f"{name}Lenient"


def weights(dim: Dim, description: str | None = None) -> Any:
    """A point of an objective of this dimension (a network's: as long as its dim)."""
    if dim == NETWORK:
        return network_point(description or "the network's weights and biases (its dim)")
    return point(dim or max(DIMS), description)  # type: ignore[arg-type]


class SurfaceBase(Strict):
    def grid(self) -> tuple[Objective, list[list[float]], int]:
        objective = self.objective.build()  # type: ignore[attr-defined]
        check_pairs(self.bounds, "bounds")  # type: ignore[attr-defined]
        bounds = self.bounds or [list(b) for b in objective.view_box]  # type: ignore[attr-defined]
        return objective, bounds, self.resolution  # type: ignore[attr-defined]


def _surface(caps: Caps, dim: int | None) -> type[Strict]:
    return create_model(
        named("SurfaceRequest", dim),
        __base__=SurfaceBase,
        objective=(objective_union(dim), ...),
        bounds=(
            pairs(dim or max(DIMS), "[[x0, x1], [y0, y1]], each min < max") | None,
            Field(None, description="defaults to the objective's view box"),
        ),
        resolution=(
            whole(ge=2, le=caps.max_resolution),
            Field(min(128, caps.max_resolution), description="grid points per axis"),
        ),
        format=(
            Literal["json", "f32"],
            Field(
                "json",
                description=(
                    "'json': z as nested arrays of numbers (null where not finite). 'f32': z as "
                    "a base64 string of little-endian float32 values, row-major (z[i][j] at "
                    "i·nx + j), NaN where not finite and finite values beyond float32 clamped to "
                    "±3.4e38, with 'shape' [ny, nx] ([nx] in 1-D) and 'z_min'/'z_max', the "
                    "finite float32 extremes (null if none)"
                ),
            ),
        ),
    )


class PointBase(Strict):
    pass


class NetworkPointBase(PointBase):
    def checked(self) -> tuple[Objective, list[float]]:
        objective = self.objective.build()  # type: ignore[attr-defined]
        check_length(objective, self.point, "point")  # type: ignore[attr-defined]
        return objective, self.point  # type: ignore[attr-defined]


def _inspect(dim: Dim) -> type[Strict]:
    return create_model(
        named("InspectRequest", dim),
        __base__=NetworkPointBase if dim == NETWORK else PointBase,
        objective=(objective_union(dim), ...),
        point=(weights(dim, "a point of the objective's dimension"), ...),
    )


class PredictBase(Strict):
    def points_array(self) -> np.ndarray:
        return np.array(self.points, dtype=np.float64)  # type: ignore[attr-defined]


def _predict(dim: int | None) -> type[Strict]:
    return create_model(
        named("PredictRequest", dim),
        __base__=PredictBase,
        objective=(
            objective_union(dim, data_only=True),
            Field(description="an objective that fits data (data_kind not null)"),
        ),
        points=(
            Annotated[
                list[point(dim or max(DIMS))], Field(min_length=1, max_length=MAX_PREDICT_POINTS)
            ],
            Field(description="parameter points, each of the objective's dim"),
        ),
        resolution=(
            whole(ge=2, le=512),
            Field(64, description="x values on the model's curve"),
        ),
    )


def by_dim(make: Any, dims: tuple[int, ...], description: str, *, network: Any = None) -> Any:
    """One variant per dimension, chosen by the objective, and the network's variant made by
    network() if given; a lenient one reports errors."""
    variants = {str(d): make(d) for d in dims}
    if network is not None:
        variants[NETWORK] = network()
    return tagged_union(
        variants,
        by_dimension(dims, networks=network is not None),
        hidden={LENIENT: make(None)},
        description=description,
    )


def surface_body(caps: Caps) -> Any:
    return by_dim(
        lambda d: _surface(caps, d),
        DIMS,
        "the loss over a grid, or over a slice of a network's weight space",
        network=lambda: network_surface(caps),
    )


def inspect_body() -> Any:
    return by_dim(_inspect, DIMS, "a point of an objective", network=lambda: _inspect(NETWORK))


def predict_body() -> Any:
    return by_dim(
        _predict,
        DATA_DIMS,
        "a model-fitting objective or a network, and points",
        network=network_predict,
    )
