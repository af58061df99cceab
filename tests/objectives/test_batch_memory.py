"""The memory estimate a batch of runs is refused by: never below what a batch really holds
while it steps (measured), and not so far above that it refuses what fits."""

from __future__ import annotations

import tracemalloc

import pytest

from app.errors import FieldError
from app.objectives import check_batch_memory, make_objective, run_bytes
from app.runs import RunConfig, RunProblem
from app.tuning.search import run_to_end

RUNS = 3


def measured_bytes_per_run(objective, optimizer: str) -> float:
    runs = tuple(RunConfig(optimizer, {"lr": 0.01}) for _ in range(RUNS))
    tracemalloc.start(1)
    try:
        run_to_end(RunProblem(objective=objective, runs=runs, steps=2))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / RUNS


@pytest.mark.parametrize(
    ("spec", "optimizer"),
    [
        ({"dataset": {"name": "spiral", "n": 2000}, "hidden": [32, 32]}, "adam"),
        ({"dataset": {"name": "clusters", "n": 800, "classes": 6}, "hidden": [16] * 4}, "sgd"),
        ({"dataset": {"name": "xor"}, "hidden": [8, 8]}, "adam"),
    ],
)
def test_the_estimate_covers_what_a_network_batch_holds(spec, optimizer):
    objective = make_objective({"id": "mlp", **spec})
    measured = measured_bytes_per_run(objective, optimizer)
    assert measured <= run_bytes(objective) <= 1.5 * measured, (measured, run_bytes(objective))


def test_a_batch_over_the_cap_is_refused_naming_the_field_and_what_fits():
    objective = make_objective({"id": "mlp", "dataset": {"name": "spiral", "n": 2000}})
    per_run = run_bytes(objective)
    check_batch_memory(objective, 10, 10 * per_run, "runs")  # exactly at the cap: admitted
    with pytest.raises(FieldError) as refused:
        check_batch_memory(objective, 11, 10 * per_run, "over.lr.num")
    assert refused.value.field == "over.lr.num"
    assert "10 fit" in refused.value.reason and "batch_size" in refused.value.reason


def test_mini_batches_make_a_run_smaller():
    whole = make_objective({"id": "mlp", "dataset": {"name": "spiral", "n": 2000}})
    batched = make_objective(
        {"id": "mlp", "dataset": {"name": "spiral", "n": 2000}, "batch_size": 32}
    )
    assert run_bytes(batched) < run_bytes(whole) / 10
