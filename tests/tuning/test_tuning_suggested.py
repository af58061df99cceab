"""Suggested learning rates: one rule for every optimizer, a committed table kept current, a
cache for the rest, and rates that work where a learner first looks (Rosenbrock's valley)."""

from __future__ import annotations

import json

import pytest

import app.tuning.blocks as blocks
import app.tuning.suggested as suggested
from app.objectives import list_objectives, make_objective
from app.optim import OPTIMIZERS
from app.runs import RunConfig, RunProblem, Simulation
from app.tuning import SUGGESTION_RATES, SUGGESTION_STEPS, cached_suggestions, suggest
from app.tuning.suggested import TABLE_PATH, build_table, tabled_objectives


@pytest.mark.slow
def test_committed_table_is_current():
    # Regenerate with `python -m scripts.make_suggested_lr` when this fails.
    committed = json.loads(TABLE_PATH.read_text())
    assert committed == json.loads(json.dumps(build_table(tabled_objectives())))


def test_table_covers_every_objective_and_optimizer_with_tried_rates():
    tabled = tabled_objectives()
    assert len(tabled) == len(list_objectives()) + 3  # with MAE, Huber and the absolute error
    for objective in tabled:
        lrs = cached_suggestions(objective)
        assert lrs is not None, objective.id
        assert set(lrs) == set(OPTIMIZERS)
        assert set(lrs.values()) <= set(SUGGESTION_RATES)  # the served rate is one that ran
    assert all(float(f"{r:.2g}") == r for r in SUGGESTION_RATES)


def test_rosenbrock_suggestions_reach_the_valley_without_diverging():
    objective = make_objective({"id": "rosenbrock"})
    lrs = suggest(objective)
    runs = (
        RunConfig("sgd", {"lr": lrs["sgd"]}),
        RunConfig("sgd", {"lr": lrs["sgd"], "momentum": 0.9}),
        RunConfig("adam", {"lr": lrs["adam"]}),
    )
    simulation = Simulation(RunProblem(objective=objective, runs=runs, steps=SUGGESTION_STEPS))
    final = list(simulation)[-1]
    for r in range(len(runs)):
        x, y = final.params[r]
        assert simulation.outcomes[r].status.value == "max_steps", runs[r]
        assert abs(y - x * x) < 0.05, (runs[r], final.params[r])  # on the valley floor y = x²
        assert final.loss[r] < 0.5, (runs[r], final.loss[r])  # from 24.2 at the start
        assert x > 0.5, (runs[r], final.params[r])  # round the bend, heading for (1, 1)


def test_options_and_custom_formulas_are_computed_once_then_cached(monkeypatch):
    calls = []
    real = blocks.run_to_end

    def counting(problem, **kwargs):
        calls.append(problem.objective.id)
        return real(problem, **kwargs)

    monkeypatch.setattr(blocks, "run_to_end", counting)
    monkeypatch.setattr(suggested, "_cache", type(suggested._cache)())
    for spec in ({"id": "linear-regression", "delta": 2.0}, {"expression": "x^2 + 3*y^2"}):
        objective = make_objective(spec)
        assert cached_suggestions(objective) is None
        first = suggest(objective)
        assert suggest(make_objective(spec)) == first
        assert cached_suggestions(objective) == first
    assert calls == ["linear-regression", "custom"]
    suggest(make_objective({"id": "rosenbrock"}))  # from the table: nothing runs
    assert len(calls) == 2


def test_a_stopped_computation_is_not_cached(monkeypatch):
    monkeypatch.setattr(suggested, "_cache", type(suggested._cache)())
    objective = make_objective({"expression": "x^2 + 5*y^2"})
    picks = suggest(objective, should_stop=lambda: True)
    assert set(picks) == set(OPTIMIZERS)
    assert cached_suggestions(objective) is None


def test_suggestions_depend_on_the_objective():
    steep = suggest(make_objective({"expression": "100*x^2 + 100*y^2"}))
    gentle = suggest(make_objective({"expression": "x^2 + y^2"}))
    # Plain SGD must stay below 2/λmax: 0.01 on the steep bowl, 1 on the gentle one.
    assert steep["sgd"] < 0.01 <= gentle["sgd"] < 1.0
