"""How runs end: divergence, cancel and deadline, and that every run ends in a final status."""

from __future__ import annotations

import time
import warnings

import numpy as np
import pytest

from app.objectives import make_objective
from app.runs import STATUSES, RunConfig, RunProblem, RunStatus, Simulation, StopRules, loop
from app.runs.ledger import batch_is_healthy
from app.runs.status import DIVERGENCE_LIMIT

FINAL = {RunStatus.CONVERGED, RunStatus.MAX_STEPS, RunStatus.DIVERGED, RunStatus.STOPPED}


def problem(spec, runs, steps, **options):
    objective = make_objective(spec if isinstance(spec, dict) else {"id": spec})
    return RunProblem(objective, tuple(runs), steps, **options)


def run(spec, runs, steps, **options):
    simulation = Simulation(problem(spec, runs, steps, **options))
    return simulation, list(simulation)


def status_at(step, i):
    return STATUSES[step.status[i]]


def rosenbrock_sgd(lr, start, n):
    """Hand-computed SGD on Rosenbrock; returns the iterates and the first diverged index."""
    p = np.array(start, dtype=np.float64)
    iterates = [p]
    with np.errstate(all="ignore"):
        for _ in range(n):
            x, y = p
            p = p - lr * np.array([-2.0 * (1 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x)])
            iterates.append(p)
    iterates = np.array(iterates)
    bad = ~(np.abs(iterates) <= DIVERGENCE_LIMIT).all(axis=1)
    return iterates, int(np.argmax(bad)) if bad.any() else None


# --- divergence -----------------------------------------------------------------------------


def test_sgd_with_lr_one_diverges_on_rosenbrock_at_the_first_bad_step():
    iterates, first_bad = rosenbrock_sgd(1.0, (-1.2, 1.0), 20)
    assert first_bad is not None and first_bad > 0
    runs = [RunConfig("sgd", {"lr": 1.0}), RunConfig("sgd", {"lr": 1e-3})]
    sim, steps = run("rosenbrock", runs, 20)
    diverged, healthy = sim.outcomes
    assert diverged.status is RunStatus.DIVERGED
    assert diverged.diverged_at == first_bad == diverged.steps_taken
    assert f"step {first_bad}" in diverged.message and "1e+06" in diverged.message
    np.testing.assert_allclose(
        [s.params[0] for s in steps[: first_bad + 1]], iterates[: first_bad + 1], rtol=1e-9
    )
    assert all(status_at(s, 0) is RunStatus.RUNNING for s in steps[:first_bad])
    assert status_at(steps[first_bad], 0) is RunStatus.DIVERGED
    assert healthy.status is RunStatus.MAX_STEPS and healthy.diverged_at is None


def test_a_finished_row_stays_frozen_while_the_others_continue():
    runs = [RunConfig("sgd", {"lr": 1.0}), RunConfig("adam", {"lr": 1e-2})]
    sim, steps = run("rosenbrock", runs, 30)
    at = sim.outcomes[0].diverged_at
    assert at is not None and at < 29
    frozen = steps[at]
    for step in steps[at + 1 :]:
        np.testing.assert_array_equal(step.params[0], frozen.params[0])
        np.testing.assert_array_equal(step.loss[0], frozen.loss[0])
        np.testing.assert_array_equal(step.grad[0], frozen.grad[0])
        assert status_at(step, 0) is RunStatus.DIVERGED
        assert step.lr[0] == 0.0 and not step.clipped[0]
        assert status_at(step, 1) in (RunStatus.RUNNING, RunStatus.MAX_STEPS)
    moving = np.array([s.params[1] for s in steps[at:]])
    assert (np.abs(np.diff(moving, axis=0)).sum(axis=1) > 0).all()
    assert len(steps) == 31 and sim.outcomes[1].steps_taken == 30


def test_a_non_finite_loss_is_divergence_even_with_finite_params():
    # log(x) from x = 0.5 with lr 1 jumps to x = −1.5, where the loss is NaN.
    runs = [RunConfig("sgd", {"lr": 1.0}, (0.5,)), RunConfig("sgd", {"lr": 0.01}, (0.5,))]
    sim, steps = run({"expression": "log(x)"}, runs, 5)
    assert sim.outcomes[0].status is RunStatus.DIVERGED
    assert sim.outcomes[0].diverged_at == 1
    assert "loss" in sim.outcomes[0].message
    assert np.isnan(steps[1].loss[0]) and status_at(steps[1], 0) is RunStatus.DIVERGED
    assert sim.outcomes[1].status is RunStatus.MAX_STEPS


def test_a_parameter_exactly_at_the_limit_is_not_diverged():
    sim, _ = run("u-curve", [RunConfig("sgd", {"lr": 0.0}, (DIVERGENCE_LIMIT,))], 3)
    assert sim.outcomes[0].status is RunStatus.MAX_STEPS
    sim, _ = run("u-curve", [RunConfig("sgd", {"lr": 0.0}, (1.0000001 * DIVERGENCE_LIMIT,))], 3)
    assert sim.outcomes[0].status is RunStatus.DIVERGED and sim.outcomes[0].diverged_at == 0


def test_a_loss_that_overflows_is_reported_as_nan_not_inf():
    # x = 1e5 − 1e300·2e5 ≈ −2e305: x² overflows. Step.loss promises NaN where not finite.
    sim, steps = run("u-curve", [RunConfig("sgd", {"lr": 1e300}, (1e5,))], 3)
    assert sim.outcomes[0].status is RunStatus.DIVERGED and sim.outcomes[0].diverged_at == 1
    for step in steps:
        assert not np.isinf(step.loss).any(), f"step {step.index} loss {step.loss}"


# --- the batch health test and floating-point warnings ------------------------------------


def rows_are_healthy(loss, params, grads):
    """The row-by-row meaning of the batch test: finite losses and gradients, params in bounds."""
    return bool(
        np.isfinite(loss).all()
        and np.isfinite(grads).all()
        and (np.abs(params) <= DIVERGENCE_LIMIT).all()
    )


def batch(**changes):
    """Three healthy runs in 2-D, with the named cells replaced: {"grads": ((1, 0), nan)}."""
    arrays = {
        "loss": np.array([1.0, 2.0, 3.0]),
        "params": np.array([[0.5, -1.0], [2.0, 3.0], [-4.0, 0.0]]),
        "grads": np.array([[1.0, 0.0], [-2.0, 5.0], [0.0, 0.25]]),
    }
    for name, (cell, value) in changes.items():
        arrays[name][cell] = value
    return arrays["loss"], arrays["params"], arrays["grads"]


ABOVE_LIMIT = np.nextafter(DIVERGENCE_LIMIT, np.inf)

HEALTH_CASES = {
    "all finite": batch(),
    "NaN in one gradient": batch(grads=((1, 0), np.nan)),
    "inf in one gradient": batch(grads=((2, 1), -np.inf)),
    "inf loss": batch(loss=(0, np.inf)),
    "-inf loss": batch(loss=(2, -np.inf)),
    "NaN loss": batch(loss=(1, np.nan)),
    "a param just above the limit": batch(params=((0, 1), -ABOVE_LIMIT)),
    "a param exactly at the limit, the others 0": (
        np.ones(2),
        np.array([[0.0, -DIVERGENCE_LIMIT], [0.0, 0.0]]),
        np.ones((2, 2)),
    ),
    "NaN param": batch(params=((2, 0), np.nan)),
    "inf param": batch(params=((1, 1), np.inf)),
}


@pytest.mark.parametrize("case", HEALTH_CASES)
def test_the_batch_health_test_agrees_with_the_rows(case):
    loss, params, grads = HEALTH_CASES[case]
    with np.errstate(all="ignore"):  # as the loop runs it
        assert batch_is_healthy(loss, params, grads) == rows_are_healthy(loss, params, grads)


@pytest.mark.parametrize(
    "arrays",
    [
        batch(grads=((0, 0), 1e200)),  # its square overflows
        batch(loss=(1, -1e200)),
        (np.ones(2), np.full((2, 1), DIVERGENCE_LIMIT), np.ones((2, 1))),  # squares sum to 2e12
    ],
    ids=["huge gradient", "huge loss", "params at the limit"],
)
def test_a_sum_of_squares_past_the_bound_is_only_a_false_alarm(arrays):
    with np.errstate(all="ignore"):
        assert rows_are_healthy(*arrays) and not batch_is_healthy(*arrays)


def test_false_alarms_end_no_run():
    # Gradients and losses near 1e200 are finite, but their sums of squares overflow.
    runs = [RunConfig("sgd", {"lr": 0.0}, (x,)) for x in (1.0, -2.0)]
    sim, steps = run({"expression": "1e200*x*x"}, runs, 3)
    assert [o.status for o in sim.outcomes] == [RunStatus.MAX_STEPS] * 2
    assert np.isfinite(steps[-1].loss).all() and np.isfinite(steps[-1].grad).all()
    # Two params at the limit: the sum of squares passes 1e12, no single one passes 1e6.
    runs = [RunConfig("sgd", {"lr": 0.0}, (DIVERGENCE_LIMIT,))] * 2
    sim, _ = run("u-curve", runs, 3)
    assert [o.status for o in sim.outcomes] == [RunStatus.MAX_STEPS] * 2


@pytest.mark.parametrize("caller", ["warn", "raise"])
@pytest.mark.parametrize("in_context", [True, False], ids=["context", "errstate per step"])
def test_numpy_warnings_stay_inside_the_loop(monkeypatch, caller, in_context):
    """An overflowing run neither warns nor raises at the caller, whose own error state holds
    between steps (both ways of quieting the steps: NumPy 2's context and older NumPy's)."""
    if in_context and not loop._ERRSTATE_IN_CONTEXT:
        pytest.skip("this NumPy keeps its error state per thread")
    monkeypatch.setattr(loop, "_ERRSTATE_IN_CONTEXT", in_context)
    runs = [RunConfig("sgd", {"lr": 1e300}, (1e5,)), RunConfig("sgd", {"lr": 1.0}, (0.5,))]
    with warnings.catch_warnings(), np.errstate(all=caller):
        warnings.simplefilter("error")
        expected = np.geterr()
        sim = Simulation(problem({"expression": "log(x) + x*x"}, runs, 5))
        for _ in sim:
            assert np.geterr() == expected
        assert np.geterr() == expected
    assert [o.status for o in sim.outcomes] == [RunStatus.DIVERGED] * 2


# --- cancel and deadline --------------------------------------------------------------------


def counter_stop(after):
    """A should_stop that turns True on call after + 1."""
    calls = {"n": 0}

    def should_stop():
        calls["n"] += 1
        return calls["n"] > after

    return should_stop


def test_cancel_stops_the_running_runs_and_keeps_finished_ones():
    runs = [
        RunConfig("sgd", {"lr": 0.4}),  # converges within a few steps
        RunConfig("sgd", {"lr": 1e-3}),  # would run all 500
        RunConfig("adam", {"lr": 1e-3}),
    ]
    sim = Simulation(
        problem("u-curve", runs, 500, stop=StopRules(1e-3)), should_stop=counter_stop(25)
    )
    steps = list(sim)
    assert len(steps) == 25  # steps 0..24 were yielded, then the 26th check said stop
    first, *rest = sim.outcomes
    assert first.status is RunStatus.CONVERGED and first.steps_taken < 25
    for outcome in rest:
        assert outcome.status is RunStatus.STOPPED
        assert outcome.steps_taken == 25
        assert "cancel" in outcome.message
        assert outcome.diverged_at is None and outcome.converged_by is None


def test_a_deadline_in_the_past_stops_every_run_at_step_zero():
    runs = [RunConfig("sgd", {"lr": 0.1}), RunConfig("adam", {"lr": 0.1})]
    sim = Simulation(problem("u-curve", runs, 100), deadline=time.monotonic() - 1.0)
    steps = list(sim)
    assert len(steps) <= 1
    for outcome in sim.outcomes:
        assert outcome.status is RunStatus.STOPPED
        assert outcome.steps_taken == 0
        assert "time limit" in outcome.message


def test_a_deadline_reached_mid_run_stops_it():
    runs = [RunConfig("sgd", {"lr": 1e-4})]
    sim = Simulation(problem("rosenbrock", runs, 10**7), deadline=time.monotonic() + 0.05)
    count = sum(1 for _ in sim)
    assert 0 < count < 10**7
    assert sim.outcomes[0].status is RunStatus.STOPPED
    assert sim.outcomes[0].steps_taken == count


def test_a_future_deadline_and_a_false_cancel_change_nothing():
    runs = [RunConfig("adam", {"lr": 1e-2})]
    plain, plain_steps = run("rosenbrock", runs, 40)
    sim = Simulation(
        problem("rosenbrock", runs, 40),
        should_stop=lambda: False,
        deadline=time.monotonic() + 3600.0,
    )
    steps = list(sim)
    np.testing.assert_array_equal(steps[-1].params, plain_steps[-1].params)
    assert sim.outcomes == plain.outcomes


# --- every run ends in one of the four final statuses ---------------------------------------

CASES = [
    ("rosenbrock", [RunConfig("sgd", {"lr": lr}) for lr in (1e-4, 1e-3, 1e-2, 1.0)], {}),
    ("u-curve", [RunConfig("sgd", {"lr": lr}) for lr in (0.1, 0.5, 1.0, 1.5)], {"stop": (1e-3,)}),
    ({"expression": "log(x) + x*x"}, [RunConfig("adam", {"lr": 1.0}, (0.3,))], {}),
    ({"expression": "sqrt(x)"}, [RunConfig("sgd", {"lr": 1.0}, (0.2,))], {}),
    ("himmelblau", [RunConfig("newton", {}), RunConfig("lion", {"lr": 0.5})], {}),
    ("saddle", [RunConfig("sgd", {"lr": 0.3}), RunConfig("adam", {"lr": 0.3})], {}),
    ("plateau", [RunConfig("adagrad", {"lr": 1.0}), RunConfig("adadelta", {})], {}),
    ({"id": "black-box", "batch_size": 2}, [RunConfig("sgd", {"lr": 2.0})] * 3, {}),
]


@pytest.mark.parametrize(("spec", "runs", "options"), CASES)
def test_every_run_ends_in_a_final_status(spec, runs, options):
    if "stop" in options:
        options = {"stop": StopRules(*options["stop"])}
    sim, steps = run(spec, runs, 60, **options)
    last = steps[-1]
    for i, outcome in enumerate(sim.outcomes):
        assert outcome.status in FINAL
        assert status_at(last, i) is outcome.status
        assert 0 <= outcome.steps_taken <= 60
        assert outcome.message
        assert (outcome.diverged_at is not None) == (outcome.status is RunStatus.DIVERGED)
        assert (outcome.converged_by is not None) == (outcome.status is RunStatus.CONVERGED)
        # a run that did not diverge has finite numbers at its last step
        if outcome.status is not RunStatus.DIVERGED:
            assert np.isfinite(last.params[i]).all() and np.isfinite(last.loss[i])


def test_the_status_array_uses_the_public_enum_in_order():
    assert STATUSES[0] is RunStatus.RUNNING
    assert {s.value for s in STATUSES} == {
        "running",
        "converged",
        "max_steps",
        "diverged",
        "stopped",
    }
