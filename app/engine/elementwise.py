"""Elementwise primitives. Each line pairs a NumPy forward with its vector-Jacobian products.

VJPs are written with the engine's own ops, so the same code differentiates again when the
backward pass is recorded (second derivatives for free), and so the compiled replay can replay
the backward pass too. A VJP that needs a mask of the data asks a mask primitive for it, never
the raw values, so a replay recomputes the mask from each call's data.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from app.engine.primitives import NUMBERS, binary, unary
from app.engine.tensor import ShapeError, Tensor, as_tensor, define, node, node1, value_of

# --- masks: no gradient flows through them, but they follow the data --------------------------

_POSITIVE_MASK = define("positive_mask", (), lambda ctx: _is_positive, into=True)
_LARGER_SHARE = define("larger_share", (), lambda ctx: _larger_share)


def _is_positive(x: Any, out: Any = None) -> Any:
    return np.greater(x, 0.0, out)


def _larger_share(a: Any, b: Any) -> Any:
    # As torch: the larger input gets the gradient, a tie splits it evenly.
    return np.greater(a, b) + 0.5 * np.equal(a, b)


def _mask(value: Any, record: Any, parents: tuple[Tensor, ...]) -> Tensor:
    out = node(value, record, parents)
    out.needs_grad = False  # a step function: its derivative is zero wherever it exists
    return out


def positive_mask(x: Any) -> Any:
    """x > 0 as booleans."""
    if type(x) is not Tensor:
        return _is_positive(x)
    return _mask(_is_positive(x.value), _POSITIVE_MASK, (x,))


def larger_share(a: Any, b: Any) -> Any:
    """1 where a > b, 0.5 where a == b, else 0: a's share of the gradient of maximum(a, b)."""
    if type(a) is not Tensor and type(b) is not Tensor:
        return _larger_share(a, b)
    a, b = as_tensor(a), as_tensor(b)
    return _mask(_larger_share(a.value, b.value), _LARGER_SHARE, (a, b))


# --- arithmetic -------------------------------------------------------------------------------


def pass_through(g: Any, ans: Any, args: tuple, ctx: Any) -> Any:
    """d(a + b)/da and the like: g itself."""
    return g


def negated(g: Any, ans: Any, args: tuple, ctx: Any) -> Any:
    """d(a - b)/db and the like: -g."""
    return -g


def scaled(g: Any, ans: Any, args: tuple, c: float) -> Any:
    """d(x * c)/dx and d(c * x)/dx, c the node's number: g * c."""
    return g * c


add = binary("add", np.add, pass_through, pass_through, pass_through, pass_through)
subtract = binary("subtract", np.subtract, pass_through, negated, pass_through, negated)
multiply = binary(
    "multiply",
    np.multiply,
    lambda g, ans, args, ctx: g * args[1],
    lambda g, ans, args, ctx: g * args[0],
    scaled,
    scaled,
    unit=1.0,
)
divide = binary(
    "divide",
    np.true_divide,
    lambda g, ans, args, ctx: g / args[1],
    lambda g, ans, args, ctx: -g * ans / args[1],
    lambda g, ans, args, c: g / c,
    lambda g, ans, args, ctx: -g * ans / args[0],
)
negative = unary("negative", np.negative, negated)


def _positive_or_one(x: Any) -> Any:
    return np.where(np.greater(x, 0.0), x, 1.0)


_POSITIVE_OR_ONE = define(
    "positive_or_one",
    (lambda g, ans, args, ctx: g * positive_mask(args[0]),),
    lambda ctx: _positive_or_one,
)


def positive_or_one(x: Any) -> Any:
    """x where x > 0, else 1: the base whose log is safe to take."""
    if type(x) is not Tensor:
        return _positive_or_one(x)
    return node1(_positive_or_one(x.value), _POSITIVE_OR_ONE, x)


power_tensor = binary(
    "power",
    np.power,
    lambda g, ans, args, ctx: g * args[1] * args[0] ** (args[1] - 1.0),
    # d(a**b)/db = a**b·log(a); where a <= 0 that term is 0, as in torch.
    lambda g, ans, args, ctx: g * ans * log(positive_or_one(args[0])),
)


def _power_by_number(x: Any, exponent: float) -> Any:
    # x * x is what np.power computes for a square, without its dispatch.
    return x * x if exponent == 2.0 else np.power(x, exponent)


def _power_by_number_vjp(g: Any, ans: Any, args: tuple, exponent: float) -> Any:
    if exponent == 2.0:
        return (args[0] + args[0]) * g
    if exponent == 1.0:
        return g
    if exponent == 0.0:
        return g * 0.0
    return g * (exponent * power(args[0], exponent - 1.0))


def _replay_power_by_number(exponent: float) -> Any:
    if exponent == 2.0:
        return lambda x, out=None: np.multiply(x, x, out)
    return lambda x, out=None: np.power(x, exponent, out)


_POWER_BY_NUMBER = define(
    "power", (_power_by_number_vjp,), _replay_power_by_number, into=True, form="x op c"
)


def power(base: Any, exponent: Any) -> Any:
    """base ** exponent; a plain-number exponent is kept out of the graph."""
    if type(exponent) not in NUMBERS:
        return power_tensor(base, exponent)
    if type(base) is not Tensor:
        return _power_by_number(np.asarray(base, dtype=np.float64), float(exponent))
    x = base.value
    if exponent == 2:  # the commonest power, computed as _power_by_number does
        return node1(x * x, _POWER_BY_NUMBER, base, 2.0)
    exponent = float(exponent)
    return node1(np.power(x, exponent), _POWER_BY_NUMBER, base, exponent)


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
    "relu", lambda x: np.maximum(x, 0.0), lambda g, ans, args, ctx: g * positive_mask(args[0])
)
maximum = binary(
    "maximum",
    np.maximum,
    lambda g, ans, args, ctx: g * larger_share(args[0], args[1]),
    lambda g, ans, args, ctx: g * larger_share(args[1], args[0]),
    into=False,  # NumPy wants maximum's out as a keyword
)
minimum = binary(
    "minimum",
    np.minimum,
    lambda g, ans, args, ctx: g * larger_share(args[1], args[0]),
    lambda g, ans, args, ctx: g * larger_share(args[0], args[1]),
    into=False,
)

# --- selections whose context holds data: never replayed ----------------------------------------

_WHERE = define(
    "where",
    (
        lambda g, ans, args, condition: where(condition, g, 0.0),
        lambda g, ans, args, condition: where(condition, 0.0, g),
    ),
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
    return node(value, _WHERE, (a, b), condition)


_CLIP = define("clip", (lambda g, ans, args, inside: where(inside, g, 0.0),))


def clip(x: Any, low: Any, high: Any) -> Any:
    """Clamp x to [low, high]; the gradient passes where x lies inside, bounds included."""
    low, high = value_of(low), value_of(high)
    if type(x) is not Tensor:
        return np.clip(x, low, high)
    inside = (x.value >= low) & (x.value <= high)
    return node(np.clip(x.value, low, high), _CLIP, (x,), inside)
