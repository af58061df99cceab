"""GET /objectives, /objectives/{id} and /optimizers: what can be run, with every option."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException

from app.api.encoding import StrictJSONResponse
from app.api.errors import ProblemBody
from app.objectives import Objective, get_objective_ids, list_objectives, make_objective
from app.optim import CLIP_MODES, OPTIMIZERS, SCHEDULES, HyperParam

router = APIRouter(tags=["catalog"], default_response_class=StrictJSONResponse)


def objective_json(objective: Objective) -> dict[str, Any]:
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
    }


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


@router.get("/objectives", summary="Every objective with its view box, minima and options")
def objectives() -> dict[str, Any]:
    return {"objectives": [objective_json(o) for o in list_objectives()]}


@router.get(
    "/objectives/{objective_id}",
    summary="One objective",
    responses={404: {"description": "Unknown objective", "model": ProblemBody}},
)
def objective(objective_id: str) -> dict[str, Any]:
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
    return objective_json(make_objective({"id": objective_id}))


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
