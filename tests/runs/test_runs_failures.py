"""Failures inside a step end the runs still going, at that step, with a message; the steps
before are handed out as usual, whatever the record rule."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from app.objectives import make_objective
from app.optim import OPTIMIZERS
from app.runs import (
    EVERY_STEP,
    FINAL_STEP,
    STATUSES,
    RecordRule,
    RunConfig,
    RunProblem,
    RunStatus,
    Simulation,
    StopRules,
)
from app.runs import loop as loop_module


def run(spec, runs, steps, record=EVERY_STEP, **options):
    objective = make_objective(spec if isinstance(spec, dict) else {"id": spec})
    simulation = Simulation(RunProblem(objective, tuple(runs), steps, **options), record=record)
    return simulation, list(simulation)


def failing_loss(monkeypatch, at_call, error):
    """Make the evaluator raise `error` on its call number at_call (1-based)."""
    real = loop_module.evaluator_for

    def evaluator_for(objective, **options):
        evaluate, calls = real(objective, **options), [0]

        def evaluate_or_fail(points):
            calls[0] += 1
            if calls[0] == at_call:
                raise error
            return evaluate(points)

        return evaluate_or_fail

    monkeypatch.setattr(loop_module, "evaluator_for", evaluator_for)


# --- the schedule overflows ------------------------------------------------------------------


def test_an_exponential_schedule_that_overflows_diverges_every_run_at_that_step():
    # From the minimum x = 0 the gradient is 0: only the learning rate can blow up.
    # 0.1 · 10^t is finite up to t = 308; 10.0 ** 309 raises OverflowError.
    runs = [RunConfig("sgd", {"lr": 0.1}, (0.0,)), RunConfig("adam", {"lr": 0.01}, (0.0,))]
    schedule = {"name": "exponential", "gamma": 10.0}
    sim, steps = run("u-curve", runs, 400, schedule=schedule)
    assert [s.index for s in steps] == list(range(310))
    for i, outcome in enumerate(sim.outcomes):
        assert outcome.status is RunStatus.DIVERGED and outcome.diverged_at == 309
        assert outcome.message == "diverged at step 309: the learning-rate schedule overflowed"
        assert STATUSES[steps[-1].status[i]] is RunStatus.DIVERGED
        assert STATUSES[steps[-2].status[i]] is RunStatus.RUNNING
    np.testing.assert_array_equal(steps[-1].lr, [0.0, 0.0])
    np.testing.assert_allclose(steps[-2].lr, [0.1 * 10.0**308, 0.01 * 10.0**308])
    assert np.isfinite(steps[-1].loss).all()


def test_a_learning_rate_that_overflows_ends_only_its_own_run():
    # 1e300 · 1e100 is inf (NumPy, no exception) at t = 1; 1e-3 · 1e100^3 is still finite, and
    # 1e100 ** 4 raises OverflowError at t = 4. The third run moves: its huge but finite step
    # throws it past the parameter limit first.
    runs = [
        RunConfig("sgd", {"lr": 1e300}, (0.0,)),
        RunConfig("sgd", {"lr": 1e-3}, (0.0,)),
        RunConfig("sgd", {"lr": 0.1}, (8.0,)),
    ]
    schedule = {"name": "step", "gamma": 1e100, "step_size": 1}
    sim, steps = run("u-curve", runs, 10, schedule=schedule)
    big, small, moving = sim.outcomes
    assert (big.status, big.diverged_at) == (RunStatus.DIVERGED, 1)
    assert (small.status, small.diverged_at) == (RunStatus.DIVERGED, 4)
    assert "schedule overflowed" in big.message and "schedule overflowed" in small.message
    assert (moving.status, moving.diverged_at) == (RunStatus.DIVERGED, 2)
    assert "parameter" in moving.message
    assert steps[1].lr[0] == 0.0 and steps[1].lr[1] == pytest.approx(1e97)
    assert steps[1].params[2, 0] == pytest.approx(8.0 - 0.1 * 16.0)


@pytest.mark.parametrize(
    ("record", "kept"),
    [(FINAL_STEP, [309]), (RecordRule(100), [0, 100, 200, 300, 309]), (EVERY_STEP, None)],
)
def test_every_record_rule_keeps_the_step_where_the_schedule_overflowed(record, kept):
    runs = [RunConfig("sgd", {"lr": 0.1}, (0.0,))]
    schedule = {"name": "exponential", "gamma": 10.0}
    sim, steps = run("u-curve", runs, 400, record=record, schedule=schedule)
    assert [s.index for s in steps] == (kept or list(range(310)))
    assert sim.outcomes[0].diverged_at == 309
    trace = Simulation(sim.problem, record=record).run()
    np.testing.assert_array_equal(trace.index[: trace.count], [s.index for s in steps])


# --- the loss or an update fails -------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (ValueError("no loss here"), RunStatus.STOPPED),
        (RuntimeError("no loss here"), RunStatus.STOPPED),
        (ZeroDivisionError("no loss here"), RunStatus.DIVERGED),
        (np.linalg.LinAlgError("no loss here"), RunStatus.DIVERGED),
    ],
)
def test_a_loss_that_fails_ends_the_runs_still_going_at_that_step(monkeypatch, error, status):
    failing_loss(monkeypatch, at_call=6, error=error)  # step 5's evaluation
    runs = [RunConfig("sgd", {"lr": 0.4}), RunConfig("sgd", {"lr": 1e-3})]
    sim, steps = run("u-curve", runs, 50, stop=StopRules(loss_below=1.0))
    converged, failed = sim.outcomes
    assert converged.status is RunStatus.CONVERGED and converged.steps_taken < 5
    assert failed.status is status and failed.steps_taken == 5
    assert (failed.diverged_at == 5) == (status is RunStatus.DIVERGED)
    name = type(error).__name__
    assert failed.message.endswith(f"step 5: the computation failed ({name}: no loss here)")
    assert [s.index for s in steps] == [0, 1, 2, 3, 4]
    assert STATUSES[steps[-1].status[1]] is RunStatus.RUNNING


def test_a_failed_loss_with_record_final_hands_out_the_last_step_computed(monkeypatch):
    failing_loss(monkeypatch, at_call=4, error=ValueError("no loss"))
    sim, steps = run("u-curve", [RunConfig("sgd", {"lr": 0.1})], 50, record=FINAL_STEP)
    assert [s.index for s in steps] == [2]
    assert sim.outcomes[0].steps_taken == 3
    failing_loss(monkeypatch, at_call=1, error=ValueError("no loss"))
    sim, steps = run("u-curve", [RunConfig("sgd", {"lr": 0.1})], 50, record=FINAL_STEP)
    assert steps == [] and sim.outcomes[0].status is RunStatus.STOPPED


def test_an_update_that_fails_ends_the_runs_at_the_step_it_leaves(monkeypatch):
    sgd = OPTIMIZERS["sgd"]

    def update_fn(params, grads, state, hp, step, hessians):
        if step == 4:
            raise FloatingPointError("update 4 overflowed")
        return sgd.update_fn(params, grads, state, hp, step, hessians)

    monkeypatch.setitem(OPTIMIZERS, "sgd", dataclasses.replace(sgd, update_fn=update_fn))
    runs = [RunConfig("sgd", {"lr": 0.1}), RunConfig("adam", {"lr": 0.1})]
    sim, steps = run("u-curve", runs, 20)
    assert [s.index for s in steps] == [0, 1, 2, 3]
    for outcome in sim.outcomes:
        assert outcome.status is RunStatus.DIVERGED and outcome.diverged_at == 3
        assert "FloatingPointError: update 4 overflowed" in outcome.message
    last = steps[-1]
    np.testing.assert_array_equal(last.lr, [0.0, 0.0])
    assert [STATUSES[c] for c in last.status] == [RunStatus.DIVERGED] * 2
    assert np.isfinite(last.loss).all() and (last.params != steps[-2].params).all()
