"""The one error type every layer raises for bad input: which field, and why."""

from __future__ import annotations


def join_field(prefix: str, field: str) -> str:
    """ "runs[2].optimizer" + "lr" -> "runs[2].optimizer.lr"; an index joins without a dot."""
    if not prefix:
        return field
    if not field:
        return prefix
    return prefix + field if field.startswith("[") else f"{prefix}.{field}"


class FieldError(ValueError):
    """A bad input; `field` is the dotted path of the offending value, `reason` says why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason

    def within(self, prefix: str) -> FieldError:
        """The same error with its field path under `prefix` (the caller's own name for it)."""
        return type(self)(join_field(prefix, self.field), self.reason)
