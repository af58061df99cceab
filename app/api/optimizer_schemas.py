"""Pydantic models of every optimizer's configuration, built from the optimizer registry.

One model per optimizer, tagged by `name`, so the OpenAPI schema is a discriminated union and
each hyper-parameter carries torch.optim's name, default, bounds and description.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, create_model

from app.optim import OPTIMIZERS, HyperParam, OptimizerDef


class OptimizerConfigBase(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    def hyperparams(self) -> dict[str, Any]:
        """The hyper-parameters the user set, by torch.optim's names."""
        return self.model_dump(exclude={"name"}, exclude_unset=True)


def _bounds(spec: HyperParam) -> dict[str, float]:
    bounds: dict[str, float] = {}
    if spec.low is not None:
        bounds["ge" if spec.low_inclusive else "gt"] = spec.low
    if spec.high is not None:
        bounds["le" if spec.high_inclusive else "lt"] = spec.high
    return bounds


def _field(spec: HyperParam) -> tuple[Any, Any]:
    # strict: JSON numbers and booleans only (lax mode would read false as lr 0, "1" as 1.0)
    if spec.kind == "bool":
        return bool, Field(spec.default, description=spec.description, strict=True)
    if spec.kind == "pair":
        number = Annotated[float, Field(strict=True, **_bounds(spec))]
        return tuple[number, number], Field(spec.default, description=spec.description)
    kind = int if spec.kind == "int" else float
    return kind, Field(spec.default, description=spec.description, strict=True, **_bounds(spec))


def _model(opt: OptimizerDef) -> type[OptimizerConfigBase]:
    fields = {spec.name: _field(spec) for spec in opt.hyperparams}
    return create_model(
        f"{opt.name.capitalize()}Config",
        __base__=OptimizerConfigBase,
        __doc__=f"{opt.title}: {opt.description}",
        name=(Literal[opt.name], Field(description="the optimizer")),
        **fields,
    )


OPTIMIZER_MODELS = {name: _model(opt) for name, opt in OPTIMIZERS.items()}

OptimizerConfig = Annotated[
    Union[tuple(OPTIMIZER_MODELS.values())],  # noqa: UP007 (a Union built from a tuple)
    Field(discriminator="name"),
]
