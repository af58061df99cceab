"""GET /objectives, /objectives/custom, /objectives/{id} and /optimizers: what can be run."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from app.api.compute import compute
from app.api.encoding import StrictJSONResponse, json_response
from app.api.errors import ProblemBody
from app.api.responses import ObjectiveList, ObjectiveOut
from app.errors import FieldError
from app.objectives import (
    Objective,
    ObjectiveError,
    OptionSpec,
    get_objective_ids,
    list_objectives,
    make_objective,
)
from app.optim import CLIP_MODES, OPTIMIZERS, SCHEDULES, HyperParam
from app.tuning import cached_suggestions, suggest
from app.tuning.suggested import build_rule

router = APIRouter(tags=["catalog"], default_response_class=StrictJSONResponse)
BAD_INPUT = {422: {"description": "A bad option or formula", "model": ProblemBody}}


def objective_json(objective: Objective, suggested_lr: Mapping[str, float]) -> dict[str, Any]:
    return {
        "id": objective.id,
        "title": objective.title,
        "group": objective.group,
        "dim": objective.dim,
        "view_box": objective.view_box,
        "default_start": objective.default_start,
        "minima": [{"point": m.point, "value": m.value, "kind": m.kind} for m in objective.minima],
        "formula": objective.formula,
        "description": objective.description,
        "param_names": objective.param_names,
        "default_lr": objective.default_lr,
        "n_samples": objective.n_samples,
        "options": [
            {
                "name": o.name,
                "kind": o.kind,
                "default": o.default,
                "choices": o.choices,
                "low": o.low,
                "high": o.high,
                "description": o.description,
            }
            for o in objective.options
        ],
        "settings": dict(objective.settings),
        "data_kind": objective.data_kind,
        "suggested_lr": dict(suggested_lr),
    }


async def with_suggestions(request: Request, objectives: list[Objective]) -> list[dict[str, Any]]:
    """Each objective's JSON; suggestions not yet known are computed under a compute slot."""
    known = [cached_suggestions(o) for o in objectives]
    missing = [o for o, lrs in zip(objectives, known, strict=True) if lrs is None]
    if missing:
        deadline = time.monotonic() + request.app.state.settings.request_deadline_seconds

        def work(should_stop: Any) -> list[dict[str, float]]:
            return [suggest(o, should_stop=should_stop, deadline=deadline) for o in missing]

        found = iter(await compute(request, work))
        known = [lrs if lrs is not None else next(found) for lrs in known]
    return [objective_json(o, lrs) for o, lrs in zip(objectives, known, strict=True)]


def hyperparam_json(spec: HyperParam) -> dict[str, Any]:
    return {
        "name": spec.name,
        "default": spec.default,
        "low": spec.low,
        "high": spec.high,
        "low_inclusive": spec.low_inclusive,
        "high_inclusive": spec.high_inclusive,
        "kind": spec.kind,
        "description": spec.description,
    }


@router.get(
    "/objectives",
    summary="Every objective with its view box, minima, options and suggested learning rates",
    responses={200: {"model": ObjectiveList}},
)
async def objectives(request: Request) -> Response:
    listed = await with_suggestions(request, list_objectives())
    return json_response({"objectives": listed, "suggested_lr_rule": build_rule()})


@router.get(
    "/objectives/custom",
    summary="A custom formula's objective: dimension, view box, start, suggested learning rates",
    description="`expression` is f(x) or f(x, y), as in POST /runs' `objective.expression`.",
    responses={200: {"model": ObjectiveOut}, **BAD_INPUT},
)
async def custom_objective(
    request: Request,
    expression: str = Query(
        min_length=1, max_length=500, description="f(x) or f(x, y); ^ is power; see the README"
    ),
) -> Response:
    try:
        objective = make_objective({"expression": expression})
    except ObjectiveError as error:
        raise FieldError("expression", error.reason) from None
    return json_response((await with_suggestions(request, [objective]))[0])


def _option_docs() -> list[dict[str, Any]]:
    """Every option name any objective takes, as a documented query parameter."""
    used: dict[str, list[str]] = {}
    for objective in list_objectives():
        for spec in objective.options:
            used.setdefault(spec.name, []).append(f"{objective.id} ({_spec_words(spec)})")
    return [
        {
            "name": name,
            "in": "query",
            "required": False,
            "schema": {"type": "string"},
            "description": "An option of " + "; ".join(where),
        }
        for name, where in used.items()
    ]


def _spec_words(spec: OptionSpec) -> str:
    if spec.kind == "choice":
        return " | ".join(spec.choices or ())
    return f"{spec.kind} {spec.low:g}..{spec.high:g}, default {spec.default}"


def options_from_query(objective: Objective, query: Mapping[str, str]) -> dict[str, object]:
    """Query strings as option values of the option's kind; unknown or bad ones raise."""
    specs = {spec.name: spec for spec in objective.options}
    values: dict[str, object] = {}
    for name, text in query.items():
        spec = specs.get(name)
        if spec is None:
            known = ", ".join(specs) or "none"
            raise FieldError(name, f"not an option of {objective.id!r}; options: {known}")
        values[name] = text if spec.kind == "choice" else _number(name, spec, text)
    return values


def _number(name: str, spec: OptionSpec, text: str) -> float | int:
    try:
        value = float(text)
    except ValueError:
        raise FieldError(name, f"must be a number, got {text!r}") from None
    if not math.isfinite(value):
        raise FieldError(name, "must be finite")
    if spec.kind == "int":
        if value != int(value):
            raise FieldError(name, f"must be a whole number, got {text!r}")
        return int(value)
    return value


@router.get(
    "/objectives/{objective_id}",
    summary="One objective, built with the options given as query parameters",
    description=(
        "Options go in the query, e.g. `/objectives/linear-regression?loss=huber&delta=2`: the "
        "answer (formula, minima, suggested_lr, ...) is that of the objective built with them. "
        "An unknown option or a bad value is a 422 naming the query parameter."
    ),
    responses={
        200: {"model": ObjectiveOut},
        404: {"description": "Unknown objective", "model": ProblemBody},
        **BAD_INPUT,
    },
    openapi_extra={"parameters": _option_docs()},
)
async def objective(objective_id: str, request: Request) -> Response:
    if objective_id not in get_objective_ids():
        raise HTTPException(
            status_code=404,
            detail=[
                {
                    "field": "objective_id",
                    "loc": ["path", "objective_id"],
                    "msg": f"unknown objective {objective_id!r}",
                    "type": "not_found",
                }
            ],
        )
    default = make_objective({"id": objective_id})
    options = options_from_query(default, request.query_params)
    try:
        built = make_objective({"id": objective_id, **options})
    except ObjectiveError as error:
        raise FieldError(error.field.removeprefix("objective."), error.reason) from None
    return json_response((await with_suggestions(request, [built]))[0])


@router.get("/optimizers", summary="Every optimizer's hyper-parameters, schedules and clipping")
def optimizers() -> dict[str, Any]:
    return {
        "optimizers": [
            {
                "name": opt.name,
                "title": opt.title,
                "description": opt.description,
                "needs_hessian": opt.needs_hessian,
                "state_names": opt.state_names,
                "hyperparams": [hyperparam_json(h) for h in opt.hyperparams],
            }
            for opt in OPTIMIZERS.values()
        ],
        "schedules": [
            {
                "name": s.name,
                "title": s.title,
                "description": s.description,
                "params": [hyperparam_json(p) for p in s.params],
            }
            for s in SCHEDULES.values()
        ],
        "clip_modes": CLIP_MODES,
    }
