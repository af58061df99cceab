"""POST /explain-step: one update by the optimizer's own code, matching a /runs trace to the bit,
with the quantities of its rule (Adam's m̂, v̂ and effective step, SGD's momentum buffer, ...)."""

from __future__ import annotations

import numpy as np
import pytest

from app.optim import OPTIMIZERS

pytestmark = pytest.mark.anyio

STEPS = 6


async def trace_of(client, kit, optimizer, objective=None, **extra):
    body = {
        "objective": objective or {"id": "rosenbrock"},
        "runs": [{"optimizer": optimizer}],
        "steps": STEPS,
        **extra,
    }
    r = await client.post(f"{kit.API}/runs", json=body)
    assert r.status_code == 200, r.text[:500]
    return kit.strict_loads(r.content)["runs"][0]["trace"]


async def explain(client, kit, body, status=200):
    r = await client.post(f"{kit.API}/explain-step", json=body)
    assert r.status_code == status, r.text[:500]
    return kit.strict_loads(r.content)


def state_at(trace, k):
    return {name: values[k] for name, values in trace["state"].items()}


async def replay(client, kit, trace, optimizer, fresh_start=True, **extra):
    """Explain every update of the trace from its own params, gradient and state; compare."""
    answers = []
    for t in range(1, STEPS + 1):
        state = {} if t == 1 and fresh_start else state_at(trace, t - 1)
        body = {
            "optimizer": optimizer,
            "step": t,
            "params": trace["params"][t - 1],
            "grad": trace["grad"][t - 1],
            "state": state,
            **extra,
        }
        got = await explain(client, kit, body)
        assert got["params_after"] == trace["params"][t], (optimizer, t)  # to the bit
        assert got["state_after"] == state_at(trace, t), (optimizer, t)
        before = np.array(trace["params"][t - 1])
        assert got["update"] == (np.array(got["params_after"]) - before).tolist()
        answers.append(got)
    return answers


@pytest.mark.parametrize(
    "optimizer",
    [
        {"name": "sgd", "lr": 0.001, "momentum": 0.9},
        {"name": "adam", "lr": 0.05},
        {"name": "sgd", "lr": 0.001, "momentum": 0.5, "nesterov": True, "weight_decay": 0.1},
        {"name": "adamw", "lr": 0.05, "amsgrad": True},
        {"name": "nadam", "lr": 0.05},
        {"name": "adamax", "lr": 0.05},
        {"name": "rmsprop", "lr": 0.01, "momentum": 0.3, "centered": True},
        {"name": "adagrad", "lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.1},
        {"name": "adadelta", "lr": 1.0},
        {"name": "lion", "lr": 0.01},
        {"name": "signsgd", "lr": 0.01},
    ],
    ids=lambda o: o["name"],
)
async def test_explained_updates_match_the_run_to_the_bit(client, kit, optimizer):
    trace = await trace_of(client, kit, optimizer)
    await replay(client, kit, trace, optimizer)
    # At t = 1 the state the trace reports (fresh buffers) gives the same answer as none.
    await replay(client, kit, trace, optimizer, fresh_start=False)


async def test_schedule_and_clipping_are_applied_as_the_run_applies_them(client, kit):
    optimizer = {"name": "sgd", "lr": 0.002, "momentum": 0.9}
    extra = {"schedule": {"name": "step", "step_size": 2, "gamma": 0.5}, "clip": {"max_norm": 50}}
    trace = await trace_of(client, kit, optimizer, **extra)
    answers = await replay(client, kit, trace, optimizer, **extra)
    assert [a["lr"] for a in answers] == [0.002, 0.002, 0.001, 0.001, 0.0005, 0.0005]
    assert answers[0]["clipped"] is True  # Rosenbrock's gradient at the start is about 232 long
    assert np.linalg.norm(answers[0]["terms"]["grad"]) == pytest.approx(50, rel=1e-6)


async def test_newton_takes_the_hessian(client, kit):
    optimizer = {"name": "newton", "lr": 0.5}
    trace = await trace_of(client, kit, optimizer)
    for t in range(1, 4):
        point = trace["params"][t - 1]
        body = {"objective": {"id": "rosenbrock"}, "point": point}
        hessian = kit.strict_loads((await client.post(f"{kit.API}/inspect", json=body)).content)
        got = await explain(
            client,
            kit,
            {
                "optimizer": optimizer,
                "step": t,
                "params": point,
                "grad": trace["grad"][t - 1],
                "state": state_at(trace, t - 1),
                "hessian": hessian["hessian"],
            },
        )
        assert got["params_after"] == trace["params"][t]
        h, g = np.array(hessian["hessian"]), np.array(trace["grad"][t - 1])
        np.testing.assert_allclose(got["terms"]["direction"], np.linalg.solve(h, g), rtol=1e-9)


async def test_adam_terms(client, kit):
    optimizer = {"name": "adam", "lr": 0.05, "betas": [0.8, 0.9]}
    trace = await trace_of(client, kit, optimizer)
    answers = await replay(client, kit, trace, optimizer)
    for t, got in enumerate(answers, start=1):
        terms = got["terms"]
        m, v = np.array(terms["m"]), np.array(terms["v"])
        assert terms["bias_correction1"] == pytest.approx(1 - 0.8**t)
        assert terms["bias_correction2"] == pytest.approx(1 - 0.9**t)
        np.testing.assert_allclose(terms["m_hat"], m / (1 - 0.8**t), rtol=1e-14)
        np.testing.assert_allclose(terms["v_hat"], v / (1 - 0.9**t), rtol=1e-14)
        effective = 0.05 * np.array(terms["m_hat"]) / (np.sqrt(terms["v_hat"]) + 1e-8)
        np.testing.assert_allclose(terms["effective_step"], effective, rtol=1e-14)
        # Without weight decay the whole update is minus the effective step.
        np.testing.assert_allclose(got["update"], -effective, rtol=1e-9)
        assert terms["m"] == state_at(trace, t)["exp_avg"]
    # Step 1: m̂ is the gradient itself, and the effective step is lr per coordinate.
    np.testing.assert_allclose(answers[0]["terms"]["m_hat"], trace["grad"][0], rtol=1e-14)
    np.testing.assert_allclose(np.abs(answers[0]["terms"]["effective_step"]), 0.05, rtol=1e-6)


async def test_sgd_momentum_terms(client, kit):
    optimizer = {"name": "sgd", "lr": 0.001, "momentum": 0.9}
    trace = await trace_of(client, kit, optimizer)
    answers = await replay(client, kit, trace, optimizer)
    for t, got in enumerate(answers, start=1):
        buf = got["terms"]["momentum_buffer"]
        assert buf == state_at(trace, t)["momentum_buffer"]
        previous = np.array(state_at(trace, t - 1)["momentum_buffer"])
        expected = trace["grad"][0] if t == 1 else 0.9 * previous + np.array(trace["grad"][t - 1])
        np.testing.assert_allclose(buf, expected, rtol=1e-12)
        np.testing.assert_allclose(got["update"], -0.001 * np.array(buf), rtol=1e-9)


async def test_every_optimizer_explains_something(client, kit):
    for name in OPTIMIZERS:
        body = {"optimizer": {"name": name}, "step": 1, "params": [1.0, 2.0], "grad": [0.5, -1.0]}
        if OPTIMIZERS[name].needs_hessian:
            body["hessian"] = [[2.0, 0.0], [0.0, 4.0]]
        got = await explain(client, kit, body)
        assert "effective_step" in got["terms"] and got["terms"]["grad"] == [0.5, -1.0], name
        assert set(got["state_after"]) == set(OPTIMIZERS[name].state_names)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"state": {"exp_avg": [0.0, 0.0]}}, "state", "exp_avg_sq"),
        ({"state": {"momentum": [0.0, 0.0]}}, "state.momentum", "exp_avg"),
        (
            {"state": {"exp_avg": [0.0], "exp_avg_sq": [0.0], "max_exp_avg_sq": [0.0]}},
            "state.exp_avg",
            "2 value",
        ),
        ({"grad": [1.0]}, "grad", "2 value"),
        ({"step": 0}, "step", ""),
        ({"step": 10**9}, "step", "100000"),
        ({"params": [1.0, "x"]}, "params[1]", ""),
        ({"params": [True, 1.0]}, "params[0]", ""),
        (
            {"schedule": {"name": "step", "gamma": -1}},
            "schedule.gamma",
            "greater than or equal to 0",
        ),
        ({"schedule": {"name": "step", "gamma": 10**400}}, "schedule.gamma", "number"),
        ({"optimizer": {"name": "adam", "lr": -1}}, "optimizer.lr", ""),
        ({"optimizer": {"name": "adam", "lr": False}}, "optimizer.lr", "number"),
        ({"optimizer": {"name": "sgd", "nesterov": True}}, "optimizer.nesterov", "momentum"),
        ({"optimizer": {"name": "newton"}}, "hessian", "required"),
        ({"hessian": [[1.0, 0.0]]}, "hessian", "2 value"),
        ({"hessian": [[1.0, 0.0], [0.0]]}, "hessian[1]", "2 value"),
    ],
)
async def test_bad_requests_name_the_field(client, kit, change, field, words):
    body = {
        "optimizer": {"name": "adam"},
        "step": 2,
        "params": [1.0, 2.0],
        "grad": [0.5, -1.0],
        **change,
    }
    r = await client.post(f"{kit.API}/explain-step", json=body)
    kit.assert_problem(r, 422, field, words)
