"""Static files under a content-versioned URL, so a browser caches them for good.

The page links /static/<version>/..., where <version> is a hash of the whole static tree: ES
modules' relative imports (./api.js) and import.meta.url-relative URLs resolve under the same
prefix, so one version covers the whole module graph. Those responses are immutable for a year;
any edit to a static file changes the version and so every URL. Plain /static/... keeps working
for other tools, revalidated on every use (no-cache).
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from pathlib import Path

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
VERSION_CHARS = 12
_VERSION_SEGMENT = re.compile(rf"[0-9a-f]{{{VERSION_CHARS}}}")
# How often the tree is re-checked for edits (a stat of every file, then a hash if one changed).
RECHECK_SECONDS = 1.0


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


class VersionedStaticFiles(StaticFiles):
    """StaticFiles that also answers /<version>/path, immutable when <version> is the current one.

    A request for an older version gets today's file with no-cache (never wrongly cached for good).
    """

    def __init__(self, *, directory: str | os.PathLike[str], version: StaticVersion) -> None:
        super().__init__(directory=directory)
        self.version = version

    async def get_response(self, path: str, scope: Scope) -> Response:
        head, _, rest = path.partition("/")
        if rest and _VERSION_SEGMENT.fullmatch(head):
            response = await super().get_response(rest, scope)
            current = head == self.version.current()
            response.headers["Cache-Control"] = IMMUTABLE if current else REVALIDATE
            return response
        response = await super().get_response(path, scope)
        response.headers["Cache-Control"] = REVALIDATE
        return response
