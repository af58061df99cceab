"""A run's options as request schemas, each generated from its registry: optimizers (one model
per optimizer, each setting with torch.optim's name, default and bounds), learning-rate
schedules, clipping, stop rules and which steps to record; each turns into its typed domain
value (CheckedHyperparams, Schedule, Clip, StopRules, RecordRule)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
from pydantic import ConfigDict, Field, create_model, field_validator, model_validator
from pydantic_core import PydanticCustomError

from app.api.schemas.base import (
    Finite,
    Strict,
    dict_get,
    refusal,
    refusal_of_field,
    tagged_union,
    whole,
)
from app.errors import FieldError
from app.optim import (
    OPTIMIZERS,
    SCHEDULES,
    CheckedHyperparams,
    Clip,
    HyperParam,
    OptimizerDef,
    Schedule,
)
from app.runs import EVERY_STEP, FINAL_STEP, RecordRule, StopRules

MAX_SAFE_INTEGER = 2**53 - 1
# The JSON Schema of each optimizer's cross-field rules (its check_fn says the same in code);
# tests/api checks that every optimizer with a check_fn has its entry here.
CROSS_FIELD_RULES: dict[str, dict[str, Any]] = {
    "sgd": {
        "if": {"properties": {"nesterov": {"const": True}}, "required": ["nesterov"]},
        "then": {
            "properties": {"momentum": {"exclusiveMinimum": 0}, "dampening": {"const": 0}},
            "required": ["momentum"],
        },
    }
}


def _bounds(spec: HyperParam) -> dict[str, float]:
    bounds: dict[str, float] = {}
    if spec.low is not None:
        bounds["ge" if spec.low_inclusive else "gt"] = spec.low
    if spec.high is not None:
        bounds["le" if spec.high_inclusive else "lt"] = spec.high
    return bounds


def setting_field(spec: HyperParam) -> tuple[Any, Any]:
    """A hyper-parameter (or schedule parameter) as a typed, bounded field."""
    # strict: JSON numbers and booleans only (lax mode would read false as lr 0, "1" as 1.0)
    if spec.kind == "bool":
        return bool, Field(spec.default, description=spec.description, strict=True)
    if spec.kind == "pair":
        number = Annotated[Finite, Field(**_bounds(spec))]
        return tuple[number, number], Field(spec.default, description=spec.description)
    bounds = _bounds(spec)
    if spec.kind == "int" and "le" not in bounds:  # a whole number JSON carries exactly
        bounds["le"] = MAX_SAFE_INTEGER
    kind = whole(**bounds) if spec.kind == "int" else Annotated[Finite, Field(**bounds)]
    return kind, Field(spec.default, description=spec.description)


class OptimizerConfigBase(Strict):
    def checked(self) -> CheckedHyperparams:
        """Every hyper-parameter, defaults filled: the schema held all the optimizer's rules."""
        return CheckedHyperparams(self.model_dump(exclude={"name"}))

    def given(self) -> dict[str, Any]:
        """The hyper-parameters the user set, by torch.optim's names."""
        return self.model_dump(exclude={"name"}, exclude_unset=True)


def _cross_field_check(opt: OptimizerDef) -> Any:
    """opt's check_fn on the whole row, reported at the last field (all others are known)."""
    last = opt.hyperparams[-1].name

    names = [spec.name for spec in opt.hyperparams]

    def check(cls: type, value: Any, info: Any) -> Any:
        row = {**info.data, last: value}
        if any(name not in row for name in names):
            return value  # another field failed: its own error says why
        try:
            opt.check_fn({k: np.asarray(v) for k, v in row.items()})
        except FieldError as error:
            raise PydanticCustomError("cross_field", error.reason) from None
        return value

    return field_validator(last)(classmethod(check))


def _optimizer_model(opt: OptimizerDef) -> type[OptimizerConfigBase]:
    fields = {spec.name: setting_field(spec) for spec in opt.hyperparams}
    validators = {"_rules": _cross_field_check(opt)} if opt.check_fn is not None else {}
    model = create_model(
        f"{opt.name.capitalize()}Config",
        __base__=OptimizerConfigBase,
        __doc__=f"{opt.title}: {opt.description}",
        __validators__=validators,
        name=(Literal[opt.name], Field(description="the optimizer")),
        **fields,
    )
    rules = CROSS_FIELD_RULES.get(opt.name)
    return model if rules is None else _with_schema(model, rules)


def _with_schema(model: type[Strict], extra: dict[str, Any]) -> type[Strict]:
    model.model_config["json_schema_extra"] = extra
    model.model_rebuild(force=True)
    return model


OPTIMIZER_MODELS = {name: _optimizer_model(opt) for name, opt in OPTIMIZERS.items()}


def _name_tag(known: dict[str, Any]) -> Any:
    def tag(value: Any) -> str:
        name = dict_get(value, "name")
        return name if isinstance(name, str) and name in known else "?"

    return tag


def _unknown(what: str, known: dict[str, Any]) -> Any:
    return refusal_of_field(
        f"Unknown{what.capitalize()}",
        "name",
        what,
        lambda v: f"unknown {what} {v!r}; known: {', '.join(known)}",
    )


UNKNOWN_OPTIMIZER = _unknown("optimizer", OPTIMIZER_MODELS)
OptimizerConfig = tagged_union(
    OPTIMIZER_MODELS,
    _name_tag(OPTIMIZER_MODELS),
    hidden={"?": UNKNOWN_OPTIMIZER},
    description="an optimizer of GET /optimizers and its hyper-parameters",
    property_name="name",
)


def _first_order_tag(value: Any) -> str:
    name = dict_get(value, "name")
    return name if isinstance(name, str) and name in OPTIMIZER_MODELS else "?"


# A network's runs: every optimizer but those that need the dense Hessian (d × d per step).
FIRST_ORDER_MODELS = {n: m for n, m in OPTIMIZER_MODELS.items() if not OPTIMIZERS[n].needs_hessian}
FirstOrderOptimizerConfig = tagged_union(
    FIRST_ORDER_MODELS,
    _first_order_tag,
    hidden={
        "?": UNKNOWN_OPTIMIZER,
        **{
            name: refusal_of_field(
                f"DenseHessianFor{name.capitalize()}",
                "name",
                "optimizer",
                lambda v: (
                    f"{v} needs the dense Hessian, too large for a network: use a "
                    "first-order optimizer"
                ),
            )
            for name in OPTIMIZER_MODELS
            if name not in FIRST_ORDER_MODELS
        },
    },
    description="an optimizer of GET /optimizers (a first-order one) and its hyper-parameters",
    property_name="name",
)


class ScheduleBase(Strict):
    def schedule(self) -> Schedule:
        params = self.model_dump(exclude={"name"})
        return Schedule(self.name, params)  # type: ignore[attr-defined]


SCHEDULE_MODELS = {
    name: create_model(
        f"{name.capitalize()}Schedule",
        __base__=ScheduleBase,
        __doc__=f"{s.title}: {s.description}",
        name=(Literal[name], Field(description="the schedule")),
        **{p.name: setting_field(p) for p in s.params},
    )
    for name, s in SCHEDULES.items()
}
ScheduleSpec = tagged_union(
    SCHEDULE_MODELS,
    _name_tag(SCHEDULE_MODELS),
    hidden={"?": _unknown("schedule", SCHEDULE_MODELS)},
    description="the learning rate per update (GET /optimizers lists the schedules)",
    property_name="name",
)


class ClipSpec(Strict):
    """Exactly one of max_norm or max_value."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1, "maxProperties": 1})
    max_norm: Finite = Field(None, gt=0, description="rescale a gradient above this L2 norm")
    max_value: Finite = Field(None, gt=0, description="clamp each coordinate to ±max_value")

    @model_validator(mode="after")
    def _exactly_one(self) -> ClipSpec:
        if (self.max_norm is None) == (self.max_value is None):
            raise PydanticCustomError("clip", "give exactly one of max_norm or max_value")
        return self

    def clip(self) -> Clip:
        if self.max_norm is not None:
            return Clip("max_norm", self.max_norm)
        return Clip("max_value", self.max_value)  # type: ignore[arg-type]


class StopSpec(Strict):
    loss_below: Finite = Field(None, gt=0, description="stop a run when its loss is below this")
    grad_norm_below: Finite = Field(
        None, gt=0, description="stop a run when its gradient norm is below this"
    )

    def rules(self) -> StopRules:
        return StopRules(self.loss_below, self.grad_norm_below)


class EveryStep(Strict):
    every: whole(ge=1) = Field(description="keep every k-th step (and each run's last)")
    params_every: whole(ge=1) | None = Field(
        1,
        description=(
            "of the kept steps, those at multiples of m (and the last) also keep params, grad "
            "and state; null: the last only. Loss and metrics stay at every kept step"
        ),
    )


def _record_tag(value: Any) -> str:
    return "every" if isinstance(value, dict) else "mode" if value in ("all", "final") else "?"


RecordSpec = tagged_union(
    {"mode": Literal["all", "final"], "every": EveryStep},
    _record_tag,
    hidden={
        "?": refusal("BadRecord", "record", lambda v: 'must be "all", "final" or {"every": k}')
    },
    description='"all" steps, the "final" one, or {"every": k, "params_every": m}',
)


def record_rule(record: Any) -> RecordRule:
    if record == "all":
        return EVERY_STEP
    if record == "final":
        return FINAL_STEP
    return RecordRule(record.every, record.params_every)
