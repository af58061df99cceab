"""POST /sweeps: one optimizer configuration over many runs (a learning-rate curve, a basin map)."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.api.compute import compute
from app.api.encoding import StrictJSONResponse, json_response
from app.api.errors import TooMuchWork
from app.api.routes.surface import checked_bounds
from app.api.schemas import LinearOrLogRange, StartGrid, SweepRequest
from app.objectives import make_objective
from app.optim import OPTIMIZERS, broadcast_hyperparams
from app.runs import ProblemError, RunConfig, RunProblem, sweep, sweep_values

router = APIRouter(tags=["compute"], default_response_class=StrictJSONResponse)


@router.post("/sweeps", summary="Sweep a hyper-parameter or a grid of start points in one batch")
async def sweeps(body: SweepRequest, request: Request) -> Response:
    settings = request.app.state.settings
    objective = make_objective(body.objective.as_dict())
    if body.start is not None and len(body.start) != objective.dim:
        raise ProblemError("start", f"needs {objective.dim} coordinate(s) for {objective.id!r}")
    ((name, spec),) = body.over.items()
    over: dict[str, Any]
    if name == "start":
        if not isinstance(spec, StartGrid):
            raise ProblemError("over.start", "needs {'bounds': [[..], [..]], 'resolution': n}")
        bounds = checked_bounds(objective, spec.bounds, "over.start.bounds")
        count = spec.resolution**objective.dim
        over = {"start": {"bounds": bounds, "resolution": spec.resolution}}
    else:
        hyperparams = [
            h.name
            for h in OPTIMIZERS[body.optimizer.name].hyperparams
            if h.kind in ("float", "int")
        ]
        if name not in hyperparams or not isinstance(spec, LinearOrLogRange):
            raise ProblemError(
                f"over.{name}",
                f"sweep 'start' or a numeric hyper-parameter of {body.optimizer.name!r}: "
                + ", ".join(hyperparams),
            )
        count = spec.num
        over = {name: spec.model_dump()}
        values = sweep_values(over[name], f"over.{name}")
        ends = [{**body.optimizer.hyperparams(), name: float(v)} for v in (values[0], values[-1])]
        try:
            broadcast_hyperparams(OPTIMIZERS[body.optimizer.name], ends, 2)
        except ValueError as error:
            raise ProblemError(f"over.{name}", str(error).partition(": ")[2]) from None
    if count > settings.max_sweep_runs:
        raise TooMuchWork("over", f"{count} runs is over the cap of {settings.max_sweep_runs}")
    if count * body.steps > settings.max_sweep_work:
        raise TooMuchWork(
            "steps",
            f"runs × steps = {count * body.steps} is over the cap of {settings.max_sweep_work}",
        )
    base = RunProblem(
        objective=objective,
        runs=(
            RunConfig(
                body.optimizer.name,
                body.optimizer.hyperparams(),
                None if body.start is None else tuple(body.start),
            ),
        ),
        **body.problem_options(),
    )
    deadline = time.monotonic() + settings.request_deadline_seconds

    def work(should_stop: Any) -> dict[str, Any]:
        result = sweep(base, over, should_stop=should_stop, deadline=deadline)
        return {
            "over": name,
            "values": result.values,
            "final_params": result.final_params,
            "final_loss": result.final_loss,
            "status": result.status,
            "steps_taken": result.steps_taken,
            "basin": result.basin,
            "minima": [{"point": m.point, "value": m.value} for m in objective.minima],
        }

    return json_response(await compute(request, work))
