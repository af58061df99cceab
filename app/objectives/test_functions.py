"""Single-basin 2-D test functions (bowls, valleys, a saddle, a plateau), batched over points."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import app.engine as E
from app.objectives.base import Entry, Minimum, Objective, OptionSpec


def global_min(*point: float, value: float) -> Minimum:
    return Minimum(point=tuple(float(p) for p in point), value=float(value), kind="global")


def local_min(*point: float, value: float) -> Minimum:
    return Minimum(point=tuple(float(p) for p in point), value=float(value), kind="local")


def on_columns(fn: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """Lift f(x, y) on columns to the (points, batch) loss signature."""
    return lambda points, batch: fn(points[:, 0], points[:, 1])


def fixed_entry(
    oid: str,
    title: str,
    fn: Callable[[Any, Any], Any],
    *,
    view: tuple[tuple[float, float], tuple[float, float]],
    start: tuple[float, float],
    minima: tuple[Minimum, ...],
    formula: str,
    description: str,
    lr: float,
) -> Entry:
    """An option-free test function entry."""

    def build(settings: Mapping[str, object]) -> Objective:
        return Objective(
            id=oid,
            title=title,
            group="test-function",
            dim=2,
            view_box=view,
            default_start=start,
            minima=minima,
            formula=formula,
            description=description,
            loss_fn=on_columns(fn),
            default_lr=lr,
        )

    return Entry(oid, (), build)


# --- quadratic bowl: the one with options --------------------------------------------------

QUADRATIC_OPTIONS = (
    OptionSpec(
        "condition", "float", 10.0, "Ratio of steepest to flattest curvature.", low=1, high=1000
    ),
    OptionSpec(
        "angle", "float", 30.0, "Rotation of the bowl's axes, in degrees.", low=-180, high=180
    ),
)


def _build_quadratic(settings: Mapping[str, object]) -> Objective:
    kappa = float(settings["condition"])  # type: ignore[arg-type]
    theta = math.radians(float(settings["angle"]))  # type: ignore[arg-type]
    c, s = math.cos(theta), math.sin(theta)

    def fn(x: Any, y: Any) -> Any:
        u = c * x + s * y
        v = -s * x + c * y
        return u * u + kappa * v * v

    return Objective(
        id="quadratic",
        title="Quadratic bowl",
        group="test-function",
        dim=2,
        view_box=((-5.0, 5.0), (-5.0, 5.0)),
        default_start=(-4.0, 3.0),
        minima=(global_min(0.0, 0.0, value=0.0),),
        formula="f(x, y) = u² + κ·v², with (u, v) = (x, y) rotated by θ",
        description=(
            "An elliptical bowl. The condition number κ stretches it: a step size small enough "
            "for the steep direction crawls along the flat one, so plain gradient descent zig-zags."
        ),
        loss_fn=on_columns(fn),
        # lr·(largest curvature 2κ) = 0.9: the steep axis settles at once, the flat one is slow.
        default_lr=0.45 / kappa,
    )


# --- the functions --------------------------------------------------------------------------


def rosenbrock(x: Any, y: Any) -> Any:
    return (1.0 - x) ** 2 + 100.0 * (y - x**2) ** 2


def beale(x: Any, y: Any) -> Any:
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y * y) ** 2 + (2.625 - x + x * y * y * y) ** 2


def booth(x: Any, y: Any) -> Any:
    return (x + 2.0 * y - 7.0) ** 2 + (2.0 * x + y - 5.0) ** 2


def matyas(x: Any, y: Any) -> Any:
    return 0.26 * (x * x + y * y) - 0.48 * x * y


def saddle(x: Any, y: Any) -> Any:
    return x * x - y * y


def plateau(x: Any, y: Any) -> Any:
    return E.tanh((x * x + y * y) / 4.0)


ENTRIES: tuple[Entry, ...] = (
    Entry("quadratic", QUADRATIC_OPTIONS, _build_quadratic),
    fixed_entry(
        "rosenbrock",
        "Rosenbrock's banana",
        rosenbrock,
        view=((-2.0, 2.0), (-1.0, 3.0)),
        start=(-1.2, 1.0),
        minima=(global_min(1.0, 1.0, value=0.0),),
        formula="f(x, y) = (1 − x)² + 100·(y − x²)²",
        description=(
            "A curved, flat-bottomed valley. Finding the valley is easy; following it to the "
            "minimum at (1, 1) takes gradient descent thousands of small steps."
        ),
        lr=1e-3,
    ),
    fixed_entry(
        "beale",
        "Beale",
        beale,
        view=((-4.5, 4.5), (-4.5, 4.5)),
        start=(1.0, 1.5),
        minima=(global_min(3.0, 0.5, value=0.0),),
        formula="f(x, y) = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
        description=(
            "Flat in the middle and extremely steep at the corners, so one step size cannot "
            "suit the whole surface. Minimum at (3, 0.5)."
        ),
        lr=0.01,
    ),
    fixed_entry(
        "booth",
        "Booth",
        booth,
        view=((-10.0, 10.0), (-10.0, 10.0)),
        start=(-8.0, 8.0),
        minima=(global_min(1.0, 3.0, value=0.0),),
        formula="f(x, y) = (x + 2y − 7)² + (2x + y − 5)²",
        description="A tilted quadratic bowl with its minimum at (1, 3): an easy warm-up.",
        lr=0.05,
    ),
    fixed_entry(
        "matyas",
        "Matyas",
        matyas,
        view=((-10.0, 10.0), (-10.0, 10.0)),
        start=(-8.0, 6.0),
        minima=(global_min(0.0, 0.0, value=0.0),),
        formula="f(x, y) = 0.26·(x² + y²) − 0.48·xy",
        description=(
            "A long shallow trough along the diagonal. The gradient across it is 25 times "
            "steeper than along it, so progress towards the origin is slow."
        ),
        lr=1.0,
    ),
    fixed_entry(
        "saddle",
        "Saddle",
        saddle,
        view=((-3.0, 3.0), (-3.0, 3.0)),
        start=(-2.5, 0.05),
        minima=(),
        formula="f(x, y) = x² − y²",
        description=(
            "No minimum at all: the origin is a saddle point where the gradient vanishes. "
            "A run starting near the x-axis slows down there before sliding away along y."
        ),
        lr=0.05,
    ),
    fixed_entry(
        "plateau",
        "Plateau with a cliff",
        plateau,
        view=((-5.0, 5.0), (-5.0, 5.0)),
        start=(-3.5, 3.0),
        minima=(global_min(0.0, 0.0, value=0.0),),
        formula="f(x, y) = tanh((x² + y²)/4)",
        description=(
            "A high flat plateau around a well at the origin. Out on the plateau tanh has "
            "saturated and the gradient is nearly zero, so plain gradient descent stalls; "
            "methods that rescale the step (Adam, RMSProp) walk off the edge."
        ),
        lr=0.1,
    ),
)
