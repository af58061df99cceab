"""What the client raises: every refusal carries the field and the reason from the 4xx body."""

from __future__ import annotations

import json
from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class Problem:
    """One entry of an error body's `detail`: which field, why, and the kind of error."""

    field: str
    reason: str
    type: str = "value_error"

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"


class PlaygroundError(Exception):
    """Anything the client raises."""


class Unreachable(PlaygroundError):
    """No answer from the server (refused connection, timeout, a cut stream)."""


class APIError(PlaygroundError):
    """The server refused or failed a request; `problems` lists each field and reason."""

    def __init__(
        self, status: int, problems: tuple[Problem, ...], retry_after: float | None = None
    ) -> None:
        self.status = status
        self.problems = problems
        self.retry_after = retry_after
        super().__init__(f"{status}: " + "; ".join(str(p) for p in problems))

    @property
    def field(self) -> str:
        return self.problems[0].field

    @property
    def reason(self) -> str:
        return self.problems[0].reason


class BadRequest(APIError):
    """400, 413 or 422: the request itself is wrong; fix the field named."""


class NotFound(APIError):
    """404: no such objective (or route)."""


class Busy(APIError):
    """429: the server is computing its cap of requests; retry after `retry_after` seconds."""


class ComputationFailed(APIError):
    """A stream ended with an error line, or the server answered 5xx."""


def problems_of(payload: object, fallback: str) -> tuple[Problem, ...]:
    """The problems of an error body: `{"detail": [{"field", "msg", "type"}, ...]}`."""
    detail = payload.get("detail") if isinstance(payload, dict) else None
    if isinstance(detail, list) and detail and all(isinstance(d, dict) for d in detail):
        return tuple(
            Problem(
                str(d.get("field", "request")),
                str(d.get("msg", "invalid")),
                str(d.get("type", "value_error")),
            )
            for d in detail
        )
    if isinstance(detail, str):
        return (Problem("request", detail, "http_error"),)
    return (Problem("request", fallback, "http_error"),)


def error_for(status: int, body: bytes, headers: httpx.Headers) -> APIError:
    """The exception for a response with status >= 400."""
    try:
        payload = json.loads(body)
    except ValueError:
        payload = None
    text = body.decode("utf-8", "replace").strip()[:200] or httpx.codes.get_reason_phrase(status)
    problems = problems_of(payload, text)
    kind: type[APIError]
    if status == 429:
        kind = Busy
    elif status == 404:
        kind = NotFound
    elif status >= 500:
        kind = ComputationFailed
    else:
        kind = BadRequest
    retry = headers.get("retry-after")
    return kind(status, problems, float(retry) if retry and retry.isdigit() else None)


def stream_error(line: dict) -> ComputationFailed:
    """A stream's closing `{"type": "error", "detail": [...]}` line as an exception."""
    return ComputationFailed(200, problems_of(line, "the computation failed"))
