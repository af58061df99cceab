"""Every bad request becomes a 4xx JSON body that names the field and the reason."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.api.encoding import json_response
from app.errors import FieldError


class ProblemItem(BaseModel):
    field: str
    loc: list[str | int]
    msg: str
    type: str


class ProblemBody(BaseModel):
    """Every 4xx body: which field, and why."""

    detail: list[ProblemItem]


class TooMuchWork(FieldError):
    """A request over one of the work caps; `field` names what to reduce."""


def dotted(loc: Sequence[Any]) -> str:
    """("body", "runs", 0, "optimizer", "adam", "lr") -> "runs[0].optimizer.lr"."""
    path = ""
    parts = list(loc[1:] if loc and loc[0] in ("body", "query", "path") else loc)
    for i, part in enumerate(parts):
        if isinstance(part, int):
            path += f"[{part}]"
        elif i > 0 and parts[i - 1] == "optimizer" and isinstance(part, str) and part.islower():
            continue  # the union's tag repeats the optimizer's name
        else:
            path += f".{part}" if path else str(part)
    return path or "body"


def problem(field: str, reason: str, kind: str = "value_error", status: int = 422):
    return json_response(
        {"detail": [{"field": field, "loc": [field], "msg": reason, "type": kind}]},
        status_code=status,
    )


def _field_of(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "json_invalid":  # loc holds the byte position, not a field
        return "body"
    field = dotted(error.get("loc", ()))
    return f"{field}.name" if kind.startswith("union_tag_") else field


async def _validation_error(request: Request, error: RequestValidationError):
    # FastAPI's own handler echoes the input back and fails on NaN in it; echo nothing.
    details = [
        {
            "field": _field_of(e),
            "loc": [str(part) for part in e.get("loc", ())],
            "msg": e.get("msg", "invalid"),
            "type": e.get("type", "value_error"),
        }
        for e in error.errors()
    ]
    return json_response({"detail": details}, status_code=422)


async def _field_error(request: Request, error: FieldError):
    return problem(error.field, error.reason)


async def _http_error(request: Request, error: StarletteHTTPException):
    detail = error.detail
    if isinstance(detail, str):
        field = "body" if error.status_code == 400 else "request"
        detail = [{"field": field, "loc": [field], "msg": detail, "type": "http_error"}]
    return json_response({"detail": detail}, status_code=error.status_code, headers=error.headers)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(FieldError, _field_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
