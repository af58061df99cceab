"""The network variants of POST /surface (a 2-D slice of weight space) and POST /predict (the
data, the prediction over it, and the weights and gradients by layer). A network's dim follows
from its spec, so the lengths of its points are checked once it is built, naming the field."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
from pydantic import ConfigDict, Field, create_model, model_validator
from pydantic_core import PydanticCustomError

from app.api.schemas.base import Finite, Strict, whole
from app.api.schemas.caps import Caps
from app.api.schemas.objectives import NetworkObjective, network_point
from app.errors import FieldError
from app.objectives import Objective

MAX_NETWORK_PREDICT_POINTS = 8
MAX_NETWORK_GRID = 128  # grid points per axis of the prediction over the data
MAX_SLICE_RESOLUTION = 64  # a slice costs resolution² full passes over the train rows
MAX_PATH_POINTS = 1_000
MAX_SPAN = 1e6  # directions are scaled like the weights: beyond this every loss overflows
SEED_MAX = 2**32 - 1


def check_length(objective: Objective, values: Any, field: str) -> None:
    """A point whose length only the built objective knows (a network's weights)."""
    if values is not None and len(values) != objective.dim:
        raise FieldError(field, f"needs {objective.dim} numbers (the dim), got {len(values)}")


class SliceSpec(Strict):
    """Which plane of weight space: through center, along two directions."""

    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"method": {"const": "pca"}}, "required": ["method"]},
            "then": {"required": ["path"], "properties": {"path": {"type": "array"}}},
        }
    )
    method: Literal["random", "pca"] = Field(
        "random",
        description=(
            "random: two seeded Gaussian directions, each filter (a unit's incoming weights) "
            "scaled to its norm at the centre, biases 0 (Li et al. 2018); pca: the first two "
            "principal components of path"
        ),
    )
    center: network_point("the plane's centre") | None = Field(
        None, description="the plane's centre; default the path's last point, else the start"
    )
    path: (
        Annotated[
            list[network_point("a point of the path")],
            Field(min_length=3, max_length=MAX_PATH_POINTS),
        ]
        | None
    ) = Field(None, description="the run's points (trace params), projected onto the plane")
    seed: whole(ge=0, le=SEED_MAX) = Field(0, description="seed of the random directions")
    span: Finite | None = Field(
        None,
        gt=0,
        le=MAX_SPAN,
        description="α and β run over [−span, span]; default 1 (random) or the path's",
    )

    @model_validator(mode="after")
    def _pca_needs_a_path(self) -> SliceSpec:
        if self.method == "pca" and self.path is None:
            raise PydanticCustomError("slice", "method pca needs the run's path")
        return self


class NetworkSurfaceBase(Strict):
    def plane(self) -> tuple[Objective, dict[str, Any]]:
        """The network and the landscape() arguments, every length checked."""
        objective = self.objective.build()  # type: ignore[attr-defined]
        spec: SliceSpec = self.slice  # type: ignore[attr-defined]
        check_length(objective, spec.center, "slice.center")
        for i, row in enumerate(spec.path or ()):
            check_length(objective, row, f"slice.path[{i}]")
        path = None if spec.path is None else np.array(spec.path, dtype=np.float64)
        if spec.center is not None:
            center = np.array(spec.center, dtype=np.float64)
        elif path is not None:
            center = path[-1]
        else:
            center = np.array(objective.default_start, dtype=np.float64)
        return objective, {
            "center": center,
            "method": spec.method,
            "path": path,
            "seed": spec.seed,
            "resolution": self.resolution,  # type: ignore[attr-defined]
            "span": spec.span,
        }


def network_surface(caps: Caps) -> type[Strict]:
    finest = min(caps.max_resolution, MAX_SLICE_RESOLUTION)
    return create_model(
        "SurfaceRequestNetwork",
        __base__=NetworkSurfaceBase,
        objective=(NetworkObjective, ...),
        slice=(SliceSpec, Field(default_factory=SliceSpec, description="the plane to draw")),
        resolution=(
            whole(ge=2, le=finest),
            Field(min(41, finest), description="grid points per axis of α and β"),
        ),
        format=(Literal["json", "f32"], Field("json", description="as for any surface")),
    )


class NetworkPredictBase(Strict):
    def checked(self) -> tuple[Objective, np.ndarray]:
        objective = self.objective.build()  # type: ignore[attr-defined]
        for i, row in enumerate(self.points):  # type: ignore[attr-defined]
            check_length(objective, row, f"points[{i}]")
        return objective, np.array(self.points, dtype=np.float64)  # type: ignore[attr-defined]


def network_predict() -> type[Strict]:
    return create_model(
        "PredictRequestNetwork",
        __base__=NetworkPredictBase,
        objective=(NetworkObjective, ...),
        points=(
            Annotated[
                list[network_point("a network's weights (a trace's params row)")],
                Field(min_length=1, max_length=MAX_NETWORK_PREDICT_POINTS),
            ],
            Field(description="the networks to show, e.g. each run's weights at the playhead"),
        ),
        resolution=(
            whole(ge=2, le=MAX_NETWORK_GRID),
            Field(
                50,
                description="grid points per axis of the prediction (a map for 2 features)",
            ),
        ),
    )
