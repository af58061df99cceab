"""Hyper-parameter specs: the record, the checks on a user's value, and the specs optimizers share.

A spec is declared once here when several optimizers take it (lr, eps, weight_decay, betas);
an optimizer passes its own default, as torch.optim's classes do.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np

from app.errors import FieldError

HyperParams = Mapping[str, Any]


class CheckedHyperparams(dict):
    """One run's hyper-parameters: every one its optimizer takes, each checked against its spec
    and the optimizer's cross-field rules. OptimizerDef.check makes one from a user's partial
    settings; the API's request schema, which holds the same rules, makes one directly."""


@dataclass(frozen=True)
class HyperParam:
    """One optimizer (or schedule) setting, with the bounds used to validate user input."""

    name: str
    default: Any
    low: float | None
    high: float | None
    kind: Literal["float", "bool", "int", "pair"]
    description: str
    # Bounds are inclusive unless flagged; torch needs e.g. 0 <= beta < 1.
    low_inclusive: bool = True
    high_inclusive: bool = True


# --- the specs several optimizers share --------------------------------------------------------

LR_TEXT = "Learning rate: how far each step moves."


def lr(default: float, description: str = LR_TEXT) -> HyperParam:
    return HyperParam("lr", default, 0.0, None, "float", description)


def eps(default: float) -> HyperParam:
    return HyperParam(
        "eps", default, 0.0, None, "float", "Added to the denominator so it is never 0."
    )


def weight_decay(default: float = 0.0, *, decoupled: bool = False) -> HyperParam:
    text = (
        "Shrinks params by lr * wd each step, apart from the gradient."
        if decoupled
        else "L2 penalty added to the gradient (wd * param)."
    )
    return HyperParam("weight_decay", default, 0.0, None, "float", text)


def betas(default: tuple[float, float]) -> HyperParam:
    return HyperParam(
        "betas",
        default,
        0.0,
        1.0,
        "pair",
        "Decay rates (beta1, beta2) of the gradient and squared-gradient averages.",
        high_inclusive=False,
    )


def momentum(description: str) -> HyperParam:
    return HyperParam("momentum", 0.0, 0.0, None, "float", description)


def boolean(name: str, description: str) -> HyperParam:
    return HyperParam(name, False, None, None, "bool", description)


# --- checking a user's value -------------------------------------------------------------------


def _bound_error(spec: HyperParam, value: float) -> str | None:
    """Why ``value`` is out of ``spec``'s bounds, or None when it is inside."""
    if spec.low is not None and (
        value < spec.low or (value == spec.low and not spec.low_inclusive)
    ):
        op = ">=" if spec.low_inclusive else ">"
        return f"must be {op} {spec.low}, got {value}"
    if spec.high is not None and (
        value > spec.high or (value == spec.high and not spec.high_inclusive)
    ):
        op = "<=" if spec.high_inclusive else "<"
        return f"must be {op} {spec.high}, got {value}"
    return None


def validate_value(spec: HyperParam, value: Any, where: str = "") -> Any:
    """Check one user-supplied value against its spec; returns it as float, int, bool or pair."""
    label = f"{where}{spec.name}"
    if spec.kind == "bool":
        if not isinstance(value, bool | np.bool_):
            raise FieldError(label, f"must be true or false, got {value!r}")
        return bool(value)
    if spec.kind == "pair":
        if isinstance(value, str | bytes) or not isinstance(value, Sequence | np.ndarray):
            raise FieldError(label, f"must be a pair of numbers, got {value!r}")
        items = list(value)
        if len(items) != 2:
            raise FieldError(label, f"must be a pair of numbers, got {len(items)} values")
        sub = replace(spec, kind="float")
        return tuple(validate_value(sub, v, where) for v in items)
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
        raise FieldError(label, f"must be a number, got {value!r}")
    try:
        number = float(value)
    except OverflowError:  # an integer past float's range (a 400-digit lr)
        raise FieldError(label, "must be a finite number, got an integer too large") from None
    if not math.isfinite(number):
        raise FieldError(label, f"must be finite, got {value!r}")
    if spec.kind == "int":
        if number != int(number):
            raise FieldError(label, f"must be an integer, got {value!r}")
        number = int(number)
    problem = _bound_error(spec, number)
    if problem is not None:
        raise FieldError(label, problem)
    return number


def shared_as_scalars(hp: HyperParams) -> dict[str, Any]:
    """hp with every setting the runs share as a Python scalar (a float, bool or pair of floats).

    Optimizers take either form. A run loop converts once, so each step's arithmetic broadcasts
    plain numbers (NumPy's cheapest operand, and torch's own float arithmetic).
    """
    out: dict[str, Any] = {}
    for name, value in hp.items():
        arr = np.asarray(value)
        if arr.ndim != 2 or len(arr) != 1:
            out[name] = value
        elif arr.dtype == bool:
            out[name] = bool(arr[0, 0])
        elif arr.shape[1] == 2:
            out[name] = (float(arr[0, 0]), float(arr[0, 1]))
        else:
            out[name] = float(arr[0, 0])
    return out
