"""Playground: the sync client, one method per route of the /api/v1 JSON API."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Unpack

import httpx

from app.client import calls
from app.client.calls import Budget, Call, ObjectiveLike, OptimizerLike, RaceOptions, RunLike
from app.client.errors import Unreachable, error_for
from app.client.records import Done, Race, Step
from app.client.transport import IN_PROCESS_URL, InProcessTransport

DEFAULT_URL = "http://127.0.0.1:8000"
DEFAULT_TIMEOUT = 120.0  # above the server's own 60 s deadline per computation


class Playground:
    """A client of a playground server at base_url, or of an app in this process:
    `Playground(app=create_app())` with `from app.main import create_app`.

    Every method returns the route's JSON (dicts and lists), except runs() (a Race) and stream()
    (Step records, then Done). A refused request raises an APIError subclass whose .field and
    .reason name what to fix; a server that does not answer raises Unreachable. `transport`
    replaces httpx's own (a mock in tests, a transport with retries).
    """

    def __init__(
        self,
        base_url: str = DEFAULT_URL,
        *,
        app: Any = None,
        timeout: float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = IN_PROCESS_URL if app is not None else base_url.rstrip("/")
        if app is not None:
            transport = InProcessTransport(app)
        self._http = httpx.Client(base_url=self.base_url, transport=transport, timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Playground:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _send(self, call: Call) -> Any:
        calls.check_finite(call.json)
        try:
            response = self._http.request(
                call.method, call.path, json=call.json, params=call.params
            )
        except httpx.TransportError as error:
            raise Unreachable(f"{self.base_url}: {error}") from error
        if response.status_code >= 400:
            raise error_for(response.status_code, response.content, response.headers)
        return call.parse(response.json())

    def health(self) -> dict[str, Any]:
        return self._send(calls.health())

    def limits(self) -> dict[str, Any]:
        return self._send(calls.limits())

    def objectives(self) -> list[dict[str, Any]]:
        return self._send(calls.objectives())

    def objective(self, objective_id: str, **options: Any) -> dict[str, Any]:
        """One objective built with options: objective("linear-regression", loss="huber")."""
        return self._send(calls.objective(objective_id, options))

    def custom_objective(self, expression: str) -> dict[str, Any]:
        return self._send(calls.objective("custom", {"expression": expression}))

    def optimizers(self) -> dict[str, Any]:
        return self._send(calls.optimizers())

    def surface(
        self,
        objective: ObjectiveLike,
        *,
        bounds: Sequence[Sequence[float]] | None = None,
        resolution: int | None = None,
        format: str | None = None,
    ) -> dict[str, Any]:
        return self._send(calls.surface(objective, bounds, resolution, format))

    def runs(
        self, objective: ObjectiveLike, runs: Sequence[RunLike], **options: Unpack[RaceOptions]
    ) -> Race:
        """The whole race in one answer: every run's outcome and trace. Options: steps, stop,
        schedule, clip, seed, record (as in POST /runs)."""
        return self._send(calls.runs(calls.race_body(objective, runs, **options)))

    def stream(
        self, objective: ObjectiveLike, runs: Sequence[RunLike], **options: Unpack[RaceOptions]
    ) -> Iterator[Step | Done]:
        """The race as it is computed: one Step per recorded step, then Done. Lazy: the request
        is sent, and errors raised, when iteration starts. Race.from_stream() collects it."""
        return self._stream(calls.race_body(objective, runs, **options))

    def _stream(self, body: dict[str, Any]) -> Iterator[Step | Done]:
        call = calls.runs(body)
        calls.check_finite(body)
        ended = False
        try:
            with self._http.stream(
                "POST", call.path, json=body, headers=calls.STREAM_ACCEPT
            ) as response:
                if response.status_code >= 400:
                    raise error_for(response.status_code, response.read(), response.headers)
                for line in response.iter_lines():
                    event = calls.stream_event(line)
                    if event is not None:
                        ended = isinstance(event, Done)
                        yield event
        except httpx.TransportError as error:
            raise Unreachable(f"{self.base_url}: {error}") from error
        if not ended:
            raise Unreachable(f"{self.base_url}: the stream ended before its done line")

    def tune(
        self,
        objective: ObjectiveLike,
        runs: Sequence[RunLike],
        *,
        num: int | None = None,
        **options: Unpack[Budget],
    ) -> dict[str, Any]:
        """Each run's best learning rate for this budget, from num rates tried per run."""
        body = calls.race_body(objective, runs, **calls.settings(options, calls.Budget))
        return self._send(calls.tune(body, num))

    def sweeps(
        self,
        objective: ObjectiveLike,
        optimizer: OptimizerLike,
        over: Mapping[str, Any],
        *,
        start: Sequence[float] | None = None,
        **options: Unpack[Budget],
    ) -> dict[str, Any]:
        """One optimizer over many rates (over={"lr": {"min", "max", "num"}}) or start points
        (over={"start": {"resolution": n}}). Options: steps, stop, schedule, clip, seed."""
        return self._send(calls.sweeps(objective, optimizer, over, start, **options))

    def inspect(self, objective: ObjectiveLike, point: Sequence[float]) -> dict[str, Any]:
        return self._send(calls.inspect(objective, point))

    def predict(
        self,
        objective: ObjectiveLike,
        points: Sequence[Sequence[float]],
        *,
        resolution: int | None = None,
    ) -> dict[str, Any]:
        return self._send(calls.predict(objective, points, resolution))

    def explain_step(
        self,
        optimizer: OptimizerLike,
        *,
        step: int,
        params: Sequence[float],
        grad: Sequence[float],
        state: Mapping[str, Sequence[float]] | None = None,
        schedule: Mapping[str, Any] | None = None,
        clip: Mapping[str, float] | None = None,
        hessian: Sequence[Sequence[float]] | None = None,
    ) -> dict[str, Any]:
        """One update t = step by the optimizer's own code, with its rule's terms."""
        options = dict(step=step, params=list(params), grad=list(grad), state=state)
        options.update(schedule=schedule, clip=clip, hessian=hessian)
        return self._send(calls.explain_step(optimizer, options))
