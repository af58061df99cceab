"""Request bodies of the v1 API. Every number must be finite; unknown fields are refused."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.api.optimizer_schemas import OptimizerConfig
from app.runs import StopRules

Finite = Annotated[float, Field(allow_inf_nan=False)]
Point = Annotated[list[Finite], Field(min_length=1, max_length=2)]
Range = Annotated[list[Finite], Field(min_length=2, max_length=2)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class ObjectiveSpec(BaseModel):
    """`{"id": "rosenbrock", ...options}` or `{"expression": "x^2 + 10*y^2"}`."""

    model_config = ConfigDict(
        extra="allow",
        allow_inf_nan=False,
        json_schema_extra={
            "examples": [{"id": "rosenbrock"}, {"id": "linear-regression", "loss": "huber"}],
            "additionalProperties": {"type": ["number", "string", "integer"]},
        },
    )
    id: str | None = Field(None, description="a built-in objective (GET /objectives)")
    expression: str | None = Field(
        None, max_length=500, description="f(x) or f(x, y); ^ is power; see the README"
    )

    @model_validator(mode="after")
    def _one_of_id_or_expression(self) -> ObjectiveSpec:
        if (self.id is None) == (self.expression is None):
            raise ValueError("give exactly one of 'id' or 'expression'")
        return self

    def as_dict(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class SurfaceRequest(Strict):
    objective: ObjectiveSpec
    bounds: Annotated[list[Range], Field(min_length=1, max_length=2)] | None = Field(
        None, description="[[x0, x1], [y0, y1]]; defaults to the objective's view box"
    )
    resolution: int = Field(128, ge=2, description="grid points per axis, at most 512")


class RunSpec(Strict):
    optimizer: OptimizerConfig
    start: Point | None = Field(None, description="defaults to the objective's default start")
    label: str = Field("", max_length=80)


class StopSpec(Strict):
    loss_below: Finite | None = Field(None, gt=0, description="stop when the loss is below this")
    grad_norm_below: Finite | None = Field(
        None, gt=0, description="stop when the gradient norm is below this"
    )


class ScheduleSpec(BaseModel):
    """`{"name": "step" | "exponential" | "cosine" | "warmup" | "constant", ...}`."""

    model_config = ConfigDict(extra="allow", allow_inf_nan=False)
    name: Literal["constant", "step", "exponential", "cosine", "warmup"]


class ClipSpec(Strict):
    max_norm: Finite | None = Field(None, gt=0)
    max_value: Finite | None = Field(None, gt=0)

    @model_validator(mode="after")
    def _exactly_one(self) -> ClipSpec:
        if (self.max_norm is None) == (self.max_value is None):
            raise ValueError("give exactly one of max_norm or max_value")
        return self


class Every(Strict):
    every: int = Field(ge=1)


class RunOptions(Strict):
    """What /runs and /sweeps share: the objective, the budget, stop rules and run options."""

    objective: ObjectiveSpec
    steps: int = Field(100, ge=0)
    stop: StopSpec | None = None
    schedule: ScheduleSpec | None = None
    clip: ClipSpec | None = None
    seed: int = Field(0, ge=0, le=2**32 - 1)

    def problem_options(self) -> dict[str, Any]:
        """Keyword arguments of app.runs.RunProblem, apart from the objective and the runs."""
        stop = self.stop or StopSpec()
        return {
            "steps": self.steps,
            "stop": StopRules(stop.loss_below, stop.grad_norm_below),
            "schedule": None if self.schedule is None else self.schedule.model_dump(),
            "clip": None if self.clip is None else self.clip.model_dump(exclude_none=True),
            "seed": self.seed,
        }


class RunsRequest(RunOptions):
    runs: list[RunSpec] = Field(min_length=1)
    record: Literal["all", "final"] | Every = "all"


class LinearOrLogRange(Strict):
    min: Finite
    max: Finite
    num: int = Field(ge=1)
    scale: Literal["log", "linear"] = "log"


class StartGrid(Strict):
    bounds: Annotated[list[Range], Field(min_length=1, max_length=2)] | None = None
    resolution: int = Field(32, ge=2)


class SweepRequest(RunOptions):
    optimizer: OptimizerConfig
    start: Point | None = None
    over: dict[str, LinearOrLogRange | StartGrid] = Field(
        min_length=1,
        max_length=1,
        description='{"lr": {"min", "max", "num", "scale"}} or {"start": {"bounds", "resolution"}}',
    )


class InspectRequest(Strict):
    objective: ObjectiveSpec
    point: Point
