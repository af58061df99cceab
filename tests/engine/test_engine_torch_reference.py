"""Values, gradients and Hessians of composite functions against torch.autograd's, to 1e-10.

The reference is tests/engine/torch_reference.json, written by make_torch_reference.py with
torch 2.13 in float64; torch itself is not needed here. Each function below is the engine twin of
the one of the same name in that script.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import pytest

import app.engine as E

FIXTURE = Path(__file__).with_name("torch_reference.json")
RTOL = 1e-10


@cache
def reference() -> dict:
    return json.loads(FIXTURE.read_text())


def rosenbrock(x, c):
    return E.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def himmelblau(x, c):
    return (x[0] ** 2 + x[1] - 11.0) ** 2 + (x[0] + x[1] ** 2 - 7.0) ** 2


def softmax_cross_entropy(x, c):
    logits = c["X"] @ E.reshape(x, (4, 3))
    picked = E.log_softmax(logits, axis=-1)[np.arange(6), c["labels"].astype(int)]
    return -E.mean(picked)


def mlp_tanh(x, c):
    w1, b1, w2, b2 = E.reshape(x[:6], (2, 3)), x[6:9], x[9:12], x[12]
    prediction = E.tanh(c["X"] @ w1 + b1) @ w2 + b2
    return E.mean((prediction - c["y"]) ** 2)


def logsumexp_smooth_max(x, c):
    scores = c["A"] @ x + c["b"]
    rows = E.logsumexp(E.reshape(scores, (1, 5)) * E.reshape(x[:1], (1, 1)) + c["B"], axis=-1)
    return E.logsumexp(scores, axis=0) + 0.1 * (x @ x) + E.mean(rows)


def piecewise_away_from_kinks(x, c):
    return (
        E.sum(E.where(x > 0.0, x**3, E.sin(x)))
        + E.sum(E.maximum(x, 0.5) * x)
        + E.sum(E.minimum(x**2, 1.0))
        + E.sum(E.clip(x, -1.0, 1.0) ** 2)
        + E.sum(E.abs(x) * x)
        + E.sum(E.relu(x) ** 2)
    )


def matmul_chain(x, c):
    m = E.reshape(x, (2, 3))
    return E.sum(E.sin(c["A"] @ m @ c["B"] @ m.T)) + (c["u"] @ m @ c["v"]) ** 2


def kl_divergence(x, c):
    log_p = E.log_softmax(x, axis=0)
    return E.sum(E.exp(log_p) * (log_p - np.log(c["q"])))


def logistic_regression(x, c):
    z = c["X"] @ x
    return E.mean(E.softplus(z) - c["y"] * z) + 0.01 * E.sum(x**2)


def attention(x, c):
    q = E.reshape(x, (2, 3))
    weights = E.softmax(q @ c["K"].T / np.sqrt(3.0), axis=-1)
    return E.sum((weights @ c["V"]) ** 2)


def smooth_mix(x, c):
    return (
        E.sum(E.sqrt(1.0 + x**2))
        + E.sum(E.log1p(x**2))
        + E.sum(E.exp(x[:2]) * E.cosh(x[2:]))
        + E.tan(0.3 * x[0])
        + E.sinh(x[1]) * x[2] / (1.0 + x[3] ** 2)
        + (x[3] ** 2 + 1.0) ** (0.5 * x[0])
        + E.log(2.0 + E.sigmoid(x[1] * x[2]))
        + E.mean(E.cos(x) / (2.0 + E.sin(x)))
    )


FUNCTIONS = {
    f.__name__: f
    for f in [
        rosenbrock,
        himmelblau,
        softmax_cross_entropy,
        mlp_tanh,
        logsumexp_smooth_max,
        piecewise_away_from_kinks,
        matmul_chain,
        kl_divergence,
        logistic_regression,
        attention,
        smooth_mix,
    ]
}


def _case(name: str) -> tuple[np.ndarray, dict, dict]:
    (record,) = [r for r in reference()["cases"] if r["name"] == name]
    consts = {k: np.asarray(v, dtype=np.float64) for k, v in record["consts"].items()}
    return np.asarray(record["x"], dtype=np.float64), consts, record


def _assert_close(actual, expected, what):
    expected = np.asarray(expected, dtype=np.float64)
    assert np.shape(actual) == expected.shape, what
    # Relative to each entry, and to the array's scale where an entry cancels to about zero.
    scale = np.max(np.abs(expected), initial=0.0)
    np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=RTOL * scale, err_msg=what)


def test_fixture_is_from_torch_2_13_in_float64_and_covers_every_function():
    ref = reference()
    assert ref["torch_version"].startswith("2.13")
    assert ref["dtype"] == "float64"
    assert sorted(r["name"] for r in ref["cases"]) == sorted(FUNCTIONS)
    assert len(FUNCTIONS) >= 8


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_value_and_grad_match_torch(name):
    x, consts, record = _case(name)
    value, gradient = E.value_and_grad(lambda p: FUNCTIONS[name](p, consts))(x)
    _assert_close(value, record["value"], f"{name} value")
    _assert_close(gradient, record["grad"], f"{name} gradient")


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_hessian_matches_torch(name):
    x, consts, record = _case(name)
    _assert_close(E.hessian(lambda p: FUNCTIONS[name](p, consts))(x), record["hessian"], name)


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_grad_of_grad_matches_torch_hessian(name):
    """Row i of the Hessian through value_and_grad of a function that calls grad itself."""
    x, consts, record = _case(name)
    gradient = E.grad(lambda p: FUNCTIONS[name](p, consts))
    expected = np.asarray(record["hessian"])
    for i in (0, x.size - 1):
        row = E.grad(lambda p, i=i: gradient(p)[i])(x)
        _assert_close(row, expected[i], f"{name} Hessian row {i}")
