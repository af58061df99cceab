"""What the embedded view reports, as typed records: each step shown, the end of a race, an error.

The view sends them as JSON objects (the protocol in docs/embed.md); a malformed one raises
ValueError. Numbers that are not finite arrive as null and stay None.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

Number = float | None


def _number(value: Any) -> Number:
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return None if value is None else float(value)
    raise ValueError(f"not a number: {value!r}")


def _whole(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise ValueError(f"not a whole number: {value!r}")


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise ValueError(f"not text: {value!r}")


@dataclass(frozen=True)
class RunShown:
    """One run at the step on screen: where it is, its loss there, and its status by then."""

    label: str
    optimizer: str
    params: tuple[Number, ...]
    loss: Number
    status: str

    @classmethod
    def fields_of(cls, run: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "label": _text(run["label"]),
            "optimizer": _text(run["optimizer"]),
            "params": tuple(_number(v) for v in run["params"] or ()),
            "loss": _number(run["loss"]),
            "status": _text(run["status"]),
        }


@dataclass(frozen=True)
class StepShown:
    """A step the view showed: its optimizer step, recorded index, and every run there.

    `race` changes whenever a new race replaces the one on screen."""

    race: int
    step: int
    index: int
    runs: tuple[RunShown, ...]

    @classmethod
    def from_event(cls, event: Mapping[str, Any]) -> StepShown:
        try:
            runs = tuple(RunShown(**RunShown.fields_of(r)) for r in event["runs"])
            return cls(_whole(event["race"]), _whole(event["step"]), _whole(event["index"]), runs)
        except (KeyError, TypeError) as error:
            raise ValueError(f"a step event without {error}") from None


@dataclass(frozen=True)
class RunEnded(RunShown):
    """How one run ended: its last point, status, steps taken and the server's message."""

    steps_taken: int | None
    message: str


@dataclass(frozen=True)
class RaceEnd:
    """The view reached the end of a finished race."""

    race: int
    step: int
    runs: tuple[RunEnded, ...]

    @classmethod
    def from_event(cls, event: Mapping[str, Any]) -> RaceEnd:
        try:
            runs = tuple(
                RunEnded(
                    **RunShown.fields_of(r),
                    steps_taken=None if r["steps_taken"] is None else _whole(r["steps_taken"]),
                    message=_text(r["message"]),
                )
                for r in event["runs"]
            )
            return cls(_whole(event["race"]), _whole(event["step"]), runs)
        except (KeyError, TypeError) as error:
            raise ValueError(f"an end event without {error}") from None


@dataclass(frozen=True)
class EmbedError:
    """A command the view refused (`reply_to` names it, `id` is the command's), or a failed run."""

    field: str | None
    reason: str
    reply_to: str | None = None
    id: int | str | None = None

    @classmethod
    def from_event(cls, event: Mapping[str, Any]) -> EmbedError:
        field, reply_to = event.get("field"), event.get("reply_to")
        return cls(
            field=None if field is None else _text(field),
            reason=_text(event.get("reason")),
            reply_to=None if reply_to is None else _text(reply_to),
            id=event.get("id"),
        )
