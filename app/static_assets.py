"""Static files under a content-versioned URL, so a browser caches them for good.

The page links /static/<version>/..., where <version> is a hash of the whole static tree: ES
modules' relative imports (./api.js) and import.meta.url-relative URLs resolve under the same
prefix, so one version covers the whole module graph. Those responses are immutable for a year;
any edit to a static file changes the version and so every URL. Plain /static/... keeps working
for other tools, revalidated on every use (no-cache).

The current version's files are answered from memory, gzipped once: a class opening the page
asks for its ~45 assets hundreds of times at once, and reading each from disk through worker
threads and compressing it at level 9 on every request cost ~1 ms of CPU apiece.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import anyio
from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Scope

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
VERSION_CHARS = 12
_VERSION_SEGMENT = re.compile(rf"[0-9a-f]{{{VERSION_CHARS}}}")
# How often the tree is re-checked for edits (a stat of every file, then a hash if one changed).
RECHECK_SECONDS = 1.0
STATIC_GZIP_LEVEL = 9  # paid once per file and version, so the smallest gzip
MEMORY_FILE_BYTES = 4 << 20  # larger files are streamed from disk as before


class StaticVersion:
    """The content hash of a directory tree, re-derived when a file's size or mtime changes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._signature: tuple = ()
        self._version = ""
        self._checked = -RECHECK_SECONDS

    def _files(self) -> list[Path]:
        return sorted(p for p in self.root.rglob("*") if p.is_file())

    def current(self) -> str:
        now = time.monotonic()
        if now - self._checked < RECHECK_SECONDS and self._version:
            return self._version
        self._checked = now
        files = self._files()
        signature = tuple((str(p), (s := p.stat()).st_size, s.st_mtime_ns) for p in files)
        if signature != self._signature:
            digest = hashlib.sha256()
            for path in files:
                digest.update(path.relative_to(self.root).as_posix().encode() + b"\0")
                digest.update(path.read_bytes())
            self._signature, self._version = signature, digest.hexdigest()[:VERSION_CHARS]
        return self._version

    def prefix(self, mount: str = "/static") -> str:
        return f"{mount}/{self.current()}"


@dataclass(frozen=True)
class _Asset:
    """One file's answer, held in memory: its headers, its bytes and maybe their gzip."""

    headers: dict[str, str]
    body: bytes
    gzipped: bytes | None  # None when gzip would not make it smaller (fonts)

    @classmethod
    def read(cls, response: FileResponse) -> _Asset:
        body = Path(response.path).read_bytes()
        gzipped = gzip.compress(body, STATIC_GZIP_LEVEL, mtime=0)
        headers = {k: v for k, v in response.headers.items() if k != "content-length"}
        return cls(headers, body, gzipped if len(gzipped) < len(body) else None)

    def response(self, accepts_gzip: bool) -> Response:
        headers = dict(self.headers)
        if self.gzipped is None:
            return Response(self.body, headers=headers)
        headers["vary"] = "Accept-Encoding"
        if not accepts_gzip:
            return Response(self.body, headers=headers)
        headers["content-encoding"] = "gzip"
        return Response(self.gzipped, headers=headers)


class VersionedStaticFiles(StaticFiles):
    """StaticFiles that also answers /<version>/path, immutable when <version> is the current one.

    A request for an older version gets today's file with no-cache (never wrongly cached for good).
    """

    def __init__(self, *, directory: str | os.PathLike[str], version: StaticVersion) -> None:
        super().__init__(directory=directory)
        self.version = version
        self._assets: dict[str, _Asset] = {}  # the current version's files, by path
        self._assets_version = ""

    async def get_response(self, path: str, scope: Scope) -> Response:
        head, _, rest = path.partition("/")
        if rest and _VERSION_SEGMENT.fullmatch(head):
            current = head == self.version.current()
            if current and scope["method"] == "GET":
                response = await self._from_memory(head, rest, scope)
                response.headers["Cache-Control"] = IMMUTABLE
                return response
            response = await super().get_response(rest, scope)
            response.headers["Cache-Control"] = IMMUTABLE if current else REVALIDATE
            return response
        response = await super().get_response(path, scope)
        response.headers["Cache-Control"] = REVALIDATE
        return response

    async def _from_memory(self, version: str, path: str, scope: Scope) -> Response:
        """A file of the current version from memory, read (and gzipped) on its first request."""
        if self._assets_version != version:  # an edit made a new version
            self._assets, self._assets_version = {}, version
        assets = self._assets  # a file read for this version never lands in the next one's
        asset = assets.get(path)
        if asset is None:
            response = await super().get_response(path, scope)
            too_large = int(response.headers.get("content-length", 0)) > MEMORY_FILE_BYTES
            if not isinstance(response, FileResponse) or too_large:
                return response  # a 304, or a file streamed from disk
            asset = assets[path] = await anyio.to_thread.run_sync(_Asset.read, response)
        request = Headers(scope=scope)
        if self.is_not_modified(asset.headers, request):
            return NotModifiedResponse(asset.headers)
        return asset.response("gzip" in request.get("accept-encoding", ""))
