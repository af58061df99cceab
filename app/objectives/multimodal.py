"""Test functions with several minima: where a run ends depends on where it starts."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import app.engine as E
from app.objectives.base import Entry, Minimum
from app.objectives.test_functions import fixed_entry, global_min, local_min

TAU = 2.0 * math.pi


def himmelblau(x: Any, y: Any) -> Any:
    return (x * x + y - 11.0) ** 2 + (x + y * y - 7.0) ** 2


def three_hump_camel(x: Any, y: Any) -> Any:
    x2 = x * x
    return 2.0 * x2 - 1.05 * x2 * x2 + x2 * x2 * x2 / 6.0 + x * y + y * y


def six_hump_camel(x: Any, y: Any) -> Any:
    x2, y2 = x * x, y * y
    return (4.0 - 2.1 * x2 + x2 * x2 / 3.0) * x2 + x * y + (-4.0 + 4.0 * y2) * y2


def rastrigin(x: Any, y: Any) -> Any:
    return 20.0 + x * x - 10.0 * E.cos(TAU * x) + y * y - 10.0 * E.cos(TAU * y)


def ackley(x: Any, y: Any) -> Any:
    # r = sqrt(s) written s / sqrt(s + 1e-16): exactly 0 at the cone's tip (so f(0, 0) is exactly
    # 0), with a gradient of 0 there instead of 0/0, and within 1e-16/s of sqrt(s) elsewhere.
    s = 0.5 * (x * x + y * y)
    r = s / E.sqrt(s + 1e-16)
    wave = 0.5 * (E.cos(TAU * x) + E.cos(TAU * y))
    return -20.0 * E.exp(-0.2 * r) - E.exp(wave) + math.e + 20.0


def goldstein_price(x: Any, y: Any) -> Any:
    a = 1.0 + (x + y + 1.0) ** 2 * (
        19.0 - 14.0 * x + 3.0 * x * x - 14.0 * y + 6.0 * x * y + 3.0 * y * y
    )
    b = 30.0 + (2.0 * x - 3.0 * y) ** 2 * (
        18.0 - 32.0 * x + 12.0 * x * x + 48.0 * y - 36.0 * x * y + 27.0 * y * y
    )
    return a * b


def styblinski_tang(x: Any, y: Any) -> Any:
    return 0.5 * (x**4 - 16.0 * x * x + 5.0 * x + y**4 - 16.0 * y * y + 5.0 * y)


# --- minima that have no closed form (Newton-refined to ~1e-12; tests re-check the gradient) --

_HIMMELBLAU = (
    global_min(3.0, 2.0, value=0.0),
    global_min(-2.805118086952745, 3.131312518250573, value=0.0),
    global_min(-3.779310253377747, -3.2831859912861696, value=0.0),
    global_min(3.5844283403304917, -1.8481265269644034, value=0.0),
)
# Three-hump camel: y = −x/2 and x⁴ − 4.2x² + 3.5 = 0 at the side minima.
_TH_X = math.sqrt((4.2 + math.sqrt(4.2**2 - 14.0)) / 2.0)
_SH = ((0.08984201310031807, -0.7126564030207396), (1.703606714969981, -0.7960835686726251))
_SH_HIGH = (1.6071047529201974, 0.5686514548841313)
# Styblinski–Tang is separable: each coordinate's minima are roots of 4t³ − 32t + 5 = 0.
_ST_LO = -2.903534027771178
_ST_HI = 2.746802770990838


def _st_min(a: float, b: float) -> Minimum:
    value = float(styblinski_tang(a, b))
    return Minimum((a, b), value, "global" if a == b == _ST_LO else "local")


def _with_value(fn: Callable[[Any, Any], Any], kind: str, *pts: tuple[float, float]) -> tuple:
    return tuple(Minimum(p, float(fn(*p)), kind) for p in pts)


ENTRIES: tuple[Entry, ...] = (
    fixed_entry(
        "himmelblau",
        "Himmelblau",
        himmelblau,
        view=((-5.0, 5.0), (-5.0, 5.0)),
        start=(-0.5, 0.5),
        minima=_HIMMELBLAU,
        formula="f(x, y) = (x² + y − 11)² + (x + y² − 7)²",
        description=(
            "Four equally deep minima. Which one a run reaches depends only on where it starts: "
            "the basin map shows the four catchment areas."
        ),
        lr=0.01,
    ),
    fixed_entry(
        "three-hump-camel",
        "Three-hump camel",
        three_hump_camel,
        view=((-2.5, 2.5), (-2.5, 2.5)),
        start=(2.2, -2.0),
        minima=(
            global_min(0.0, 0.0, value=0.0),
            *_with_value(three_hump_camel, "local", (_TH_X, -_TH_X / 2), (-_TH_X, _TH_X / 2)),
        ),
        formula="f(x, y) = 2x² − 1.05x⁴ + x⁶/6 + xy + y²",
        description=(
            "One global minimum at the origin between two shallower local ones. Start on a side "
            "and plain gradient descent settles in the nearer, worse, hollow."
        ),
        lr=0.02,
    ),
    fixed_entry(
        "six-hump-camel",
        "Six-hump camel",
        six_hump_camel,
        view=((-2.2, 2.2), (-1.2, 1.2)),
        start=(-1.9, 1.1),
        minima=(
            *_with_value(six_hump_camel, "global", _SH[0], (-_SH[0][0], -_SH[0][1])),
            *_with_value(six_hump_camel, "local", _SH[1], (-_SH[1][0], -_SH[1][1])),
            *_with_value(six_hump_camel, "local", _SH_HIGH, (-_SH_HIGH[0], -_SH_HIGH[1])),
        ),
        formula="f(x, y) = (4 − 2.1x² + x⁴/3)·x² + xy + (4y² − 4)·y²",
        description=(
            "Two global minima (f ≈ −1.0316) and four local ones. Runs from different starts "
            "end in different hollows."
        ),
        lr=0.01,
    ),
    fixed_entry(
        "rastrigin",
        "Rastrigin",
        rastrigin,
        view=((-5.12, 5.12), (-5.12, 5.12)),
        start=(-4.5, 3.8),
        minima=(global_min(0.0, 0.0, value=0.0),),
        formula="f(x, y) = 20 + x² − 10·cos(2πx) + y² − 10·cos(2πy)",
        description=(
            "A bowl covered in an egg-box of local minima, one near every integer point. "
            "Gradient descent stops in the first dimple; only the one at the origin is global."
        ),
        lr=0.002,
    ),
    fixed_entry(
        "ackley",
        "Ackley",
        ackley,
        view=((-5.0, 5.0), (-5.0, 5.0)),
        start=(-3.5, 3.2),
        minima=(global_min(0.0, 0.0, value=0.0),),
        formula="f(x, y) = −20·exp(−0.2·√(½(x² + y²))) − exp(½(cos 2πx + cos 2πy)) + e + 20",
        description=(
            "A nearly flat, bumpy plain with one deep funnel at the origin. Far from the centre "
            "the gradient mostly points into the nearest bump."
        ),
        lr=0.05,
    ),
    fixed_entry(
        "goldstein-price",
        "Goldstein–Price",
        goldstein_price,
        view=((-2.0, 2.0), (-3.0, 1.0)),
        start=(-1.5, 0.5),
        minima=(
            global_min(0.0, -1.0, value=3.0),
            local_min(-0.6, -0.4, value=30.0),
            local_min(1.8, 0.2, value=84.0),
            local_min(1.2, 0.8, value=840.0),
        ),
        formula="f(x, y) = [1 + (x + y + 1)²(19 − 14x + 3x² − 14y + 6xy + 3y²)]·"
        "[30 + (2x − 3y)²(18 − 32x + 12x² + 48y − 36xy + 27y²)]",
        description=(
            "Values span six orders of magnitude, so a step size that is safe on the walls "
            "barely moves on the valley floor. Global minimum 3 at (0, −1)."
        ),
        lr=2e-5,
    ),
    fixed_entry(
        "styblinski-tang",
        "Styblinski–Tang",
        styblinski_tang,
        view=((-5.0, 5.0), (-5.0, 5.0)),
        start=(4.5, 4.5),
        minima=tuple(_st_min(a, b) for a in (_ST_LO, _ST_HI) for b in (_ST_LO, _ST_HI)),
        formula="f(x, y) = ½·(x⁴ − 16x² + 5x + y⁴ − 16y² + 5y)",
        description=(
            "Four hollows of different depths; the deepest is near (−2.9035, −2.9035). "
            "From the default start gradient descent finds the shallowest."
        ),
        lr=0.01,
    ),
)
