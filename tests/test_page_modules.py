"""The page (and /embed) preloads exactly its module graph: every module main.js (embed.js)
imports, directly or not, is fetched at once by a <link rel="modulepreload"> (no waterfall), and
nothing else is preloaded."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "static"
IMPORT = re.compile(r"""^import\s+(?:[^"']*?from\s+)?["'](\.[^"']+)["']""", re.MULTILINE)
PRELOAD = re.compile(r'<link rel="modulepreload" href="\{\{ static \}\}/([^"]+)">')


def static_imports(start: str) -> set[str]:
    """Every module reached from `start` by static imports (dynamic import() is left out)."""
    seen: set[str] = set()
    stack = [start]
    while stack:
        module = stack.pop()
        if module in seen:
            continue
        seen.add(module)
        for target in IMPORT.findall((STATIC / module).read_text(encoding="utf-8")):
            parts: list[str] = []
            for part in (PurePosixPath(module).parent / target).parts:
                if part == "..":
                    parts.pop()
                elif part != ".":
                    parts.append(part)
            stack.append("/".join(parts))
    return seen - {start}


def test_the_page_preloads_exactly_the_modules_main_imports() -> None:
    template = (ROOT / "templates" / "index.html").read_text(encoding="utf-8")
    preloaded = set(PRELOAD.findall(template))
    assert preloaded == static_imports("js/main.js")


def test_the_embed_preloads_exactly_the_modules_embed_imports() -> None:
    template = (ROOT / "templates" / "embed.html").read_text(encoding="utf-8")
    preloaded = set(PRELOAD.findall(template))
    assert preloaded == static_imports("js/embed.js")
