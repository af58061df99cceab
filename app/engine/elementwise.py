"""Elementwise primitives. Each line pairs a NumPy forward with its vector-Jacobian products.

VJPs are written with the engine's own ops, so the same code differentiates again when the
backward pass is recorded (second derivatives for free).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from app.engine.primitives import _NUMBERS, binary, unary
from app.engine.tensor import (
    AT_ONES,
    LINEAR_VJPS,
    REPLAYS,
    ShapeError,
    Tensor,
    as_tensor,
    node,
    value_of,
)

# --- arithmetic -------------------------------------------------------------------------------

# With a plain number c on one side, ctx holds c (number on the right) or ("by", c) (on the left).


def pass_through(g: Any, ans: Any, args: tuple, ctx: Any) -> Any:
    """d(a + b)/da and the like: g itself."""
    return g


def negated(g: Any, ans: Any, args: tuple, ctx: Any) -> Any:
    """d(a - b)/db and the like: -g."""
    return -g


def _times_number(g: Any, ans: Any, args: tuple, c: float) -> Any:
    return g * c


def _times_left_number(g: Any, ans: Any, args: tuple, ctx: tuple) -> Any:
    return g * ctx[1]


def _over_number(g: Any, ans: Any, args: tuple, c: float) -> Any:
    return g / c


LINEAR_VJPS.update({pass_through, negated, _times_number, _times_left_number, _over_number})

add = binary("add", np.add, pass_through, pass_through, pass_through, pass_through)
subtract = binary("subtract", np.subtract, pass_through, negated, pass_through, negated)
multiply = binary(
    "multiply",
    np.multiply,
    lambda g, ans, args, ctx: g * args[1],
    lambda g, ans, args, ctx: g * args[0],
    _times_number,
    _times_left_number,
)
divide = binary(
    "divide",
    np.true_divide,
    lambda g, ans, args, ctx: g / args[1],
    lambda g, ans, args, ctx: -g * ans / args[1],
    _over_number,
    lambda g, ans, args, ctx: -g * ans / args[0],
)


def _positive_log(x: Any) -> Any:
    # d(a**b)/db = a**b·log(a); where a == 0 that term is 0, as in torch.
    safe = where(value_of(x) > 0, x, 1.0)
    return log(safe)


power_tensor = binary(
    "power",
    np.power,
    lambda g, ans, args, ctx: g * args[1] * args[0] ** (args[1] - 1.0),
    lambda g, ans, args, ctx: g * ans * _positive_log(args[0]),
)


def _power_const_vjp(g: Any, ans: Any, args: tuple, exponent: float) -> Any:
    if exponent == 2.0:
        return (args[0] + args[0]) * g
    if exponent == 1.0:
        return g
    if exponent == 0.0:
        return g * 0.0
    return g * (exponent * power(args[0], exponent - 1.0))


def _power_const_at_ones(ans: Any, args: tuple, exponent: float) -> Any:
    if exponent == 2.0:
        return args[0] + args[0]
    if exponent in (0.0, 1.0):
        return None
    return exponent * power(args[0], exponent - 1.0)


_POWER_CONST_VJPS = (_power_const_vjp,)
AT_ONES[_power_const_vjp] = _power_const_at_ones


def power(base: Any, exponent: Any) -> Any:
    """base ** exponent; a plain-number exponent is kept out of the graph."""
    if type(exponent) in _NUMBERS:
        exponent = float(exponent)
        if type(base) is not Tensor:
            return np.power(np.asarray(base, dtype=np.float64), exponent)
        value = base.value * base.value if exponent == 2.0 else np.power(base.value, exponent)
        return node(value, "power", (base,), _POWER_CONST_VJPS, exponent)
    return power_tensor(base, exponent)


def _replay_power(traced: Tensor) -> Any:
    if len(traced.parents) == 2:
        return np.power
    exponent = traced.ctx
    if exponent == 2.0:
        return lambda a: a * a
    return lambda a: np.power(a, exponent)


REPLAYS["power"] = _replay_power

negative = unary("negative", np.negative, negated)

# --- transcendental ---------------------------------------------------------------------------

exp = unary("exp", np.exp, lambda g, ans, args, ctx: g * ans)
log = unary("log", np.log, lambda g, ans, args, ctx: g / args[0])
log1p = unary("log1p", np.log1p, lambda g, ans, args, ctx: g / (args[0] + 1.0))
sqrt = unary("sqrt", np.sqrt, lambda g, ans, args, ctx: g * 0.5 / ans)
sin = unary("sin", np.sin, lambda g, ans, args, ctx: g * cos(args[0]))
cos = unary("cos", np.cos, lambda g, ans, args, ctx: -g * sin(args[0]))
tan = unary("tan", np.tan, lambda g, ans, args, ctx: g * (ans * ans + 1.0))
tanh = unary("tanh", np.tanh, lambda g, ans, args, ctx: g * (1.0 - ans * ans))
sinh = unary("sinh", np.sinh, lambda g, ans, args, ctx: g * cosh(args[0]))
cosh = unary("cosh", np.cosh, lambda g, ans, args, ctx: g * sinh(args[0]))

# --- piecewise --------------------------------------------------------------------------------

sign = unary("sign", np.sign, lambda g, ans, args, ctx: g * 0.0)
abs = unary("abs", np.abs, lambda g, ans, args, ctx: g * sign(args[0]))


def _sigmoid_forward(x: Any) -> np.ndarray:
    # Split by sign so neither branch overflows and tiny tails keep full precision.
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _softplus_forward(x: Any) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return np.log1p(np.exp(-np.abs(x))) + np.maximum(x, 0.0)


sigmoid = unary("sigmoid", _sigmoid_forward, lambda g, ans, args, ctx: g * (ans * (1.0 - ans)))
softplus = unary("softplus", _softplus_forward, lambda g, ans, args, ctx: g * sigmoid(args[0]))
relu = unary(
    "relu", lambda x: np.maximum(x, 0.0), lambda g, ans, args, ctx: g * (value_of(args[0]) > 0)
)


def _pick_larger(a: Any, b: Any, g: Any) -> Any:
    # As torch: the larger input gets the gradient, a tie splits it evenly.
    a, b = value_of(a), value_of(b)
    return g * ((a > b) + 0.5 * (a == b))


maximum = binary(
    "maximum",
    np.maximum,
    lambda g, ans, args, ctx: _pick_larger(args[0], args[1], g),
    lambda g, ans, args, ctx: _pick_larger(args[1], args[0], g),
)
minimum = binary(
    "minimum",
    np.minimum,
    lambda g, ans, args, ctx: _pick_larger(args[1], args[0], g),
    lambda g, ans, args, ctx: _pick_larger(args[0], args[1], g),
)


def where(condition: Any, a: Any, b: Any) -> Any:
    """Pick a where condition holds, else b; the condition itself is not differentiated."""
    condition = np.asarray(value_of(condition), dtype=bool)
    if type(a) is not Tensor and type(b) is not Tensor:
        return np.where(condition, a, b)
    a, b = as_tensor(a), as_tensor(b)
    try:
        value = np.where(condition, a.value, b.value)
    except ValueError:
        shapes = f"{condition.shape}, {a.shape} and {b.shape}"
        raise ShapeError(f"where: incompatible shapes {shapes}") from None
    return node(value, "where", (a, b), _WHERE_VJPS, condition)


_WHERE_VJPS = (
    lambda g, ans, args, condition: where(condition, g, 0.0),
    lambda g, ans, args, condition: where(condition, 0.0, g),
)


def clip(x: Any, low: Any, high: Any) -> Any:
    """Clamp x to [low, high]; the gradient passes where x lies inside, bounds included."""
    low, high = value_of(low), value_of(high)
    if type(x) is not Tensor:
        return np.clip(x, low, high)
    inside = (x.value >= low) & (x.value <= high)
    return node(np.clip(x.value, low, high), "clip", (x,), _CLIP_VJPS, inside)


_CLIP_VJPS = (lambda g, ans, args, inside: where(inside, g, 0.0),)
