"""The request bodies of /runs and /tune (a race of optimizer runs, and the same race over many
learning rates), and the options /sweeps shares with them. steps × runs and runs × num are rules
between fields that JSON Schema cannot state: they are in the field descriptions and checked
here, before any work."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import Field, create_model

from app.api.schemas.base import Strict, whole
from app.api.schemas.caps import Caps
from app.api.schemas.network_requests import check_length
from app.api.schemas.objectives import DIMS, NETWORK, objective_union
from app.api.schemas.options import (
    ClipSpec,
    FirstOrderOptimizerConfig,
    OptimizerConfig,
    RecordSpec,
    ScheduleSpec,
    StopSpec,
    record_rule,
)
from app.api.schemas.requests import Dim, by_dim, named, weights
from app.errors import FieldError
from app.objectives import check_batch_memory
from app.runs import RecordRule, RunConfig, RunProblem, StopRules

SEED_MAX = 2**32 - 1


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
        check_batch_memory(objective, len(runs), caps.max_batch_bytes, "runs")
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
        problem = self.problem()
        check_batch_memory(problem.objective, count, caps.max_batch_bytes, "num")
        return problem, num


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


def _race_body(caps: Caps, tune: bool, description: str) -> Any:
    return by_dim(
        lambda d: _runs(caps, d, tune=tune),
        DIMS,
        description,
        network=lambda: _runs(caps, NETWORK, tune=tune),
    )


def runs_body(caps: Caps) -> Any:
    return _race_body(caps, False, "a race of optimizer runs")


def tune_body(caps: Caps) -> Any:
    return _race_body(caps, True, "POST /runs' body plus num")
