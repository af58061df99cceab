"""AsyncPlayground: the async client, the same methods as Playground, awaited."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any, Unpack

import httpx

from app.client import calls
from app.client.calls import Budget, Call, ObjectiveLike, OptimizerLike, RaceOptions, RunLike
from app.client.errors import Unreachable, error_for
from app.client.records import Done, Race, Step
from app.client.sync import DEFAULT_TIMEOUT, DEFAULT_URL
from app.client.transport import IN_PROCESS_URL, async_in_process


class AsyncPlayground:
    """Playground for asyncio: every method is awaited, and stream() is iterated with
    `async for`. In-process: `AsyncPlayground(app=create_app())`."""

    def __init__(
        self,
        base_url: str = DEFAULT_URL,
        *,
        app: Any = None,
        timeout: float = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = IN_PROCESS_URL if app is not None else base_url.rstrip("/")
        if app is not None:
            transport = async_in_process(app)
        self._http = httpx.AsyncClient(base_url=self.base_url, transport=transport, timeout=timeout)

    async def close(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncPlayground:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _send(self, call: Call) -> Any:
        try:
            response = await self._http.request(
                call.method, call.path, json=call.json, params=call.params
            )
        except httpx.TransportError as error:
            raise Unreachable(f"{self.base_url}: {error}") from error
        if response.status_code >= 400:
            raise error_for(response.status_code, response.content, response.headers)
        return call.parse(response.json())

    async def health(self) -> dict[str, Any]:
        return await self._send(calls.health())

    async def limits(self) -> dict[str, Any]:
        return await self._send(calls.limits())

    async def objectives(self) -> list[dict[str, Any]]:
        return await self._send(calls.objectives())

    async def objective(self, objective_id: str, **options: Any) -> dict[str, Any]:
        """One objective built with options: objective("linear-regression", loss="huber")."""
        return await self._send(calls.objective(objective_id, options))

    async def custom_objective(self, expression: str) -> dict[str, Any]:
        return await self._send(calls.objective("custom", {"expression": expression}))

    async def optimizers(self) -> dict[str, Any]:
        return await self._send(calls.optimizers())

    async def surface(
        self,
        objective: ObjectiveLike,
        *,
        bounds: Sequence[Sequence[float]] | None = None,
        resolution: int | None = None,
        format: str | None = None,
    ) -> dict[str, Any]:
        return await self._send(calls.surface(objective, bounds, resolution, format))

    async def runs(
        self, objective: ObjectiveLike, runs: Sequence[RunLike], **options: Unpack[RaceOptions]
    ) -> Race:
        """The whole race in one answer: every run's outcome and trace. Options: steps, stop,
        schedule, clip, seed, record (as in POST /runs)."""
        return await self._send(calls.runs(calls.race_body(objective, runs, **options)))

    def stream(
        self, objective: ObjectiveLike, runs: Sequence[RunLike], **options: Unpack[RaceOptions]
    ) -> AsyncIterator[Step | Done]:
        """The race as it is computed: one Step per recorded step, then Done. Lazy: the request
        is sent, and errors raised, when `async for` starts."""
        return self._stream(calls.race_body(objective, runs, **options))

    async def _stream(self, body: dict[str, Any]) -> AsyncIterator[Step | Done]:
        call = calls.runs(body)
        calls.check_finite(body)
        ended = False
        try:
            async with self._http.stream(
                "POST", call.path, json=body, headers=calls.STREAM_ACCEPT
            ) as response:
                if response.status_code >= 400:
                    raise error_for(response.status_code, await response.aread(), response.headers)
                async for line in response.aiter_lines():
                    event = calls.stream_event(line)
                    if event is not None:
                        ended = isinstance(event, Done)
                        yield event
        except httpx.TransportError as error:
            raise Unreachable(f"{self.base_url}: {error}") from error
        if not ended:
            raise Unreachable(f"{self.base_url}: the stream ended before its done line")

    async def tune(
        self,
        objective: ObjectiveLike,
        runs: Sequence[RunLike],
        *,
        num: int | None = None,
        **options: Unpack[Budget],
    ) -> dict[str, Any]:
        """Each run's best learning rate for this budget, from num rates tried per run."""
        body = calls.race_body(objective, runs, **calls.settings(options, calls.Budget))
        return await self._send(calls.tune(body, num))

    async def sweeps(
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
        return await self._send(calls.sweeps(objective, optimizer, over, start, **options))

    async def inspect(self, objective: ObjectiveLike, point: Sequence[float]) -> dict[str, Any]:
        return await self._send(calls.inspect(objective, point))

    async def predict(
        self,
        objective: ObjectiveLike,
        points: Sequence[Sequence[float]],
        *,
        resolution: int | None = None,
    ) -> dict[str, Any]:
        return await self._send(calls.predict(objective, points, resolution))

    async def explain_step(
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
        return await self._send(calls.explain_step(optimizer, options))
