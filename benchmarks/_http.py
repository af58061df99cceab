"""A lean HTTP/1.1 keep-alive connection for load generators: httptools on an asyncio protocol.

The load generator shares the cores it measures, so every CPU-second it spends is taken from
the app. httpx spends about 0.6 ms of CPU per request in the client. This (httptools' C parser,
one write per request, no stream buffers, ISA-L's inflate), run on uvloop, brought the whole
load generator of benchmarks/scale.py from 0.38 ms of CPU per request (h11 over asyncio
streams) to 0.14 ms, students, JSON and inflating included.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field

import httptools
from isal import isal_zlib


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    tail: bytes  # the body's last bytes, inflated when gzipped (empty unless asked for)
    size: int  # the bytes that crossed the wire


@dataclass
class _Reading:
    """One answer as it arrives: its own parser calls these as the bytes come in."""

    read_tail: bool
    tail_bytes: int
    done: asyncio.Future[None]
    headers: dict[str, str] = field(default_factory=dict)
    pieces: list[bytes] = field(default_factory=list)
    size: int = 0
    inflate: object | None = None
    status: int = 0
    keep_alive: bool = False

    def __post_init__(self) -> None:
        # One parser per answer: a request waits for its whole answer, so none straddles two.
        self.parser = httptools.HttpResponseParser(self)

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers[name.decode().lower()] = value.decode()

    def on_headers_complete(self) -> None:
        self.status = self.parser.get_status_code()
        # A gzipped stream (JSON Lines) is inflated as it comes, as a browser does, so its last
        # line can be read.
        if self.read_tail and self.headers.get("content-encoding") == "gzip":
            self.inflate = isal_zlib.decompressobj(31)

    def on_body(self, body: bytes) -> None:
        self.size += len(body)
        if self.read_tail:
            self.pieces.append(self.inflate.decompress(body) if self.inflate else body)

    def on_message_complete(self) -> None:
        # Read here: the parser forgets the answer's keep-alive once it has returned.
        self.keep_alive = self.parser.should_keep_alive()
        if not self.done.done():
            self.done.set_result(None)

    def fail(self, error: Exception) -> None:
        if not self.done.done():
            self.done.set_exception(error)

    def tail(self) -> bytes:
        return b"".join(self.pieces)[-self.tail_bytes :]


class _Protocol(asyncio.Protocol):
    """A connection's bytes, handed to the answer being read."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.reading: _Reading | None = None
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        if self.reading is None:
            return
        try:
            self.reading.parser.feed_data(data)
        except httptools.HttpParserError as error:
            self.reading.fail(ConnectionError(f"a malformed answer: {error}"))

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.reading is not None:
            self.reading.fail(ConnectionError("the server closed the connection mid-response"))


class Connection:
    """One keep-alive connection, one request at a time (a browser tab's connection)."""

    def __init__(self, host: str, port: int, tail_bytes: int = 4096) -> None:
        self.host, self.port, self.tail_bytes = host, port, tail_bytes
        self._protocol: _Protocol | None = None

    async def _open(self) -> _Protocol:
        if self._protocol is None or self._protocol.closed:
            loop = asyncio.get_running_loop()
            _, self._protocol = await loop.create_connection(_Protocol, self.host, self.port)
        return self._protocol

    async def request(
        self,
        method: str,
        path: str,
        body: object | None = None,
        headers: dict[str, str] | None = None,
        *,
        read_tail: bool = True,
    ) -> Answer:
        """One request and its whole answer; read_tail=False only counts the body's bytes (no
        inflating what nobody reads)."""
        protocol = await self._open()
        payload = b"" if body is None else json.dumps(body).encode()
        lines = [f"{method} {path} HTTP/1.1", f"host: {self.host}:{self.port}"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        if body is not None:
            lines += ["content-type: application/json", f"content-length: {len(payload)}"]
        reading = _Reading(read_tail, self.tail_bytes, asyncio.get_running_loop().create_future())
        protocol.reading = reading
        protocol.transport.write("\r\n".join(lines).encode() + b"\r\n\r\n" + payload)  # one send
        await reading.done
        if not reading.keep_alive:  # the server will close: reopen next time
            await self.close()
        return Answer(reading.status, reading.headers, reading.tail(), reading.size)

    async def close(self) -> None:
        if self._protocol is not None:
            protocol, self._protocol = self._protocol, None
            protocol.transport.close()
