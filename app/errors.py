"""The one error shape every layer raises for bad input: which field, and why."""

from __future__ import annotations


class FieldError(ValueError):
    """A bad input; `field` is the dotted path of the offending value, `reason` says why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
