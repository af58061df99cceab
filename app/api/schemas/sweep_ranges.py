"""What a sweep ranges over: a grid of start points, or one setting of its optimizer from min to
max on a log or linear scale; one model per (dimension, optimizer), since what can be swept
follows the optimizer (app.runs.sweepable)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, create_model, model_validator
from pydantic_core import PydanticCustomError

from app.api.schemas.base import Strict, dict_get, pairs, tagged_union, whole
from app.api.schemas.caps import Caps
from app.api.schemas.objectives import NETWORK
from app.api.schemas.options import setting_field
from app.api.schemas.requests import named
from app.optim import OPTIMIZERS, HyperParam
from app.runs import sweepable


def _range(opt: str, spec: HyperParam, caps: Caps) -> Any:
    """{"min", "max", "num", "scale"} over one setting: a log scale needs min > 0."""
    base = setting_field(spec)[0]
    positive = Annotated[base, Field(gt=0)]
    num = (whole(ge=1, le=caps.max_sweep_runs), ...)
    title = f"{opt.capitalize()}{spec.name.title().replace('_', '')}"
    log = create_model(
        f"{title}LogRange",
        __base__=Strict,
        min=(positive, Field(description="min > 0, min ≤ max")),
        max=(positive, ...),
        num=num,
        scale=(Literal["log"], "log"),
    )
    linear = create_model(
        f"{title}LinearRange",
        __base__=Strict,
        min=(base, Field(description="min ≤ max")),
        max=(base, ...),
        num=num,
        scale=(Literal["linear"], ...),
    )

    def tag(value: Any) -> str:
        scale = dict_get(value, "scale") or "log"
        return scale if scale in ("log", "linear") else "log"

    return tagged_union({"log": log, "linear": linear}, tag)


def _start_grid(caps: Caps, dim: int) -> type[Strict]:
    finest = caps.grid_resolution(dim)
    return create_model(
        f"StartGrid{dim}D",
        __base__=Strict,
        bounds=(
            pairs(dim, "[[x0, x1], [y0, y1]], each min < max") | None,
            Field(None, description="defaults to the objective's view box"),
        ),
        resolution=(
            whole(ge=2, le=finest),
            Field(min(32, finest), description="starts per axis (resolution^dim runs)"),
        ),
    )


class OverBase(Strict):
    model_config = ConfigDict(json_schema_extra={"minProperties": 1, "maxProperties": 1})

    @model_validator(mode="after")
    def _exactly_one(self) -> OverBase:
        if len(self.model_fields_set) != 1:
            names = ", ".join(type(self).model_fields)
            raise PydanticCustomError("over", f"give exactly one of: {names}")
        return self


def over_model(caps: Caps, dim: int | str, opt: str) -> type[Strict]:
    """A start grid (not for a network: its dim is too large for one) or one setting's range."""
    specs = {h.name: h for h in OPTIMIZERS[opt].hyperparams}
    fields: dict[str, Any] = {}
    if dim != NETWORK:
        fields["start"] = (_start_grid(caps, dim), None)  # type: ignore[arg-type]
    for name in sweepable(opt):
        fields[name] = (_range(opt, specs[name], caps), None)
    return create_model(f"Over{named('', dim)}{opt.capitalize()}", __base__=OverBase, **fields)
