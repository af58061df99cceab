"""Every bad request becomes a 4xx JSON body that names the field, by the request's own names,
and the reason; problem() builds every such body, here and in every other module."""

from __future__ import annotations

import logging
import types
import typing
from collections.abc import Sequence
from typing import Any, Union

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, Tag, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from app.api.encoding import json_response
from app.errors import FieldError

logger = logging.getLogger(__name__)


class ProblemItem(BaseModel):
    field: str = Field(description='the offending value, e.g. "runs[0].optimizer.lr"')
    loc: list[str | int] = Field(description="the same place as a path")
    msg: str = Field(description="why it was refused")
    type: str = Field(description="a short code for the kind of problem")


class ProblemBody(BaseModel):
    """Every 4xx body: which field, and why."""

    detail: list[ProblemItem]


class TooMuchWork(FieldError):
    """A request over one of the work caps; `field` names what to reduce."""


def problem(field: str, msg: str, kind: str = "value_error") -> dict[str, Any]:
    """One problem item; a body is {"detail": [items]}."""
    return {"field": field, "loc": _parts(field), "msg": msg, "type": kind}


def problem_response(
    status: int, items: list[dict[str, Any]], headers: dict[str, str] | None = None
) -> Response:
    return json_response({"detail": items}, status_code=status, headers=headers)


def _parts(field: str) -> list[str | int]:
    parts: list[str | int] = []
    for piece in field.replace("[", ".[").split("."):
        if piece.startswith("[") and piece.endswith("]") and piece[1:-1].isdigit():
            parts.append(int(piece[1:-1]))
        elif piece:
            parts.append(piece)
    return parts


def _unwrap(annotation: Any) -> Any:
    """Strip Annotated and Optional: the type a value at this place is validated as."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) in (Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(members) == 1:
            return _unwrap(members[0])
    return annotation


def _member(annotation: Any, tag: Any) -> Any:
    """The member of a tagged union that `tag` selects (None when unknown)."""
    for member in typing.get_args(annotation):
        if typing.get_origin(member) is typing.Annotated:
            if any(isinstance(m, Tag) and m.tag == tag for m in typing.get_args(member)[1:]):
                return typing.get_args(member)[0]
        elif getattr(member, "__name__", None) == tag:
            return member
    return None


def field_path(annotation: Any, loc: Sequence[Any]) -> str:
    """pydantic's loc as the request's own dotted path: union tags (an objective's dimension,
    an optimizer's name) are dropped, indexes written [i]."""
    return _walk(annotation, loc)[0]


def _walk(annotation: Any, loc: Sequence[Any]) -> tuple[str, Any]:
    """(the dotted path, the type holding its last part)."""
    path, current, parent = "", annotation, None
    for part in loc:
        current = _unwrap(current)
        if typing.get_origin(current) in (Union, types.UnionType):
            current = _member(current, part)  # the part is a union tag, not a field
            continue
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
        parent, current = current, _child(current, part)
    return path or "body", parent


def _message(error: dict[str, Any], parent: Any) -> str:
    """pydantic's message, said in the request's terms where it helps."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "extra_forbidden" and isinstance(parent, type) and issubclass(parent, BaseModel):
        return f"unknown field; expected one of: {', '.join(parent.model_fields)}"
    if kind == "too_short" and "min_length" in ctx:
        return f"needs at least {ctx['min_length']} value(s), got {ctx.get('actual_length')}"
    if kind == "too_long" and "max_length" in ctx:
        return f"needs at most {ctx['max_length']} value(s), got {ctx.get('actual_length')}"
    return str(error.get("msg", "invalid"))


def _child(annotation: Any, part: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(part)
        return None if field is None else field.annotation
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (list, tuple) and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return None


def _field_of(error: dict[str, Any], body_type: Any) -> tuple[str | None, str, Any]:
    """(where: body, query, ...; the field by the request's own names; its parent type)."""
    loc = list(error.get("loc", ()))
    where = loc.pop(0) if loc and loc[0] in ("body", "query", "path", "header") else None
    if error.get("type") == "json_invalid":  # loc holds the byte position, not a field
        return where, "body", None
    return where, *_walk(body_type if where == "body" else None, loc)


def validation_problems(error: ValidationError, annotation: Any) -> list[dict[str, Any]]:
    """The problems of validating a value as `annotation` away from a request body (a query
    string read into a body's model), named by that model's own field paths."""
    items = []
    for e in error.errors():
        field, parent = _walk(annotation, e.get("loc", ()))
        items.append(problem(field, _message(e, parent), e.get("type", "value_error")))
    return items


async def _validation_error(request: Request, error: RequestValidationError) -> Response:
    # FastAPI's own handler echoes the input back and fails on NaN in it; echo nothing.
    route = request.scope.get("route")
    field_info = getattr(getattr(route, "body_field", None), "field_info", None)
    body_type = getattr(field_info, "annotation", None)
    items = []
    for e in error.errors():
        where, field, parent = _field_of(e, body_type)
        item = problem(field, _message(e, parent), e.get("type", "value_error"))
        if where is not None and field != where:
            item["loc"] = [where, *item["loc"]]
        items.append(item)
    return problem_response(422, items)


async def _field_error(request: Request, error: FieldError) -> Response:
    return problem_response(422, [problem(error.field, error.reason)])


async def _http_error(request: Request, error: StarletteHTTPException) -> Response:
    detail = error.detail
    if isinstance(detail, str):
        detail = [problem("body" if error.status_code == 400 else "request", detail, "http_error")]
    return problem_response(error.status_code, detail, headers=error.headers)


async def _unexpected(request: Request, error: Exception) -> Response:
    logger.exception("unexpected failure of %s %s", request.method, request.url.path)
    msg = f"the server failed: {type(error).__name__}"
    return problem_response(500, [problem("request", msg, "server_error")])


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(FieldError, _field_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
