"""What the catalogue routes answer: objectives (with suggested learning rates) and optimizers,
as JSON-ready dicts, and objective options read from a query string."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from app.errors import FieldError
from app.objectives import Objective, OptionSpec
from app.optim import CLIP_MODES, OPTIMIZERS, SCHEDULES, HyperParam


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


def optimizers_json() -> dict[str, Any]:
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


def option_parameters(objective: Objective) -> list[dict[str, Any]]:
    """An objective's options as documented query parameters, typed and bounded."""
    parameters = []
    for spec in objective.options:
        schema: dict[str, Any]
        if spec.kind == "choice":
            schema = {"type": "string", "enum": list(spec.choices or ())}
        else:
            schema = {"type": "integer" if spec.kind == "int" else "number"}
            schema |= {
                k: v for k, v in (("minimum", spec.low), ("maximum", spec.high)) if v is not None
            }
        parameters.append(
            {
                "name": spec.name,
                "in": "query",
                "required": False,
                "schema": {**schema, "default": spec.default},
                "description": spec.description,
            }
        )
    return parameters


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
