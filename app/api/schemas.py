"""Request bodies of the v1 API. Every number must be finite; unknown fields are refused."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.api.optimizer_schemas import OptimizerConfig
from app.runs import StopRules

# strict: a JSON number only (lax mode would take true as 1.0 and "2" as 2.0)
Finite = Annotated[float, Field(allow_inf_nan=False, strict=True)]
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
    format: Literal["json", "f32"] = Field(
        "json",
        description=(
            "'json': z as nested arrays of numbers (null where not finite). 'f32': z as a base64 "
            "string of little-endian float32 values, row-major (z[i][j] at i·nx + j), NaN where "
            "not finite and finite values beyond float32 clamped to ±3.4e38, with 'shape' [ny, nx] "
            "([nx] in 1-D) and 'z_min'/'z_max', the finite float32 extremes (null if none)"
        ),
    )


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


class TuneRequest(RunsRequest):
    """POST /runs's body plus how many learning rates to try per run."""

    num: int = Field(
        25,
        ge=3,
        description=(
            "rates tried per run: log-spaced from 1e-4× to 1e2× the run's lr (its optimizer's "
            "default when lr is 0), the run's own lr among them"
        ),
    )


class PredictRequest(Strict):
    objective: ObjectiveSpec = Field(description="an objective that fits data (data_kind not null)")
    points: list[Point] = Field(
        min_length=1, max_length=64, description="parameter points, each of the objective's dim"
    )
    resolution: int = Field(64, ge=2, le=512, description="x values on the model's curve")


class ExplainStepRequest(Strict):
    optimizer: OptimizerConfig
    step: int = Field(ge=1, description="the 1-based update number t, as torch counts it")
    params: Point = Field(description="the parameters before update t")
    grad: Point = Field(description="the gradient at params (before any clipping)")
    state: dict[str, list[Finite]] = Field(
        default_factory=dict,
        description=(
            "the optimizer's buffers before update t, as a /runs step reports them after step "
            "t − 1 (every buffer of the optimizer's state_names); empty for a fresh start"
        ),
    )
    schedule: ScheduleSpec | None = Field(None, description="as in POST /runs")
    clip: ClipSpec | None = Field(None, description="as in POST /runs")
    hessian: list[list[Finite]] | None = Field(
        None, description="the Hessian at params, d × d: needed by Newton's method only"
    )
