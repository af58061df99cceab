"""Each API route as a Call: the HTTP request to send and how to read its answer.

Shared by the sync and the async client, so both send the same bodies. A body leaves out every
setting left at None, so the server's defaults apply.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict, Unpack
from urllib.parse import quote

from app.client.errors import BadRequest, Problem, stream_error
from app.client.records import Done, Race, Step

API = "/api/v1"
ObjectiveLike = str | Mapping[str, Any]
OptimizerLike = str | Mapping[str, Any]
RunLike = str | Mapping[str, Any]


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    json: dict[str, Any] | None = None
    params: dict[str, Any] | None = None
    parse: Callable[[Any], Any] = field(default=lambda payload: payload)


def objective_spec(objective: ObjectiveLike) -> dict[str, Any]:
    """An id such as "rosenbrock" becomes {"id": "rosenbrock"}; a dict ({"id": ..., options}
    or {"expression": ...}) is sent as it is."""
    return {"id": objective} if isinstance(objective, str) else dict(objective)


def optimizer_spec(optimizer: OptimizerLike) -> dict[str, Any]:
    """A name such as "adam" becomes {"name": "adam"}; a dict ({"name": "sgd", "lr": 0.1}) is
    sent as it is."""
    return {"name": optimizer} if isinstance(optimizer, str) else dict(optimizer)


def run(
    optimizer: str,
    *,
    start: Sequence[float] | None = None,
    label: str | None = None,
    **hyperparams: Any,
) -> dict[str, Any]:
    """One run of a race: run("adam", lr=0.05, start=[-1, 2], label="fast")."""
    spec: dict[str, Any] = {"optimizer": {"name": optimizer, **hyperparams}}
    if start is not None:
        spec["start"] = list(start)
    if label is not None:
        spec["label"] = label
    return spec


def run_spec(run_like: RunLike) -> dict[str, Any]:
    """ "adam" -> one run at the defaults; {"name": ...} an optimizer; {"optimizer": ...} a run."""
    if isinstance(run_like, str):
        return run(run_like)
    if "optimizer" in run_like:
        return dict(run_like)
    return {"optimizer": dict(run_like)}


def _given(**values: Any) -> dict[str, Any]:
    return {name: value for name, value in values.items() if value is not None}


class Budget(TypedDict, total=False):
    """How every computed run goes; None (or left out) takes the server's default."""

    steps: int | None
    stop: Mapping[str, float] | None
    schedule: Mapping[str, Any] | None
    clip: Mapping[str, float] | None
    seed: int | None


class RaceOptions(Budget, total=False):
    """A race's settings: its budget, and which steps to record."""

    record: str | Mapping[str, int] | None


def settings(options: Mapping[str, Any], allowed: type) -> dict[str, Any]:
    """The options given (not None); a name the route does not take is a TypeError, as for a
    keyword argument."""
    unknown = sorted(set(options) - set(allowed.__annotations__))
    if unknown:
        raise TypeError(f"unexpected keyword argument(s): {', '.join(unknown)}")
    return _given(**options)


def race_body(
    objective: ObjectiveLike, runs: Sequence[RunLike], **options: Unpack[RaceOptions]
) -> dict[str, Any]:
    """The body of POST /runs (and, with num, of POST /tune)."""
    return {
        "objective": objective_spec(objective),
        "runs": [run_spec(r) for r in runs],
        **settings(options, RaceOptions),
    }


def health() -> Call:
    return Call("GET", f"{API}/health")


def limits() -> Call:
    return Call("GET", f"{API}/limits")


def objectives() -> Call:
    return Call("GET", f"{API}/objectives", parse=lambda payload: payload["objectives"])


def objective(objective_id: str, options: Mapping[str, Any]) -> Call:
    """Options travel as query parameters; /objectives/custom takes `expression`."""
    params = {name: _query_value(value) for name, value in options.items()}
    return Call("GET", f"{API}/objectives/{quote(objective_id, safe='')}", params=params)


def _query_value(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def optimizers() -> Call:
    return Call("GET", f"{API}/optimizers")


def surface(
    objective: ObjectiveLike,
    bounds: Sequence[Sequence[float]] | None,
    resolution: int | None,
    format: str | None,
) -> Call:
    body = {"objective": objective_spec(objective)}
    body.update(_given(bounds=bounds, resolution=resolution, format=format))
    return Call("POST", f"{API}/surface", json=body)


def runs(body: dict[str, Any]) -> Call:
    return Call("POST", f"{API}/runs", json=body, parse=Race.from_json)


def tune(body: dict[str, Any], num: int | None) -> Call:
    return Call("POST", f"{API}/tune", json={**body, **_given(num=num)})


def sweeps(
    objective: ObjectiveLike,
    optimizer: OptimizerLike,
    over: Mapping[str, Any],
    start: Sequence[float] | None,
    **options: Unpack[Budget],
) -> Call:
    body = {
        "objective": objective_spec(objective),
        "optimizer": optimizer_spec(optimizer),
        "over": dict(over),
        **_given(start=None if start is None else list(start)),
        **settings(options, Budget),
    }
    return Call("POST", f"{API}/sweeps", json=body)


def inspect(objective: ObjectiveLike, point: Sequence[float]) -> Call:
    body = {"objective": objective_spec(objective), "point": list(point)}
    return Call("POST", f"{API}/inspect", json=body)


def predict(
    objective: ObjectiveLike, points: Sequence[Sequence[float]], resolution: int | None
) -> Call:
    body = {"objective": objective_spec(objective), "points": [list(p) for p in points]}
    return Call("POST", f"{API}/predict", json={**body, **_given(resolution=resolution)})


def explain_step(optimizer: OptimizerLike, options: Mapping[str, Any]) -> Call:
    body = {"optimizer": optimizer_spec(optimizer), **_given(**options)}
    return Call("POST", f"{API}/explain-step", json=body)


STREAM_ACCEPT = {"accept": "application/jsonl"}


def stream_event(line: str) -> Step | Done | None:
    """One JSON Lines line of a /runs stream as a record; None for a blank line."""
    if not line.strip():
        return None
    event = json.loads(line)
    if event["type"] == "step":
        return Step.from_json(event)
    if event["type"] == "done":
        return Done.from_json(event)
    raise stream_error(event)


def check_finite(value: Any, path: str = "") -> None:
    """Refuse NaN and infinities before sending: JSON cannot carry them. The BadRequest (status
    0: refused by the client) names the field as the server would, e.g. runs[0].optimizer.lr."""
    if isinstance(value, float) and not math.isfinite(value):
        reason = "Input should be a finite number"
        raise BadRequest(0, (Problem(path or "body", reason, "finite_number"),))
    if isinstance(value, Mapping):
        for name, item in value.items():
            check_finite(item, f"{path}.{name}" if path else str(name))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            check_finite(item, f"{path}[{i}]")
