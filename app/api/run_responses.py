"""Response shapes of the computing routes (/runs as a document or as lines, /sweeps), for the
OpenAPI schema. Numbers that can be non-finite are nullable: strict JSON writes them as null.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from app.api.errors import ProblemItem
from app.api.responses import Number, Status


class RunEnding(BaseModel):
    """How a run ended; x, fun, jac, nit, nfev and success as in SciPy's OptimizeResult."""

    label: str
    optimizer: dict[str, Any] = Field(description="its name and every hyper-parameter")
    status: Status
    steps_taken: int
    message: str
    diverged_at: int | None
    converged_by: str | None = Field(description="the stop rule that ended it, if one did")
    clipped_steps: int
    x: list[Number] = Field(description="the final point")
    fun: Number = Field(description="the loss there (null if never computed or not finite)")
    jac: list[Number] | None = Field(description="the gradient there")
    nit: int = Field(description="updates taken")
    nfev: int = Field(description="loss-and-gradient evaluations")
    success: bool = Field(description="whether a stop rule ended it (status converged)")


class Trace(BaseModel):
    step: list[int]
    params: list[list[Number]]
    loss: list[Number]
    grad: list[list[Number]]
    state: dict[str, list[list[Number]]]
    params_step: list[int] | None = Field(
        None, description="record params_every: the steps params, grad and state are kept at"
    )
    metrics: dict[str, list[Number]] | None = Field(
        None, description="a network's test_loss, train_accuracy, test_accuracy per step"
    )


class RunOut(RunEnding):
    trace: Trace = Field(description="the recorded steps, up to the one where the run ended")
    final_state: dict[str, list[Number]]


class RunsOut(BaseModel):
    runs: list[RunOut]


class RunNow(BaseModel):
    params: list[Number] | None = Field(description="null at a step params_every skips")
    loss: Number
    grad: list[Number] | None
    state: dict[str, list[Number]] | None
    metrics: dict[str, Number] | None = Field(None, description="a network's, as in a trace")
    status: Status
    lr: Number = Field(description="the learning rate of the update leaving this step")
    clipped: bool


class StepLine(BaseModel):
    """One recorded step of every run (a JSON Lines line, or an SSE event "step")."""

    type: Literal["step"]
    step: int
    runs: list[RunNow]


class DoneLine(BaseModel):
    """The last line of a stream that finished: every run's ending."""

    type: Literal["done"]
    runs: list[RunEnding]


class ErrorLine(BaseModel):
    """The last line of a stream whose computation failed."""

    type: Literal["error"]
    detail: list[ProblemItem]


RunLine = Annotated[StepLine | DoneLine | ErrorLine, Field(discriminator="type")]


class Basin(BaseModel):
    point: list[float]
    value: float


class SweepOut(BaseModel):
    over: str = Field(description="what was swept: 'start' or a hyper-parameter")
    values: list[float] | list[list[float]] = Field(description="each run's value or start")
    final_params: list[list[Number]]
    final_loss: list[Number]
    status: list[Status]
    steps_taken: list[int]
    basin: list[int] | None = Field(description="start grids: the minimum reached, -1 for none")
    minima: list[Basin]
