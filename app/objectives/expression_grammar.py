"""The grammar a typed objective may use, as tables of Python's ast node types: the operators
allowed and their symbols, those refused with why, and how every other construct is named in an
error."""

from __future__ import annotations

import ast

BINARY_OPS: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Pow: "**",
}
REJECTED_OPS: dict[type[ast.AST], tuple[str, str]] = {
    ast.FloorDiv: ("//", " (floor division)"),
    ast.Mod: ("%", " (modulo)"),
    ast.MatMult: ("@", " (matrix multiplication)"),
    ast.LShift: ("<<", ""),
    ast.RShift: (">>", ""),
    ast.BitOr: ("|", ""),
    ast.BitAnd: ("&", ""),
    ast.BitXor: ("^", ""),  # unreachable: '^' is rewritten to '**'
    ast.Not: ("not", ""),
    ast.Invert: ("~", ""),
}
# Left-nested chains of one precedence group (a+b-c+d, a*b/c) do not add nesting depth.
GROUP = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2}
DESCRIPTIONS: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access",
    ast.Subscript: "indexing",
    ast.Lambda: "lambda",
    ast.Compare: "comparison",
    ast.BoolOp: "'and'/'or'",
    ast.IfExp: "conditional expression",
    ast.NamedExpr: "assignment (:=)",
    ast.Starred: "starred expression",
    ast.List: "list",
    ast.Tuple: "tuple (comma)",
    ast.Set: "set",
    ast.Dict: "dict",
    ast.ListComp: "comprehension",
    ast.SetComp: "comprehension",
    ast.DictComp: "comprehension",
    ast.GeneratorExp: "generator expression",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.Await: "await",
    ast.JoinedStr: "f-string",
    ast.Slice: "slice",
}
