"""Strict JSON out: NumPy arrays serialised by orjson, NaN and infinities written as null."""

from __future__ import annotations

from typing import Any

import numpy as np
import orjson
from fastapi.responses import JSONResponse, Response

_OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS


def _fallback(value: Any) -> Any:
    # orjson serialises only C-contiguous arrays itself; views (trace columns) come here.
    if isinstance(value, np.ndarray):
        return np.ascontiguousarray(value)
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def dumps(payload: Any) -> bytes:
    """Strict JSON: orjson writes every non-finite float, NumPy's included, as null."""
    return orjson.dumps(payload, default=_fallback, option=_OPTIONS)


class StrictJSONResponse(JSONResponse):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content)


def json_response(payload: Any, status_code: int = 200, headers: dict | None = None) -> Response:
    return StrictJSONResponse(payload, status_code=status_code, headers=headers)


def jsonl_line(payload: Any) -> bytes:
    return dumps(payload) + b"\n"


def sse_event(event: str, payload: Any) -> bytes:
    return b"event: " + event.encode() + b"\ndata: " + dumps(payload) + b"\n\n"
