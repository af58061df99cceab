"""Learning-rate schedules as closed forms of torch.optim.lr_scheduler (torch 2.13).

The scheduler is stepped once after each optimizer step, so update ``step`` (1-based) uses the
lr torch holds at ``last_epoch = step - 1``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.optim.base import Array, HyperParam, validate_value


@dataclass(frozen=True)
class ScheduleDef:
    """A learning-rate schedule and the parameters it accepts."""

    name: str
    title: str
    description: str
    params: tuple[HyperParam, ...]
    torch_equivalent: str


SCHEDULES: dict[str, ScheduleDef] = {
    s.name: s
    for s in (
        ScheduleDef("constant", "Constant", "The learning rate never changes.", (), "none"),
        ScheduleDef(
            "step",
            "Step decay",
            "Multiplies the learning rate by gamma every step_size updates.",
            (
                HyperParam("step_size", 10, 1, None, "int", "Updates between two decays."),
                HyperParam("gamma", 0.1, 0.0, None, "float", "Factor applied at each decay."),
            ),
            "StepLR(step_size, gamma)",
        ),
        ScheduleDef(
            "exponential",
            "Exponential decay",
            "Multiplies the learning rate by gamma after every update.",
            (HyperParam("gamma", 0.99, 0.0, None, "float", "Factor applied after each update."),),
            "ExponentialLR(gamma)",
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
            "CosineAnnealingLR(T_max=t_max, eta_min)",
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
            "LinearLR(start_factor, end_factor=1, total_iters=warmup_steps)",
        ),
    )
}


def resolve_schedule(schedule: dict[str, Any] | None) -> dict[str, Any]:
    """Validate a schedule spec and fill its defaults; raises ValueError naming the bad field."""
    if schedule is None:
        return {"name": "constant"}
    if not isinstance(schedule, dict):
        raise ValueError(f"schedule: must be an object or null, got {schedule!r}")
    name = schedule.get("name")
    if name not in SCHEDULES:
        raise ValueError(
            f"schedule.name: unknown schedule {name!r}; expected one of {list(SCHEDULES)}"
        )
    spec = SCHEDULES[name]
    known = {p.name for p in spec.params}
    unknown = sorted(set(schedule) - known - {"name"})
    if unknown:
        raise ValueError(
            f"schedule.{unknown[0]}: not a parameter of the {name!r} schedule; "
            f"expected one of {sorted(known)}"
        )
    out: dict[str, Any] = {"name": name}
    for p in spec.params:
        out[p.name] = validate_value(p, schedule.get(p.name, p.default), "schedule.")
    return out


def lr_at(schedule: dict[str, Any] | None, base_lr: Array | float, step: int) -> Array:
    """The learning rate used at 1-based update ``step``, shaped like ``base_lr``."""
    if isinstance(step, bool) or int(step) != step or step < 1:
        raise ValueError(f"step: must be an integer >= 1, got {step!r}")
    s = resolve_schedule(schedule)
    base = np.asarray(base_lr, dtype=np.float64)
    t = int(step) - 1  # torch's last_epoch when this update runs
    name = s["name"]
    if name == "constant":
        factor = 1.0
    elif name == "step":
        factor = s["gamma"] ** (t // s["step_size"])
    elif name == "exponential":
        factor = s["gamma"] ** t
    elif name == "cosine":
        # Closed form; torch's recursive form agrees, also past t_max where the cosine rises again.
        eta_min = s["eta_min"]
        return eta_min + (base - eta_min) * (1.0 + math.cos(math.pi * t / s["t_max"])) / 2.0
    else:  # warmup: LinearLR from start_factor to 1
        k = s["warmup_steps"]
        factor = s["start_factor"] + (1.0 - s["start_factor"]) * min(k, t) / k
    return base * factor
