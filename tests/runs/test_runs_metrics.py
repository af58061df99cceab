"""Metrics at every kept step, and parameters kept more sparsely than the losses.

A network reports its test loss and accuracy beside the loss; a race of networks with many
weights keeps its parameters (and gradients and optimizer buffers) only every k-th step, or at
the last step only, while the losses and metrics stay per step.
"""

from __future__ import annotations

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
    marked_steps,
)

NETWORK = make_objective({"id": "mlp", "dataset": {"name": "xor", "n": 40}, "hidden": [4]})
RACE = (
    RunConfig("adam", {"lr": 0.05}),
    RunConfig("sgd", {"lr": 0.5, "momentum": 0.9}),
    RunConfig("rmsprop", {"lr": 0.01}),
)


def race(steps: int = 30, **options) -> RunProblem:
    return RunProblem(NETWORK, RACE, steps, **options)


def test_each_step_carries_the_objectives_metrics_at_its_params() -> None:
    steps = list(Simulation(race()))
    assert len(steps) == 31
    for step in steps[::7]:
        assert set(step.metrics) == set(NETWORK.metric_names)
        expected = NETWORK.metrics(step.params)
        for name, values in step.metrics.items():
            np.testing.assert_array_equal(values, expected[name])
    assert steps[-1].metrics["train_accuracy"][0] > steps[0].metrics["train_accuracy"][0]


def test_objectives_without_metrics_give_none() -> None:
    problem = RunProblem(make_objective({"id": "rosenbrock"}), RACE[:1], 3)
    assert all(dict(step.metrics) == {} for step in Simulation(problem))
    trace = Simulation(problem).run()
    assert trace.metrics == {}


def test_the_trace_keeps_metrics_per_kept_row() -> None:
    steps = list(Simulation(race(), record=RecordRule(4)))
    trace = Simulation(race(), record=RecordRule(4)).run()
    assert trace.count == len(steps)
    for name in NETWORK.metric_names:
        np.testing.assert_array_equal(
            trace.metrics[name][: trace.count], [s.metrics[name] for s in steps]
        )


@pytest.mark.parametrize("params_every", [5, 7, None])
def test_parameters_kept_every_kth_step_and_at_the_last_while_losses_keep_every_step(
    params_every,
) -> None:
    rule = RecordRule(1, params_every)
    steps = {s.index: s for s in Simulation(race(33))}
    trace = Simulation(race(33), record=rule).run()
    assert trace.count == 34
    np.testing.assert_array_equal(trace.loss[: trace.count], [s.loss for s in steps.values()])
    kept = trace.params_index[: trace.params_count].tolist()
    wanted = [] if params_every is None else list(range(0, 34, params_every))
    assert kept == sorted(set(wanted) | {33})
    assert trace.params_count <= rule.params_capacity(33, len(RACE)) < trace.count
    for row, index in enumerate(kept):
        np.testing.assert_array_equal(trace.params[row], steps[index].params)
        np.testing.assert_array_equal(trace.grad[row], steps[index].grad)
        for group, buffers in enumerate(trace.states):
            for name, kept_buffer in buffers.items():
                np.testing.assert_array_equal(kept_buffer[row], steps[index].states[group][name])


def test_the_default_rule_keeps_parameters_at_every_kept_row() -> None:
    trace = Simulation(race(), record=EVERY_STEP).run()
    assert trace.params_index is trace.index and trace.params_count == trace.count
    assert RecordRule(3).params_capacity(30, 3) == RecordRule(3).capacity(30, 3)
    assert RecordRule(1, None).params_capacity(30, 3) == 1
    assert RecordRule(1, 10).params_capacity(30, 3) == 5
    assert FINAL_STEP.params_capacity(30, 3) == 1


def test_a_run_that_ended_early_finds_its_ending_in_the_last_row() -> None:
    runs = (RunConfig("adam", {"lr": 0.05}), RunConfig("sgd", {"lr": 1e-4}))
    problem = RunProblem(NETWORK, runs, 60, stop=StopRules(loss_below=0.5))
    simulation = Simulation(problem, record=RecordRule(1, 25))
    trace = simulation.run()
    early = simulation.outcomes[0]
    assert early.status == "converged" and early.steps_taken < 60
    rows = trace.params_rows_until(early.steps_taken)
    index = trace.params_index[rows].tolist()
    assert index[:-1] == [k for k in (0, 25, 50) if k <= early.steps_taken]
    assert index[-1] == 60  # its frozen row: the run's parameters when it ended
    ending = next(s for s in Simulation(problem) if s.index == early.steps_taken)
    np.testing.assert_array_equal(trace.params[rows[-1], 0], ending.params[0])
    np.testing.assert_array_equal(trace.params_rows_until(60), [0, 1, 2, 3])


def test_marked_steps_flag_the_multiples_and_the_last() -> None:
    rule = RecordRule(1, 4)
    marks = [(s.index, keep) for s, keep in marked_steps(Simulation(race(9)), rule)]
    assert marks == [(k, k % 4 == 0 or k == 9) for k in range(10)]
    assert list(marked_steps([], rule)) == []
    assert rule.keeps_params(8) and not rule.keeps_params(9)
    assert RecordRule(1, None).keeps_params(0) is False and EVERY_STEP.keeps_params(3)
