"""Learning-rate schedules as closed forms of torch.optim.lr_scheduler (torch 2.13).

Each schedule is one record: its parameters and its formula lr(base, t, settings), where t is
torch's ``last_epoch`` when the update runs. The scheduler is stepped once after each optimizer
step, so update ``step`` (1-based) uses t = step - 1. Adding a schedule is one record here; the
API lists SCHEDULE_NAMES.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from app.errors import FieldError
from app.optim.hyperparams import HyperParam, validate_value

Array = np.ndarray
Formula = Callable[[Any, int, Mapping[str, Any]], Any]


@dataclass(frozen=True)
class ScheduleDef:
    """A learning-rate schedule, the parameters it accepts, and its formula."""

    name: str
    title: str
    description: str
    params: tuple[HyperParam, ...]
    formula: Formula = field(repr=False, compare=False)


def _cosine(base: Any, t: int, s: Mapping[str, Any]) -> Any:
    # Closed form; torch's recursive form agrees, also past t_max where the cosine rises again.
    eta_min = s["eta_min"]
    return eta_min + (base - eta_min) * (1.0 + math.cos(math.pi * t / s["t_max"])) / 2.0


def _warmup(base: Any, t: int, s: Mapping[str, Any]) -> Any:
    k, start = s["warmup_steps"], s["start_factor"]
    return base * (start + (1.0 - start) * min(k, t) / k)


def _gamma(default: float, text: str) -> HyperParam:
    return HyperParam("gamma", default, 0.0, None, "float", text)


SCHEDULES: dict[str, ScheduleDef] = {
    s.name: s
    for s in (
        ScheduleDef(
            "constant", "Constant", "The learning rate never changes.", (), lambda b, t, s: b
        ),
        ScheduleDef(
            "step",
            "Step decay",
            "Multiplies the learning rate by gamma every step_size updates.",
            (
                HyperParam("step_size", 10, 1, None, "int", "Updates between two decays."),
                _gamma(0.1, "Factor applied at each decay."),
            ),
            lambda base, t, s: base * s["gamma"] ** (t // s["step_size"]),
        ),
        ScheduleDef(
            "exponential",
            "Exponential decay",
            "Multiplies the learning rate by gamma after every update.",
            (_gamma(0.99, "Factor applied after each update."),),
            lambda base, t, s: base * s["gamma"] ** t,
        ),
        ScheduleDef(
            "cosine",
            "Cosine annealing",
            "Glides from the base rate down to eta_min along half a cosine over t_max updates.",
            (
                HyperParam(
                    "t_max", 100, 1, None, "int", "Updates to reach eta_min (a half period)."
                ),
                HyperParam("eta_min", 0.0, 0.0, None, "float", "Lowest learning rate reached."),
            ),
            _cosine,
        ),
        ScheduleDef(
            "warmup",
            "Linear warm-up",
            "Ramps linearly from start_factor * lr up to lr over warmup_steps updates.",
            (
                HyperParam("warmup_steps", 5, 1, None, "int", "Updates until the full rate."),
                HyperParam(
                    "start_factor",
                    1.0 / 3.0,
                    0.0,
                    1.0,
                    "float",
                    "Fraction of lr used on the first update.",
                    low_inclusive=False,
                ),
            ),
            _warmup,
        ),
    )
}
SCHEDULE_NAMES: tuple[str, ...] = tuple(SCHEDULES)


@dataclass(frozen=True)
class Schedule:
    """A checked schedule: its name and every one of its parameters. parse_schedule makes one
    from a user's spec; the API's request schema, which holds the same rules, makes one directly.
    """

    name: str = "constant"
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def constant(self) -> bool:
        return self.name == "constant"

    def rate(self, base_lr: Array | float, step: int) -> Array:
        """The learning rate of 1-based update ``step``, shaped like ``base_lr``; raises
        OverflowError where gamma ** t passes the largest float."""
        base = np.asarray(base_lr, dtype=np.float64)
        return np.array(SCHEDULES[self.name].formula(base, step - 1, self.params), dtype=np.float64)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, **self.params}


CONSTANT = Schedule()


def resolve_schedule(schedule: Mapping[str, Any] | Schedule | None) -> dict[str, Any]:
    """Validate a schedule spec and fill its defaults; raises FieldError naming the bad field."""
    return parse_schedule(schedule).as_dict()


def parse_schedule(schedule: Mapping[str, Any] | Schedule | None) -> Schedule:
    """A user's schedule spec checked, its defaults filled; a Schedule is taken as it is."""
    if isinstance(schedule, Schedule):
        return schedule
    if schedule is None:
        return CONSTANT
    if not isinstance(schedule, Mapping):
        raise FieldError("schedule", f"must be an object or null, got {schedule!r}")
    name = schedule.get("name")
    if name not in SCHEDULES:
        raise FieldError(
            "schedule.name", f"unknown schedule {name!r}; expected one of {list(SCHEDULES)}"
        )
    spec = SCHEDULES[name]
    known = {p.name for p in spec.params}
    unknown = sorted(set(schedule) - known - {"name"})
    if unknown:
        raise FieldError(
            f"schedule.{unknown[0]}",
            f"not a parameter of the {name!r} schedule; expected one of {sorted(known)}",
        )
    params = {
        p.name: validate_value(p, schedule.get(p.name, p.default), "schedule.") for p in spec.params
    }
    return Schedule(name, params)


def lr_at(
    schedule: Mapping[str, Any] | Schedule | None, base_lr: Array | float, step: int
) -> Array:
    """The learning rate used at 1-based update ``step``, shaped like ``base_lr``."""
    if isinstance(step, bool) or int(step) != step or step < 1:
        raise FieldError("step", f"must be an integer >= 1, got {step!r}")
    return parse_schedule(schedule).rate(base_lr, int(step))
