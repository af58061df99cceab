"""Load limits: a cap on request bodies, on how many requests compute at once, and on the size
of one JSON answer."""

from __future__ import annotations

import threading

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.encoding import dumps
from app.api.errors import TooMuchWork, problem
from app.api.metrics import BUSY, CAPACITY
from app.api.turns import Turns
from app.optim import OPTIMIZERS
from app.runs import RecordRule, RunProblem


class ComputeSlots:
    """At most `limit` computations at once; the rest are refused (429), never queued."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._busy = 0
        self._lock = threading.Lock()
        self.turns = Turns()  # admitted computations take turns at running Python
        CAPACITY.set(limit)

    def try_acquire(self) -> bool:
        with self._lock:
            if self._busy >= self.limit:
                return False
            self._busy += 1
        BUSY.inc()
        return True

    def release(self) -> None:
        with self._lock:
            self._busy -= 1
        BUSY.dec()

    @property
    def busy(self) -> int:
        return self._busy


class BodyTooLarge(Exception):
    pass


# The routes whose objective may carry a dataset (a pasted CSV): their bodies may be larger.
DATA_ROUTES = frozenset(
    f"/api/v1/{name}" for name in ("runs", "tune", "sweeps", "surface", "inspect", "predict")
)


class BodySizeLimit:
    """Answer 413 for a body over max_bytes (data_max_bytes for DATA_ROUTES), by
    Content-Length or by counting what arrives."""

    def __init__(self, app: ASGIApp, max_bytes: int, data_max_bytes: int | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.data_max_bytes = max(max_bytes, data_max_bytes or max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = self.data_max_bytes if scope.get("path") in DATA_ROUTES else self.max_bytes
        length = dict(scope.get("headers", ())).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > cap:
            await self._refuse(send, cap)
            return
        received, buffered = 0, []
        while True:
            message = await receive()
            buffered.append(message)
            if message["type"] != "http.request":
                break
            received += len(message.get("body", b""))
            if received > cap:
                await self._refuse(send, cap)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return buffered.pop(0) if buffered else await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send, cap: int) -> None:
        msg = f"request body is over the {cap // 1024} KiB limit"
        body = dumps({"detail": [problem("body", msg, "too_large")]})
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def answer_numbers(problem: RunProblem, rule: RecordRule) -> int:
    """The most numbers a JSON answer of POST /runs can hold: for every recorded step and run,
    the step, the loss and the objective's metrics; for every step keeping parameters, params,
    gradient and every optimizer buffer (and its step, when kept apart)."""
    runs = len(problem.runs)
    rows = rule.capacity(problem.steps, runs)
    vectors = rule.params_capacity(problem.steps, runs)
    dim = problem.objective.dim
    per_row = (2 + len(problem.objective.metric_names)) * runs
    per_vector = sum(dim * (2 + len(OPTIMIZERS[run.optimizer].state_names)) for run in problem.runs)
    apart = runs if rule.params_every != 1 else 0
    return rows * per_row + vectors * (per_vector + apart)


def check_answer_size(problem: RunProblem, rule: RecordRule, cap: int) -> None:
    """Refuse, before any work, a JSON answer over `cap` numbers, saying how to fit."""
    numbers = answer_numbers(problem, rule)
    if numbers <= cap:
        return
    every = rule.every or 1
    while answer_numbers(problem, RecordRule(every)) > cap and every < problem.steps:
        every *= 2
    fits = f'{{"every": {every}}}' if every < problem.steps else '"final"'
    if (
        problem.objective.group == "network"
        and answer_numbers(problem, RecordRule(rule.every, None)) <= cap
    ):
        fits += f' or {{"every": {rule.every or 1}, "params_every": null}}'
    raise TooMuchWork(
        "record",
        f"the answer would hold {numbers:,} numbers, over the cap of {cap:,}: record fewer "
        f"steps ({fits} fits) or stream them (Accept: application/jsonl)",
    )
