"""The `objective` of a request: one model per built-in objective (its options typed, from the
registry) and a custom formula in x, or in x and y; grouped by dimension, so a request's points,
starts and bounds can be sized by its objective."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import Field, create_model, field_validator
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
from app.objectives import Objective, ObjectiveError, OptionSpec, list_objectives, make_objective

EXPRESSION_LENGTH = 500
# Custom formulas are in x (1-D) or in x and y (2-D); the text decides which.
EXPRESSION_DIMS = (1, 2)
# The JSON Schema format of each: the grammar is in the README ("A formula").
FORMULA_FORMATS = {1: "formula-in-x", 2: "formula-in-x-and-y"}


class ObjectiveSpecBase(Strict):
    def build(self) -> Objective:
        """The objective this spec names, built (cached per distinct spec)."""
        return _built(tuple(sorted(self.model_dump().items())))


@lru_cache(maxsize=256)
def _built(spec: tuple[tuple[str, Any], ...]) -> Objective:
    return make_objective(dict(spec))


@lru_cache(maxsize=1024)
def parsed_formula(text: str) -> Objective | ObjectiveError:
    """The custom objective of a formula, or why it cannot be one."""
    try:
        return make_objective({"expression": text})
    except ObjectiveError as error:
        return error


def _option_field(spec: OptionSpec) -> tuple[Any, Any]:
    if spec.kind == "choice":
        return Literal[tuple(spec.choices or ())], Field(spec.default, description=spec.description)
    bounds = {k: v for k, v in (("ge", spec.low), ("le", spec.high)) if v is not None}
    kind = whole(**bounds) if spec.kind == "int" else Annotated[Finite, Field(**bounds)]
    return kind, Field(spec.default, description=spec.description)


def _title(oid: str) -> str:
    return "".join(part.capitalize() for part in oid.split("-"))


def _objective_model(objective: Objective) -> type[ObjectiveSpecBase]:
    fields = {spec.name: _option_field(spec) for spec in objective.options}
    return create_model(
        f"{_title(objective.id)}Objective",
        __base__=ObjectiveSpecBase,
        __doc__=f"{objective.title}: {objective.formula}",
        id=(Literal[objective.id], Field(description="a built-in objective (GET /objectives)")),
        **fields,
    )


def _formula_model(dim: int) -> type[ObjectiveSpecBase]:
    what = "x alone" if dim == 1 else "x and y"

    def checked(cls: type, text: str) -> str:
        built = parsed_formula(text)
        if isinstance(built, ObjectiveError):
            raise PydanticCustomError("expression", built.reason.replace("{", "{{"))
        if built.dim != dim:
            raise PydanticCustomError("expression", f"a formula in {what} was expected here")
        return text

    return create_model(
        f"Formula{dim}D",
        __base__=ObjectiveSpecBase,
        __doc__=f"Your own formula in {what}.",
        __validators__={"_checked": field_validator("expression")(classmethod(checked))},
        expression=(
            Annotated[
                str,
                Field(
                    min_length=1,
                    max_length=EXPRESSION_LENGTH,
                    json_schema_extra={"format": FORMULA_FORMATS[dim]},
                ),
            ],
            Field(description=f"f({'x' if dim == 1 else 'x, y'}); ^ is power; see the README"),
        ),
    )


BUILT_INS = {o.id: o for o in list_objectives()}
MODELS = {oid: _objective_model(o) for oid, o in BUILT_INS.items()}
FORMULAS = {dim: _formula_model(dim) for dim in EXPRESSION_DIMS}
DIMS = tuple(sorted({o.dim for o in BUILT_INS.values()} | set(EXPRESSION_DIMS)))
DATA_DIMS = tuple(sorted({o.dim for o in BUILT_INS.values() if o.data_kind is not None}))


def dim_of(spec: Any) -> int | None:
    """The dimension of an objective spec, or None when it names no objective."""
    oid, text = dict_get(spec, "id"), dict_get(spec, "expression")
    if text is not None and oid is None and isinstance(text, str):
        built = parsed_formula(text)
        return None if isinstance(built, ObjectiveError) else built.dim
    if text is None and isinstance(oid, str) and oid in BUILT_INS:
        return BUILT_INS[oid].dim
    return None


def _known() -> str:
    return ", ".join(BUILT_INS)


UnknownObjective = refusal_of_field(
    "UnknownObjective", "id", "objective", lambda v: f"unknown objective {v!r}; known: {_known()}"
)
NotAnObjective = refusal(
    "NotAnObjective",
    "objective",
    lambda v: "give exactly one of 'id' (a built-in objective) or 'expression' (a formula)",
)
NoData = refusal(
    "ObjectiveWithoutData",
    "objective",
    lambda v: "this objective fits no data: use one whose data_kind is not null (GET /objectives)",
)


def _tag(spec: Any) -> str:
    """A built-in's id, "formula", "?id" for an id not in the catalogue, "?" for neither."""
    if not isinstance(spec, dict) or ("id" in spec) == ("expression" in spec):
        return "?"
    if "expression" in spec:
        return "formula"
    oid = spec["id"]
    return oid if isinstance(oid, str) and oid in BUILT_INS else "?id"


def objective_union(dim: int | None, *, data_only: bool = False) -> Any:
    """The objectives of one dimension (every one when None), as a tagged union."""
    members: dict[str, Any] = {
        oid: MODELS[oid]
        for oid, o in BUILT_INS.items()
        if (dim is None or o.dim == dim) and (o.data_kind is not None or not data_only)
    }
    if not data_only and (dim in FORMULAS or dim is None):
        members["formula"] = FORMULAS[dim if dim is not None else max(EXPRESSION_DIMS)]
    hidden: dict[str, Any] = {"?": NotAnObjective, "?id": UnknownObjective}
    others = [oid for oid in BUILT_INS if oid not in members]
    if data_only:
        hidden |= {oid: NoData for oid in others} | {"formula": NoData}

    def tag(spec: Any) -> str:
        found = _tag(spec)
        return found if found in members or found in hidden else "?"

    return tagged_union(
        members,
        tag,
        hidden=hidden,
        description='`{"id": "rosenbrock", ...options}` or `{"expression": "x^2 + 10*y^2"}`',
    )
