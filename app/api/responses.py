"""Response shapes of the v1 API, for the OpenAPI schema (routes send StrictJSONResponse).

Numbers that can be non-finite are nullable: strict JSON writes them as null.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.runs import STATUSES

Number = float | None
Status = Literal[tuple(status.value for status in STATUSES)]
DataKind = Literal["regression", "classification", "distribution", "target"]


class Open(BaseModel):
    """A documented shape that may carry more fields than it lists."""

    model_config = ConfigDict(extra="allow")


class MinimumOut(BaseModel):
    point: list[float]
    value: float
    kind: Literal["global", "local"]


class OptionOut(BaseModel):
    name: str
    kind: Literal["choice", "int", "float", "bool"]
    default: str | bool | float | int
    choices: list[str] | None
    low: float | None
    high: float | None
    description: str


class ObjectiveOut(Open):
    id: str
    title: str
    group: str
    dim: int
    view_box: list[list[float]]
    default_start: list[float]
    minima: list[MinimumOut] = Field(description="known minima of the objective as built")
    formula: str
    description: str
    param_names: list[str]
    default_lr: float | None = Field(description="the teaching texts' own learning rate")
    n_samples: int | None
    options: list[OptionOut]
    settings: dict[str, str | float | int] = Field(
        description="the option values it was built with"
    )
    data_kind: DataKind | None = Field(
        description="what POST /predict shows for it; null when it fits no data"
    )
    suggested_lr: dict[str, float] = Field(
        description=(
            "per optimizer (every name of GET /optimizers, other settings at defaults): a rate "
            "that suits this objective, by one rule for all (see the rule in GET /objectives)"
        )
    )


class ObjectiveList(BaseModel):
    objectives: list[ObjectiveOut]
    suggested_lr_rule: str = Field(description="how suggested_lr is chosen")


class Limits(BaseModel):
    """Every cap a request is held to (app/settings.py)."""

    max_runs: int = Field(description="runs in one POST /runs")
    max_steps: int = Field(description="steps of one run")
    max_steps_times_runs: int = Field(description="steps × runs in one POST /runs")
    max_resolution: int = Field(description="grid points per axis of POST /surface")
    max_sweep_runs: int = Field(
        description="runs in one sweep (rates or starts), or tune's runs × num"
    )
    max_sweep_work: int = Field(
        description="runs × steps of a sweep, or runs × num × steps of a tune"
    )
    max_batch_bytes: int = Field(
        description="memory a batch of runs may hold while it steps (a network's runs × its "
        "weights and its layers' values on each row), estimated before it runs"
    )
    max_concurrent_computations: int = Field(description="computations at once; the rest get 429")
    max_body_bytes: int = Field(description="size of a request body")
    max_data_body_bytes: int = Field(
        description="size of a body to a route that takes an objective (a CSV dataset in it)"
    )
    max_response_numbers: int = Field(
        description="numbers in one JSON answer of POST /runs: record fewer steps, or stream"
    )
    request_deadline_seconds: float = Field(description="a computation is stopped after this")


class TunedRun(BaseModel):
    label: str
    lr: Number = Field(description="the best rate by the criterion (null past float's range)")
    final_loss: Number = Field(
        description="the best rate's final loss (the full loss at its last point)"
    )
    status: str = Field(
        description="the best rate's ending: converged, max_steps, diverged, stopped"
    )
    steps_taken: int
    tried: list[Number] = Field(
        description="every rate tried, ascending (null where 100× a huge rate passes float's range)"
    )
    final_losses: list[Number] = Field(description="each tried rate's final loss")
    diverged: list[bool] = Field(description="whether each tried rate diverged")


class TuneOut(BaseModel):
    runs: list[TunedRun]
    criterion: str


class Samples(BaseModel):
    x: list[float]
    y: list[float]


class TableRow(BaseModel):
    input: float
    target: float
    prediction: Number
    error: Number


class Fit(BaseModel):
    loss: Number = Field(description="the objective's loss at the point (its full data)")
    curve: list[Number] | list[list[Number]] | None = Field(
        description=(
            "over grid: ŷ (regression), P(class) per class (classification), q (distribution)"
        )
    )
    predictions: list[Number] = Field(
        description="per sample: ŷ, the probability of the true class, q, or the model's output"
    )
    residuals: list[Number] | None = Field(description="regression: ŷ − y per sample")
    boundaries: list[float] | None = Field(description="classification: x where the class changes")
    table: list[TableRow] | None = Field(description="the black box's Table 2-1, or the target")


class PredictOut(BaseModel):
    kind: DataKind
    x_label: str
    y_label: str
    samples: Samples = Field(description="the data: inputs and targets (or class ids, or p)")
    classes: list[str] | None
    grid: list[float] | None = Field(description="x values of each fit's curve")
    fits: list[Fit] = Field(description="one per requested point, in order")


class ExplainOut(BaseModel):
    lr: Number = Field(description="the learning rate of this update, after the schedule")
    update: list[Number] = Field(description="params_after − params")
    params_after: list[Number]
    state_after: dict[str, list[Number]]
    clipped: bool = Field(description="whether clipping changed the gradient")
    terms: dict[str, list[Number] | Number | bool] = Field(
        description=(
            "the update rule's quantities at this step: grad (as used), and per optimizer e.g. "
            "m, v, m_hat, v_hat, bias_correction1/2, effective_step (Adam family), "
            "momentum_buffer and direction (SGD), the accumulators (RMSprop, Adagrad, Adadelta)"
        )
    )


class SurfaceOut(Open):
    x: list[float]
    y: list[float] | None = None
    z: str | list[Number] | list[list[Number]] = Field(
        description="nested numbers (format json) or base64 float32 (format f32)"
    )
    shape: list[int] | None = Field(None, description="format f32: [ny, nx], or [nx] in 1-D")
    z_min: Number = Field(None, description="format f32: the smallest finite value")
    z_max: Number = Field(None, description="format f32: the largest finite value")


class GraphNode(BaseModel):
    id: int
    op: str = Field(description="the primitive, or 'input' / 'const'")
    label: str
    inputs: list[int] = Field(description="ids of the nodes it was computed from")
    shape: list[int]
    value: Any = Field(description="its forward value (nested lists in its shape)")
    grad: Any = Field(description="d loss / d this node, in its shape")
    local_grads: list[Any] = Field(description="per input: d this node / d that input")
    edge_grads: list[Any] = Field(description="per input: the gradient this node sends it")


class Graph(BaseModel):
    output: int = Field(description="the id of the loss node")
    nodes: list[GraphNode]


class InspectOut(Open):
    point: list[float]
    param_names: list[str]
    graph: Graph
    loss: Number
    gradient: list[Number]
    hessian: list[list[Number]]
    eigenvalues: list[float] | None
    eigenvectors: list[list[float]] | None
    sgd_lr_limit: float | None = Field(
        description=(
            "2 / λmax of the Hessian: plain SGD is stable near here below it; null if λmax ≤ 0"
        )
    )
    stability_note: str = Field(description="the stability limit in words")


class HealthOut(BaseModel):
    status: Literal["ok"]
    version: str
    busy: int = Field(description="compute slots in use in this process")
    capacity: int = Field(description="compute slots of this process")


class HyperParamOut(BaseModel):
    name: str
    default: Any
    low: float | None
    high: float | None
    low_inclusive: bool
    high_inclusive: bool
    kind: Literal["float", "bool", "int", "pair"]
    description: str


class OptimizerOut(BaseModel):
    name: str
    title: str
    description: str
    needs_hessian: bool
    state_names: list[str]
    hyperparams: list[HyperParamOut]


class ScheduleOut(BaseModel):
    name: str
    title: str
    description: str
    params: list[HyperParamOut]


class OptimizersOut(BaseModel):
    optimizers: list[OptimizerOut]
    schedules: list[ScheduleOut]
    clip_modes: dict[str, str]
