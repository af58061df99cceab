"""Reading a lesson file's tables field by field, so every error can name its file and field."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

MISSING = object()


class LessonError(ValueError):
    """A lesson file that cannot be used: `source` is the file, `field` the dotted path."""

    def __init__(self, source: str, field: str, reason: str) -> None:
        super().__init__(f"{source}: {field}: {reason}")
        self.source, self.field, self.reason = source, field, reason


class Node:
    """A table of the file with its path, so every error can say where it is."""

    def __init__(self, data: Any, path: str, source: str) -> None:
        self.source, self.path = source, path
        if not isinstance(data, Mapping):
            self.fail("", "must be a table")
        self.data: Mapping[str, Any] = data
        self.used: set[str] = set()

    def where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path and key else (self.path or key or "lesson")

    def fail(self, key: str, reason: str) -> None:
        raise LessonError(self.source, self.where(key), reason)

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = MISSING) -> Any:
        self.used.add(key)
        if key not in self.data:
            if default is MISSING:
                self.fail(key, "required")
            return default
        value = self.data[key]
        numeric = kind in (float, int) or (isinstance(kind, tuple) and float in kind)
        if isinstance(value, bool) and kind is not bool:
            self.fail(key, f"must be {kind_name(kind)}, not true/false")
        if kind is float and isinstance(value, int):
            value = float(value)
        if not isinstance(value, kind):
            self.fail(key, f"must be {kind_name(kind)}, got {type(value).__name__}")
        if numeric and isinstance(value, float) and not math.isfinite(value):
            self.fail(key, "must be a finite number")
        return value

    def text(self, key: str, default: Any = MISSING) -> str:
        value = self.get(key, str, default)
        if value is not default and not value.strip():
            self.fail(key, "must not be empty")
        return value

    def count(self, key: str, default: Any = MISSING, low: int = 0) -> int:
        value = self.get(key, int, default)
        if value is not default and value < low:
            self.fail(key, f"must be at least {low}")
        return value

    def numbers(self, key: str, default: Any = MISSING) -> tuple[float, ...] | None:
        value = self.get(key, list, default)
        if value is default:
            return value
        if not value or not all(is_number(v) for v in value):
            self.fail(key, "must be a non-empty list of finite numbers")
        return tuple(float(v) for v in value)

    def names(self, key: str, allowed: tuple[str, ...] | None = None) -> tuple[str, ...]:
        value = self.get(key, list, [])
        for i, item in enumerate(value):
            if not isinstance(item, str):
                self.fail(f"{key}[{i}]", "must be a string")
            if allowed is not None and item not in allowed:
                self.fail(f"{key}[{i}]", f"unknown {item!r}; known: {', '.join(allowed)}")
        return tuple(value)

    def table(self, key: str, default: Any = MISSING) -> Node | None:
        value = self.get(key, Mapping, default)
        return value if value is default else Node(value, self.where(key), self.source)

    def tables(self, key: str) -> list[Node]:
        value = self.get(key, list)
        return [Node(v, f"{self.where(key)}[{i}]", self.source) for i, v in enumerate(value)]

    def done(self) -> None:
        extra = sorted(set(self.data) - self.used)
        if extra:
            self.fail(extra[0], "unknown field")


def kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    words = {str: "text", int: "a whole number", float: "a number", list: "a list", bool: "true"}
    return " or ".join(words.get(k, "a table") for k in kinds)


def is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
