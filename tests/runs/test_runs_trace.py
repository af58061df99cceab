"""The trace: a simulation records the steps its rule keeps into arrays allocated once, and they
hold exactly what the handed-out Steps hold."""

from __future__ import annotations

import time

import numpy as np
import pytest

from app.objectives import make_objective
from app.runs import (
    EVERY_STEP,
    FINAL_STEP,
    RecordRule,
    RunConfig,
    RunProblem,
    Simulation,
    StopRules,
)

MIXED = (
    RunConfig("sgd", {"lr": 1e-3}),
    RunConfig("adam", {"lr": 1e-2}, (0.5, -0.5)),
    RunConfig("sgd", {"lr": 5e-4, "momentum": 0.9}),
    RunConfig("rmsprop", {"lr": 1e-3}),
    RunConfig("sgd", {"lr": 1.0}),  # diverges after a few steps
    RunConfig("newton", {"lr": 0.5, "damping": 1.0}),
)


def problem(spec, runs, steps, **options):
    objective = make_objective(spec if isinstance(spec, dict) else {"id": spec})
    return RunProblem(objective, tuple(runs), steps, **options)


def assert_trace_holds_the_steps(simulation_problem, record):
    steps = list(Simulation(simulation_problem, record=record))
    simulation = Simulation(simulation_problem, record=record)
    trace = simulation.run()
    n = trace.count
    assert (
        n == len(steps) <= record.capacity(simulation_problem.steps, len(simulation_problem.runs))
    )
    np.testing.assert_array_equal(trace.index[:n], [s.index for s in steps])
    np.testing.assert_array_equal(trace.params[:n], [s.params for s in steps])
    np.testing.assert_array_equal(trace.loss[:n], [s.loss for s in steps])
    np.testing.assert_array_equal(trace.grad[:n], [s.grad for s in steps])
    for group, kept in enumerate(trace.states):
        for name, buffers in kept.items():
            np.testing.assert_array_equal(buffers[:n], [s.states[group][name] for s in steps])
    for run in range(len(simulation_problem.runs)):
        for row, step in enumerate(steps):
            state = step.state_of(run)
            group, j = simulation.layout.places[run]
            assert set(state) == set(trace.states[group])
            for name, value in state.items():
                np.testing.assert_array_equal(trace.states[group][name][row, j], value)
    return simulation, trace, steps


@pytest.mark.parametrize(
    "record", [EVERY_STEP, RecordRule(7), RecordRule(1000), FINAL_STEP], ids=str
)
def test_the_trace_holds_what_the_steps_hold(record):
    simulation, _, steps = assert_trace_holds_the_steps(problem("rosenbrock", MIXED, 60), record)
    assert simulation.outcomes[4].status == "diverged"
    if record is FINAL_STEP:
        assert [s.index for s in steps] == [60]


def test_every_kth_step_keeps_each_ending_and_stays_within_its_capacity():
    # Ten runs ending at ten different steps, none a multiple of 7.
    runs = [RunConfig("sgd", {"lr": lr}) for lr in np.linspace(0.02, 0.2, 10)]
    rule = RecordRule(7)
    prob = problem("u-curve", runs, 400, stop=StopRules(loss_below=1e-3))
    simulation, trace, _ = assert_trace_holds_the_steps(prob, rule)
    endings = {o.steps_taken for o in simulation.outcomes}
    assert len(endings) == 10
    kept = set(trace.index[: trace.count].tolist())
    assert kept == {k for k in range(max(endings) + 1) if k % 7 == 0} | endings
    assert trace.count <= rule.capacity(400, 10) < 400


def test_each_run_is_cut_at_its_own_ending():
    simulation = Simulation(problem("rosenbrock", MIXED, 60), record=RecordRule(5))
    trace = simulation.run()
    diverged = simulation.outcomes[4]
    rows = trace.rows_until(diverged.steps_taken)
    assert trace.index[rows][-1] == diverged.steps_taken < 60
    assert trace.index[trace.rows_until(60)][-1] == 60
    final = Simulation(problem("rosenbrock", MIXED, 60), record=FINAL_STEP)
    trace = final.run()
    # Only step 60 was kept: the diverged run's frozen row there is its ending.
    assert trace.index[trace.rows_until(diverged.steps_taken)].tolist() == [60]


def test_a_run_stopped_before_its_first_step_keeps_no_row():
    prob = problem("u-curve", [RunConfig("adam", {"lr": 0.1})], 10)
    simulation = Simulation(prob, deadline=time.monotonic() - 1.0)
    trace = simulation.run()
    assert trace.count == 0 and trace.rows_until(0) == slice(0, 0)
    assert simulation.outcomes[0].status == "stopped"
    np.testing.assert_array_equal(trace.initial_states[0]["exp_avg"], [[0.0]])


def test_record_rule_capacity():
    assert EVERY_STEP.capacity(100, 8) == 101
    assert FINAL_STEP.capacity(100, 8) == 1
    assert RecordRule(10).capacity(100, 8) == 11 + 8 + 1
    assert RecordRule(3).capacity(10, 64) == 11


def test_a_simulation_runs_once():
    simulation = Simulation(problem("u-curve", [RunConfig("sgd", {"lr": 0.1})], 3))
    assert simulation.run().count == 4
    with pytest.raises(RuntimeError, match="runs once"):
        list(simulation)
