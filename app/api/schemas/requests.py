"""The request bodies of /runs, /tune, /surface, /inspect and /predict: one model per objective
dimension (points, starts and bounds sized by it), built for the app's caps, each turning itself
into domain values. JSON Schema cannot state a rule between two fields (min < max, steps × runs
under a cap): those are in the field descriptions and checked here, before any work."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

import numpy as np
from pydantic import Field, create_model

from app.api.schemas.base import Strict, pairs, point, tagged_union, whole
from app.api.schemas.caps import LENIENT, Caps, by_dimension
from app.api.schemas.network_requests import check_length, network_predict, network_surface
from app.api.schemas.objectives import (
    DATA_DIMS,
    DIMS,
    NETWORK,
    network_point,
    objective_union,
)
from app.api.schemas.options import (
    ClipSpec,
    FirstOrderOptimizerConfig,
    OptimizerConfig,
    RecordSpec,
    ScheduleSpec,
    StopSpec,
    record_rule,
)
from app.errors import FieldError
from app.objectives import Objective
from app.runs import RecordRule, RunConfig, RunProblem, StopRules

MAX_PREDICT_POINTS = 64
SEED_MAX = 2**32 - 1


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


class RunOptionsBase(Strict):
    """What /runs, /tune and /sweeps share, as domain values."""

    def options(self) -> dict[str, Any]:
        stop, schedule, clip = self.stop, self.schedule, self.clip  # type: ignore[attr-defined]
        return {
            "steps": self.steps,  # type: ignore[attr-defined]
            "stop": StopRules() if stop is None else stop.rules(),
            "schedule": None if schedule is None else schedule.schedule(),
            "clip": None if clip is None else clip.clip(),
            "seed": self.seed,  # type: ignore[attr-defined]
        }


def run_option_fields(caps: Caps, max_steps: int, objective: Any) -> dict[str, Any]:
    return {
        "objective": (objective, ...),
        "steps": (whole(ge=0, le=max_steps), Field(min(100, max_steps))),
        "stop": (StopSpec | None, Field(None, description="stop a run early")),
        "schedule": (ScheduleSpec | None, None),
        "clip": (ClipSpec | None, Field(None, description="clip each run's gradient")),
        "seed": (
            whole(ge=0, le=SEED_MAX),
            Field(0, description="the mini-batches' random seed (model-fitting objectives)"),
        ),
    }


class RunsBase(RunOptionsBase):
    caps: ClassVar[Caps]

    def problem(self) -> RunProblem:
        """The race as a RunProblem; steps × runs is checked against its cap first."""
        runs, caps = self.runs, self.caps  # type: ignore[attr-defined]
        work = self.steps * len(runs)  # type: ignore[attr-defined]
        if work > caps.max_steps_times_runs:
            raise FieldError(
                "steps", f"steps × runs = {work} is over the cap of {caps.max_steps_times_runs}"
            )
        objective = self.objective.build()  # type: ignore[attr-defined]
        for i, run in enumerate(runs):
            check_length(objective, run.start, f"runs[{i}].start")
        return RunProblem(
            objective=objective,
            runs=tuple(
                RunConfig(
                    run.optimizer.name,
                    run.optimizer.checked(),
                    None if run.start is None else tuple(run.start),
                    run.label or f"{run.optimizer.name} #{i + 1}",
                )
                for i, run in enumerate(runs)
            ),
            **self.options(),
        )

    def rule(self) -> RecordRule:
        return record_rule(self.record)  # type: ignore[attr-defined]


class TuneBase(RunsBase):
    def tune_problem(self) -> tuple[RunProblem, int]:
        """The race to tune and the rates per run; runs × num and its steps checked first."""
        caps, num, steps = self.caps, self.num, self.steps  # type: ignore[attr-defined]
        count = len(self.runs) * num  # type: ignore[attr-defined]
        if count > caps.max_sweep_runs:
            raise FieldError(
                "num", f"runs × num = {count} is over the cap of {caps.max_sweep_runs}"
            )
        if count * steps > caps.max_sweep_work:
            raise FieldError(
                "steps",
                f"runs × num × steps = {count * steps} is over the cap of {caps.max_sweep_work}",
            )
        return self.problem(), num


def _run_spec(dim: Dim) -> type[Strict]:
    start = weights(dim)
    return create_model(
        named("RunSpec", dim),
        __base__=Strict,
        optimizer=(FirstOrderOptimizerConfig if dim == NETWORK else OptimizerConfig, ...),
        start=(start | None, Field(None, description="defaults to the objective's default start")),
        label=(str, Field("", max_length=80)),
    )


def _runs(caps: Caps, dim: Dim, tune: bool) -> type[Strict]:
    fields = run_option_fields(caps, caps.max_steps, objective_union(dim))
    fields["runs"] = (
        Annotated[list[_run_spec(dim)], Field(min_length=1, max_length=caps.max_runs)],
        Field(description=f"steps × runs ≤ {caps.max_steps_times_runs} (GET /limits)"),
    )
    fields["record"] = (RecordSpec, "all")
    if tune:
        fields["num"] = (
            whole(ge=3, le=caps.max_sweep_runs),
            Field(
                min(25, caps.max_sweep_runs),
                description=(
                    "rates tried per run: log-spaced from 1e-4× to 1e2× the run's lr (its "
                    "optimizer's default when lr is 0), the run's own lr among them; runs × num "
                    f"≤ {caps.max_sweep_runs} and runs × num × steps ≤ {caps.max_sweep_work}"
                ),
            ),
        )
    model = create_model(
        named("TuneRequest" if tune else "RunsRequest", dim),
        __base__=TuneBase if tune else RunsBase,
        **fields,
    )
    model.caps = caps
    return model


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


def runs_body(caps: Caps) -> Any:
    return by_dim(
        lambda d: _runs(caps, d, tune=False),
        DIMS,
        "a race of optimizer runs",
        network=lambda: _runs(caps, NETWORK, tune=False),
    )


def tune_body(caps: Caps) -> Any:
    return by_dim(
        lambda d: _runs(caps, d, tune=True),
        DIMS,
        "POST /runs' body plus num",
        network=lambda: _runs(caps, NETWORK, tune=True),
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
