"""POST /runs when something fails mid-run: a run status with a message, or an `error` line that
ends the stream; never a 500, never a cut stream. Every record rule keeps working."""

from __future__ import annotations

import pytest

from app.api import run_payloads
from app.runs import loop

pytestmark = pytest.mark.anyio

ACCEPTS = {"json": None, "jsonl": "application/jsonl", "sse": "text/event-stream"}

# At Rosenbrock's minimum the gradient is 0, so the run never moves and nothing but the
# learning rate can blow up: 0.001 · 10^t overflows a float at t = 309 (Python's 10.0 ** 309
# raises OverflowError), and 1e300^t at t = 2.
AT_THE_MINIMUM = [{"optimizer": {"name": "sgd", "lr": 0.001}, "start": [1, 1]}]
OVERFLOWING = [
    ({"name": "exponential", "gamma": 10}, 400, 309),
    ({"name": "step", "gamma": 1e300, "step_size": 1}, 20, 2),
]


async def post(client, kit, body, kind):
    """(status code, parsed objects): the document for JSON, the lines or events for streams."""
    accept = ACCEPTS[kind]
    r = await client.post(
        f"{kit.API}/runs", json=body, headers={"accept": accept} if accept else {}
    )
    if r.status_code != 200 or kind == "json":
        return r.status_code, kit.strict_loads(r.content) if r.status_code == 200 else r.text
    if kind == "jsonl":
        return 200, kit.jsonl_objects(r.text)
    events = kit.sse_events(r.text)
    assert all(name == data["type"] for name, data in events)
    return 200, [data for _, data in events]


def ending(kind, result):
    """Every run's outcome: from the document, or from the stream's done line."""
    if kind == "json":
        return result["runs"]
    assert result[-1]["type"] == "done", f"the stream ended without a done line: {result[-1]}"
    return result[-1]["runs"]


@pytest.mark.parametrize("kind", ACCEPTS)
@pytest.mark.parametrize(("schedule", "steps", "at"), OVERFLOWING, ids=["exponential", "step"])
async def test_an_overflowing_schedule_diverges_the_run_at_that_step(
    client, kit, kind, schedule, steps, at
):
    body = kit.runs_body(runs=AT_THE_MINIMUM, steps=steps, schedule=schedule)
    code, result = await post(client, kit, body, kind)
    assert code == 200, result
    (run,) = ending(kind, result)
    assert run["status"] == "diverged"
    assert run["diverged_at"] == run["steps_taken"] == at
    assert run["message"] == f"diverged at step {at}: the learning-rate schedule overflowed"
    if kind == "json":
        assert run["trace"]["step"] == list(range(at + 1))
        assert run["trace"]["params"][-1] == [1.0, 1.0]
    else:
        lines = [o for o in result if o["type"] == "step"]
        assert [o["step"] for o in lines] == list(range(at + 1))
        last = lines[-1]["runs"][0]
        assert last["status"] == "diverged" and last["lr"] == 0.0
        before = lines[-2]["runs"][0]
        assert before["status"] == "running" and before["lr"] > 1e250  # large, still finite


@pytest.mark.parametrize("kind", ACCEPTS)
async def test_each_run_diverges_when_its_own_learning_rate_overflows(client, kit, kind):
    """1e10 · 1e300 is inf in NumPy (no exception) at the first decay; 0.001 · 1e300 is finite
    until 1e300² overflows at the second. The third run never had a schedule problem."""
    runs = [
        {"optimizer": {"name": "sgd", "lr": 1e10}, "start": [1, 1]},
        {"optimizer": {"name": "adam", "lr": 0.001}, "start": [1, 1]},
    ]
    schedule = {"name": "step", "gamma": 1e300, "step_size": 1}
    body = kit.runs_body(runs=runs, steps=30, schedule=schedule, record={"every": 10})
    code, result = await post(client, kit, body, kind)
    assert code == 200, result
    big, small = ending(kind, result)
    assert (big["status"], big["diverged_at"]) == ("diverged", 1)
    assert (small["status"], small["diverged_at"]) == ("diverged", 2)
    assert "schedule overflowed" in big["message"] and "schedule overflowed" in small["message"]
    if kind == "json":
        assert big["trace"]["step"] == [0, 1] and small["trace"]["step"] == [0, 1, 2]


@pytest.mark.parametrize("kind", ACCEPTS)
@pytest.mark.parametrize(
    ("record", "kept"),
    [("final", [309]), ({"every": 100}, [0, 100, 200, 300, 309]), ({"every": 309}, [0, 309])],
)
async def test_record_final_and_every_keep_the_step_of_an_overflow(client, kit, kind, record, kept):
    schedule, steps, at = OVERFLOWING[0]
    body = kit.runs_body(runs=AT_THE_MINIMUM, steps=steps, schedule=schedule, record=record)
    code, result = await post(client, kit, body, kind)
    assert code == 200, result
    (run,) = ending(kind, result)
    assert run["diverged_at"] == at
    if kind == "json":
        assert run["trace"]["step"] == kept
        assert len(run["trace"]["params"]) == len(kept)
    else:
        assert [o["step"] for o in result if o["type"] == "step"] == kept


@pytest.mark.parametrize("kind", ACCEPTS)
async def test_a_loss_that_fails_mid_run_stops_the_runs_with_a_message(
    client, kit, kind, monkeypatch
):
    real = loop.evaluator_for

    def failing_at_step_3(objective, **options):
        evaluate, calls = real(objective, **options), [0]

        def evaluate_or_fail(points):
            calls[0] += 1
            if calls[0] == 4:
                raise ValueError("the loss could not be computed")
            return evaluate(points)

        return evaluate_or_fail

    monkeypatch.setattr(loop, "evaluator_for", failing_at_step_3)
    runs = [{"optimizer": {"name": "sgd", "lr": 0.001}}, {"optimizer": {"name": "adam"}}]
    code, result = await post(client, kit, kit.runs_body(runs=runs, steps=10), kind)
    assert code == 200, result
    for run in ending(kind, result):
        assert run["status"] == "stopped" and run["steps_taken"] == 3
        assert (
            "the computation failed" in run["message"] and "could not be computed" in run["message"]
        )
        if kind == "json":
            assert run["trace"]["step"] == [0, 1, 2]
    if kind != "json":
        assert [o["step"] for o in result if o["type"] == "step"] == [0, 1, 2]


@pytest.mark.parametrize("kind", ["jsonl", "sse"])
async def test_a_stream_that_fails_ends_with_an_error_line(client, kit, kind, monkeypatch):
    real = run_payloads.step_json

    def failing_on_step_5(step):
        if step.index == 5:
            raise RuntimeError("cannot encode step 5")
        return real(step)

    monkeypatch.setattr(run_payloads, "step_json", failing_on_step_5)
    code, result = await post(client, kit, kit.runs_body(steps=20), kind)
    assert code == 200, result
    assert [o["type"] for o in result] == ["step"] * 5 + ["error"]
    (detail,) = result[-1]["detail"]
    assert detail["field"] == "request" and "cannot encode step 5" in detail["msg"]


@pytest.mark.parametrize("kind", ACCEPTS)
async def test_a_deadline_before_the_first_step_stops_every_run(kit, kind):
    """Runs stopped before any step was computed: an empty trace, never a 500."""
    async with kit.strict_client(kit.make_app(request_deadline_seconds=1e-9)) as client:
        runs = [{"optimizer": {"name": "sgd"}}, {"optimizer": {"name": "adam"}}]
        code, result = await post(client, kit, kit.runs_body(runs=runs, steps=5), kind)
    assert code == 200, result
    for run in ending(kind, result):
        assert run["status"] == "stopped" and run["steps_taken"] == 0
        assert "time limit" in run["message"]
    if kind == "json":
        sgd, adam = result["runs"]
        assert sgd["trace"]["step"] == [] and sgd["trace"]["params"] == []
        assert sgd["final_state"] == {"momentum_buffer": [0.0, 0.0]}
        assert set(adam["final_state"]) == {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"}
    else:
        assert [o["type"] for o in result] == ["done"]
