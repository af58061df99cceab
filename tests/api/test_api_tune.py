"""POST /tune: each run's learning rate swept in one batch, the best picked by its criterion."""

from __future__ import annotations

import numpy as np
import pytest

import app.api.routes.tune as tune_route

pytestmark = pytest.mark.anyio


async def tune(client, kit, body, status=200):
    r = await client.post(f"{kit.API}/tune", json=body)
    assert r.status_code == status, r.text[:500]
    return kit.strict_loads(r.content)


RACE = {
    "objective": {"id": "rosenbrock"},
    "runs": [
        {"optimizer": {"name": "sgd", "lr": 0.001}, "label": "plain"},
        {"optimizer": {"name": "adam", "lr": 0.01}},
    ],
    "steps": 150,
    "num": 9,
    "record": "final",
}


async def test_tune_answers_every_run_with_its_sweep(client, kit):
    got = await tune(client, kit, RACE)
    assert "lowest final loss" in got["criterion"] and "diverge" in got["criterion"]
    assert [run["label"] for run in got["runs"]] == ["plain", "adam #2"]
    for run, spec in zip(got["runs"], RACE["runs"], strict=True):
        lr = spec["optimizer"]["lr"]
        tried = run["tried"]
        assert len(tried) == len(run["final_losses"]) == len(run["diverged"]) == 9
        assert tried == sorted(tried) and lr in tried
        assert tried[0] == pytest.approx(lr * 1e-4) and tried[-1] == pytest.approx(lr * 1e2)
        ok = [
            loss for loss, bad in zip(run["final_losses"], run["diverged"], strict=True) if not bad
        ]
        assert run["final_loss"] == min(ok)
        assert run["lr"] == tried[run["final_losses"].index(run["final_loss"])]
        assert run["status"] == "max_steps" and run["steps_taken"] == 150
    # SGD's larger rates blow up on Rosenbrock; the pick is below them.
    sgd = got["runs"][0]
    assert any(sgd["diverged"]) and not sgd["diverged"][sgd["tried"].index(sgd["lr"])]


async def test_each_tried_rate_scores_what_a_race_at_that_rate_ends_with(client, kit):
    got = await tune(client, kit, {**RACE, "runs": RACE["runs"][:1]})
    sweep = got["runs"][0]
    runs = [{"optimizer": {"name": "sgd", "lr": lr}} for lr in sweep["tried"]]
    body = {"objective": RACE["objective"], "runs": runs, "steps": 150, "record": "final"}
    r = await client.post(f"{kit.API}/runs", json=body)
    raced = kit.strict_loads(r.content)["runs"]
    for run, loss, diverged in zip(raced, sweep["final_losses"], sweep["diverged"], strict=True):
        assert (run["status"] == "diverged") == diverged
        if not diverged:
            assert run["trace"]["loss"][-1] == loss


async def test_ties_go_to_the_smaller_rate(client, kit):
    # From the minimum every rate stays put at loss 0 for all steps: a tie all the way.
    body = {
        "objective": {"expression": "x^2 + y^2"},
        "runs": [{"optimizer": {"name": "sgd", "lr": 0.1}, "start": [0, 0]}],
        "steps": 20,
        "num": 5,
    }
    run = (await tune(client, kit, body))["runs"][0]
    assert run["final_losses"] == [0.0] * 5
    assert run["lr"] == run["tried"][0]


async def test_a_stop_rule_tie_goes_to_fewer_steps(client, kit):
    # SGD on x² multiplies x by 1 − 2·lr: lr 0.5 lands on 0 in one step, lr 0.05 shrinks x by
    # 0.9 a step until x² underflows to exactly 0 some 3,500 steps later. Both end at loss 0
    # (the stop rule "loss < 5e-324" means exactly 0); the fewer steps win, not the smaller lr.
    body = {
        "objective": {"expression": "x^2"},
        "runs": [{"optimizer": {"name": "sgd", "lr": 0.5}, "start": [1]}],
        "steps": 4000,
        "num": 7,
        "stop": {"loss_below": 5e-324},
    }
    run = (await tune(client, kit, body))["runs"][0]
    exact = [lr for lr, loss in zip(run["tried"], run["final_losses"], strict=True) if loss == 0]
    assert exact == [0.05, 0.5]
    assert run["lr"] == 0.5 and run["steps_taken"] == 1 and run["status"] == "converged"


async def test_every_rate_diverging_still_answers(client, kit):
    body = {
        "objective": {"id": "rosenbrock"},
        "runs": [{"optimizer": {"name": "sgd", "lr": 1e4}}],
        "steps": 50,
        "num": 3,
    }
    run = (await tune(client, kit, body))["runs"][0]
    assert all(run["diverged"]) and run["status"] == "diverged"
    assert run["lr"] in run["tried"]


async def test_caps_are_checked_before_any_work(small_client, kit, monkeypatch):
    monkeypatch.setattr(tune_route, "tune", lambda *a, **k: pytest.fail("tuned over a cap"))
    runs = [{"optimizer": {"name": "adam"}}] * 3
    body = {"objective": {"id": "booth"}, "runs": runs, "steps": 10, "num": 25}
    r = await small_client.post(f"{kit.API}/tune", json=body)  # 75 rates > max_sweep_runs 64
    kit.assert_problem(r, 422, "num", "64")
    body = {**body, "runs": runs[:1], "num": 26, "steps": 200}  # 26 × 200 > max_sweep_work 5000
    r = await small_client.post(f"{kit.API}/tune", json=body)
    kit.assert_problem(r, 422, "steps", "5000")


@pytest.mark.parametrize(
    ("change", "field"),
    [({"num": 2}, "num"), ({"steps": -1}, "steps"), ({"runs": []}, "runs")],
)
async def test_bad_bodies_name_the_field(client, kit, change, field):
    r = await client.post(f"{kit.API}/tune", json={**RACE, **change})
    kit.assert_problem(r, 422, field)


async def test_tune_goes_through_admission_control(kit):
    async with kit.strict_client(kit.make_app(max_concurrent_computations=0)) as client:
        r = await client.post(f"{kit.API}/tune", json=RACE)
        assert r.status_code == 429 and r.headers["retry-after"]


async def test_tuned_rates_beat_the_starting_ones(client, kit):
    got = await tune(client, kit, {**RACE, "num": 13})
    for run in got["runs"]:
        start = (
            run["final_losses"][run["tried"].index(RACE["runs"][0]["optimizer"]["lr"])]
            if (run["label"] == "plain")
            else run["final_losses"][run["tried"].index(0.01)]
        )
        assert run["final_loss"] <= start
    assert np.isfinite(got["runs"][0]["final_loss"])
