"""Safe parser for user-typed objectives such as ``(1-x)^2 + 100*(y-x^2)^2``.

The text is checked (length, characters, bracket depth) before ``ast.parse``; the resulting
tree is then walked against an allowlist of node types and compiled into the small immutable
tree of :mod:`app.objectives.expression_nodes`. Nothing is ever passed to eval/exec/compile.
Every rejection is a :class:`ParseError` that names the offending part and its 1-based column.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from app.objectives.expression_grammar import BINARY_OPS, DESCRIPTIONS, GROUP, REJECTED_OPS
from app.objectives.expression_nodes import (
    FUNCTION_NAMES,
    Binary,
    Call,
    Const,
    Neg,
    Node,
    Var,
    engine_functions,
    evaluate_node,
)

__all__ = [
    "FUNCTION_NAMES",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "MAX_NODES",
    "Expression",
    "ParseError",
    "parse_expression",
]

MAX_LENGTH = 500
MAX_DEPTH = 32
MAX_NODES = 200

_ALLOWED_FUNCTIONS = ", ".join(FUNCTION_NAMES)
_CONSTANTS = {"pi": np.float64(np.pi), "e": np.float64(np.e)}


class ParseError(ValueError):
    """A rejected expression. ``column`` is 1-based (or None); ``snippet`` is the bad part."""

    def __init__(self, message: str, column: int | None = None, snippet: str | None = None):
        super().__init__(message)
        self.message = message
        self.column = column
        self.snippet = snippet


@dataclass(frozen=True)
class Expression:
    text: str
    dim: int
    _tree: Node = field(repr=False, compare=False)

    def evaluate(self, x: Any, y: Any = None) -> Any:
        """Per-point values, shape (N,), for x, y of shape (N,) (engine Tensors or ndarrays)."""
        if self.dim == 2 and y is None:
            raise ValueError(f"expression {self.text!r} uses y, so evaluate() needs y")
        functions = engine_functions()
        with np.errstate(all="ignore"):
            out = evaluate_node(self._tree, x, y, functions)
            if isinstance(out, np.float64):  # constant expression: one value per point
                out = x * 0.0 + float(out)
        return out


def parse_expression(text: str) -> Expression:
    """Validate and compile ``text``; raises :class:`ParseError` (and nothing else) if invalid."""
    try:
        return _parse(text)
    except ParseError:
        raise
    except Exception as exc:  # defensive: the contract is that only ParseError escapes
        raise ParseError(f"could not parse expression ({type(exc).__name__})") from exc


def _parse(text: str) -> Expression:
    if not isinstance(text, str):
        raise ParseError(f"expression must be a string, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:  # first, before touching the characters
        raise ParseError(f"expression is too long: {len(text)} characters, at most {MAX_LENGTH}")
    for i, ch in enumerate(text):
        code = ord(ch)
        if code > 127:
            raise ParseError(
                f"non-ASCII character {ch!r} (U+{code:04X}) at column {i + 1}: "
                "only plain ASCII letters, digits and operators are allowed",
                i + 1,
                ch,
            )
        if code < 32 or code == 127:
            raise ParseError(
                f"control character U+{code:04X} at column {i + 1} is not allowed",
                i + 1,
                ch,
            )
    if not text.strip():
        raise ParseError("expression is empty")
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
            if depth > MAX_DEPTH:
                raise ParseError(
                    f"brackets nest too deeply at column {i + 1}: at most {MAX_DEPTH} levels",
                    i + 1,
                    ch,
                )
        elif ch in ")]}":
            depth -= 1

    # Source for ast.parse: leading spaces dropped (they would be an IndentationError) and
    # '^' spelled '**'. colmap[i] is the index in `text` of source character i.
    start = len(text) - len(text.lstrip(" "))
    chars: list[str] = []
    colmap: list[int] = []
    for i in range(start, len(text)):
        if text[i] == "^":
            chars += "**"
            colmap += (i, i)
        else:
            chars.append(text[i])
            colmap.append(i)
    colmap.append(len(text))  # end of input
    source = "".join(chars)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        # offset is 1-based; 0/None means the input ended too early ("x +").
        offset = exc.offset if exc.lineno == 1 and exc.offset else len(source) + 1
        pos = colmap[min(offset - 1, len(colmap) - 1)]
        near = text[pos : pos + 12].rstrip()
        where = f"near {near!r}" if near else "(end of input)"
        raise ParseError(f"{exc.msg} at column {pos + 1} {where}", pos + 1, near) from None
    except (RecursionError, MemoryError, ValueError, OverflowError) as exc:
        raise ParseError(f"expression is too complex to parse ({type(exc).__name__})") from None
    compiler = _Compiler(text, source, colmap)
    root = compiler.build(tree.body, 0)
    return Expression(text=text, dim=2 if compiler.uses_y else 1, _tree=root)


class _Compiler:
    """Walks the ast against the allowlist, building expression_nodes."""

    def __init__(self, text: str, source: str, colmap: list[int]):
        self.text = text
        self.source = source
        self.colmap = colmap
        self.nodes = 0
        self.uses_y = False

    def _span(self, node: ast.AST) -> tuple[int, str]:
        start = self.colmap[node.col_offset]  # type: ignore[attr-defined]
        end = self.colmap[max(node.end_col_offset - 1, node.col_offset)] + 1  # type: ignore[attr-defined]
        snippet = self.text[start:end]
        if len(snippet) > 40:
            snippet = snippet[:37] + "..."
        return start + 1, snippet

    def _error(self, node: ast.AST, what: str, hint: str = "") -> ParseError:
        column, snippet = self._span(node)
        message = f"{what} at column {column}" + (f": {hint}" if hint else "")
        return ParseError(message, column, snippet)

    def build(self, node: ast.AST, level: int) -> Node:
        """``level`` counts the operations/calls enclosing ``node``."""
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self._error(node, "expression is too large", f"at most {MAX_NODES} nodes")
        if isinstance(node, ast.Constant):
            return self._constant(node)
        if isinstance(node, ast.Name):
            return self._name(node)
        level += 1
        if level > MAX_DEPTH:
            raise self._error(node, "expression nests too deeply", f"at most {MAX_DEPTH} levels")
        if isinstance(node, ast.BinOp):
            op = BINARY_OPS.get(type(node.op))
            if op is None:
                raise self._operator_error(node)
            same_group = isinstance(node.left, ast.BinOp) and GROUP.get(
                type(node.left.op), 0
            ) == GROUP.get(type(node.op), -1)
            left = self.build(node.left, level - 1 if same_group else level)
            return Binary(op, left, self.build(node.right, level))
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                return Neg(self.build(node.operand, level))
            if isinstance(node.op, ast.UAdd):
                return self.build(node.operand, level)
            symbol, name = REJECTED_OPS[type(node.op)]
            raise self._error(node, f"operator '{symbol}'{name} is not allowed")
        if isinstance(node, ast.Call):
            return self._call(node, level)
        what = DESCRIPTIONS.get(type(node), type(node).__name__)
        _, snippet = self._span(node)
        raise self._error(node, f"{what} {snippet!r} is not allowed")

    def _constant(self, node: ast.Constant) -> Node:
        value = node.value
        if type(value) is int:
            try:
                return Const(np.float64(float(value)))
            except OverflowError:
                return Const(np.float64(np.inf))
        if type(value) is float:
            return Const(np.float64(value))
        kind = {complex: "complex number", str: "string", bytes: "string"}.get(
            type(value), "constant"
        )
        _, snippet = self._span(node)
        raise self._error(node, f"{kind} {snippet!r} is not allowed", "only real numbers")

    def _name(self, node: ast.Name) -> Node:
        name = node.id
        if name in ("x", "y"):
            self.uses_y = self.uses_y or name == "y"
            return Var(name)
        if name in _CONSTANTS:
            return Const(_CONSTANTS[name])
        if name in FUNCTION_NAMES:
            raise self._error(node, f"function '{name}' must be called", f"write e.g. {name}(x)")
        raise self._error(node, f"unknown name {name!r}", "only x, y, pi and e are allowed")

    def _call(self, node: ast.Call, level: int) -> Node:
        func = node.func
        if not isinstance(func, ast.Name):
            _, snippet = self._span(func)
            raise self._error(
                func,
                f"{snippet!r} cannot be called",
                f"only {_ALLOWED_FUNCTIONS} can; use * to multiply",
            )
        if func.id not in FUNCTION_NAMES:
            column, snippet = self._span(func)
            raise ParseError(
                f"{func.id!r} is not an allowed function at column {column}; "
                f"allowed: {_ALLOWED_FUNCTIONS}",
                column,
                snippet,
            )
        if node.keywords:
            raise self._error(node.keywords[0], f"keyword argument in {func.id}() is not allowed")
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise self._error(arg, f"starred argument in {func.id}() is not allowed")
        if len(node.args) != 1:
            raise self._error(
                node,
                f"{func.id}() takes exactly one argument, got {len(node.args)}",
            )
        return Call(func.id, self.build(node.args[0], level))

    def _operator_error(self, node: ast.BinOp) -> ParseError:
        # Point at the operator itself: the first character after the left operand that is
        # neither a space nor a closing bracket.
        i = node.left.end_col_offset  # type: ignore[assignment]
        while i < node.right.col_offset and self.source[i] in " )":
            i += 1
        column = self.colmap[i] + 1
        symbol, name = REJECTED_OPS.get(type(node.op), (type(node.op).__name__, ""))
        return ParseError(
            f"operator '{symbol}'{name} is not allowed at column {column}: use +, -, *, / and ^",
            column,
            symbol,
        )
