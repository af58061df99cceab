"""The `objective` of a request: one model per built-in objective (its options typed, from the
registry), a custom formula in x, or in x and y, and a network on a dataset; grouped by
dimension (a network's is its own: it follows from the spec), so a request's points, starts
and bounds can be sized by its objective."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import Field, create_model, field_validator
from pydantic_core import PydanticCustomError

from app.api.schemas.base import (
    Finite,
    Strict,
    dict_get,
    option_field,
    refusal,
    refusal_of_field,
    tagged_union,
    whole,
)
from app.api.schemas.datasets import DatasetSpec
from app.objectives import (
    NETWORK_ID,
    Objective,
    ObjectiveError,
    list_objectives,
    make_objective,
)
from app.objectives.network_objective import MAX_HIDDEN_LAYERS, MAX_UNITS
from app.objectives.network_objective import OPTIONS as NETWORK_OPTIONS
from app.objectives.tables import MAX_CLASSES, MAX_FEATURES, MAX_ROWS

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


class NetworkSpecBase(ObjectiveSpecBase):
    def build(self) -> Objective:
        """The network this spec describes (cached by the objective, per distinct spec)."""
        return make_objective(self.model_dump(exclude_none=True))


NETWORK = "network"  # the variant of a request whose objective is a network
# The most weights a network can have: 16 features, 4 hidden layers of 32 units, 10 classes.
MAX_NETWORK_DIM = (
    MAX_FEATURES * MAX_UNITS
    + MAX_UNITS
    + (MAX_HIDDEN_LAYERS - 1) * (MAX_UNITS * MAX_UNITS + MAX_UNITS)
    + MAX_UNITS * MAX_CLASSES
    + MAX_CLASSES
)

NetworkObjective = create_model(
    "MlpObjective",
    __base__=NetworkSpecBase,
    __doc__=(
        "A multilayer perceptron trained on a dataset: its weights and biases are the point "
        "that descends (dim = its count; GET /objectives/mlp with the same spec tells it)."
    ),
    id=(Literal[NETWORK_ID], Field(description="a network")),
    dataset=(
        DatasetSpec | None,
        Field(None, description='what it learns; default {"name": "xor"}'),
    ),
    hidden=(
        Annotated[list[whole(ge=1, le=MAX_UNITS)], Field(max_length=MAX_HIDDEN_LAYERS)],
        Field([8, 8], description=f"units per hidden layer, ≤ {MAX_HIDDEN_LAYERS} layers"),
    ),
    **{spec.name: option_field(spec) for spec in NETWORK_OPTIONS},
    batch_size=(
        whole(ge=0, le=MAX_ROWS),
        Field(0, description="train rows averaged per step (≤ the train rows); 0: all of them"),
    ),
)


def network_point(description: str) -> Any:
    """A network's weights: as many finite numbers as its dim (checked once it is built)."""
    return Annotated[
        list[Finite], Field(min_length=1, max_length=MAX_NETWORK_DIM, description=description)
    ]


def is_network(spec: Any) -> bool:
    return dict_get(spec, "id") == NETWORK_ID


@lru_cache(maxsize=1024)
def parsed_formula(text: str) -> Objective | ObjectiveError:
    """The custom objective of a formula, or why it cannot be one."""
    try:
        return make_objective({"expression": text})
    except ObjectiveError as error:
        return error


def _title(oid: str) -> str:
    return "".join(part.capitalize() for part in oid.split("-"))


def _objective_model(objective: Objective) -> type[ObjectiveSpecBase]:
    fields = {spec.name: option_field(spec) for spec in objective.options}
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
    return ", ".join([*BUILT_INS, NETWORK_ID])


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
    return oid if isinstance(oid, str) and (oid in BUILT_INS or oid == NETWORK_ID) else "?id"


def objective_union(dim: int | str | None, *, data_only: bool = False) -> Any:
    """The objectives of one dimension (every one when None; a network for NETWORK), as a
    tagged union."""
    if dim == NETWORK:
        return NetworkObjective
    members: dict[str, Any] = {
        oid: MODELS[oid]
        for oid, o in BUILT_INS.items()
        if (dim is None or o.dim == dim) and (o.data_kind is not None or not data_only)
    }
    if dim is None:
        members[NETWORK_ID] = NetworkObjective
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
