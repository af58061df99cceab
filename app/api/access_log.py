"""One JSON line per request on standard error (GDP_ACCESS_LOG=1, or serve --access-log)."""

from __future__ import annotations

import json
import logging
import sys
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.metrics import route_of

logger = logging.getLogger("app.access")


def json_logger() -> logging.Logger:
    """The access logger, writing bare JSON lines to standard error."""
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return logger


class AccessLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.log = json_logger()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status, sent = time.perf_counter(), [500], [0]

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            elif message["type"] == "http.response.body":
                sent[0] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            client = scope.get("client")
            self.log.info(
                json.dumps(
                    {
                        "time": round(time.time(), 3),
                        "method": scope["method"],
                        "path": scope["path"],
                        "route": route_of(scope),
                        "status": status[0],
                        "bytes": sent[0],
                        "ms": round((time.perf_counter() - started) * 1e3, 1),
                        "client": client[0] if client else None,
                    }
                )
            )
