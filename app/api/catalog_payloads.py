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
        "options": [option_json(o) for o in objective.options],
        "settings": dict(objective.settings),
        "data_kind": objective.data_kind,
        "suggested_lr": dict(suggested_lr),
    }


def option_json(spec: OptionSpec) -> dict[str, Any]:
    return {
        "name": spec.name,
        "kind": spec.kind,
        "default": spec.default,
        "choices": spec.choices,
        "low": spec.low,
        "high": spec.high,
        "description": spec.description,
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
    return [option_parameter(spec.name, spec) for spec in objective.options]


def option_parameter(name: str, spec: OptionSpec, *, default: bool = True) -> dict[str, Any]:
    """One option as a documented query parameter (its default stated unless told not to)."""
    schema: dict[str, Any]
    if spec.kind == "choice":
        schema = {"type": "string", "enum": list(spec.choices or ())}
    elif spec.kind == "bool":
        schema = {"type": "boolean"}
    else:
        schema = {"type": "integer" if spec.kind == "int" else "number"}
        schema |= {
            k: v for k, v in (("minimum", spec.low), ("maximum", spec.high)) if v is not None
        }
    if default:
        schema["default"] = spec.default
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": spec.description,
    }


def options_from_query(objective: Objective, query: Mapping[str, str]) -> dict[str, object]:
    """Query strings as option values of the option's kind; unknown or bad ones raise."""
    specs = {spec.name: spec for spec in objective.options}
    values: dict[str, object] = {}
    for name, text in query.items():
        spec = specs.get(name)
        if spec is None:
            known = ", ".join(specs) or "none"
            raise FieldError(name, f"not an option of {objective.id!r}; options: {known}")
        values[name] = option_value(name, spec, text)
    return values


def option_value(name: str, spec: OptionSpec, text: str) -> object:
    """A query string as a value of the option's kind (its range is checked where it is used)."""
    if spec.kind == "choice":
        return text
    if spec.kind == "bool":
        if text not in ("true", "false"):
            raise FieldError(name, f"must be true or false, got {text!r}")
        return text == "true"
    return number(name, spec.kind == "int", text)


def number(name: str, whole: bool, text: str) -> float | int:
    """A query string as a finite number (an int when whole)."""
    try:
        value = float(text)
    except ValueError:
        raise FieldError(name, f"must be a number, got {text!r}") from None
    if not math.isfinite(value):
        raise FieldError(name, "must be finite")
    if whole:
        if value != int(value):
            raise FieldError(name, f"must be a whole number, got {text!r}")
        return int(value)
    return value
