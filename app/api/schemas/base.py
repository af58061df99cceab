"""Building blocks of the request schemas: strict numbers, strict models, tagged unions.

Every union in a request is tagged by a function of the input (its objective's dimension, an
optimizer's name, ...). Its JSON Schema is the anyOf of its members, so a generator of valid
requests meets every member; input no member can take goes to a hidden member whose only job is
to say what is wrong, under the request's own field names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    GetJsonSchemaHandler,
    Tag,
    model_validator,
)
from pydantic_core import PydanticCustomError, core_schema

from app.objectives import OptionSpec


def _whole_number(value: Any) -> Any:
    """A JSON number with no fraction (57.0 is JSON Schema's integer too) as an int; true and
    "57" stay what they are, for the strict int to refuse."""
    if type(value) is float and value.is_integer():
        return int(value)
    return value


# strict: a JSON number only (lax mode would take true as 1.0 and "2" as 2.0)
Finite = Annotated[float, Field(strict=True, allow_inf_nan=False)]


def whole(**bounds: Any) -> Any:
    """A whole number within bounds (ge, le, ...); the bounds go on the int itself, so the JSON
    Schema states them as minimum and maximum."""
    return Annotated[int, Field(strict=True, **bounds), BeforeValidator(_whole_number)]


Whole = whole()
PAIR_TEXT = "[min, max] with min < max"


class Strict(BaseModel):
    """A request object: unknown fields are refused, every number is finite."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


def point(dim: int, description: str | None = None) -> Any:
    """A list of exactly `dim` finite numbers."""
    return Annotated[list[Finite], Field(min_length=dim, max_length=dim, description=description)]


Pair = Annotated[list[Finite], Field(min_length=2, max_length=2, description=PAIR_TEXT)]


def pairs(dim: int, description: str) -> Any:
    """One [min, max] pair per dimension."""
    return Annotated[list[Pair], Field(min_length=dim, max_length=dim, description=description)]


class AnyOf:
    """Writes a union's JSON Schema as the anyOf of its visible members."""

    def __init__(
        self, hidden: frozenset[str], description: str | None, property_name: str | None
    ) -> None:
        self.hidden = hidden
        self.description = description
        self.property_name = property_name
        self.tags: dict[str, str] = {}  # model name -> its tag

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        generated = handler(schema)
        members = generated.get("oneOf") or generated.get("anyOf") or [generated]
        shown = [m for m in members if _model_name(m.get("$ref", "")) not in self.hidden]
        out: dict[str, Any] = {"anyOf": shown} if len(shown) > 1 else dict(shown[0])
        if self.property_name and len(shown) > 1:  # documents the tag for OpenAPI tools
            out["discriminator"] = {
                "propertyName": self.property_name,
                "mapping": {self.tags[_model_name(m["$ref"])]: m["$ref"] for m in shown},
            }
        if self.description:
            out["description"] = self.description
        return out


def _model_name(ref: str) -> str:
    """The model a $ref points to: "#/$defs/app__api__x__Name-Input__1" -> "Name"."""
    last = ref.rpartition("/")[2].rpartition("__")
    name = last[0].rpartition("__")[2] if last[2].isdigit() else last[2]
    return name.partition("-")[0]


def tagged_union(
    members: Mapping[str, Any],
    tag_of: Callable[[Any], str],
    *,
    hidden: Mapping[str, type[BaseModel]] | None = None,
    description: str | None = None,
    property_name: str | None = None,
) -> Any:
    """A union whose member is chosen by tag_of(input); hidden members validate (and refuse)
    what no visible member can take, and stay out of the JSON Schema. property_name: the field
    whose value is the tag, when there is one (documented as the OpenAPI discriminator)."""
    every = {**members, **(hidden or {})}
    if len(every) == 1:
        (only,) = every.values()
        return Annotated[only, Field(description=description)] if description else only
    union = Union[tuple(Annotated[model, Tag(tag)] for tag, model in every.items())]  # noqa: UP007
    hidden_names = frozenset(m.__name__ for m in (hidden or {}).values())
    shape = AnyOf(hidden_names, description, property_name)
    shape.tags = {getattr(m, "__name__", ""): tag for tag, m in members.items()}
    return Annotated[union, Discriminator(tag_of), shape]


def refusal(name: str, kind: str, message: Callable[[Any], str]) -> type[BaseModel]:
    """A hidden union member that refuses every input with message(input), at its own place."""

    def refuse(cls: type[BaseModel], data: Any) -> Any:
        raise PydanticCustomError(kind, message(data))

    return type(
        name,
        (BaseModel,),
        {
            "model_config": ConfigDict(extra="allow"),
            "_refuse": model_validator(mode="before")(classmethod(refuse)),
        },
    )


def refusal_of_field(name: str, field: str, kind: str, message: Callable[[Any], str]) -> Any:
    """A hidden member refusing one field's value (the error names that field)."""

    def an_object(cls: type[BaseModel], data: Any) -> Any:
        if not isinstance(data, Mapping):
            raise PydanticCustomError("model_type", "must be an object")
        return data

    return type(
        name,
        (BaseModel,),
        {
            "model_config": ConfigDict(extra="allow"),
            "__annotations__": {field: refusal(f"{name}Value", kind, message)},
            "_an_object": model_validator(mode="before")(classmethod(an_object)),
        },
    )


def option_field(spec: OptionSpec) -> tuple[Any, Any]:
    """An objective's (or a dataset's) option as a typed, bounded field with its default."""
    described = Field(spec.default, description=spec.description)
    if spec.kind == "choice":
        return Literal[tuple(spec.choices or ())], described
    if spec.kind == "bool":
        return bool, Field(spec.default, description=spec.description, strict=True)
    bounds = {k: v for k, v in (("ge", spec.low), ("le", spec.high)) if v is not None}
    kind = whole(**bounds) if spec.kind == "int" else Annotated[Finite, Field(**bounds)]
    return kind, described


def dict_get(value: Any, key: str) -> Any:
    return value.get(key) if isinstance(value, Mapping) else None
