"""POST /runs: the numbers in every Accept type, recording, stop rules, divergence, bad input."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

pytestmark = pytest.mark.anyio

JSONL = {"accept": "application/jsonl"}
SSE = {"accept": "text/event-stream"}


def rosenbrock(p):
    x, y = p
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def rosenbrock_grad(p):
    x, y = p
    return [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)]


async def post_runs(client, kit, body, headers=None):
    r = await client.post(f"{kit.API}/runs", json=body, headers=headers or {})
    assert r.status_code == 200, r.text[:500]
    return r


# --- application/json ------------------------------------------------------------------------


async def test_one_weight_network_sgd_matches_the_worked_example(client, kit):
    body = kit.runs_body(
        {"id": "one-weight-network"}, [{"optimizer": {"name": "sgd", "lr": 0.1}}], steps=5
    )
    run = kit.strict_loads((await post_runs(client, kit, body)).content)["runs"][0]
    assert run["status"] == "max_steps" and run["steps_taken"] == 5
    assert run["label"] == "sgd #1"
    # every setting the run used, the given ones and the defaults
    assert run["optimizer"] == {
        "name": "sgd",
        "lr": 0.1,
        "momentum": 0.0,
        "dampening": 0.0,
        "weight_decay": 0.0,
        "nesterov": False,
    }
    trace = run["trace"]
    assert trace["step"] == [0, 1, 2, 3, 4, 5]
    w = [p[0] for p in trace["params"]]
    assert w[:3] == pytest.approx([2.0, 2.4, 2.72], abs=1e-12)
    assert trace["grad"][0] == [-4.0] and trace["loss"][0] == 4.0
    for k in range(6):  # loss and gradient are taken at params[k]: L = (w - 4)^2
        assert trace["loss"][k] == pytest.approx((w[k] - 4) ** 2)
        assert trace["grad"][k][0] == pytest.approx(2 * (w[k] - 4))
    for k in range(5):  # params[k + 1] = params[k] - lr * grad[k]
        assert w[k + 1] == pytest.approx(w[k] - 0.1 * trace["grad"][k][0])
    assert set(trace["state"]) == {"momentum_buffer"}
    assert run["final_state"] == {"momentum_buffer": [0.0]}


async def test_mixed_runs_each_take_exactly_steps_on_rosenbrock(client, kit):
    runs = [
        {"optimizer": {"name": "sgd", "lr": 0.001}, "label": "plain"},
        {"optimizer": {"name": "sgd", "lr": 0.0005, "momentum": 0.9}},
        {"optimizer": {"name": "adam", "lr": 0.05}, "start": [0.5, -0.5]},
        {"optimizer": {"name": "rmsprop", "lr": 0.01}},
    ]
    body = kit.runs_body({"id": "rosenbrock"}, runs, steps=40)
    result = kit.strict_loads((await post_runs(client, kit, body)).content)["runs"]
    assert [r["label"] for r in result] == ["plain", "sgd #2", "adam #3", "rmsprop #4"]
    for run in result:
        assert run["status"] == "max_steps" and run["steps_taken"] == 40
        assert run["diverged_at"] is None
        t = run["trace"]
        assert t["step"] == list(range(41))
        assert len(t["params"]) == len(t["loss"]) == len(t["grad"]) == 41
        for p, loss, g in zip(t["params"], t["loss"], t["grad"], strict=True):
            assert loss == pytest.approx(rosenbrock(p), rel=1e-10)
            assert g == pytest.approx(rosenbrock_grad(p), rel=1e-9, abs=1e-9)
    plain = result[0]["trace"]
    for k in range(40):
        expected = np.subtract(plain["params"][k], np.multiply(0.001, plain["grad"][k]))
        np.testing.assert_allclose(plain["params"][k + 1], expected, rtol=1e-12)
    adam = result[2]["trace"]
    assert adam["params"][0] == [0.5, -0.5]
    # Adam's first step moves every coordinate by about lr against the gradient's sign.
    step = np.subtract(adam["params"][1], adam["params"][0])
    np.testing.assert_allclose(step, -0.05 * np.sign(adam["grad"][0]), rtol=1e-6)
    assert set(result[2]["final_state"]) >= {"exp_avg", "exp_avg_sq"}
    assert result[2]["trace"]["loss"][-1] < result[2]["trace"]["loss"][0]


async def test_expression_objective(client, kit):
    body = kit.runs_body(
        {"expression": "x^2 + 10*y^2"},
        [{"optimizer": {"name": "sgd", "lr": 0.01}, "start": [1, 1]}],
        steps=1,
    )
    t = kit.strict_loads((await post_runs(client, kit, body)).content)["runs"][0]["trace"]
    assert t["loss"][0] == 11.0 and t["grad"][0] == [2.0, 20.0]
    assert t["params"][1] == pytest.approx([0.98, 0.8])


async def test_stop_rule_ends_a_run_early(client, kit):
    body = kit.runs_body(
        {"id": "u-curve"},
        [{"optimizer": {"name": "sgd", "lr": 0.1}}, {"optimizer": {"name": "sgd", "lr": 0.001}}],
        steps=200,
        stop={"loss_below": 0.01},
    )
    fast, slow = kit.strict_loads((await post_runs(client, kit, body)).content)["runs"]
    assert fast["status"] == "converged" and fast["converged_by"] == "loss_below"
    k = fast["steps_taken"]
    assert 0 < k < 200 and fast["trace"]["step"][-1] == k
    assert fast["trace"]["loss"][-1] < 0.01 <= fast["trace"]["loss"][-2]
    assert slow["status"] == "max_steps" and slow["steps_taken"] == 200
    assert len(slow["trace"]["step"]) == 201


async def test_record_final_and_every(client, kit):
    base = kit.runs_body({"id": "booth"}, [{"optimizer": {"name": "adam", "lr": 0.1}}], steps=10)
    full = kit.strict_loads((await post_runs(client, kit, base)).content)["runs"][0]["trace"]
    final = kit.strict_loads((await post_runs(client, kit, {**base, "record": "final"})).content)
    assert final["runs"][0]["trace"]["step"] == [10]
    assert final["runs"][0]["trace"]["params"] == [full["params"][10]]
    every = kit.strict_loads(
        (await post_runs(client, kit, {**base, "record": {"every": 3}})).content
    )["runs"][0]["trace"]
    assert every["step"] == [0, 3, 6, 9, 10]
    assert every["params"] == [full["params"][k] for k in (0, 3, 6, 9, 10)]


async def test_record_final_keeps_the_ending_of_a_run_that_stopped_early(client, kit):
    """One run diverges early, the other takes every step: each reports its own ending."""
    runs = [{"optimizer": {"name": "sgd", "lr": lr}, "start": [4.0, 2.0]} for lr in (0.12, 0.05)]
    base = kit.runs_body({"expression": "x^2 + 10*y^2"}, runs, steps=400)
    full = kit.strict_loads((await post_runs(client, kit, base)).content)["runs"]
    final = kit.strict_loads((await post_runs(client, kit, {**base, "record": "final"})).content)[
        "runs"
    ]
    diverged, steady = final
    assert diverged["status"] == "diverged" and steady["status"] == "max_steps"
    at = diverged["diverged_at"]
    assert 0 < at < 400 and diverged["trace"]["step"] == [at]
    assert diverged["trace"]["params"] == [full[0]["trace"]["params"][-1]]
    assert steady["trace"]["step"] == [400]
    assert steady["trace"]["params"] == [full[1]["trace"]["params"][-1]]


async def test_schedule_and_clip(client, kit):
    body = kit.runs_body(
        {"id": "rosenbrock"},
        [{"optimizer": {"name": "sgd", "lr": 0.01}}],
        steps=4,
        schedule={"name": "step", "step_size": 2, "gamma": 0.5},
        clip={"max_norm": 1.0},
    )
    r = await post_runs(client, kit, body, JSONL)
    steps = [o for o in kit.jsonl_objects(r.text) if o["type"] == "step"]
    assert [s["runs"][0]["lr"] for s in steps] == pytest.approx([0.01, 0.01, 0.005, 0.005, 0.0])
    assert all(s["runs"][0]["clipped"] for s in steps[:4])
    for a, b in itertools.pairwise(steps):
        moved = np.linalg.norm(np.subtract(b["runs"][0]["params"], a["runs"][0]["params"]))
        assert moved <= a["runs"][0]["lr"] * 1.0 + 1e-12
    done = kit.jsonl_objects(r.text)[-1]
    assert done["runs"][0]["clipped_steps"] == 4


async def test_seed_makes_minibatch_runs_reproducible(client, kit):
    body = kit.runs_body(
        {"id": "linear-regression", "batch_size": 4},
        [{"optimizer": {"name": "sgd", "lr": 0.05}}],
        steps=20,
        record="final",
    )

    async def final(seed):
        r = await post_runs(client, kit, {**body, "seed": seed})
        return kit.strict_loads(r.content)["runs"][0]["trace"]["params"]

    assert await final(1) == await final(1)
    assert await final(1) != await final(2)


# --- divergence: reported, never NaN ----------------------------------------------------------


async def test_sgd_lr_1_on_rosenbrock_diverges(client, kit):
    body = kit.runs_body({"id": "rosenbrock"}, [{"optimizer": {"name": "sgd", "lr": 1}}], steps=50)
    r = await post_runs(client, kit, body)
    run = kit.strict_loads(r.content)["runs"][0]
    assert run["status"] == "diverged"
    assert run["diverged_at"] == run["steps_taken"] == 2
    assert "diverged" in run["message"]
    assert run["trace"]["step"] == [0, 1, 2]


@pytest.mark.parametrize("accept", [None, "application/jsonl", "text/event-stream"])
async def test_overflow_is_null_in_every_format(client, kit, accept):
    body = kit.runs_body(
        {"id": "rosenbrock"}, [{"optimizer": {"name": "sgd", "lr": 1e100}}], steps=50
    )
    r = await post_runs(client, kit, body, {"accept": accept} if accept else {})
    for token in (b"NaN", b"Infinity"):
        assert token not in r.content
    if accept is None:
        run = kit.strict_loads(r.content)["runs"][0]
        assert run["status"] == "diverged" and run["diverged_at"] == 1
        assert run["trace"]["loss"][1] is None
        assert run["trace"]["grad"][1][0] is None  # -400·x·(y − x²) overflows
        return
    objects = (
        kit.jsonl_objects(r.text)
        if accept.endswith("jsonl")
        else [o for _, o in kit.sse_events(r.text)]
    )
    last_step = [o for o in objects if o["type"] == "step"][-1]["runs"][0]
    assert last_step["loss"] is None and last_step["status"] == "diverged"
    assert objects[-1]["runs"][0]["diverged_at"] == 1


# --- streams ---------------------------------------------------------------------------------


RACE = {
    "objective": {"id": "rosenbrock"},
    "runs": [
        {"optimizer": {"name": "sgd", "lr": 0.001}},
        {"optimizer": {"name": "adam", "lr": 0.05}, "label": "A"},
    ],
    "steps": 12,
}


async def test_default_accept_is_json(client, kit):
    for headers in ({}, {"accept": "*/*"}, {"accept": "application/json"}):
        r = await post_runs(client, kit, RACE, headers)
        assert r.headers["content-type"].startswith("application/json")
        assert "runs" in kit.strict_loads(r.content)


async def test_jsonl_stream_carries_every_step_then_one_done(client, kit):
    doc = kit.strict_loads((await post_runs(client, kit, RACE)).content)
    r = await post_runs(client, kit, RACE, JSONL)
    assert r.headers["content-type"].startswith("application/jsonl")
    objects = kit.jsonl_objects(r.text)
    steps, done = objects[:-1], objects[-1]
    assert [o["type"] for o in steps] == ["step"] * 13
    assert done["type"] == "done"
    assert [o["step"] for o in steps] == list(range(13))
    for line in steps:
        assert len(line["runs"]) == 2
        for run in line["runs"]:
            assert {"params", "loss", "grad", "state", "status"} <= run.keys()
    for r_i, run in enumerate(doc["runs"]):
        trace = run["trace"]
        assert [s["runs"][r_i]["params"] for s in steps] == trace["params"]
        assert [s["runs"][r_i]["loss"] for s in steps] == trace["loss"]
        assert [s["runs"][r_i]["grad"] for s in steps] == trace["grad"]
        assert steps[-1]["runs"][r_i]["state"] == run["final_state"]
        for key in ("label", "optimizer", "status", "steps_taken", "diverged_at"):
            assert done["runs"][r_i][key] == run[key]
    assert steps[-1]["runs"][0]["status"] == "max_steps"


async def test_x_ndjson_is_jsonl_too(client, kit):
    r = await post_runs(client, kit, RACE, {"accept": "application/x-ndjson"})
    assert kit.jsonl_objects(r.text)[-1]["type"] == "done"


async def test_sse_stream_has_the_same_objects(client, kit):
    lines = kit.jsonl_objects((await post_runs(client, kit, RACE, JSONL)).text)
    r = await post_runs(client, kit, RACE, SSE)
    assert r.headers["content-type"].startswith("text/event-stream")
    events = kit.sse_events(r.text)
    assert [name for name, _ in events] == ["step"] * 13 + ["done"]
    assert [data for _, data in events] == lines


async def test_stream_respects_record_every(client, kit):
    body = {**RACE, "record": {"every": 5}}
    objects = kit.jsonl_objects((await post_runs(client, kit, body, JSONL)).text)
    assert [o.get("step") for o in objects] == [0, 5, 10, 12, None]
    final = kit.jsonl_objects(
        (await post_runs(client, kit, {**RACE, "record": "final"}, JSONL)).text
    )
    assert [o["type"] for o in final] == ["step", "done"] and final[0]["step"] == 12


async def test_stream_of_runs_ending_at_different_steps(client, kit):
    body = kit.runs_body(
        {"id": "rosenbrock"},
        [{"optimizer": {"name": "sgd", "lr": 1}}, {"optimizer": {"name": "sgd", "lr": 0.001}}],
        steps=6,
    )
    objects = kit.jsonl_objects((await post_runs(client, kit, body, JSONL)).text)
    steps = [o for o in objects if o["type"] == "step"]
    assert len(steps) == 7 and objects[-1]["type"] == "done"
    assert [s["runs"][0]["status"] for s in steps] == ["running"] * 2 + ["diverged"] * 5
    # A finished run's row stays frozen at its last state.
    assert all(s["runs"][0]["params"] == steps[2]["runs"][0]["params"] for s in steps[2:])
    assert [d["status"] for d in objects[-1]["runs"]] == ["diverged", "max_steps"]


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e999"])
@pytest.mark.parametrize(
    ("template", "field"),
    [
        ('"runs": [{"optimizer": {"name": "sgd", "lr": %s}}]', "runs[0].optimizer.lr"),
        ('"runs": [{"optimizer": {"name": "adam", "eps": %s}}]', "runs[0].optimizer.eps"),
        (
            '"runs": [{"optimizer": {"name": "adam", "betas": [0.9, %s]}}]',
            "runs[0].optimizer.betas[1]",
        ),
        (
            '"runs": [{"optimizer": {"name": "sgd"}, "start": [%s, 1]}]',
            "runs[0].start[0]",
        ),
        (
            '"runs": [{"optimizer": {"name": "sgd"}}], "stop": {"loss_below": %s}',
            "stop.loss_below",
        ),
        ('"runs": [{"optimizer": {"name": "sgd"}}], "clip": {"max_norm": %s}', "clip.max_norm"),
        ('"runs": [{"optimizer": {"name": "sgd"}}], "steps": %s', "steps"),
    ],
)
async def test_non_finite_numbers_are_422_naming_the_field(client, kit, token, template, field):
    raw = '{"objective": {"id": "rosenbrock"}, ' + template % token + "}"
    for headers in ({}, JSONL):
        r = await kit.post_raw(client, "/runs", raw, **headers)
        kit.assert_problem(r, 422, field)


@pytest.mark.parametrize("token", ["NaN", "Infinity", "1e999"])
async def test_non_finite_schedule_and_objective_options_are_422(client, kit, token):
    raw = (
        '{"objective": {"id": "rosenbrock"}, "runs": [{"optimizer": {"name": "sgd"}}], '
        '"schedule": {"name": "exponential", "gamma": TOKEN}}'
    ).replace("TOKEN", token)
    r = await kit.post_raw(client, "/runs", raw)
    kit.assert_problem(r, 422, "schedule.gamma")
    raw = (
        '{"objective": {"id": "quadratic", "condition": TOKEN}, '
        '"runs": [{"optimizer": {"name": "sgd"}}]}'
    ).replace("TOKEN", token)
    r = await kit.post_raw(client, "/runs", raw)
    kit.assert_problem(r, 422, "objective.condition")


@pytest.mark.parametrize(
    ("optimizer", "field", "words"),
    [
        (
            {"name": "sgd", "lr": 0.1, "foo": 1},
            "runs[1].optimizer.foo",
            ["unknown field", "expected one of"],
        ),
        (
            {"name": "adam", "momentum": 0.9},
            "runs[1].optimizer.momentum",
            ["unknown field", "expected one of"],
        ),
        ({"name": "sgd", "lr": -0.1}, "runs[1].optimizer.lr", ["greater than or equal to 0"]),
        ({"name": "sgd", "dampening": 2}, "runs[1].optimizer.dampening", ["less than"]),
        ({"name": "adam", "betas": [0.9, 1.5]}, "runs[1].optimizer.betas[1]", ["less than"]),
        ({"name": "rmsprop", "centered": "maybe"}, "runs[1].optimizer.centered", ["bool"]),
        ({"name": "sgdx", "lr": 0.1}, "runs[1].optimizer.name", ["sgdx", "adam"]),
    ],
)
async def test_bad_optimizer_configs_name_the_hyperparameter(client, kit, optimizer, field, words):
    body = kit.runs_body(runs=[{"optimizer": {"name": "adam"}}, {"optimizer": optimizer}])
    for headers in ({}, JSONL):
        r = await client.post(f"{kit.API}/runs", json=body, headers=headers)
        kit.assert_problem(r, 422, field, *words)


async def test_missing_optimizer_name_is_422(client, kit):
    r = await client.post(f"{kit.API}/runs", json=kit.runs_body(runs=[{"optimizer": {"lr": 1}}]))
    detail = kit.assert_problem(r, 422)
    assert detail["field"] == "runs[0].optimizer.name"
    assert "required" in detail["msg"]


@pytest.mark.parametrize("headers", [{}, JSONL, SSE], ids=["json", "jsonl", "sse"])
async def test_cross_field_hyperparameter_rule_is_422_not_500(client, kit, headers):
    # torch's rule: Nesterov momentum needs momentum > 0 and zero dampening.
    body = kit.runs_body(runs=[{"optimizer": {"name": "sgd", "nesterov": True}}], steps=3)
    r = await client.post(f"{kit.API}/runs", json=body, headers=headers)
    kit.assert_problem(r, 422, "runs[0].optimizer.nesterov", "momentum")


@pytest.mark.parametrize(
    ("extra", "field", "word"),
    [
        ({"runs": []}, "runs", "at least 1"),
        ({"steps": -1}, "steps", "0"),
        ({"seed": -1}, "seed", "0"),
        ({"record": "some"}, "record", ""),
        ({"record": {"every": 0}}, "record", ""),
        ({"colour": "red"}, "colour", "unknown field"),
        ({"runs": [{"optimizer": {"name": "sgd"}, "start": [1, 2, 3]}]}, "runs[0].start", ""),
        ({"runs": [{"optimizer": {"name": "sgd"}, "start": [1]}]}, "runs[0].start", "2"),
        ({"runs": [{"optimizer": {"name": "sgd"}, "label": "x" * 81}]}, "runs[0].label", "80"),
        ({"schedule": {"name": "sometimes"}}, "schedule.name", ""),
        ({"schedule": {"name": "step", "gamma_": 1}}, "schedule.gamma_", "step"),
        ({"clip": {}}, "clip", "exactly one"),
        ({"clip": {"max_norm": 1, "max_value": 1}}, "clip", "exactly one"),
        ({"stop": {"loss_below": 0}}, "stop.loss_below", "greater than 0"),
        ({"objective": {"expression": "x +* y"}}, "objective.expression", "invalid syntax"),
        ({"objective": {"id": "nope"}}, "objective.id", "nope"),
    ],
)
async def test_bad_run_requests_name_the_field(client, kit, extra, field, word):
    r = await client.post(f"{kit.API}/runs", json={**kit.runs_body(), **extra})
    detail = kit.assert_problem(r, 422)
    fields = [d["field"] for d in kit.strict_loads(r.content)["detail"]]
    assert any(f == field or f.startswith(field + ".") for f in fields), (field, fields)
    assert word in detail["msg"] or any(
        word in d["msg"] for d in kit.strict_loads(r.content)["detail"]
    )


async def test_work_caps_name_the_cap(small_client, kit):
    caps = kit.SMALL_CAPS
    one = [{"optimizer": {"name": "sgd"}}]
    r = await small_client.post(
        f"{kit.API}/runs", json=kit.runs_body(runs=one, steps=caps["max_steps"] + 1)
    )
    kit.assert_problem(r, 422, "steps", str(caps["max_steps"]))
    many = one * (caps["max_runs"] + 1)
    r = await small_client.post(f"{kit.API}/runs", json=kit.runs_body(runs=many, steps=1))
    kit.assert_problem(r, 422, "runs", str(caps["max_runs"]))
    # 16 runs x 200 steps = 3200 > 2000: each alone is within its own cap.
    r = await small_client.post(
        f"{kit.API}/runs",
        json=kit.runs_body(runs=one * caps["max_runs"], steps=caps["max_steps"]),
        headers=JSONL,
    )
    kit.assert_problem(r, 422, "steps", "steps × runs", str(caps["max_steps_times_runs"]))
    r = await small_client.post(f"{kit.API}/runs", json=kit.runs_body(runs=one * 10, steps=200))
    assert r.status_code == 200


async def test_shipped_steps_times_runs_cap(client, kit):
    body = kit.runs_body(runs=[{"optimizer": {"name": "sgd"}}] * 21, steps=100_000)
    r = await client.post(f"{kit.API}/runs", json=body)
    kit.assert_problem(r, 422, "steps", "2000000")
