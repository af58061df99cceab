"""A lean HTTP/1.1 keep-alive connection for load generators: h11 over asyncio streams.

httpx spends about 0.6 ms of CPU per request in the client; this spends about 0.15 ms, so on a
machine shared with the server the load generator takes less of the cores it measures.
"""

from __future__ import annotations

import asyncio
import json
import zlib
from dataclasses import dataclass

import h11

READ_BYTES = 65536


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    tail: bytes  # the body's last bytes, inflated when gzipped (empty unless asked for)
    size: int  # the bytes that crossed the wire


class Connection:
    """One keep-alive connection, one request at a time (a browser tab's connection)."""

    def __init__(self, host: str, port: int, tail_bytes: int = 4096) -> None:
        self.host, self.port, self.tail_bytes = host, port, tail_bytes
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        self._h11 = h11.Connection(h11.CLIENT)

    async def _open(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self._streams is None:
            self._streams = await asyncio.open_connection(self.host, self.port)
            self._h11 = h11.Connection(h11.CLIENT)
        return self._streams

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
        inflating what nobody reads: the load generator shares the cores it measures)."""
        reader, writer = await self._open()
        sent = [("host", f"{self.host}:{self.port}"), *(headers or {}).items()]
        payload = b"" if body is None else json.dumps(body).encode()
        if body is not None:
            sent += [("content-type", "application/json"), ("content-length", str(len(payload)))]
        writer.write(self._h11.send(h11.Request(method=method, target=path, headers=sent)))
        if payload:
            writer.write(self._h11.send(h11.Data(data=payload)))
        writer.write(self._h11.send(h11.EndOfMessage()))
        await writer.drain()
        status, got, tail, size, inflate = 0, {}, b"", 0, None
        while True:
            event = self._h11.next_event()
            if event is h11.NEED_DATA:
                data = await reader.read(READ_BYTES)
                if not data:
                    await self.close()
                    raise ConnectionError("the server closed the connection mid-response")
                self._h11.receive_data(data)
            elif isinstance(event, h11.Response):
                status = event.status_code
                got = {k.decode(): v.decode() for k, v in event.headers}
                # A gzipped stream (JSON Lines) is inflated as it comes, as a browser does, so
                # its last line can be read.
                gzipped = got.get("content-encoding") == "gzip"
                inflate = zlib.decompressobj(31) if gzipped and read_tail else None
            elif isinstance(event, h11.Data):
                size += len(event.data)
                if read_tail:
                    data = inflate.decompress(event.data) if inflate else bytes(event.data)
                    tail = (tail + data)[-self.tail_bytes :]
            elif isinstance(event, h11.EndOfMessage):
                break
            elif isinstance(event, h11.ConnectionClosed):
                await self.close()
                raise ConnectionError("the server closed the connection mid-response")
        if self._h11.our_state is h11.DONE and self._h11.their_state is h11.DONE:
            self._h11.start_next_cycle()
        else:  # the server will close: open a new connection next time
            await self.close()
        return Answer(status, got, tail, size)

    async def close(self) -> None:
        if self._streams is not None:
            writer = self._streams[1]
            self._streams = None
            writer.close()
            await writer.wait_closed()
