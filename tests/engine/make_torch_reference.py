"""Write tests/engine/torch_reference.json: values, gradients and Hessians from torch.autograd.

Run by hand when the cases change (torch is not a test dependency):

    python tests/engine/make_torch_reference.py

Each case is a scalar function of one float64 vector x plus constant data. The same functions are
written with engine ops in test_engine_torch_reference.py, which reads this file and compares.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

OUT = Path(__file__).with_name("torch_reference.json")


def rosenbrock(x, c):
    return torch.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def himmelblau(x, c):
    return (x[0] ** 2 + x[1] - 11.0) ** 2 + (x[0] + x[1] ** 2 - 7.0) ** 2


def softmax_cross_entropy(x, c):
    logits = c["X"] @ x.reshape(4, 3)
    picked = torch.log_softmax(logits, dim=-1)[torch.arange(6), c["labels"].long()]
    return -torch.mean(picked)


def mlp_tanh(x, c):
    w1, b1, w2, b2 = x[:6].reshape(2, 3), x[6:9], x[9:12], x[12]
    prediction = torch.tanh(c["X"] @ w1 + b1) @ w2 + b2
    return torch.mean((prediction - c["y"]) ** 2)


def logsumexp_smooth_max(x, c):
    scores = c["A"] @ x + c["b"]
    rows = torch.logsumexp(scores.reshape(1, 5) * x[:1].reshape(1, 1) + c["B"], dim=-1)
    return torch.logsumexp(scores, dim=0) + 0.1 * (x @ x) + torch.mean(rows)


def piecewise_away_from_kinks(x, c):
    return (
        torch.sum(torch.where(x > 0.0, x**3, torch.sin(x)))
        + torch.sum(torch.maximum(x, torch.tensor(0.5, dtype=x.dtype)) * x)
        + torch.sum(torch.minimum(x**2, torch.tensor(1.0, dtype=x.dtype)))
        + torch.sum(torch.clamp(x, -1.0, 1.0) ** 2)
        + torch.sum(torch.abs(x) * x)
        + torch.sum(torch.relu(x) ** 2)
    )


def matmul_chain(x, c):
    m = x.reshape(2, 3)
    return torch.sum(torch.sin(c["A"] @ m @ c["B"] @ m.T)) + (c["u"] @ m @ c["v"]) ** 2


def kl_divergence(x, c):
    log_p = torch.log_softmax(x, dim=0)
    return torch.sum(torch.exp(log_p) * (log_p - torch.log(c["q"])))


def logistic_regression(x, c):
    z = c["X"] @ x
    return torch.mean(torch.nn.functional.softplus(z) - c["y"] * z) + 0.01 * torch.sum(x**2)


def attention(x, c):
    q = x.reshape(2, 3)
    weights = torch.softmax(q @ c["K"].T / np.sqrt(3.0), dim=-1)
    return torch.sum((weights @ c["V"]) ** 2)


def smooth_mix(x, c):
    return (
        torch.sum(torch.sqrt(1.0 + x**2))
        + torch.sum(torch.log1p(x**2))
        + torch.sum(torch.exp(x[:2]) * torch.cosh(x[2:]))
        + torch.tan(0.3 * x[0])
        + torch.sinh(x[1]) * x[2] / (1.0 + x[3] ** 2)
        + (x[3] ** 2 + 1.0) ** (0.5 * x[0])
        + torch.log(2.0 + torch.sigmoid(x[1] * x[2]))
        + torch.mean(torch.cos(x) / (2.0 + torch.sin(x)))
    )


def cases(rng: np.random.Generator) -> list[tuple]:
    return [
        ("rosenbrock", rosenbrock, [-1.2, 1.0, 0.5, 0.8], {}),
        ("himmelblau", himmelblau, [1.3, -2.1], {}),
        (
            "softmax_cross_entropy",
            softmax_cross_entropy,
            rng.normal(size=12),
            {"X": rng.normal(size=(6, 4)), "labels": [0, 2, 1, 1, 0, 2]},
        ),
        (
            "mlp_tanh",
            mlp_tanh,
            rng.normal(scale=0.7, size=13),
            {"X": rng.normal(size=(5, 2)), "y": rng.normal(size=5)},
        ),
        (
            "logsumexp_smooth_max",
            logsumexp_smooth_max,
            rng.normal(size=3),
            {"A": rng.normal(size=(5, 3)), "b": rng.normal(size=5), "B": rng.normal(size=(4, 5))},
        ),
        ("piecewise_away_from_kinks", piecewise_away_from_kinks, [-1.4, -0.6, 0.3, 0.8, 1.6], {}),
        (
            "matmul_chain",
            matmul_chain,
            rng.normal(scale=0.8, size=6),
            {
                "A": rng.normal(size=(2, 2)),
                "B": rng.normal(size=(3, 3)),
                "u": rng.normal(size=2),
                "v": rng.normal(size=3),
            },
        ),
        ("kl_divergence", kl_divergence, rng.normal(size=4), {"q": [0.1, 0.2, 0.3, 0.4]}),
        (
            "logistic_regression",
            logistic_regression,
            rng.normal(size=3),
            {"X": rng.normal(size=(8, 3)), "y": [0, 1, 1, 0, 1, 0, 0, 1]},
        ),
        (
            "attention",
            attention,
            rng.normal(size=6),
            {"K": rng.normal(size=(4, 3)), "V": rng.normal(size=(4, 3))},
        ),
        ("smooth_mix", smooth_mix, [0.4, -0.7, 1.1, 0.3], {}),
    ]


def main() -> None:
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(20240601)
    records = []
    for name, fn, x, consts in cases(rng):
        consts = {k: np.asarray(v, dtype=np.float64) for k, v in consts.items()}
        c = {k: torch.tensor(v, dtype=torch.float64) for k, v in consts.items()}
        point = torch.tensor(np.asarray(x, dtype=np.float64), requires_grad=True)
        value = fn(point, c)
        (gradient,) = torch.autograd.grad(value, point)
        hessian = torch.autograd.functional.hessian(lambda p, fn=fn, c=c: fn(p, c), point.detach())
        records.append(
            {
                "name": name,
                "x": point.detach().numpy().tolist(),
                "consts": {k: v.tolist() for k, v in consts.items()},
                "value": value.detach().item(),
                "grad": gradient.numpy().tolist(),
                "hessian": hessian.numpy().tolist(),
            }
        )
    payload = {"torch_version": torch.__version__, "dtype": "float64", "cases": records}
    OUT.write_text(json.dumps(payload, indent=1) + "\n")
    print(f"wrote {len(records)} cases to {OUT} (torch {torch.__version__})")


if __name__ == "__main__":
    main()
