"""Tests for the safe custom-expression parser (app/objectives/expression.py)."""

from __future__ import annotations

import ast
import pathlib
import time
import warnings

import numpy as np
import pytest

from app.objectives.expression import (
    FUNCTION_NAMES,
    MAX_DEPTH,
    MAX_LENGTH,
    MAX_NODES,
    Expression,
    ParseError,
    parse_expression,
)

RNG = np.random.default_rng(0)
X = RNG.uniform(-2.0, 2.0, size=64)
Y = RNG.uniform(-2.0, 2.0, size=64)
POS = RNG.uniform(0.1, 3.0, size=64)  # for log/sqrt
with np.errstate(all="ignore"):
    X_POW_Y = X**Y  # nan where x < 0


def ev(text: str, x=X, y=Y) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # evaluation must not leak numpy warnings
        return np.asarray(parse_expression(text).evaluate(x, y))


def rejection(text: str) -> ParseError:
    with pytest.raises(ParseError) as info:
        parse_expression(text)
    return info.value


# --------------------------------------------------------------------------- valid input


def test_rosenbrock_matches_closed_form():
    expr = parse_expression("(1-x)^2 + 100*(y-x^2)^2")
    assert isinstance(expr, Expression)
    assert expr.text == "(1-x)^2 + 100*(y-x^2)^2"
    assert expr.dim == 2
    np.testing.assert_allclose(ev(expr.text), (1 - X) ** 2 + 100 * (Y - X**2) ** 2, rtol=1e-12)


def test_double_star_is_power_too():
    np.testing.assert_allclose(ev("(1-x)**2 + 100*(y-x**2)**2"), ev("(1-x)^2 + 100*(y-x^2)^2"))


def test_dim():
    assert parse_expression("x^2").dim == 1
    assert parse_expression("3").dim == 1
    assert parse_expression("y").dim == 2
    assert parse_expression("x + 0*y").dim == 2
    np.testing.assert_allclose(parse_expression("x^2").evaluate(X), X**2)


def test_dim_2_needs_y():
    with pytest.raises(ValueError, match="uses y"):
        parse_expression("x*y").evaluate(X)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-x^2", -(X**2)),
        ("-x**2", -(X**2)),
        ("(-x)^2", X**2),
        ("--x", X),
        ("+x", X),
        ("2^-1", np.full_like(X, 0.5)),
        ("2^3^2", np.full_like(X, 512.0)),  # right-associative like Python
        ("x - y - 1", X - Y - 1),
        ("x / y / 2", X / Y / 2),
        ("1 + 2*x^2/4", 1 + 2 * X**2 / 4),
        ("x^y", X_POW_Y),
        ("2^x", 2.0**X),
        ("pi", np.full_like(X, np.pi)),
        ("e", np.full_like(X, np.e)),
        ("pi*x + e*y", np.pi * X + np.e * Y),
        ("1e3 * x", 1000.0 * X),
        ("1_000 + .5", np.full_like(X, 1000.5)),
        ("  x + 1  ", X + 1),
    ],
)
def test_operators_and_precedence(text, expected):
    np.testing.assert_allclose(ev(text), expected, rtol=1e-12)


def _sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


@pytest.mark.parametrize(
    ("func", "reference", "arg"),
    [
        ("sin", np.sin, X),
        ("cos", np.cos, X),
        ("tan", np.tan, X),
        ("exp", np.exp, X),
        ("log", np.log, POS),
        ("sqrt", np.sqrt, POS),
        ("abs", np.abs, X),
        ("tanh", np.tanh, X),
        ("sigmoid", _sigmoid, X),
        ("softplus", lambda v: np.log1p(np.exp(v)), X),
    ],
)
def test_every_allowed_function(func, reference, arg):
    np.testing.assert_allclose(ev(f"{func}(x)", x=arg), reference(arg), rtol=1e-12)
    # constant argument goes through the scalar path
    np.testing.assert_allclose(ev(f"{func}(0.5)"), np.full_like(X, reference(np.float64(0.5))))


def test_function_list_is_exactly_the_allowlist():
    assert set(FUNCTION_NAMES) == {
        "sin",
        "cos",
        "tan",
        "exp",
        "log",
        "sqrt",
        "abs",
        "tanh",
        "sigmoid",
        "softplus",
    }


def test_constant_expression_broadcasts():
    out = ev("3")
    assert out.shape == X.shape
    assert np.all(out == 3.0)
    assert ev("sin(pi/2) + 1").tolist() == [2.0] * X.size


@pytest.mark.parametrize("text", ["9^9^9^9", "9**9**9**9", "2^x^9^9^9"])
def test_power_tower_is_inf_quickly(text):
    start = time.perf_counter()
    out = ev(text, x=np.full(4, 2.0))
    assert time.perf_counter() - start < 0.5
    assert np.all(np.isposinf(out))
    assert np.all(np.isneginf(ev("-" + text, x=np.full(4, 2.0))))


def test_huge_literals_are_float64_inf():
    assert np.all(np.isposinf(ev("1" + "0" * 400)))
    assert np.all(np.isposinf(ev("1e400")))
    assert ev("7").dtype == np.float64
    assert ev("2^62 + 1")[0] == 2.0**62  # float64 arithmetic, not Python int arithmetic


def test_domain_errors_are_not_parse_errors():
    x = np.array([0.0, -1.0, 1.0])
    out = ev("1/x", x=x)
    assert np.isposinf(out[0])
    assert np.isnan(ev("log(x)", x=x)[1])
    assert np.isnan(ev("sqrt(x)", x=x)[1])
    assert np.isnan(ev("0/0", x=x)).all()
    assert np.isposinf(ev("1/0", x=x)).all()


def test_sigmoid_softplus_are_stable():
    big = np.array([-1000.0, 1000.0])
    np.testing.assert_allclose(ev("sigmoid(x)", x=big), [0.0, 1.0])
    np.testing.assert_allclose(ev("softplus(x)", x=big), [0.0, 1000.0])


def test_flat_sums_are_not_too_deep():
    # 100 terms: 199 nodes, a long left-nested chain that must not count as deep nesting
    text = "+".join(["x"] * 100)
    np.testing.assert_allclose(ev(text), 100 * X)
    text = "*".join(["x"] * 40)
    np.testing.assert_allclose(ev(text, x=np.full(3, 1.01)), np.full(3, 1.01**40))


def test_limits_are_inclusive():
    assert parse_expression("x" + " " * (MAX_LENGTH - 1)).dim == 1
    assert parse_expression("(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH).dim == 1
    nested = "sin(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH
    np.testing.assert_allclose(ev(nested), _nest_sin(X, MAX_DEPTH))
    assert parse_expression("-" * MAX_DEPTH + "x").dim == 1
    assert parse_expression("+".join(["x"] * ((MAX_NODES + 1) // 2))).dim == 1


def _nest_sin(v, n):
    for _ in range(n):
        v = np.sin(v)
    return v


# --------------------------------------------------------------------------- attack corpus

ATTACKS = {
    "dunder-class-on-tuple": "().__class__",
    "attribute": "x.__class__",
    "import": "__import__('os')",
    "lambda": "lambda: 1",
    "5000-parens": "(" * 5000 + "x" + ")" * 5000,
    "400-parens-under-length-limit": "(" * 200 + "x" + ")" * 200,
    "10MB": "x+" * 5_000_000,
    "fullwidth": "ｘ^2",
    "nul": "x\x00",
    "list": "[x]",
    "dict": "{}",
    "set": "{x}",
    "ifexp": "x if y else 1",
    "compare": "x < y",
    "string": "'a'",
    "bytes": "b'a'",
    "fstring": "f'{x}'",
    "subscript": "x[0]",
    "two-args": "sin(x, y)",
    "no-args": "sin()",
    "keyword": "sin(x=1)",
    "starred-arg": "sin(*x)",
    "unknown-function": "f(x)",
    "unknown-name": "z",
    "open": "open('f')",
    "complex": "1j",
    "bool": "True",
    "none": "None",
    "ellipsis": "...",
    "matmul": "x @ y",
    "floordiv": "x // y",
    "mod": "x % y",
    "shift": "x << y",
    "bitor": "x | y",
    "bitand": "x & y",
    "invert": "~x",
    "not": "not x",
    "and": "x and y",
    "starred": "*x",
    "33-sin": "sin(" * 33 + "x" + ")" * 33,
    "33-unary-minus": "-" * 33 + "x",
    "33-power-tower": "x^" * 33 + "x",
    "201-nodes": "+".join(["x"] * 101),
    "walrus": "(a:=1)",
    "semicolon": "x; y",
    "newline": "x\ny",
    "newline-in-parens": "(x\n+y)",
    "tab": "x\t+ y",
    "yield": "yield x",
    "paren-yield": "(yield x)",
    "await": "await x",
    "tuple": "x, y",
    "comprehension": "[x for x in y]",
    "generator": "sin(x for x in y)",
    "call-non-name": "(x)(y)",
    "implicit-mul": "2(x)",
    "bare-function": "sin",
    "call-variable": "x(1)",
    "method-call": "x.conjugate()",
    "builtins-via-name": "__builtins__",
    "empty": "",
    "spaces": "   ",
    "unclosed": "sin(x",
    "unmatched": "x)",
    "incomplete": "x +",
    "del": "\x7f",
    "bidi-override": "x\u202e+y",
    "nbsp": "x\u00a0+ y",
    "not-a-string": 12,  # type: ignore[dict-item]
}


@pytest.fixture(scope="module", autouse=True)
def _warm_up():
    for text in ("x.y", "sin(", "z"):
        with pytest.raises(ParseError):
            parse_expression(text)


@pytest.mark.parametrize("text", list(ATTACKS.values()), ids=list(ATTACKS))
def test_attack_is_rejected_fast(text):
    start = time.perf_counter()
    with pytest.raises(ParseError) as info:
        parse_expression(text)
    elapsed = time.perf_counter() - start
    assert elapsed < 0.010, f"rejection took {elapsed * 1000:.1f} ms"
    err = info.value
    assert isinstance(err, ValueError)
    assert err.message == str(err)
    assert err.column is None or 1 <= err.column <= MAX_LENGTH + 1
    if err.column is not None:
        assert f"column {err.column}" in err.message


# --------------------------------------------------------------------------- messages


@pytest.mark.parametrize(
    ("text", "column", "parts"),
    [
        ("x + z", 5, ["unknown name 'z'", "only x, y, pi and e"]),
        ("x^2 + z", 7, ["'z'"]),  # '^' -> '**' rewrite must not shift columns
        ("   x + z", 8, ["'z'"]),  # stripped leading spaces must not shift columns
        ("__import__('os')", 1, ["'__import__' is not an allowed function", "allowed: abs, cos"]),
        ("x + open('f')", 5, ["'open' is not an allowed function"]),
        ("1 + f(x)", 5, ["'f'"]),
        ("x.__class__", 1, ["attribute", "x.__class__"]),
        ("1 + ().__class__", 5, ["attribute", "().__class__"]),
        ("lambda: 1", 1, ["lambda"]),
        ("x[0]", 1, ["indexing", "x[0]"]),
        ("x < y", 1, ["comparison"]),
        ("x if y else 1", 1, ["conditional"]),
        ("2 * 'a'", 5, ["string", "'a'"]),
        ("x + 1j", 5, ["complex", "1j"]),
        ("True", 1, ["True"]),
        ("sin(x, y)", 1, ["sin() takes exactly one argument", "got 2"]),
        ("sin(x=1)", 5, ["keyword", "sin()"]),
        ("x @ y", 3, ["'@'"]),
        ("x // y", 3, ["'//'", "floor division"]),
        ("(x) % (y)", 5, ["'%'", "modulo"]),
        ("(a:=1)", 2, [":="]),
        ("ｘ^2", 1, ["non-ASCII", "'ｘ'", "U+FF58"]),
        ("x^2 + ｙ", 7, ["non-ASCII", "U+FF59"]),
        ("x\x00", 2, ["control character", "U+0000"]),
        ("x\ny", 2, ["control character", "U+000A"]),
        ("x; y", 2, ["invalid syntax", "';"]),
        ("sin(x", 4, ["never closed"]),
        ("x +", 4, ["end of input"]),
        ("sin", 1, ["'sin' must be called", "sin(x)"]),
        ("2(x)", 1, ["'2' cannot be called", "*"]),
        ("await x", 1, ["await"]),
        ("(" * 33 + "x" + ")" * 33, 33, ["nest too deeply", "32"]),
        ("-" * 33 + "x", 33, ["nests too deeply", "32"]),
        ("+".join(["x"] * 101), 201, ["too large", "200"]),
    ],
)
def test_messages_point_at_the_offending_part(text, column, parts):
    err = rejection(text)
    assert err.column == column, err.message
    assert f"column {column}" in err.message
    for part in parts:
        assert part in err.message, (part, err.message)


def test_snippets():
    assert rejection("x + z").snippet == "z"
    assert rejection("x + open('f')").snippet == "open"
    assert rejection("x // y").snippet == "//"
    assert rejection("ｘ").snippet == "ｘ"
    assert rejection("1 + x[0]").snippet == "x[0]"


def test_length_checked_first_and_empty_message():
    err = rejection("ｘ" * (MAX_LENGTH + 1))  # would otherwise be a character error
    assert "too long" in err.message
    assert str(MAX_LENGTH) in err.message
    assert rejection("").message == "expression is empty"
    assert rejection(" " * 10).message == "expression is empty"


@pytest.mark.filterwarnings("ignore::SyntaxWarning", "ignore::DeprecationWarning")
def test_fuzz_only_parse_error_escapes():
    alphabet = list("xyzpie0123456789.+-*/^()[]{},:;=<>!@%&|~'\"_ sincoqrtbahglfdm\t\n\\#$?`")
    rng = np.random.default_rng(1234)
    accepted = 0
    for _ in range(3000):
        text = "".join(rng.choice(alphabet, size=int(rng.integers(0, 40))))
        try:
            expr = parse_expression(text)
        except ParseError:
            continue
        accepted += 1
        out = np.asarray(expr.evaluate(X, Y))
        assert out.shape == X.shape, text
    assert accepted > 0


@pytest.mark.parametrize("text", ["1if x else y", "'\\+'", "0x1for"])
def test_parser_warnings_as_errors_still_give_parse_error(text):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ParseError):
            parse_expression(text)


def test_module_never_calls_eval_exec_or_compile():
    root = pathlib.Path(__file__).resolve().parents[2] / "app" / "objectives"
    files = [root / "expression.py", *sorted(root.glob("expression_*.py"))]
    forbidden = {"eval", "exec", "compile", "__import__", "sympy", "numexpr"}
    for path in files:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                assert node.id not in forbidden, (path.name, node.id)
            if isinstance(node, ast.Attribute):
                assert node.attr not in forbidden, (path.name, node.attr)
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = {a.name.split(".")[0] for a in node.names}
                names.add((getattr(node, "module", None) or "").split(".")[0])
                assert not names & forbidden, (path.name, names)


# --------------------------------------------------------------------------- with the engine


def _engine():
    engine = pytest.importorskip("app.engine")
    if not hasattr(engine, "Tensor") or not hasattr(engine, "grad"):
        pytest.skip("app.engine not finished yet")
    return engine


def test_evaluate_with_tensors_gives_gradients():
    engine = _engine()
    expr = parse_expression("(1-x)^2 + 100*(y-x^2)^2")
    pts = np.stack([X[:8], Y[:8]], axis=1)

    def total(p):
        return expr.evaluate(p[:, 0], p[:, 1]).sum()

    g = np.asarray(engine.grad(total)(pts))
    x, y = pts[:, 0], pts[:, 1]
    expected = np.stack([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)], axis=1)
    np.testing.assert_allclose(g, expected, rtol=1e-10)


def test_tensor_values_match_ndarray_values_for_every_function():
    engine = _engine()
    for func in FUNCTION_NAMES:
        text = f"{func}(x) * 2 - 1/(1 + y^2) + pi"
        expr = parse_expression(text)
        out = expr.evaluate(engine.Tensor(POS), engine.Tensor(Y))
        assert isinstance(out, engine.Tensor), text
        np.testing.assert_allclose(out.value, expr.evaluate(POS, Y), rtol=1e-12, err_msg=text)


def test_constant_expression_with_tensor_has_zero_gradient():
    engine = _engine()
    expr = parse_expression("3 + pi")
    g = engine.grad(lambda v: expr.evaluate(v).sum())(X[:5])
    np.testing.assert_array_equal(np.asarray(g), np.zeros(5))
