"""Immutable expression tree produced by :mod:`app.objectives.expression`, and its evaluator.

Values during evaluation are either *scalars* (``np.float64``, from constant sub-expressions)
or *per-point* values (engine ``Tensor`` or plain ``ndarray`` of shape (N,)). Scalar-only work
is done in NumPy float64 (so ``9^9^9^9`` overflows to inf instead of building a huge Python
int); anything touching a per-point value goes through the engine's functions and operators,
so gradients flow. Callers wrap evaluation in ``np.errstate(all="ignore")``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

import app.engine as E

FUNCTION_NAMES = (
    "abs",
    "cos",
    "exp",
    "log",
    "sigmoid",
    "sin",
    "softplus",
    "sqrt",
    "tan",
    "tanh",
)


@dataclass(frozen=True, slots=True)
class Const:
    value: np.float64


@dataclass(frozen=True, slots=True)
class Var:
    name: str  # "x" or "y"


@dataclass(frozen=True, slots=True)
class Neg:
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary:
    op: str  # one of + - * / **
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Call:
    func: str  # one of FUNCTION_NAMES
    arg: Node


Node = Const | Var | Neg | Binary | Call

_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": operator.pow,
}


def _np_sigmoid(v: Any) -> Any:
    return np.exp(-np.logaddexp(0.0, -v))


def _np_softplus(v: Any) -> Any:
    return np.logaddexp(0.0, v)


# Used for constant sub-expressions, whose values are plain NumPy scalars.
NUMPY_FUNCTIONS: dict[str, Callable[[Any], Any]] = {
    "abs": np.abs,
    "cos": np.cos,
    "exp": np.exp,
    "log": np.log,
    "sigmoid": _np_sigmoid,
    "sin": np.sin,
    "softplus": _np_softplus,
    "sqrt": np.sqrt,
    "tan": np.tan,
    "tanh": np.tanh,
}


ENGINE_FUNCTIONS: Mapping[str, Callable[[Any], Any]] = {
    "abs": E.abs,
    "cos": E.cos,
    "exp": E.exp,
    "log": E.log,
    "sigmoid": E.sigmoid,
    "sin": E.sin,
    "softplus": E.softplus,
    "sqrt": E.sqrt,
    "tan": E.tan,
    "tanh": E.tanh,
}


def engine_functions() -> Mapping[str, Callable[[Any], Any]]:
    """The engine's differentiable functions, by the names expressions call them."""
    return ENGINE_FUNCTIONS


def _is_scalar(value: Any) -> bool:
    return isinstance(value, np.float64)


def evaluate_node(node: Node, x: Any, y: Any, functions: Mapping[str, Callable[[Any], Any]]) -> Any:
    """Evaluate ``node``; returns ``np.float64`` if the subtree is constant."""
    if isinstance(node, Const):
        return node.value
    if isinstance(node, Var):
        return x if node.name == "x" else y
    if isinstance(node, Neg):
        return -evaluate_node(node.operand, x, y, functions)
    if isinstance(node, Binary):
        a = evaluate_node(node.left, x, y, functions)
        b = evaluate_node(node.right, x, y, functions)
        op = _OPERATORS[node.op]
        if _is_scalar(a) and _is_scalar(b):
            return np.float64(op(a, b))
        # Engine Tensors are specified to mix with Python floats, not NumPy scalars.
        if _is_scalar(a):
            a = float(a)
        if _is_scalar(b):
            b = float(b)
        return op(a, b)
    if isinstance(node, Call):
        a = evaluate_node(node.arg, x, y, functions)
        if _is_scalar(a):
            return np.float64(NUMPY_FUNCTIONS[node.func](a))
        return functions[node.func](a)
    raise TypeError(f"unknown expression node {node!r}")  # pragma: no cover
