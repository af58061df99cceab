"""The request bodies of /sweeps and /explain-step: one model per (dimension, optimizer), so what
can be swept, the state buffers and the Hessian's presence follow the optimizer."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import Field, create_model, model_validator
from pydantic_core import PydanticCustomError

from app.api.schemas.base import Finite, Strict, dict_get, point, tagged_union, whole
from app.api.schemas.caps import LENIENT, Caps
from app.api.schemas.network_requests import check_length
from app.api.schemas.objectives import DIMS, NETWORK, dim_of, is_network, objective_union
from app.api.schemas.options import (
    FIRST_ORDER_MODELS,
    OPTIMIZER_MODELS,
    ClipSpec,
    OptimizerConfig,
    ScheduleSpec,
)
from app.api.schemas.requests import check_pairs, named, weights
from app.api.schemas.run_requests import RunOptionsBase, run_option_fields
from app.api.schemas.sweep_ranges import over_model
from app.errors import FieldError
from app.objectives import check_batch_memory
from app.optim import OPTIMIZERS, Schedule
from app.runs import RunConfig, RunProblem, StartGrid, SweepRange

# A sweep may range only over values its optimizer's rules allow at both ends; in JSON Schema:
SWEEP_RULES: dict[str, dict[str, Any]] = {
    "sgd": {
        "if": {
            "properties": {
                "optimizer": {"properties": {"nesterov": {"const": True}}, "required": ["nesterov"]}
            }
        },
        "then": {
            "properties": {
                "over": {
                    "properties": {
                        "momentum": {"properties": {"min": {"exclusiveMinimum": 0}}},
                        "dampening": {"properties": {"max": {"maximum": 0}}},
                    }
                }
            }
        },
    }
}
EXPLAIN_DIMS = (1, 2)


class SweepBase(RunOptionsBase):
    caps: ClassVar[Caps]

    def plan(self) -> tuple[RunProblem, StartGrid | SweepRange]:
        """The base problem and what it sweeps; the caps between fields checked first."""
        objective = self.objective.build()  # type: ignore[attr-defined]
        opt, over = self.optimizer, self.over  # type: ignore[attr-defined]
        (name,) = over.model_fields_set
        spec = getattr(over, name)
        checked = opt.checked()
        if name == "start":
            check_pairs(spec.bounds, "over.start.bounds")
            bounds = spec.bounds or [list(b) for b in objective.view_box]
            what: StartGrid | SweepRange = StartGrid(tuple(map(tuple, bounds)), spec.resolution)
            count = what.count
        else:
            if spec.min > spec.max:
                raise FieldError(f"over.{name}", f"needs min ≤ max, got {spec.min} > {spec.max}")
            for end, value in (("min", spec.min), ("max", spec.max)):
                try:  # the optimizer's cross-field rules at both ends of the range
                    OPTIMIZERS[opt.name].check({**checked, name: value})
                except FieldError as error:
                    raise FieldError(f"over.{name}.{end}", error.reason) from None
            what = SweepRange(name, spec.min, spec.max, spec.num, spec.scale)
            count = spec.num
        size_field = "over.start.resolution" if name == "start" else f"over.{name}.num"
        check_batch_memory(objective, count, self.caps.max_batch_bytes, size_field)
        work = count * self.steps  # type: ignore[attr-defined]
        if work > self.caps.max_sweep_work:
            raise FieldError(
                "steps", f"runs × steps = {work} is over the cap of {self.caps.max_sweep_work}"
            )
        check_length(objective, self.start, "start")  # type: ignore[attr-defined]
        start = None if self.start is None else tuple(self.start)  # type: ignore[attr-defined]
        run = RunConfig(opt.name, checked, start)
        return RunProblem(objective=objective, runs=(run,), **self.options()), what

    @property
    def over_name(self) -> str:
        (name,) = self.over.model_fields_set  # type: ignore[attr-defined]
        return name


def _sweep(caps: Caps, dim: int | str | None, opt: str | None) -> type[Strict]:
    fields = run_option_fields(caps, caps.sweep_steps, objective_union(dim))
    if opt is None:  # lenient: reports what made the variant unknowable
        fields |= {"optimizer": (OptimizerConfig, ...), "over": (dict[str, Any], ...)}
    else:
        fields |= {
            "optimizer": (OPTIMIZER_MODELS[opt], ...),
            "over": (
                over_model(caps, dim or max(DIMS), opt),
                Field(description='{"start": grid} or one numeric setting: {"lr": range}'),
            ),
        }
    fields["start"] = (weights(dim) | None, None)
    name = (
        f"{named('SweepRequest', dim)}{opt.capitalize()}" if opt and dim else "SweepRequestLenient"
    )
    model = create_model(name, __base__=SweepBase, **fields)
    model.caps = caps
    rules = SWEEP_RULES.get(opt or "")
    if rules is not None:
        model.model_config["json_schema_extra"] = rules
        model.model_rebuild(force=True)
    return model


def _dim_and_name(body: Any, dim: int | None, dims: tuple[int, ...]) -> str:
    name = dict_get(dict_get(body, "optimizer"), "name")
    if dim in dims and isinstance(name, str) and name in OPTIMIZERS:
        return f"{dim}:{name}"
    return LENIENT


def _sweep_tag(body: Any) -> str:
    spec = dict_get(body, "objective")
    if is_network(spec):
        name = dict_get(dict_get(body, "optimizer"), "name")
        known = isinstance(name, str) and name in FIRST_ORDER_MODELS
        return f"{NETWORK}:{name}" if known else LENIENT
    return _dim_and_name(body, dim_of(spec), DIMS)


def sweep_body(caps: Caps) -> Any:
    variants = {f"{d}:{o}": _sweep(caps, d, o) for d in DIMS for o in OPTIMIZERS}
    variants |= {f"{NETWORK}:{o}": _sweep(caps, NETWORK, o) for o in FIRST_ORDER_MODELS}
    return tagged_union(
        variants,
        _sweep_tag,
        hidden={LENIENT: _sweep(caps, None, None)},
        description="one optimizer over many learning rates or start points",
    )


class ExplainBase(Strict):
    def buffers(self) -> dict[str, list[float]]:
        return self.state.model_dump(exclude_none=True)  # type: ignore[attr-defined]

    def parsed_schedule(self) -> Schedule | None:
        return None if self.schedule is None else self.schedule.schedule()  # type: ignore


class StateBase(Strict):
    """Every buffer or none (JSON Schema: no property, or all of them)."""

    @classmethod
    def __get_pydantic_json_schema__(cls, core: Any, handler: Any) -> dict[str, Any]:
        schema = handler.resolve_ref_schema(handler(core))
        names = list(schema.get("properties", {}))
        schema["anyOf"] = [{"maxProperties": 0}, {"required": names}] if names else []
        if not names:
            del schema["anyOf"]
        return schema


def _state(opt: str, dim: int) -> type[Strict]:
    names = OPTIMIZERS[opt].state_names

    def all_or_none(model: Any) -> Any:
        given = model.model_fields_set
        if given and given != set(names):
            missing = ", ".join(n for n in names if n not in given)
            raise PydanticCustomError(
                "state", f"missing {missing}: give every buffer ({', '.join(names)}) or none"
            )
        return model

    return create_model(
        f"State{dim}D{opt.capitalize()}",
        __base__=StateBase,
        __validators__={"_all": model_validator(mode="after")(all_or_none)},
        **{n: (point(dim), None) for n in names},  # not nullable: give a buffer or leave it out
    )


def _explain(caps: Caps, dim: int | None, opt: str | None) -> type[Strict]:
    d = dim or max(EXPLAIN_DIMS)
    needs = opt is not None and OPTIMIZERS[opt].needs_hessian
    hessian = Annotated[list[point(d)], Field(min_length=d, max_length=d)]
    state = _state(opt, d) if opt else dict[str, list[Finite]]
    fields: dict[str, Any] = {
        "optimizer": (OPTIMIZER_MODELS[opt] if opt else OptimizerConfig, ...),
        "step": (
            whole(ge=1, le=caps.max_steps),
            Field(description="the 1-based update number t, as torch counts it"),
        ),
        "params": (point(d, "the parameters before update t"), ...),
        "grad": (point(d, "the gradient at params (before any clipping)"), ...),
        "state": (
            state,
            Field(
                default_factory=state if opt else dict,
                description=(
                    "the optimizer's buffers before update t, as a /runs step reports them after "
                    "step t − 1 (every buffer of the optimizer's state_names); empty at step 1"
                ),
            ),
        ),
        "schedule": (ScheduleSpec | None, Field(None, description="as in POST /runs")),
        "clip": (ClipSpec | None, Field(None, description="as in POST /runs")),
        "hessian": (
            hessian if needs else hessian | None,
            Field(... if needs else None, description="the Hessian at params, d × d (Newton)"),
        ),
    }
    name = f"ExplainStepRequest{dim}D{opt.capitalize()}" if opt else "ExplainStepRequestLenient"
    return create_model(name, __base__=ExplainBase, **fields)


def explain_body(caps: Caps) -> Any:
    variants = {f"{d}:{o}": _explain(caps, d, o) for d in EXPLAIN_DIMS for o in OPTIMIZERS}

    def tag(body: Any) -> str:
        params = dict_get(body, "params")
        return _dim_and_name(body, len(params) if isinstance(params, list) else None, EXPLAIN_DIMS)

    return tagged_union(
        variants,
        tag,
        hidden={LENIENT: _explain(caps, None, None)},
        description="one optimizer update to explain",
    )
