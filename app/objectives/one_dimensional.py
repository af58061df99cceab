"""1-D curves: the texts' U-shaped loss and a double well with a trap."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from app.objectives.base import Entry, Minimum, Objective


def u_curve(x: Any) -> Any:
    return x * x


def double_well(x: Any) -> Any:
    return x**4 - 4.0 * x * x + x


def _double_well_minima() -> tuple[Minimum, ...]:
    """Roots of f′(x) = 4x³ − 8x + 1 where f″ > 0; the lower one is global."""
    roots = np.sort(np.roots([4.0, 0.0, -8.0, 1.0]).real)
    lows = [float(r) for r in roots if 12.0 * r * r - 8.0 > 0]
    values = [float(double_well(r)) for r in lows]
    best = min(values)
    return tuple(
        Minimum((r,), v, "global" if v == best else "local")
        for r, v in zip(lows, values, strict=True)
    )


def _build_u_curve(settings: Mapping[str, object]) -> Objective:
    return Objective(
        id="u-curve",
        title="The U-shaped loss curve",
        group="one-dimensional",
        dim=1,
        view_box=((-10.0, 10.0),),
        default_start=(8.0,),
        minima=(Minimum((0.0,), 0.0, "global"),),
        formula="f(x) = x²",
        description=(
            "The simplest loss: a U-shaped curve with its lowest point at x = 0. Start far from "
            "the minimum and each step moves against the slope; the steps shrink as the curve "
            "flattens out."
        ),
        loss_fn=lambda points, batch: u_curve(points[:, 0]),
        param_names=("x",),
        default_lr=0.1,
    )


def _build_double_well(settings: Mapping[str, object]) -> Objective:
    return Objective(
        id="double-well",
        title="Double well",
        group="one-dimensional",
        dim=1,
        view_box=((-2.5, 2.5),),
        default_start=(2.2,),
        minima=_double_well_minima(),
        formula="f(x) = x⁴ − 4x² + x",
        description=(
            "Two valleys: a deep one on the left (x ≈ −1.473) and a shallower one on the right "
            "(x ≈ 1.347). Starting on the right, gradient descent is trapped in the local minimum."
        ),
        loss_fn=lambda points, batch: double_well(points[:, 0]),
        param_names=("x",),
        default_lr=0.01,
    )


ENTRIES: tuple[Entry, ...] = (
    Entry("u-curve", (), _build_u_curve),
    Entry("double-well", (), _build_double_well),
)
