"""The app served inside this process, without a server: httpx's ASGI transport.

httpx's ASGITransport is async only, so the sync client runs it on an event loop of its own in a
daemon thread. The transport reads a whole response before it returns, so in-process a stream's
lines arrive once the race is computed.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx

IN_PROCESS_URL = "http://playground.invalid"


class InProcessTransport(httpx.BaseTransport):
    """A sync transport onto an ASGI app (app.main.create_app()) in this process."""

    def __init__(self, app: Any) -> None:
        self._asgi = httpx.ASGITransport(app=app)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="playground-in-process", daemon=True
        )
        self._thread.start()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return asyncio.run_coroutine_threadsafe(self._send(request), self._loop).result()

    async def _send(self, request: httpx.Request) -> httpx.Response:
        response = await self._asgi.handle_async_request(request)
        body = b"".join([chunk async for chunk in response.aiter_raw()])  # the client decodes
        return httpx.Response(
            response.status_code, headers=response.headers, stream=httpx.ByteStream(body)
        )

    def close(self) -> None:
        if self._loop.is_closed():
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()


def async_in_process(app: Any) -> httpx.AsyncBaseTransport:
    """The async client's in-process transport: httpx's own."""
    return httpx.ASGITransport(app=app)
